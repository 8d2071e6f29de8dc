/* SPDX-License-Identifier: MIT */
/*
 * What fault injection costs an order-0 alloc_pages + __free_pages pair:
 * nanoseconds per pair with fail_page_alloc off, then armed (probability
 * 100 but ignore-gfp-wait on, so GFP_KERNEL requests are never failed and
 * only the cost of the check and of the blocked fast path is left).
 * build/tests/fault_cost [pairs]; docs/reliability.md quotes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double ns_per_pair(long pairs)
{
	double t0 = now_ns();

	for (long i = 0; i < pairs; i++) {
		struct page *page = alloc_pages(GFP_KERNEL, 0);
		if (!page)
			abort();
		__free_pages(page, 0);
	}
	return (now_ns() - t0) / (double)pairs;
}

static double best_of(int runs, long pairs)
{
	double best = 1e30;

	for (int r = 0; r < runs; r++) {
		double v = ns_per_pair(pairs);
		if (v < best)
			best = v;
	}
	return best;
}

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 2000000;
	struct buddy_config cfg = {.conf = "arena_size:64M,dma_limit:0,dma32_limit:0,kswapd:off,fail_page_alloc_verbose:0"};
	int v;

	if (buddy_init(&cfg))
		return 1;
	ns_per_pair(pairs / 10);
	double off = best_of(5, pairs);
	v = -1;
	buddy_ctl("fail_page_alloc.times", NULL, NULL, &v, sizeof(v));
	v = 100;
	buddy_ctl("fail_page_alloc.probability", NULL, NULL, &v, sizeof(v));
	double armed = best_of(5, pairs);
	printf("order-0 pair: %.1f ns with fail_page_alloc off, %.1f ns armed (x%.2f)\n", off, armed, armed / off);
	buddy_exit();
	return 0;
}
