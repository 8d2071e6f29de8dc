/* SPDX-License-Identifier: MIT */
/*
 * pcp high auto-tuning (Linux 6.7-6.10): the high_min / high_max bounds,
 * growth while a CPU frees without allocating and while it keeps refilling,
 * decay back to high_min, the shrink near the high watermark and under
 * reclaim, free_high for runs of high-order frees; and the bulk API
 * (alloc_pages_bulk_array, release_pages). The test thread is pinned to CPU 0
 * so that "this CPU's lists" is well defined.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

#define ARENA_1G "arena_size:1G,dma_limit:0,dma32_limit:0"

static struct per_cpu_pages *pcp0(void)
{
	return test_pcp(normal_zone(), 0);
}

static struct per_cpu_pages *start_on_cpu0(const char *conf)
{
	assert_int_equal(pin_to_cpu(0), 0);
	test_init(conf);
	return pcp0();
}

static void finish_pinned(void)
{
	test_check_and_exit();
	unpin();
}

/* vm.stat_refresh: decay_pcp_high on every CPU's lists, as the kernel's sysctl write does. */
static void stat_refresh(void)
{
	int one = 1;

	assert_int_equal(buddy_ctl("vm.stat_refresh", NULL, NULL, &one, sizeof(one)), 0);
}

/* Decay until high is back at high_min (an eighth a step: a few dozen steps at most). */
static void decay_to_high_min(struct per_cpu_pages *pcp)
{
	pcp_decay_to_high_min();
	assert_int_equal(pcp->high, pcp->high_min);
}

static struct page **alloc_n(int n, gfp_t gfp)
{
	struct page **pages = calloc((size_t)n, sizeof(*pages));

	assert_non_null(pages);
	for (int i = 0; i < n; i++)
		assert_non_null(pages[i] = alloc_pages(gfp, 0));
	return pages;
}

static void free_n(struct page **pages, int n)
{
	for (int i = 0; i < n; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	free(pages);
}

/* Pages free in the zone, on the buddy lists and on every pcp list. */
static long zone_free_and_parked(void)
{
	long n = zone_free(ZONE_NORMAL);

	for (int c = 0; c < test_nr_cpus(); c++)
		n += test_pcp_count(normal_zone(), c);
	return n;
}

static void write_stderr(void *opaque, const char *text)
{
	(void)opaque;
	fputs(text, stderr);
}

/* 6.7 zone_set_high_and_batch, recomputed: high_min from the low mark, high_max from an eighth. */
static void test_high_min_and_high_max_follow_6_7(void **state)
{
	(void)state;
	test_init(ARENA_1G);
	struct zone *zone = normal_zone();
	int ncpu = test_nr_cpus(), batch = pcp0()->batch;
	long min = (long)(test_zone_watermark(zone, WMARK_LOW) / (unsigned long)ncpu);
	long max = (long)(test_zone_managed(zone) / 8 / (unsigned long)ncpu);

	if (min < 4 * batch)
		min = 4 * batch;
	if (test_zone_managed(zone) / (unsigned long)ncpu >= 48 * pageblock_nr_pages && min < 3 * 512)
		min = 3 * 512; /* libbuddy's pageblock floor */
	if (max < min)
		max = min;
	assert_int_equal(pcp0()->high_min, min);
	assert_int_equal(pcp0()->high_max, max);
	assert_true(pcp0()->high >= pcp0()->high_min && pcp0()->high <= pcp0()->high_max);

	/* zoneinfo prints the real bounds */
	char want[64];
	snprintf(want, sizeof(want), "high_max: %ld", max);
	stderr_capture_begin();
	assert_int_equal(buddy_dump_to(write_stderr, NULL, "zoneinfo"), 0);
	char *out = stderr_capture_end();
	assert_non_null(strstr(out, want));
	free(out);
	test_check_and_exit();

	/* a set percpu_pagelist_high_fraction fixes high: high_min == high_max, no tuning */
	test_init(ARENA_1G ",percpu_pagelist_high_fraction:64");
	assert_int_equal(pcp0()->high_min, 4096 / ncpu);
	assert_int_equal(pcp0()->high_max, pcp0()->high_min);
	assert_int_equal(pcp0()->high, pcp0()->high_min);
	test_check_and_exit();
}

/*
 * Grow: a CPU that frees without allocating raises high to hold its run of
 * frees plus a batch (nr_pcp_high), so nothing drains on the way; the run
 * is capped at batch << PCP_BATCH_SCALE_MAX, and high never passes high_max.
 */
static void test_frees_without_allocations_grow_high(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G);
	int batch = pcp->batch, cap = batch << PCP_BATCH_SCALE_MAX;
	int n = 4 * (cap + batch); /* each growth step needs the lists to fill up to high again */
	struct page **pages = alloc_n(n, GFP_KERNEL);

	buddy_drain_all_pages();
	decay_to_high_min(pcp);
	assert_true(pcp->high_min < cap + batch); /* room to grow here */
	int start_high = pcp->high;

	for (int i = 0; i < n; i++) {
		int high = pcp->high;

		__free_pages(pages[i], 0);
		assert_true(pcp->high >= high); /* frees alone never shrink it here */
		assert_true(pcp->high >= pcp->high_min && pcp->high <= pcp->high_max);
		assert_true(pcp->count <= pcp->high);
	}
	/* the run of frees (capped) plus a batch, within high_max */
	int expect = cap + batch < pcp->high_max ? cap + batch : pcp->high_max;
	assert_true(pcp->high > start_high);
	assert_int_equal(pcp->high, expect);
	assert_consistent();
	free(pages);
	finish_pinned();
}

