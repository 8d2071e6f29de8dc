/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU page lists: refill and drain boundaries, hot and cold ends, drains,
 * sizing formulas and the "drain before failing" rule. The test thread is
 * pinned to one CPU so that "this CPU's list" is well defined.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

static struct per_cpu_pages *pcp_of(int cpu)
{
	return test_pcp(normal_zone(), cpu);
}

static int list_len(struct list_head *h)
{
	int n = 0;
	for (struct list_head *l = h->next; l != h; l = l->next)
		n++;
	return n;
}

/* Most tests run pinned to CPU 0 on a 64 MiB Normal zone; this is CPU 0's lists there. */
static struct per_cpu_pages *start_on_cpu0(void)
{
	assert_int_equal(pin_to_cpu(0), 0);
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	return pcp_of(0);
}

/* The end of a pinned test: buddy_check, every page back, teardown, the thread unpinned. */
static void finish_pinned(void)
{
	test_check_and_exit();
	unpin();
}

/* n order-0 pages taken from the buddy lists, with every pcp list then emptied. */
static struct page **alloc_pages_then_drain(int n)
{
	struct page **pages = calloc((size_t)n, sizeof(*pages));

	assert_non_null(pages);
	for (int i = 0; i < n; i++)
		assert_non_null(pages[i] = alloc_pages(GFP_KERNEL, 0));
	buddy_drain_all_pages();
	return pages;
}

/* 6.1 zone_batchsize and zone_highsize, recomputed independently. */
static void test_batch_and_high_follow_the_formulas(void **state)
{
	(void)state;
	test_init("arena_size:1G,dma_limit:0,dma32_limit:0");
	struct zone *zone = normal_zone();
	unsigned long managed = test_zone_managed(zone);	/* 262144 */
	/* batch: min(262144 >> 10, 256) / 4 = 64; rounddown_pow_of_two(64 + 32) - 1 = 63 */
	assert_int_equal(managed, 262144);
	assert_int_equal(pcp_of(0)->batch, 63);
	/* high: low watermark / CPUs of the node, at least 4 * batch, at least 3 pageblocks here */
	long expect = (long)(test_zone_watermark(zone, WMARK_LOW) / (unsigned long)test_nr_cpus());
	if (expect < 4 * 63)
		expect = 4 * 63;
	if (expect < 3 * 512)
		expect = 3 * 512;
	assert_int_equal(pcp_of(0)->high, expect);
	test_check_and_exit();

	/* percpu_pagelist_high_fraction: high = managed / fraction (>= 4 * batch) */
	test_init("arena_size:1G,dma_limit:0,dma32_limit:0,percpu_pagelist_high_fraction:64");
	/* high: 262144 / 64 = 4096 pages, split over the node's CPUs, at least 4 * batch */
	assert_int_equal(pcp_of(0)->high, 4096 / test_nr_cpus());
	test_check_and_exit();

	/* 2048 pages: (2048 >> 10) / 4 = 0 -> 1 -> rounddown_pow_of_two(1) - 1 = 0 -> max(1, 0) = 1 */
	test_init("arena_size:8M,dma_limit:0,dma32_limit:0");
	assert_int_equal(pcp_of(0)->batch, 1);
	assert_true(pcp_of(0)->high >= 4);
	test_check_and_exit();
}

