/* SPDX-License-Identifier: MIT */
/*
 * Compaction (issue 11): buddy_compact_memory after churn, direct
 * compaction in the slow path, contiguous ranges over movable pages,
 * deferral, skip bits, kcompactd and proactive compaction.
 */
#include <string.h>

#include "test_util.h"
#include "internal.h"
#include "compaction.h"
#include "vmstat.h"
#include "movable_owner.h"

#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0,compaction_proactiveness:0"

/* Share of the zone's free pages in free blocks of order >= 9 (1 - unusable_index). */
static double usable_at_order9(struct zone *zone)
{
	unsigned long free = 0, usable = 0;

	buddy_drain_all_pages();
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long pages = test_nr_free(zone, o) << o;
		free += pages;
		if (o >= pageblock_order)
			usable += pages;
	}
	return free ? (double)usable / (double)free : 0;
}

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Churn: random unmovable, reclaimable and movable allocations of orders
 * 0-3 up to 85% of the zone, freeing some of each kind on the way; movable
 * ones belong to an owner and are marked. At the end every unmovable and
 * reclaimable one goes and the owner drops half of its pages: only movable
 * pages pin blocks, and compaction must win the order-9 blocks back.
 */
static void test_compact_memory_after_churn_frees_order9(void **state)
{
	(void)state;
	test_init("arena_size:128M,dma_limit:0,dma32_limit:0,compaction_proactiveness:0");
	struct zone *zone = normal_zone();
	struct owner *o = owner_new();
	static const gfp_t masks[3] = {GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_HIGHUSER_MOVABLE};
	struct {
		struct page *page;
		unsigned int order;
	} *other = calloc(40000, sizeof(*other));
	unsigned long seed = 42, nr_other = 0, ids = 0, used = 0;
	unsigned long target = test_zone_managed(zone) * 85 / 100;

	while (used < target) {
		unsigned int order = (unsigned int)(rnd(&seed) % 4);
		int kind = (int)(rnd(&seed) % 3);

		if (kind == 2) {
			if (!owner_add(o, ids++, masks[2], order))
				break;
		} else {
			struct page *page = alloc_pages(masks[kind] | __GFP_NOWARN, order);
			if (!page)
				break;
			other[nr_other].page = page;
			other[nr_other++].order = order;
		}
		used += 1UL << order;
		/* churn: now and then a short-lived one goes again, and an owner page too */
		if (nr_other && rnd(&seed) % 3 == 0) {
			unsigned long i = rnd(&seed) % nr_other;
			__free_pages(other[i].page, other[i].order);
			used -= 1UL << other[i].order;
			other[i] = other[--nr_other];
		}
		if (ids && rnd(&seed) % 3 == 0) {
			unsigned long id = rnd(&seed) % ids;
			if (o->pages[id]) {
				used -= 1UL << o->order[id];
				owner_remove(o, id);
			}
		}
	}
	for (unsigned long i = 0; i < nr_other; i++)
		__free_pages(other[i].page, other[i].order);
	free(other);
	/* the owner drops half of what it kept: holes all over its blocks */
	for (unsigned long id = 0; id < ids; id++)
		if (rnd(&seed) % 2)
			owner_remove(o, id);
	double before = usable_at_order9(zone);

	buddy_compact_memory();
	double after = usable_at_order9(zone);
	print_message("order-9 usable share of free memory: %.1f%% before, %.1f%% after compaction\n",
		      100 * before, 100 * after);
	assert_true(before < 0.9); /* the churn did fragment the zone (82% with this seed) */
	assert_true(after >= 0.95);
	assert_int_equal(owner_verify(o), 0);
	assert_consistent();
	owner_free_all(o);
	test_check_and_exit();
}

/* Fill the zone with order-0 movable pages (marked when owner), then free every other one. */
static unsigned long fragment_zone(struct owner *o, struct page_stack *pinned)
{
	unsigned long n = 0;

	for (;; n++) {
		if (o) {
			if (!owner_add(o, n, GFP_HIGHUSER_MOVABLE, 0))
				break;
		} else {
			struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0);
			if (!page)
				break;
			page_stack_push(pinned, page);
		}
	}
	for (unsigned long i = 0; i < n; i += 2) {
		if (o) {
			owner_remove(o, i);
		} else {
			__free_pages(pinned->pages[i], 0);
			pinned->pages[i] = NULL;
		}
	}
	buddy_drain_all_pages();
	return n;
}