/* Grow by refills: a CPU that keeps allocating raises high a batch per refill, up to high_max. */
static void test_refills_grow_high_up_to_high_max(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G);
	int n = pcp->high_max + 4 * (pcp->batch << PCP_BATCH_SCALE_MAX);
	unsigned long refills = sum_vm_event(PCP_REFILL);
	int prev_high = pcp->high;

	struct page **pages = calloc((size_t)n, sizeof(*pages));
	assert_non_null(pages);
	for (int i = 0; i < n; i++) {
		assert_non_null(pages[i] = alloc_pages(GFP_KERNEL, 0));
		assert_true(pcp->high >= prev_high); /* only grows while allocating */
		prev_high = pcp->high;
	}
	assert_int_equal(pcp->high, pcp->high_max);
	/* refills doubled (alloc_factor): far fewer than one per batch */
	assert_true(sum_vm_event(PCP_REFILL) - refills < (unsigned long)(n / pcp->batch));
	assert_consistent();
	free_n(pages, n);
	finish_pinned();
}

/* Decay: each step takes an eighth off high (6.7 decay_pcp_high) and gives back what is above it. */
static void test_decay_brings_high_back_to_high_min(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G);
	int n = pcp->high_max;
	struct page **pages = alloc_n(n, GFP_KERNEL);

	free_n(pages, n);
	assert_true(pcp->high > pcp->high_min);
	for (int step = 0; step < 200 && pcp->high > pcp->high_min; step++) {
		int high = pcp->high, count = pcp->count, batch = pcp->batch;
		int expect = high - (high >> 3);

		if (count - (batch << PCP_BATCH_SCALE_MAX) > expect)
			expect = count - (batch << PCP_BATCH_SCALE_MAX);
		if (expect < pcp->high_min)
			expect = pcp->high_min;
		stat_refresh();
		assert_int_equal(pcp->high, expect);
		assert_true(pcp->count <= pcp->high);
		assert_consistent();
	}
	assert_int_equal(pcp->high, pcp->high_min);
	finish_pinned();
}

/*
 * Below the high watermark (ZONE_BELOW_HIGH, set by the zonelist walk of a
 * refill): every free shrinks high by the run of frees, and the lists drain
 * down to high_min. A drain that brings the zone back above the mark clears
 * the flag.
 */
