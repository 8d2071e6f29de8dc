/* SPDX-License-Identifier: MIT */
/*
 * How deep each GFP mask may dig, measured: allocate order-0 pages until the
 * allocator says no, drain the per-CPU lists, and count the free pages left.
 *
 * What the kernel would do here, with nothing registered to reclaim: the
 * fast path tries every zone at the LOW mark; the slow path retries at the
 * MIN mark with gfp_to_alloc_flags' privileges (6.1), then, for
 * __GFP_MEMALLOC without __GFP_NOMEMALLOC, without any watermark. So
 *   GFP_KERNEL              stops when free <= min            (+ lowmem_reserve)
 *   __GFP_HIGH (ALLOC_HIGH)          when free <= min - min/2
 *   __GFP_ATOMIC (ALLOC_HARDER)      when free <= min - min/4
 *   GFP_ATOMIC (both)                when free <= m - m/4, m = min - min/2
 *   __GFP_MEMALLOC                   when the zone is empty
 *   __GFP_NOMEMALLOC wins over __GFP_MEMALLOC and takes ALLOC_HARDER away.
 * A zone is "not ok" when free <= mark, so the count left is exactly the mark:
 * the last success saw free > mark and took one page.
 */
#include "test_util.h"

#include <stdlib.h>

#include "internal.h"

/* 4.12 gfp_to_alloc_flags and __gfp_pfmemalloc_flags, bit by bit. */
static void test_gfp_to_alloc_flags(void **state)
{
	(void)state;
	assert_int_equal(gfp_to_alloc_flags(GFP_KERNEL), ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD);
	assert_int_equal(gfp_to_alloc_flags(GFP_NOWAIT), ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_KSWAPD);
	assert_int_equal(gfp_to_alloc_flags(0), ALLOC_WMARK_MIN | ALLOC_CPUSET);
	/* GFP_ATOMIC: HIGH and HARDER, and cpusets ignored rather than fail. */
	assert_int_equal(gfp_to_alloc_flags(GFP_ATOMIC), ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER | ALLOC_KSWAPD);
	assert_int_equal(gfp_to_alloc_flags(GFP_ATOMIC | __GFP_NOMEMALLOC), ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_KSWAPD);
	assert_int_equal(gfp_to_alloc_flags(GFP_KERNEL | __GFP_HIGH),
			 ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_HIGH | ALLOC_KSWAPD);
	/* Movable requests may use CMA; the others may not. */
	assert_true(gfp_to_alloc_flags(GFP_HIGHUSER_MOVABLE) & ALLOC_CMA);
	assert_false(gfp_to_alloc_flags(GFP_KERNEL) & ALLOC_CMA);
	assert_false(gfp_to_alloc_flags(GFP_TEMPORARY) & ALLOC_CMA);
	/* NO_WATERMARKS never comes from gfp_to_alloc_flags, only from the pfmemalloc check. */
	assert_false(gfp_to_alloc_flags(GFP_KERNEL | __GFP_MEMALLOC) & ALLOC_NO_WATERMARKS);
	assert_int_equal(__gfp_pfmemalloc_flags(GFP_KERNEL | __GFP_MEMALLOC), ALLOC_NO_WATERMARKS);
	assert_int_equal(__gfp_pfmemalloc_flags(GFP_ATOMIC | __GFP_MEMALLOC), ALLOC_NO_WATERMARKS);
	assert_int_equal(__gfp_pfmemalloc_flags(GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOMEMALLOC), 0);
	assert_int_equal(__gfp_pfmemalloc_flags(GFP_ATOMIC), 0);
	assert_int_equal(__gfp_pfmemalloc_flags(GFP_KERNEL), 0);
}

/*
 * One zone, arena_size:64M,dma_limit:0,dma32_limit:0: NORMAL 16384 pages.
 * min_free_kbytes = int_sqrt(65536 * 16) = 1024 -> pages_min 256 -> min 256;
 * delta = max(64, 16) = 64 -> low 320, high 384. Reserve for NORMAL: 0.
 */
#define ONE_ZONE "arena_size:64M,dma_limit:0,dma32_limit:0"
/*
 * The depths below are the static marks: kswapd - which the slow path wakes
 * for every mask with __GFP_KSWAPD_RECLAIM - would clear a fallback's
 * watermark boost at a moment of its own choosing, so the multi-zone tests
 * run without it.
 */
#define NO_KSWAPD ",kswapd:off"

struct depth_case {
	gfp_t gfp;
	long left;	/* free pages when the loop stops */
};

