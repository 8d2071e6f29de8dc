/* SPDX-License-Identifier: MIT */
/*
 * Views taken while other threads allocate and free: every view must stay
 * readable (no deadlock with the CPU and zone locks, no data race under
 * TSan), and the allocator must be consistent afterwards. Short by design.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <cmocka.h>

#include "internal.h"

#define WORKERS 2
#define ROUNDS 3000

static atomic_int stop;

static void discard(void *opaque, const char *text)
{
	(void)opaque;
	(void)text;
}

static void *worker(void *arg)
{
	struct page *held[16] = { 0 };
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	for (int i = 0; i < ROUNDS && !atomic_load(&stop); i++) {
		int slot = (int)(rand_r(&seed) % 16);
		unsigned int order = (unsigned int)slot % 5;
		if (held[slot]) {
			__free_pages(held[slot], order);
			held[slot] = NULL;
		} else {
			held[slot] = alloc_pages((slot & 1 ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE) | __GFP_NOWARN, order);
		}
	}
	for (int s = 0; s < 16; s++)
		if (held[s])
			__free_pages(held[s], (unsigned int)s % 5);
	return NULL;
}

static void test_views_while_allocating(void **state)
{
	static const char *const views[] = { "buddyinfo", "pagetypeinfo", "zoneinfo",
					     "vmstat", "extfrag_index", "unusable_index" };
	struct buddy_config cfg = { .conf = "arena_size:64M,dma_limit:4M,dma32_limit:20M,numa_fake:2" };
	pthread_t t[WORKERS];
	(void)state;

	assert_int_equal(buddy_init(&cfg), 0);
	for (long i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
	for (int r = 0; r < 20; r++)
		for (size_t v = 0; v < ARRAY_SIZE(views); v++)
			assert_int_equal(buddy_dump_to(discard, NULL, views[v]), 0);
	atomic_store(&stop, 1);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	assert_int_equal(sum_vm_event(PGFREE), sum_vm_event(PGALLOC_DMA) + sum_vm_event(PGALLOC_DMA32) +
						       sum_vm_event(PGALLOC_NORMAL));
	buddy_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views_while_allocating),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