static void test_below_high_watermark_shrinks_high(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G);
	struct zone *zone = normal_zone();
	unsigned long high_mark = test_zone_watermark(zone, WMARK_HIGH);
	struct page_stack taken = {0};

	/* grow high first, then use memory until the zone sits below its high mark */
	struct page **grow = alloc_n(pcp->high_max, GFP_KERNEL);
	free_n(grow, pcp->high_max);
	assert_true(pcp->high > pcp->high_min);
	assert_false(test_zone_flags(zone) & (1UL << ZONE_BELOW_HIGH));
	while ((unsigned long)zone_free(ZONE_NORMAL) >= high_mark) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		assert_non_null(p);
		page_stack_push(&taken, p);
	}
	/* a refill's walk notices */
	for (int i = 0; i < 4 * pcp->batch && !(test_zone_flags(zone) & (1UL << ZONE_BELOW_HIGH)); i++) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		if (p)
			page_stack_push(&taken, p);
	}
	assert_true(test_zone_flags(zone) & (1UL << ZONE_BELOW_HIGH));

	int before = pcp->high;
	struct page *p = taken.pages[--taken.nr];
	__free_pages(p, 0);
	assert_true(pcp->high < before || pcp->high == pcp->high_min);
	for (int i = 0; i < 8 * pcp->batch && taken.nr; i++) {
		int count = pcp->count, high = pcp->high;

		__free_pages(taken.pages[--taken.nr], 0);
		if (!(test_zone_flags(zone) & (1UL << ZONE_BELOW_HIGH)))
			break;
		/* high only shrinks, and at or above high_min every free drains at least a batch */
		assert_true(pcp->high <= high);
		if (count >= pcp->high_min)
			assert_true(pcp->count <= count + 1 - pcp->batch);
		else
			assert_true(pcp->count <= pcp->high_min);
	}
	assert_consistent();
	/* everything back: a drain brings the zone above the mark and clears the flag */
	page_stack_free_all(&taken);
	buddy_drain_all_pages();
	p = alloc_pages(GFP_KERNEL, 0);
	for (int i = 0; i < 4 * (pcp->batch << PCP_BATCH_SCALE_MAX); i++) {
		struct page *q = alloc_pages(GFP_KERNEL, 0);
		__free_pages(q, 0);
	}
	__free_pages(p, 0);
	struct page **again = alloc_n(pcp->high_max, GFP_KERNEL);
	free_n(again, pcp->high_max);
	assert_false(test_zone_flags(zone) & (1UL << ZONE_BELOW_HIGH));
	finish_pinned();
}

/* Reclaim active (kswapd balancing the node): frees shrink high and keep at most four batches. */
static void test_reclaim_active_keeps_four_batches(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G);
	int n = 2 * pcp->high_max;
	struct page **pages = alloc_n(n, GFP_KERNEL);

	test_zone_flag(normal_zone(), ZONE_RECLAIM_ACTIVE, true);
	for (int i = 0; i < n; i++) {
		int before = pcp->high;
		__free_pages(pages[i], 0);
		assert_true(pcp->high <= before);
		assert_true(pcp->count < 4 * pcp->batch || pcp->count < pcp->high);
	}
	assert_int_equal(pcp->high, pcp->high_min);
	test_zone_flag(normal_zone(), ZONE_RECLAIM_ACTIVE, false);
	assert_consistent();
	free(pages);
	finish_pinned();
}

/*
 * free_high: in a run of frees of orders 1..3 (free_count >= batch, the
 * previous free of such an order too) the lists give back up to
 * PCP_BATCH_SCALE_MAX batches and high shrinks by as much; with
 * PCPF_FREE_HIGH_BATCH only once a batch is parked. An order-0 free in
 * between ends the run.
 */