static void test_depth_per_mask(void **state)
{
	(void)state;
	const struct depth_case cases[] = {
		{ GFP_KERNEL, 256 },					/* min */
		{ GFP_KERNEL | __GFP_HIGH, 128 },			/* 256 - 256/2 */
		{ GFP_NOWAIT | __GFP_ATOMIC, 192 },			/* 256 - 256/4 */
		{ GFP_ATOMIC, 96 },					/* 128 - 128/4 */
		{ GFP_ATOMIC | __GFP_NOMEMALLOC, 128 },			/* HARDER taken away: 256 - 128 */
		{ GFP_KERNEL | __GFP_MEMALLOC, 0 },			/* no watermarks */
		{ GFP_ATOMIC | __GFP_MEMALLOC, 0 },
		{ GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOMEMALLOC, 256 },	/* NOMEMALLOC wins */
		{ GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOMEMALLOC, 128 },
		{ GFP_HIGHUSER_MOVABLE, 256 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct page_stack s = { 0 };

		test_init(ONE_ZONE);
		assert_int_equal(wmark_pages(zone_of(0, ZONE_NORMAL), WMARK_MIN), 256);
		assert_int_equal(wmark_pages(zone_of(0, ZONE_NORMAL), WMARK_LOW), 320);
		size_t n = take_all_pages(cases[i].gfp, &s);
		long left = free_after_drain(0, ZONE_NORMAL);
		if (left != cases[i].left)
			fail_msg("mask %#x stopped with %ld pages free, expected %ld", cases[i].gfp, left, cases[i].left);
		assert_int_equal(n, 16384 - cases[i].left);
		page_stack_free_all(&s);
		assert_int_equal(free_after_drain(0, ZONE_NORMAL), 16384);
		test_check_and_exit();
	}
}

/* The same depths in one run: each mask takes over where the weaker one stopped. */
static void test_depths_in_sequence(void **state)
{
	(void)state;
	struct page_stack s = { 0 };

	test_init(ONE_ZONE);
	take_all_pages(GFP_KERNEL, &s);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 256);
	/* GFP_KERNEL is refused again at once, __GFP_NOMEMALLOC|__GFP_MEMALLOC too. */
	assert_int_equal(take_all_pages(GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOMEMALLOC, &s), 0);
	assert_int_equal(take_all_pages(GFP_ATOMIC | __GFP_NOMEMALLOC, &s), 256 - 128);
	assert_int_equal(take_all_pages(GFP_ATOMIC, &s), 128 - 96);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 96);
	assert_int_equal(take_all_pages(GFP_KERNEL | __GFP_MEMALLOC, &s), 96);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * The fast path stops at LOW and only then does the slow path dig to MIN,
 * which shows in the order zones are used. arena 64M, dma 4M, dma32 16M:
 *   DMA 1024 pages 16/20/24, DMA32 4096 pages 64/80/96, Normal 11264 pages 176/220/264
 *   lowmem_reserve[NORMAL]: DMA (4096+11264)/256 = 60, DMA32 11264/256 = 44
 * GFP_KERNEL, draining after every allocation so the checks see every free page:
 *   fast path: Normal down to low 220                 11264 - 220 = 11044 pages
 *              DMA32 down to low + reserve 80 + 44     4096 - 124 =  3972
 *              DMA down to low + reserve 20 + 60       1024 -  80 =   944
 *   slow path: Normal down to min 176                  220 - 176  =    44
 *              DMA32 down to 64 + 44 = 108             124 - 108  =    16
 *              DMA down to 16 + 60 = 76                 80 -  76  =     4
 */
static void test_fast_path_low_then_min(void **state)
{
	(void)state;
	const enum zone_type want_zone[] = { ZONE_NORMAL, ZONE_DMA32, ZONE_DMA, ZONE_NORMAL, ZONE_DMA32, ZONE_DMA };
	const size_t want_len[] = { 11044, 3972, 944, 44, 16, 4 };
	enum zone_type run_zone[16];
	size_t run_len[16], runs = 0;
	struct page_stack s = { 0 };
	struct page *p;

	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M" NO_KSWAPD);
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL) {
		enum zone_type z = page_zonenum(p);

		page_stack_push(&s, p);
		buddy_drain_all_pages();
		if (runs && run_zone[runs - 1] == z) {
			run_len[runs - 1]++;
			continue;
		}
		assert_true(runs < ARRAY_SIZE(run_zone));
		run_zone[runs] = z;
		run_len[runs++] = 1;
	}
	assert_int_equal(runs, ARRAY_SIZE(want_zone));
	for (size_t i = 0; i < runs; i++) {
		assert_int_equal(run_zone[i], want_zone[i]);
		assert_int_equal(run_len[i], want_len[i]);
	}
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 176);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 108);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 76);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * Lowmem reserves protect DMA and DMA32 from requests that could have used a
 * higher zone. Same layout; GFP_HIGHUSER_MOVABLE asks for up to ZONE_MOVABLE
 * (highest_zoneidx 4), so DMA keeps min + lowmem_reserve[MOVABLE] =
 * 16 + (4096+11264)/256 = 76 and DMA32 keeps 64 + 11264/256 = 108; Normal
 * goes to its min 176. GFP_DMA32 then may take DMA32 to its min 64, and DMA
 * to 16 + lowmem_reserve[DMA32] = 16 + 4096/256 = 32; GFP_DMA takes DMA to 16.
 */
