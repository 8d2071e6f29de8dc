/* SPDX-License-Identifier: MIT */
/*
 * What the debug modes cost (docs/debug-pagealloc.md): ns per alloc_pages +
 * __free_pages pair of orders 0 and 3, same page each time, under the
 * configuration in BUDDY_CONF (debug_pagealloc:on, page_poison:on, ...).
 *
 *   cc -O2 -Iinclude -Ibuild/include bench/debug_cost.c build/libbuddy.a -lpthread -lnuma -o /tmp/debug_cost
 *   BUDDY_CONF=debug_pagealloc:on /tmp/debug_cost
 *   BUDDY_CONF=debug_pagealloc:on strace -c -e trace=mprotect /tmp/debug_cost 1000
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

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	const char *conf = getenv("BUDDY_CONF");

	if (buddy_init(NULL)) /* reads BUDDY_CONF */
		return 1;
	for (unsigned int order = 0; order <= 3; order += 3) {
		for (long i = 0; i < 1000; i++) /* warm up: the pcp list and the page's mapping */
			__free_pages(alloc_pages(GFP_KERNEL, order), order);
		double t0 = now_ns();
		for (long i = 0; i < iters; i++) {
			struct page *page = alloc_pages(GFP_KERNEL, order);
			*(volatile char *)page_address(page) = 1;
			__free_pages(page, order);
		}
		printf("%-45s order %u: %8.1f ns per alloc+free pair\n", conf ? conf : "(defaults)", order,
		       (now_ns() - t0) / (double)iters);
	}
	buddy_exit();
	return 0;
}