static void test_refill_takes_one_batch_in_one_go(void **state)
{
	(void)state;
	assert_int_equal(pin_to_cpu(0), 0);
	test_init("arena_size:1G,dma_limit:0,dma32_limit:0");
	struct per_cpu_pages *pcp = pcp_of(0);
	long free_before = zone_free(ZONE_NORMAL);

	struct page *page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	/* One refill of batch pages left the buddy lists; one of them was handed out. */
	assert_int_equal(free_before - zone_free(ZONE_NORMAL), pcp->batch);
	assert_int_equal(pcp->count, pcp->batch - 1);
	assert_int_equal(list_len(&pcp->lists[order_to_pindex(MIGRATE_UNMOVABLE, 0)]), pcp->batch - 1);

	/* order 3: max(batch >> 3, 2) blocks */
	struct page *big = alloc_pages(GFP_KERNEL, 3);
	int blocks = pcp->batch >> 3 < 2 ? 2 : pcp->batch >> 3;
	assert_int_equal(list_len(&pcp->lists[order_to_pindex(MIGRATE_UNMOVABLE, 3)]), blocks - 1);

	/* order 9 has its own list too (pageblock order, as in 6.1) */
	struct page *huge = alloc_pages(GFP_HIGHUSER_MOVABLE, pageblock_order);
	assert_int_equal(list_len(&pcp->lists[order_to_pindex(MIGRATE_MOVABLE, pageblock_order)]), 1);
	assert_consistent();

	__free_pages(page, 0);
	__free_pages(big, 3);
	__free_pages(huge, pageblock_order);
	assert_consistent();
	finish_pinned();
}

/*
 * 6.7 nr_pcp_free: a drain gives back the run of frees since the last
 * allocation (free_count, capped at batch << PCP_BATCH_SCALE_MAX), at least
 * a batch, leaving at least a batch. On this small zone high_min is above
 * that cap, so the frees never grow high (test_pcp_autotune covers growth).
 */
static void test_count_never_exceeds_high_and_drains_move_the_run(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0();
	int n = pcp->high * 3;
	struct page **pages = alloc_pages_then_drain(n);

	assert_int_equal(pcp->count, 0);
	pcp_decay_to_high_min(); /* the refills grew high (6.7 nr_pcp_alloc): back to where n was sized */

	unsigned long drains = sum_vm_event(PCP_DRAIN);
	int drained_once = 0;
	for (int i = 0; i < n; i++) {
		int before = pcp->count, high = pcp->high, run = pcp->free_count + 1;
		__free_pages(pages[i], 0);
		assert_true(pcp->count < pcp->high);
		if (before + 1 >= high && !drained_once) {
			int cap = pcp->batch << PCP_BATCH_SCALE_MAX, nr;

			run = run > cap ? cap : run;
			nr = run < pcp->batch ? pcp->batch : run;
			nr = nr > high - pcp->batch ? high - pcp->batch : nr;
			assert_int_equal(pcp->count, before + 1 - nr);
			drained_once = 1;
		}
	}
	assert_true(drained_once);
	assert_true(sum_vm_event(PCP_DRAIN) > drains);
	assert_consistent();
	free(pages);
	finish_pinned();
}

static void test_cold_pages_go_to_and_come_from_the_tail(void **state)
{
	(void)state;
	start_on_cpu0();
	struct page *a = alloc_pages(GFP_KERNEL, 0);
	struct page *b = alloc_pages(GFP_KERNEL, 0);
	buddy_drain_all_pages();

	free_hot_cold_page(a, false);	/* head */
	free_hot_cold_page(b, true);	/* tail */
	assert_ptr_equal(alloc_pages(GFP_KERNEL | __GFP_COLD, 0), b);
	assert_ptr_equal(alloc_pages(GFP_KERNEL, 0), a);
	__free_pages(a, 0);
	__free_pages(b, 0);
	finish_pinned();
}

/*
 * high bounds what frees park, not what refills bring: each empty list
 * refills with at least two blocks, so three pageblock-order allocations of
 * three migratetypes leave three pageblocks parked, past high + one
 * pageblock. That state is legal (the kernel's too), and buddy_check must
 * accept it; the frees that follow drain, starting with their own list.
 */
static void test_refills_of_several_lists_may_pass_high(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0();
	const gfp_t masks[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE };
	struct page *blocks[3];

	buddy_drain_all_pages();
	for (int i = 0; i < 3; i++) {
		blocks[i] = alloc_pages(masks[i], pageblock_order);
		assert_non_null(blocks[i]);
	}
	assert_int_equal(pcp->count, 3 * (int)pageblock_nr_pages);
	assert_true(pcp->count > pcp->high + (int)pageblock_nr_pages);
	assert_consistent();
	for (int i = 0; i < 3; i++) {
		__free_pages(blocks[i], pageblock_order);
		assert_true(pcp->count <= 3 * (int)pageblock_nr_pages);
		assert_consistent();
	}
	finish_pinned();
}

