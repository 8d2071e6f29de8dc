/* SPDX-License-Identifier: MIT */
/*
 * A known workload for tracing recipes: allocate and free COUNT blocks of
 * each order from 0 to MAX_ORDER_ARG, then hold one block of each order for
 * LINGER_MS before exiting. Usage: alloc_loop [COUNT [MAX_ORDER_ARG
 * [LINGER_MS]]] (default 1000 of orders 0..3, no lingering).
 * scripts/trace_recipes.sh counts its allocations with perf and bpftrace;
 * scripts/check_stats_dir.sh reads its stats_dir while it lingers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 1000;
	unsigned int max_order = argc > 2 ? (unsigned int)atoi(argv[2]) : 3;
	long linger_ms = argc > 3 ? atol(argv[3]) : 0;
	struct page *held[MAX_ORDER];

	for (unsigned int order = 0; order <= max_order; order++)
		for (long i = 0; i < count; i++) {
			struct page *page = alloc_pages(GFP_KERNEL, order);
			if (!page)
				return 1;
			__free_pages(page, order);
		}
	printf("alloc_loop: %ld blocks of each order 0..%u\n", count, max_order);
	if (linger_ms > 0) {
		struct timespec ts = {linger_ms / 1000, (linger_ms % 1000) * 1000000L};
		for (unsigned int order = 0; order <= max_order && order < MAX_ORDER; order++)
			held[order] = alloc_pages(GFP_KERNEL, order);
		fflush(stdout);
		nanosleep(&ts, NULL);
		for (unsigned int order = 0; order <= max_order && order < MAX_ORDER; order++)
			if (held[order])
				__free_pages(held[order], order);
	}
	buddy_exit();
	return 0;
}