static void test_free_high_for_runs_of_high_order_frees(void **state)
{
	(void)state;
	/* the per-CPU reserves take precedence over free_high (docs/pcp.md): off here */
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G ",pcp_reserve_fraction:0");
	int batch = pcp->batch, n = 4 * batch;
	struct page **blocks = calloc((size_t)n, sizeof(*blocks));

	assert_non_null(blocks);
	for (int i = 0; i < n; i++)
		assert_non_null(blocks[i] = alloc_pages(GFP_KERNEL, 3));
	buddy_drain_all_pages();
	int keep = (pcp->flags & PCPF_FREE_HIGH_BATCH) ? batch : 0;
	unsigned long drains = sum_vm_event(PCP_DRAIN);

	for (int i = 0; i < n; i++) {
		__free_pages(blocks[i], 3);
		/* never more than the kept batch plus one block stays parked once the run is on */
		if (pcp->free_count >= 2 * batch)
			assert_true(pcp->count < keep + 8 + 8);
		assert_true(pcp->flags & PCPF_PREV_FREE_HIGH_ORDER);
	}
	assert_true(sum_vm_event(PCP_DRAIN) > drains);
	assert_int_equal(pcp->high, pcp->high_min); /* each free_high took PCP_BATCH_SCALE_MAX batches off */
	assert_consistent();

	/* an order-0 free clears PCPF_PREV_FREE_HIGH_ORDER: the next order-3 free is no free_high */
	struct page *a = alloc_pages(GFP_KERNEL, 0), *b = alloc_pages(GFP_KERNEL, 3);
	__free_pages(a, 0);
	assert_false(pcp->flags & PCPF_PREV_FREE_HIGH_ORDER);
	int before = pcp->count;
	__free_pages(b, 3);
	assert_int_equal(pcp->count, before + 8);
	free(blocks);
	finish_pinned();
}

/*
 * Every free halves alloc_factor and adds its pages to free_count (6.7),
 * whichever copy of the free fast path serves it: order 0 has its own, in
 * which the halving stores only when alloc_factor is not 0, and the other
 * orders share one (page_free.c).
 */
static void test_each_free_halves_alloc_factor(void **state)
{
	(void)state;
	struct per_cpu_pages *pcp = start_on_cpu0(ARENA_1G ",pcp_reserve_fraction:0");
	struct page *p0 = alloc_pages(GFP_KERNEL, 0), *q0 = alloc_pages(GFP_KERNEL, 0);
	struct page *p3 = alloc_pages(GFP_KERNEL, 3), *p9 = alloc_pages(GFP_KERNEL, 9);
	struct page *r0 = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(p0);
	assert_non_null(q0);
	assert_non_null(p3);
	assert_non_null(p9);
	assert_non_null(r0);
	/* as after four refills without a free between (CPU 0's lists; this thread is pinned there) */
	pcp->alloc_factor = 4;
	int free_count = pcp->free_count;

	__free_pages(p0, 0);
	assert_int_equal(pcp->alloc_factor, 2);
	assert_int_equal(pcp->free_count, free_count + 1);
	free_hot_cold_page(q0, true);
	assert_int_equal(pcp->alloc_factor, 1);
	assert_int_equal(pcp->free_count, free_count + 2);

	pcp->alloc_factor = 4;
	__free_pages(p3, 3);
	assert_int_equal(pcp->alloc_factor, 2);
	assert_int_equal(pcp->free_count, free_count + 2 + 8);
	__free_pages(p9, 9);
	assert_int_equal(pcp->alloc_factor, 1);
	assert_int_equal(pcp->free_count, free_count + 2 + 8 + 512);

	pcp->alloc_factor = 0;
	__free_pages(r0, 0); /* nothing to halve: stays 0 */
	assert_int_equal(pcp->alloc_factor, 0);
	assert_int_equal(pcp->free_count, free_count + 2 + 8 + 512 + 1);
	finish_pinned();
}

/* ------------------------------------------------------------ bulk API */