/*
 * A tunable that lowers high (here min_free_kbytes, which high follows)
 * takes effect at once: what each list holds above the new high goes back
 * to the buddy lists, rather than staying parked until later frees drain.
 */
static void test_lowering_high_gives_back_what_is_above_it(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0();

	assert_int_equal(buddy_set_min_free_kbytes(16384), 0);
	int parked = pcp->high / 2;
	struct page **pages = alloc_pages_then_drain(parked);

	for (int i = 0; i < parked; i++)
		__free_pages(pages[i], 0);
	assert_int_equal(pcp->count, parked);

	assert_int_equal(buddy_set_min_free_kbytes(128), 0);
	assert_true(pcp->high < parked);
	assert_true(pcp->count <= pcp->high);
	assert_consistent();
	free(pages);
	finish_pinned();
}

/*
 * A reference taken on a page after it was freed (a use after free) makes
 * it not free: the allocation that would hand it out reports "Bad page
 * state", keeps it out of circulation as the kernel does, and serves the
 * next block instead - on the fast path (alloc_pages) and the full one
 * (alloc_pages_node) alike.
 */
static void expect_referenced_free_page_skipped(struct page *(*alloc)(void))
{
	struct page *a = alloc_pages(GFP_KERNEL, 0);
	struct page *b = alloc_pages(GFP_KERNEL, 0);

	__free_pages(b, 0);
	__free_pages(a, 0);	/* a is now at the hot end, b behind it */
	set_page_count(a, 1);

	stderr_capture_begin();
	struct page *got = alloc();
	char *err = stderr_capture_end();

	assert_ptr_equal(got, b);
	assert_non_null(strstr(err, "BUG: Bad page state"));
	assert_non_null(strstr(err, "nonzero _refcount on a free page"));
	free(err);
	assert_consistent();
	/* The stray reference was the last one: dropping it frees a for good. */
	__free_pages(a, 0);
	__free_pages(got, 0);
	assert_consistent();
}

static struct page *alloc_fast_path(void)
{
	return alloc_pages(GFP_KERNEL, 0);
}

static struct page *alloc_full_path(void)
{
	return alloc_pages_node(0, GFP_KERNEL, 0);	/* a node: not the fast path's case */
}

static void test_a_referenced_free_page_is_reported_and_skipped(void **state)
{
	(void)state;
	start_on_cpu0();
	expect_referenced_free_page_skipped(alloc_fast_path);
	expect_referenced_free_page_skipped(alloc_full_path);
	finish_pinned();
}

static void test_drain_local_and_all_empty_the_lists(void **state)
{
	(void)state;
	start_on_cpu0();
	long initial = zone_free(ZONE_NORMAL);
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	__free_pages(p, 0);
	assert_true(pcp_of(0)->count > 0);
	assert_true(zone_free(ZONE_NORMAL) < initial);
	buddy_drain_local_pages();
	assert_int_equal(pcp_of(0)->count, 0);
	assert_int_equal(zone_free(ZONE_NORMAL), initial);

	p = alloc_pages(GFP_KERNEL, 1);
	__free_pages(p, 1);
	drain_all_pages(NULL);
	for (int c = 0; c < test_nr_cpus(); c++)
		assert_int_equal(pcp_of(c)->count, 0);
	assert_int_equal(zone_free(ZONE_NORMAL), initial);
	finish_pinned();
}