static void test_lowmem_reserve_protection(void **state)
{
	(void)state;
	struct page_stack s = { 0 };

	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M" NO_KSWAPD);
	assert_int_equal(test_zone_lowmem_reserve(zone_of(0, ZONE_DMA), ZONE_MOVABLE), 60);
	assert_int_equal(test_zone_lowmem_reserve(zone_of(0, ZONE_DMA32), ZONE_MOVABLE), 44);
	assert_int_equal(take_all_pages(GFP_HIGHUSER_MOVABLE, &s), (11264 - 176) + (4096 - 108) + (1024 - 76));
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 176);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 108);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 76);
	/* GFP_KERNEL sees the same reserves (classzone NORMAL: 60 and 44). */
	assert_int_equal(take_all_pages(GFP_KERNEL, &s), 0);

	size_t mark = s.nr;
	assert_int_equal(take_all_pages(GFP_DMA32, &s), (108 - 64) + (76 - 32));
	for (size_t i = mark; i < s.nr; i++)
		assert_true(page_zonenum(s.pages[i]) <= ZONE_DMA32);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 64);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 32);
	mark = s.nr;
	assert_int_equal(take_all_pages(GFP_DMA, &s), 32 - 16);
	for (size_t i = mark; i < s.nr; i++)
		assert_int_equal(page_zonenum(s.pages[i]), ZONE_DMA);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 16);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 176);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/* Without reserves (ratio 0) the same pressure digs DMA and DMA32 to their min marks. */
static void test_lowmem_reserve_off(void **state)
{
	(void)state;
	struct page_stack s = { 0 };
	const int none[MAX_NR_ZONES] = { 0, 0, 0, 0, 0 };

	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M" NO_KSWAPD);
	assert_int_equal(buddy_set_lowmem_reserve_ratio(none), 0);
	take_all_pages(GFP_HIGHUSER_MOVABLE, &s);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 176);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 64);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 16);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * With HighMem and Movable populated (layout and values of
 * test_watermark.c's test_highmem_and_movable), GFP_HIGHUSER_MOVABLE
 * (classzone MOVABLE) uses Movable first and leaves each zone
 * min + lowmem_reserve[MOVABLE]: Movable 32, HighMem 32 + 0, Normal
 * 128 + 128 = 256, DMA32 73 + 44 = 117, DMA 18 + 60 = 78. A request with
 * a lower classzone meets smaller reserves and digs further: GFP_HIGHUSER
 * (classzone HIGHMEM; HighMem is at its min) takes Normal to 128 + 64 = 192,
 * DMA32 to 73 + 36 = 109, DMA to 18 + 52 = 70; GFP_KERNEL (classzone NORMAL)
 * then Normal to 128, DMA32 to 73 + 28 = 101, DMA to 18 + 44 = 62. Neither
 * touches Movable.
 */
static void test_movable_and_highmem_pressure(void **state)
{
	(void)state;
	struct page_stack s = { 0 };

	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M,highmem_start:48M,movablecore:8M" NO_KSWAPD);
	struct page *first = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(page_zonenum(first), ZONE_MOVABLE);
	page_stack_push(&s, first);
	take_all_pages(GFP_HIGHUSER_MOVABLE, &s);
	assert_int_equal(free_after_drain(0, ZONE_MOVABLE), 32);
	assert_int_equal(free_after_drain(0, ZONE_HIGHMEM), 32);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 256);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 117);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 78);
	size_t mark = s.nr;
	assert_int_equal(take_all_pages(GFP_HIGHUSER, &s), (256 - 192) + (117 - 109) + (78 - 70));
	for (size_t i = mark; i < s.nr; i++)
		assert_true(page_zonenum(s.pages[i]) <= ZONE_NORMAL);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 192);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 109);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 70);
	mark = s.nr;
	assert_int_equal(take_all_pages(GFP_KERNEL, &s), (192 - 128) + (109 - 101) + (70 - 62));
	for (size_t i = mark; i < s.nr; i++)
		assert_true(page_zonenum(s.pages[i]) <= ZONE_NORMAL);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 128);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 101);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 62);
	assert_int_equal(free_after_drain(0, ZONE_MOVABLE), 32);
	assert_int_equal(free_after_drain(0, ZONE_HIGHMEM), 32);
	page_stack_free_all(&s);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gfp_to_alloc_flags),
		cmocka_unit_test(test_depth_per_mask),
		cmocka_unit_test(test_depths_in_sequence),
		cmocka_unit_test(test_fast_path_low_then_min),
		cmocka_unit_test(test_lowmem_reserve_protection),
		cmocka_unit_test(test_lowmem_reserve_off),
		cmocka_unit_test(test_movable_and_highmem_pressure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