/* Fills the NULL slots only, returns the populated count, and counts what it took. */
static void test_bulk_alloc_fills_null_slots(void **state)
{
	(void)state;
	start_on_cpu0(ARENA_1G);
	struct page *arr[64] = {0};
	struct page *set3 = alloc_pages(GFP_KERNEL, 0), *set40 = alloc_pages(GFP_KERNEL, 0);
	long free_before;
	unsigned long pgalloc;

	arr[3] = set3;
	arr[40] = set40;
	free_before = zone_free_and_parked();
	pgalloc = sum_vm_event(PGALLOC_NORMAL);
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 64, arr), 64);
	assert_ptr_equal(arr[3], set3);
	assert_ptr_equal(arr[40], set40);
	for (int i = 0; i < 64; i++) {
		assert_non_null(arr[i]);
		assert_int_equal(page_count(arr[i]), 1);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(arr[i], arr[j]);
	}
	assert_int_equal(free_before - zone_free_and_parked(), 62);
	assert_int_equal(sum_vm_event(PGALLOC_NORMAL) - pgalloc, 62);
	assert_consistent();

	/* a full array takes nothing; its count is returned */
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 64, arr), 64);
	assert_int_equal(free_before - zone_free_and_parked(), 62);

	/* one NULL slot: the single path fills it */
	__free_pages(arr[10], 0);
	arr[10] = NULL;
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 64, arr), 64);
	assert_non_null(arr[10]);

	/* __GFP_ZERO pages are zeroed */
	for (int i = 0; i < 8; i++) {
		memset(page_address(arr[i]), 0xa5, PAGE_SIZE);
		__free_pages(arr[i], 0);
		arr[i] = NULL;
	}
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL | __GFP_ZERO, 8, arr), 8);
	for (int i = 0; i < 8; i++)
		for (size_t b = 0; b < PAGE_SIZE; b++)
			assert_int_equal(((unsigned char *)page_address(arr[i]))[b], 0);

	release_pages(arr, 64);
	assert_consistent();
	finish_pinned();
}

/* A NULL array is reported; nothing is allocated. */
static void test_bulk_alloc_null_array_is_reported(void **state)
{
	(void)state;
	test_init(ARENA_1G);
	long before = zone_free_and_parked();

	stderr_capture_begin();
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 16, NULL), 0);
	char *err = stderr_capture_end();
	assert_non_null(strstr(err, "NULL page array"));
	free(err);
	stderr_capture_begin();
	release_pages(NULL, 4);
	err = stderr_capture_end();
	assert_non_null(strstr(err, "NULL page array"));
	free(err);
	assert_int_equal(zone_free_and_parked(), before);
	test_check_and_exit();
}

/*
 * Watermark: the bulk path serves only a zone that stays above its low mark
 * with nr_pages more taken; otherwise it falls back to one single page.
 */
static void test_bulk_alloc_respects_the_watermark(void **state)
{
	(void)state;
	start_on_cpu0("arena_size:64M,dma_limit:0,dma32_limit:0");
	struct zone *zone = normal_zone();
	unsigned long low = test_zone_watermark(zone, WMARK_LOW);
	struct page_stack taken = {0};
	enum { NR = 256 };
	struct page **arr = calloc(NR, sizeof(*arr));

	assert_non_null(arr);
	/* leave the zone a little above the low mark, less than NR above it */
	buddy_drain_all_pages();
	while ((unsigned long)zone_free(ZONE_NORMAL) > low + NR / 2) {
		struct page *p = alloc_pages_node(0, GFP_KERNEL | __GFP_NOWARN, 0);
		assert_non_null(p);
		page_stack_push(&taken, p);
		buddy_drain_local_pages();
	}
	assert_true((unsigned long)zone_free(ZONE_NORMAL) > low);
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL | __GFP_NOWARN, NR, arr), 1);
	assert_non_null(arr[0]);
	assert_null(arr[1]);
	release_pages(arr, NR);
	free(arr);
	page_stack_free_all(&taken);
	assert_consistent();
	finish_pinned();
}

/*
 * release_pages: one reference dropped per entry, the last ones freed with
 * their own orders (pcp orders and a max-order block alike), NULL entries
 * skipped, bad entries reported as single frees are while the rest is freed.
 */
