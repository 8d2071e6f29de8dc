/* SPDX-License-Identifier: MIT */
/*
 * Changing the watermark tunables while other threads allocate and free:
 * the setters recompute every zone and its pcp limits under the allocators'
 * feet. Run under TSan to catch unsynchronised accesses; at the end every
 * page is back and the marks are the ones the last settings give.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "buddy_test.h"	/* the accessors over the internals (tests/unit/test_util.c) */

#define NR_WORKERS 2
#define ITERATIONS 20000
#define RING 64

static atomic_int stop;

static void *worker(void *arg)
{
	struct page *ring[RING] = { 0 };
	unsigned int orders[RING] = { 0 };
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	for (int i = 0; i < ITERATIONS && !atomic_load(&stop); i++) {
		int slot = i % RING;
		if (ring[slot])
			__free_pages(ring[slot], orders[slot]);
		seed = seed * 1103515245u + 12345u;
		unsigned int order = (seed >> 16) % 4;
		gfp_t gfp = (seed >> 20) & 1 ? GFP_KERNEL : GFP_ATOMIC;
		ring[slot] = alloc_pages(gfp | __GFP_NOWARN, order);
		orders[slot] = order;
	}
	for (int s = 0; s < RING; s++)
		if (ring[s])
			__free_pages(ring[s], orders[s]);
	return NULL;
}

static void test_tunables_while_allocating(void **state)
{
	(void)state;
	struct buddy_config cfg = { .conf = "arena_size:64M,dma_limit:4M,dma32_limit:20M" };
	const int ratios[2][MAX_NR_ZONES] = { { 256, 256, 32, 0, 0 }, { 32, 64, 8, 0, 0 } };
	pthread_t threads[NR_WORKERS];
	long before[MAX_NR_ZONES];

	assert_int_equal(buddy_init(&cfg), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		before[z] = buddy_zone_free_pages(0, (enum zone_type)z);
	atomic_store(&stop, 0);
	for (int t = 0; t < NR_WORKERS; t++)
		assert_int_equal(pthread_create(&threads[t], NULL, worker, (void *)(uintptr_t)(t + 1)), 0);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(buddy_set_watermark_scale_factor(1 + (i * 37) % 3000), 0);
		assert_int_equal(buddy_set_min_free_kbytes(i % 3 ? 256 * (i % 7) : 0), 0);
		assert_int_equal(buddy_set_lowmem_reserve_ratio(ratios[i % 2]), 0);
	}
	atomic_store(&stop, 1);
	for (int t = 0; t < NR_WORKERS; t++)
		pthread_join(threads[t], NULL);

	/* Back to the defaults: the start-up marks of a 64M/4M/16M arena (see test_watermark.c). */
	assert_int_equal(buddy_set_watermark_scale_factor(10), 0);
	assert_int_equal(buddy_set_min_free_kbytes(0), 0);
	assert_int_equal(buddy_set_lowmem_reserve_ratio(ratios[0]), 0);
	assert_int_equal(wmark_pages(zone_of(0, ZONE_NORMAL), WMARK_MIN), 176);
	assert_int_equal(wmark_pages(zone_of(0, ZONE_NORMAL), WMARK_LOW), 220);
	assert_int_equal(test_zone_lowmem_reserve(zone_of(0, ZONE_DMA), ZONE_NORMAL), 60);
	buddy_drain_all_pages();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(buddy_zone_free_pages(0, (enum zone_type)z), before[z]);
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunables_while_allocating),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
