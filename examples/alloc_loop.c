/* SPDX-License-Identifier: MIT */
/*
 * A known workload for tracing recipes: allocate and free COUNT blocks of
 * each order from 0 to MAX_ORDER_ARG. Usage: alloc_loop [COUNT [MAX_ORDER_ARG]]
 * (default 1000 of orders 0..3). scripts/trace_recipes.sh counts its
 * allocations with perf and bpftrace.
 */
#include <stdio.h>
#include <stdlib.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 1000;
	unsigned int max_order = argc > 2 ? (unsigned int)atoi(argv[2]) : 3;

	for (unsigned int order = 0; order <= max_order; order++)
		for (long i = 0; i < count; i++) {
			struct page *page = alloc_pages(GFP_KERNEL, order);
			if (!page)
				return 1;
			__free_pages(page, order);
		}
	printf("alloc_loop: %ld blocks of each order 0..%u\n", count, max_order);
	buddy_exit();
	return 0;
}