static void free_pinned(struct page_stack *pinned)
{
	for (size_t i = 0; i < pinned->nr; i++)
		if (pinned->pages[i])
			__free_pages(pinned->pages[i], 0);
	free(pinned->pages);
}

static void test_direct_compaction_serves_order9(void **state)
{
	(void)state;
	test_init(CONF);
	struct owner *o = owner_new();
	fragment_zone(o, NULL);
	unsigned long stall = sum_vm_event(COMPACTSTALL), success = sum_vm_event(COMPACTSUCCESS);

	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 9));
	assert_int_equal(sum_vm_event(COMPACTSTALL), stall); /* no direct reclaim: no compaction */
	struct page *page = alloc_pages(GFP_KERNEL, 9);
	assert_non_null(page);
	assert_true(sum_vm_event(COMPACTSTALL) > stall);
	assert_true(sum_vm_event(COMPACTSUCCESS) > success);
	assert_int_equal(owner_verify(o), 0);
	memset(page_address(page), 0x5a, PAGE_SIZE << 9);
	__free_pages(page, 9);
	assert_consistent();
	owner_free_all(o);
	test_check_and_exit();
}

static void test_alloc_contig_range_migrates_owner_pages(void **state)
{
	(void)state;
	test_init(CONF);
	struct owner *o = owner_new();
	for (unsigned long id = 0; id < 2000; id++)
		assert_true(owner_add(o, id, GFP_HIGHUSER_MOVABLE, id % 3 == 0 ? 1 : 0));
	unsigned long start = page_to_pfn(o->pages[1000]) & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages;
	unsigned long in_range = 0;
	for (unsigned long id = 0; id < 2000; id++)
		in_range += page_to_pfn(o->pages[id]) >= start && page_to_pfn(o->pages[id]) < end;
	assert_true(in_range > 100);

	assert_int_equal(alloc_contig_range(start, end, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	for (unsigned long id = 0; id < 2000; id++) {
		unsigned long pfn = page_to_pfn(o->pages[id]);
		assert_true(pfn < start || pfn >= end); /* the owners see their new pages */
	}
	assert_int_equal(owner_verify(o), 0);
	free_contig_range(start, pageblock_nr_pages);

	/* A pinned page (movable, never marked) in the way: -EBUSY, nothing lost. */
	struct page *pinned = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	start = page_to_pfn(pinned) & ~(pageblock_nr_pages - 1);
	assert_int_equal(alloc_contig_range(start, start + pageblock_nr_pages, MIGRATE_MOVABLE, GFP_KERNEL),
			 -EBUSY);
	assert_int_equal(owner_verify(o), 0);
	__free_pages(pinned, 0);
	assert_consistent();
	owner_free_all(o);
	test_check_and_exit();
}

/* Movable pages fill the CMA area: buddy_cma_alloc moves them out instead of failing. */
static void test_cma_alloc_migrates_owner_pages(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,cma:8M,compaction_proactiveness:0");
	struct owner *o = owner_new();
	unsigned long n = 0;
	while (n < 12000 && owner_add(o, n, GFP_HIGHUSER_MOVABLE, 0))
		n++;
	struct page *run = buddy_cma_alloc(2048, 0);
	assert_non_null(run);
	assert_int_equal(owner_verify(o), 0);
	assert_true(buddy_cma_release(run, 2048));
	assert_consistent();
	owner_free_all(o);
	test_check_and_exit();
}

static void test_failed_compaction_is_deferred(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page_stack pinned = {0};
	fragment_zone(NULL, &pinned);
	unsigned long fail = sum_vm_event(COMPACTFAIL);

	/*
	 * pinned pages: the 6.1 loop for a costly GFP_KERNEL request tries ASYNC
	 * compaction first (a failure there never defers), then one round of
	 * reclaim and SYNC_LIGHT compaction, whose failure defers: shift 1.
	 */
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
	assert_true(sum_vm_event(COMPACTFAIL) > fail);
	assert_int_equal(test_zone_compact_defer_shift(zone), 1);
	/* starts at 0 as in the kernel; only a success raises it (to order + 1) */
	assert_int_equal(test_zone_compact_order_failed(zone), 0);
	assert_int_equal(test_zone_compact_considered(zone), 0);

	/*
	 * deferred now: ASYNC is skipped (considered 1 of 2), SYNC_LIGHT reaches
	 * the limit, runs, fails and defers again.
	 */
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
	assert_int_equal(test_zone_compact_defer_shift(zone), 2);
	/* each failure doubles the attempts skipped, up to COMPACT_MAX_DEFER_SHIFT */
	unsigned int shift = 2;
	for (int i = 0; i < 200 && shift < 6; i++) {
		assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
		assert_true(test_zone_compact_defer_shift(zone) >= shift);
		shift = test_zone_compact_defer_shift(zone);
	}
	assert_int_equal(shift, 6);
	for (int i = 0; i < 70; i++)
		assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
	assert_int_equal(test_zone_compact_defer_shift(zone), 6); /* never above the cap */
	free_pinned(&pinned);
	test_check_and_exit();
}

static void test_skip_bits_set_and_flushed_by_kcompactd(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page_stack pinned = {0};
	fragment_zone(NULL, &pinned);
	unsigned long skipped = 0, start = test_zone_start_pfn(zone), end = start + test_zone_spanned(zone);

	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages)
		skipped += get_pfnblock_skip(zone, pfn);
	assert_true(skipped > 0); /* blocks with nothing to isolate are marked */
	assert_true(test_zone_compact_blockskip_flush(zone));

	unsigned long wakes = sum_vm_event(KCOMPACTD_WAKE);
	wakeup_kcompactd(test_pgdat(0), 9, ZONE_NORMAL);
	kthread_wake_and_wait(test_kcompactd(0));
	assert_true(sum_vm_event(KCOMPACTD_WAKE) > wakes);
	assert_false(test_zone_compact_blockskip_flush(zone)); /* kcompactd reset the bits first */
	free_pinned(&pinned);
	test_check_and_exit();
}

static unsigned long free_order9_blocks(struct zone *zone)
{
	unsigned long n = 0;
	buddy_drain_all_pages();
	for (unsigned int o = pageblock_order; o < MAX_ORDER; o++)
		n += test_nr_free(zone, o) << (o - pageblock_order);
	return n;
}

static void test_kcompactd_compacts_when_woken(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct owner *o = owner_new();
	fragment_zone(o, NULL);
	assert_int_equal(free_order9_blocks(zone), 0);
	unsigned long wakes = sum_vm_event(KCOMPACTD_WAKE);

	wakeup_kcompactd(test_pgdat(0), 9, ZONE_NORMAL);
	kthread_wake_and_wait(test_kcompactd(0));
	assert_true(sum_vm_event(KCOMPACTD_WAKE) > wakes);
	assert_true(sum_vm_event(KCOMPACTD_MIGRATE_SCANNED) > 0);
	assert_true(free_order9_blocks(zone) > 0);
	assert_int_equal(owner_verify(o), 0);
	owner_free_all(o);
	test_check_and_exit();
}

static void test_proactive_compaction_lowers_the_score(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct owner *o = owner_new();
	fragment_zone(o, NULL);
	unsigned long scanned = sum_vm_event(KCOMPACTD_MIGRATE_SCANNED);

	/* proactiveness 0: a timeout run does nothing */
	kthread_wake_and_wait(test_kcompactd(0));
	assert_int_equal(free_order9_blocks(zone), 0);
	assert_int_equal(buddy_set_compaction_proactiveness(101), -EINVAL);
	assert_int_equal(buddy_set_compaction_proactiveness(100), 0);
	kthread_wake_and_wait(test_kcompactd(0));
	assert_true(sum_vm_event(KCOMPACTD_MIGRATE_SCANNED) > scanned);
	/* score at most the low mark, 5: at least 95% of free memory in order-9 blocks */
	assert_true(usable_at_order9(zone) >= 0.90);
	assert_int_equal(owner_verify(o), 0);
	assert_int_equal(buddy_set_compaction_proactiveness(0), 0);
	owner_free_all(o);
	test_check_and_exit();
}

/* extfrag_threshold: a costly order whose failure would be for lack of memory is not compacted. */
static void test_extfrag_threshold_setter(void **state)
{
	(void)state;
	test_init(CONF);
	assert_int_equal(buddy_set_extfrag_threshold(1001), -EINVAL);
	assert_int_equal(buddy_set_extfrag_threshold(-1), -EINVAL);
	assert_int_equal(buddy_set_extfrag_threshold(1000), 0);
	struct owner *o = owner_new();
	fragment_zone(o, NULL);
	unsigned long stall = sum_vm_event(COMPACTSTALL);
	/* every fragmentation index is <= 1000: compaction is never suitable, so it is skipped */
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
	assert_int_equal(sum_vm_event(COMPACTSTALL), stall);
	assert_int_equal(buddy_set_extfrag_threshold(500), 0);
	owner_free_all(o);
	test_check_and_exit();
}

/* 6.1 should_compact_retry: progress counts retries, failure escalates the priority. */
static void test_should_compact_retry(void **state)
{
	(void)state;
	test_init(CONF);
	struct zonelist *zl = test_zonelist(0, ZONELIST_FALLBACK);
	struct alloc_context ac = {.zonelist = zl,
				   .preferred_zoneref = test_zonelist_refs(zl),
				   .migratetype = MIGRATE_UNMOVABLE,
				   .highest_zoneidx = ZONE_NORMAL};
	enum compact_priority prio = COMPACT_PRIO_ASYNC;
	int retries = 0;

	assert_false(should_compact_retry(&ac, 0, ALLOC_WMARK_MIN, COMPACT_SUCCESS, &prio, &retries));
	/* costly order: up to MAX_COMPACT_RETRIES / 4 rounds with progress */
	for (int i = 1; i <= MAX_COMPACT_RETRIES / 4; i++) {
		assert_true(should_compact_retry(&ac, 9, ALLOC_WMARK_MIN, COMPACT_SUCCESS, &prio, &retries));
		assert_int_equal(retries, i);
		assert_int_equal(prio, COMPACT_PRIO_ASYNC);
	}
	/* then a stronger priority, retries from 0 */
	assert_true(should_compact_retry(&ac, 9, ALLOC_WMARK_MIN, COMPACT_SUCCESS, &prio, &retries));
	assert_int_equal(prio, COMPACT_PRIO_SYNC_LIGHT);
	assert_int_equal(retries, 0);
	/* a failure at the strongest priority a costly order may use: give up */
	assert_false(should_compact_retry(&ac, 9, ALLOC_WMARK_MIN, COMPACT_COMPLETE, &prio, &retries));
	/* a small order may go on to SYNC_FULL */
	prio = COMPACT_PRIO_SYNC_LIGHT;
	assert_true(should_compact_retry(&ac, 2, ALLOC_WMARK_MIN, COMPACT_COMPLETE, &prio, &retries));
	assert_int_equal(prio, COMPACT_PRIO_SYNC_FULL);
	/* withdrawn: retry only if compaction could work somewhere; a fresh zone has the order free */
	assert_false(should_compact_retry(&ac, 9, ALLOC_WMARK_MIN, COMPACT_SKIPPED, &prio, &retries));
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_compact_memory_after_churn_frees_order9, test_teardown_exit),
		cmocka_unit_test_teardown(test_direct_compaction_serves_order9, test_teardown_exit),
		cmocka_unit_test_teardown(test_alloc_contig_range_migrates_owner_pages, test_teardown_exit),
		cmocka_unit_test_teardown(test_cma_alloc_migrates_owner_pages, test_teardown_exit),
		cmocka_unit_test_teardown(test_failed_compaction_is_deferred, test_teardown_exit),
		cmocka_unit_test_teardown(test_skip_bits_set_and_flushed_by_kcompactd, test_teardown_exit),
		cmocka_unit_test_teardown(test_kcompactd_compacts_when_woken, test_teardown_exit),
		cmocka_unit_test_teardown(test_proactive_compaction_lowers_the_score, test_teardown_exit),
		cmocka_unit_test_teardown(test_extfrag_threshold_setter, test_teardown_exit),
		cmocka_unit_test_teardown(test_should_compact_retry, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