static void test_pages_parked_on_another_cpu_are_not_lost(void **state)
{
	(void)state;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	assert_int_equal(pin_to_cpu(0), 0);
	/* kswapd off: woken by the empty zone, while it reclaims (ZONE_RECLAIM_ACTIVE) CPU 1 keeps 4 batches at most */
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0,kswapd:off");
	const gfp_t gfp = GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOWARN;	/* ignore watermarks: take everything */
	long total = zone_free(ZONE_NORMAL);
	struct page **pages = calloc((size_t)total + 1, sizeof(*pages));
	long got = 0;

	while ((pages[got] = alloc_pages(gfp, 0)) != NULL)
		got++;
	assert_int_equal(got, total);

	/* Another thread on CPU 1 frees a few: fewer than high, so they all stay on CPU 1's list. */
	struct stash s = { .pages = pages, .n = 8 };
	pthread_t t;
	void *rc;
	assert_int_equal(pthread_create(&t, NULL, free_on_cpu1, &s), 0);
	pthread_join(t, &rc);
	assert_null(rc);
	assert_int_equal(pcp_of(1)->count, 8);
	assert_int_equal(zone_free(ZONE_NORMAL), 0);

	/* CPU 0 asks for 8 pages: the allocator must drain CPU 1's list rather than fail. */
	for (int i = 0; i < 8; i++) {
		pages[i] = alloc_pages(gfp, 0);
		assert_non_null(pages[i]);
	}
	assert_null(alloc_pages(gfp, 0));
	for (long i = 0; i < got; i++)
		__free_pages(pages[i], 0);
	free(pages);
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), total);
	finish_pinned();
}

static void *free_all(void *arg)
{
	struct stash *s = arg;
	for (int i = 0; i < s->n; i++)
		__free_pages(s->pages[i], (unsigned)(i % 4));
	return NULL;
}

static void test_a_page_allocated_by_one_thread_is_freed_by_another(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	long initial = zone_free(ZONE_NORMAL);
	struct page *pages[256];
	for (int i = 0; i < 256; i++)
		assert_non_null(pages[i] = alloc_pages(GFP_KERNEL, (unsigned)(i % 4)));
	struct stash s = { .pages = pages, .n = 256 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, free_all, &s), 0);
	pthread_join(t, NULL);
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), initial);
	test_check_and_exit();
}

/* On x86-64 with rseq and membarrier (Linux 5.10+, glibc 2.35+), the default is the rseq lock. */
static void test_lock_mode_follows_the_configuration(void **state)
{
	(void)state;
	struct buddy_config atomic_cfg = { .conf = "arena_size:16M,dma_limit:0,dma32_limit:0,pcp_lock:atomic" };
	assert_int_equal(buddy_init(&atomic_cfg), 0);
	assert_int_equal(test_pcp_rseq_lock(), 0);
	test_check_and_exit();
#if defined(BUDDY_RSEQ_LOCK)
	struct buddy_config rseq_cfg = { .conf = "arena_size:16M,dma_limit:0,dma32_limit:0,pcp_lock:rseq" };
	assert_int_equal(buddy_init(&rseq_cfg), 0);
	if (__rseq_size >= 20)
		assert_int_equal(test_pcp_rseq_lock(), 1);
	/* a remote locker fences the CPU; a local locker then still gets in */
	pcp_lock_cpu(test_cpu(0));
	pcp_unlock_cpu(test_cpu(0));
	struct buddy_cpu *cpu = pcp_lock_this_cpu();
	assert_int_equal(atomic_load(&cpu->lock), 1);
	pcp_unlock_cpu(cpu);
	test_check_and_exit();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_mode_follows_the_configuration),
		cmocka_unit_test(test_batch_and_high_follow_the_formulas),
		cmocka_unit_test(test_refill_takes_one_batch_in_one_go),
		cmocka_unit_test(test_count_never_exceeds_high_and_drains_move_the_run),
		cmocka_unit_test(test_cold_pages_go_to_and_come_from_the_tail),
		cmocka_unit_test(test_a_referenced_free_page_is_reported_and_skipped),
		cmocka_unit_test(test_refills_of_several_lists_may_pass_high),
		cmocka_unit_test(test_lowering_high_gives_back_what_is_above_it),
		cmocka_unit_test(test_drain_local_and_all_empty_the_lists),
		cmocka_unit_test(test_pages_parked_on_another_cpu_are_not_lost),
		cmocka_unit_test(test_a_page_allocated_by_one_thread_is_freed_by_another),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