static void test_release_pages_frees_a_batch(void **state)
{
	(void)state;
	start_on_cpu0(ARENA_1G);
	enum { NR = 80 };
	struct page *arr[NR + 6] = {0};
	long before = zone_free_and_parked();
	unsigned long pgfree = sum_vm_event(PGFREE);

	for (int i = 0; i < NR; i++)
		assert_non_null(arr[i] = alloc_pages(GFP_KERNEL, 0));
	assert_non_null(arr[NR] = alloc_pages(GFP_KERNEL, 3));
	assert_non_null(arr[NR + 1] = alloc_pages(GFP_KERNEL, MAX_ORDER - 1));
	struct page *shared = alloc_pages(GFP_KERNEL, 0);
	get_page(shared);
	arr[NR + 2] = shared;	/* two references: only one dropped */
	arr[NR + 3] = NULL;	/* skipped */
	arr[NR + 4] = arr[5];	/* freed twice in one batch: the second is reported */
	arr[NR + 5] = (struct page *)(uintptr_t)0x1234; /* not a descriptor: reported */

	stderr_capture_begin();
	release_pages(arr, NR + 6);
	char *err = stderr_capture_end();
	assert_non_null(strstr(err, "Bad page"));
	assert_non_null(strstr(err, "release_pages: not a page descriptor"));
	free(err);
	assert_int_equal(page_count(shared), 1);
	/* everything but shared came back */
	assert_int_equal(before - zone_free_and_parked(), 1);
	assert_int_equal(sum_vm_event(PGFREE) - pgfree, NR + 8 + (1UL << (MAX_ORDER - 1)));
	assert_consistent();
	__free_pages(shared, 0);
	assert_int_equal(zone_free_and_parked(), before);
	finish_pinned();
}

/* Threads bulk-allocating and releasing while another decays every CPU's high: TSan's case. */
struct bulk_arg {
	int rounds;
};

static void *bulk_worker(void *p)
{
	struct bulk_arg *a = p;
	struct page *arr[64];

	for (int r = 0; r < a->rounds; r++) {
		memset(arr, 0, sizeof(arr));
		unsigned long got = alloc_pages_bulk_array(GFP_KERNEL, 64, arr);
		assert_true(got >= 1);
		release_pages(arr, (int)got);
	}
	return NULL;
}

static void *decay_worker(void *p)
{
	int rounds = *(int *)p;

	for (int r = 0; r < rounds; r++)
		stat_refresh();
	return NULL;
}

static void test_bulk_and_decay_from_several_threads(void **state)
{
	(void)state;
	test_init(ARENA_1G);
	long before = zone_free_and_parked();
	struct bulk_arg a = {.rounds = 2000};
	int decays = 200;
	pthread_t t[3];

	test_watchdog_start(120, "bulk and decay threads");
	assert_int_equal(pthread_create(&t[0], NULL, bulk_worker, &a), 0);
	assert_int_equal(pthread_create(&t[1], NULL, bulk_worker, &a), 0);
	assert_int_equal(pthread_create(&t[2], NULL, decay_worker, &decays), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	test_watchdog_stop();
	assert_int_equal(zone_free_and_parked(), before);
	assert_consistent();
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_high_min_and_high_max_follow_6_7, test_teardown_exit),
		cmocka_unit_test_teardown(test_frees_without_allocations_grow_high, test_teardown_exit),
		cmocka_unit_test_teardown(test_refills_grow_high_up_to_high_max, test_teardown_exit),
		cmocka_unit_test_teardown(test_decay_brings_high_back_to_high_min, test_teardown_exit),
		cmocka_unit_test_teardown(test_below_high_watermark_shrinks_high, test_teardown_exit),
		cmocka_unit_test_teardown(test_reclaim_active_keeps_four_batches, test_teardown_exit),
		cmocka_unit_test_teardown(test_free_high_for_runs_of_high_order_frees, test_teardown_exit),
		cmocka_unit_test_teardown(test_each_free_halves_alloc_factor, test_teardown_exit),
		cmocka_unit_test_teardown(test_bulk_alloc_fills_null_slots, test_teardown_exit),
		cmocka_unit_test_teardown(test_bulk_alloc_null_array_is_reported, test_teardown_exit),
		cmocka_unit_test_teardown(test_bulk_alloc_respects_the_watermark, test_teardown_exit),
		cmocka_unit_test_teardown(test_release_pages_frees_a_batch, test_teardown_exit),
		cmocka_unit_test_teardown(test_bulk_and_decay_from_several_threads, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
