/* SPDX-License-Identifier: MIT */
/*
 * GFP masks: the 4.7 bit values, the GFP_* groups, gfp_zone() for all 16
 * zone-modifier combinations, gfpflags_to_migratetype(), and where
 * allocations land: the zone each mask selects and the zonelist fallback.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

static void test_gfp_bits_match_4_7(void **state)
{
	(void)state;
	static const struct {
		gfp_t value, expect;
	} bits[] = {
		{ ___GFP_DMA, 0x01u }, { ___GFP_HIGHMEM, 0x02u }, { ___GFP_DMA32, 0x04u },
		{ ___GFP_MOVABLE, 0x08u }, { ___GFP_RECLAIMABLE, 0x10u }, { ___GFP_HIGH, 0x20u },
		{ ___GFP_IO, 0x40u }, { ___GFP_FS, 0x80u }, { ___GFP_COLD, 0x100u },
		{ ___GFP_NOWARN, 0x200u }, { ___GFP_REPEAT, 0x400u }, { ___GFP_NOFAIL, 0x800u },
		{ ___GFP_NORETRY, 0x1000u }, { ___GFP_MEMALLOC, 0x2000u }, { ___GFP_COMP, 0x4000u },
		{ ___GFP_ZERO, 0x8000u }, { ___GFP_NOMEMALLOC, 0x10000u }, { ___GFP_HARDWALL, 0x20000u },
		{ ___GFP_THISNODE, 0x40000u }, { ___GFP_ATOMIC, 0x80000u }, { ___GFP_ACCOUNT, 0x100000u },
		{ ___GFP_NOTRACK, 0x200000u }, { ___GFP_DIRECT_RECLAIM, 0x400000u },
		{ ___GFP_OTHER_NODE, 0x800000u }, { ___GFP_WRITE, 0x1000000u },
		{ ___GFP_KSWAPD_RECLAIM, 0x2000000u },
	};
	gfp_t all = 0;

	assert_int_equal(ARRAY_SIZE(bits), 26);
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		assert_int_equal(bits[i].value, bits[i].expect);
		assert_int_equal(bits[i].value & all, 0);	/* each bit used once */
		all |= bits[i].value;
	}
	assert_int_equal(__GFP_BITS_SHIFT, 26);
	assert_int_equal(__GFP_BITS_MASK, 0x3ffffffu);
	assert_int_equal(all, __GFP_BITS_MASK);
	assert_int_equal(sizeof(gfp_t), sizeof(unsigned int));

	/* The __GFP_* names are the same bits. */
	assert_int_equal(__GFP_DMA, ___GFP_DMA);
	assert_int_equal(__GFP_HIGHMEM, ___GFP_HIGHMEM);
	assert_int_equal(__GFP_DMA32, ___GFP_DMA32);
	assert_int_equal(__GFP_MOVABLE, ___GFP_MOVABLE);
	assert_int_equal(__GFP_RECLAIMABLE, ___GFP_RECLAIMABLE);
	assert_int_equal(__GFP_HIGH, ___GFP_HIGH);
	assert_int_equal(__GFP_IO, ___GFP_IO);
	assert_int_equal(__GFP_FS, ___GFP_FS);
	assert_int_equal(__GFP_COLD, ___GFP_COLD);
	assert_int_equal(__GFP_NOWARN, ___GFP_NOWARN);
	assert_int_equal(__GFP_REPEAT, ___GFP_REPEAT);
	assert_int_equal(__GFP_NOFAIL, ___GFP_NOFAIL);
	assert_int_equal(__GFP_NORETRY, ___GFP_NORETRY);
	assert_int_equal(__GFP_MEMALLOC, ___GFP_MEMALLOC);
	assert_int_equal(__GFP_COMP, ___GFP_COMP);
	assert_int_equal(__GFP_ZERO, ___GFP_ZERO);
	assert_int_equal(__GFP_NOMEMALLOC, ___GFP_NOMEMALLOC);
	assert_int_equal(__GFP_HARDWALL, ___GFP_HARDWALL);
	assert_int_equal(__GFP_THISNODE, ___GFP_THISNODE);
	assert_int_equal(__GFP_ATOMIC, ___GFP_ATOMIC);
	assert_int_equal(__GFP_ACCOUNT, ___GFP_ACCOUNT);
	assert_int_equal(__GFP_NOTRACK, ___GFP_NOTRACK);
	assert_int_equal(__GFP_NOTRACK_FALSE_POSITIVE, ___GFP_NOTRACK);
	assert_int_equal(__GFP_DIRECT_RECLAIM, ___GFP_DIRECT_RECLAIM);
	assert_int_equal(__GFP_OTHER_NODE, ___GFP_OTHER_NODE);
	assert_int_equal(__GFP_WRITE, ___GFP_WRITE);
	assert_int_equal(__GFP_KSWAPD_RECLAIM, ___GFP_KSWAPD_RECLAIM);
	assert_int_equal(__GFP_RECLAIM, 0x2400000u);
	assert_int_equal(GFP_ZONEMASK, 0x0fu);
	assert_int_equal(GFP_MOVABLE_MASK, 0x18u);
	assert_int_equal(GFP_MOVABLE_SHIFT, 3);
	assert_int_equal(1u << GFP_MOVABLE_SHIFT, ___GFP_MOVABLE);
}

static void test_gfp_groups(void **state)
{
	(void)state;
	assert_int_equal(GFP_ATOMIC, 0x2080020u);
	assert_int_equal(GFP_KERNEL, 0x24000c0u);
	assert_int_equal(GFP_KERNEL_ACCOUNT, 0x25000c0u);
	assert_int_equal(GFP_NOWAIT, 0x2000000u);
	assert_int_equal(GFP_NOIO, 0x2400000u);
	assert_int_equal(GFP_NOFS, 0x2400040u);
	assert_int_equal(GFP_TEMPORARY, 0x24000d0u);
	assert_int_equal(GFP_USER, 0x24200c0u);
	assert_int_equal(GFP_DMA, 0x01u);
	assert_int_equal(GFP_DMA32, 0x04u);
	assert_int_equal(GFP_HIGHUSER, 0x24200c2u);
	assert_int_equal(GFP_HIGHUSER_MOVABLE, 0x24200cau);
	assert_int_equal(GFP_TRANSHUGE, 0x00352cau);
	/* Geometry constants. */
	assert_int_equal(MAX_ORDER, 11);
	assert_int_equal(pageblock_order, 9);
	assert_int_equal(PAGE_SIZE, 4096);
	assert_int_equal(MAX_ORDER_NR_PAGES, 1024);
}

/* The kernel's GFP_ZONE_TABLE / GFP_ZONE_BAD, all 16 entries. */
static const int zone_for_combo[16] = {
	[0x0] = ZONE_NORMAL, [0x1] = ZONE_DMA, [0x2] = ZONE_HIGHMEM, [0x3] = -1,
	[0x4] = ZONE_DMA32, [0x5] = -1, [0x6] = -1, [0x7] = -1,
	[0x8] = ZONE_NORMAL, [0x9] = ZONE_DMA, [0xA] = ZONE_MOVABLE, [0xB] = -1,
	[0xC] = ZONE_DMA32, [0xD] = -1, [0xE] = -1, [0xF] = -1,
};

static void test_gfp_zone_all_16_combinations(void **state)
{
	(void)state;
	for (gfp_t combo = 0; combo < 16; combo++) {
		enum zone_type expect = zone_for_combo[combo] < 0 ? MAX_NR_ZONES : (enum zone_type)zone_for_combo[combo];
		assert_int_equal(gfp_zone(combo), expect);
		/* Only the zone modifiers matter. */
		assert_int_equal(gfp_zone(combo | GFP_KERNEL | __GFP_COMP | __GFP_ZERO), expect);
	}
}

#define ALL_ZONES "arena_size:64M,dma_limit:4M,dma32_limit:20M,highmem_start:48M,movablecore:8M"

static void test_allocations_land_in_the_masks_zone(void **state)
{
	(void)state;
	test_init(ALL_ZONES);
	for (gfp_t combo = 0; combo < 16; combo++) {
		if (zone_for_combo[combo] < 0)
			continue;
		for (unsigned int order = 0; order < 4; order += 3) {
			struct page *page = alloc_pages(GFP_KERNEL | combo, order);
			assert_non_null(page);
			if (page_zonenum(page) != (enum zone_type)zone_for_combo[combo])
				fail_msg("mask %#x order %u landed in zone %d, expected %d", combo, order,
					 page_zonenum(page), zone_for_combo[combo]);
			assert_int_equal(test_zone_idx(page_zone(page)), page_zonenum(page));
			assert_int_equal(page_to_nid(page), 0);
			__free_pages(page, order);
		}
	}
	/* __get_free_pages refuses highmem: a highmem mask gets a NORMAL page. */
	unsigned long addr = __get_free_pages(GFP_HIGHUSER, 0);
	assert_true(addr != 0);
	assert_int_equal(page_zonenum(virt_to_page((void *)addr)), ZONE_NORMAL);
	free_pages(addr, 0);
	test_check_and_exit();
}

static void test_bad_combinations_fail_with_message(void **state)
{
	(void)state;
	test_init(ALL_ZONES);
	for (gfp_t combo = 0; combo < 16; combo++) {
		if (zone_for_combo[combo] >= 0)
			continue;
		stderr_capture_begin();
		struct page *page = alloc_pages(GFP_KERNEL | combo, 0);
		char *text = stderr_capture_end();
		assert_null(page);
		assert_non_null(strstr(text, "page allocation failure"));
		assert_non_null(strstr(text, "GFP_ZONE_BAD"));
		free(text);
		assert_consistent();
	}
	/* The allocator still works. */
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	__free_pages(page, 0);
	test_check_and_exit();
}

static void test_gfpflags_to_migratetype(void **state)
{
	(void)state;
	assert_int_equal(gfpflags_to_migratetype(0), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_ATOMIC), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_DMA), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(__GFP_MOVABLE), MIGRATE_MOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_TRANSHUGE), MIGRATE_MOVABLE);
	assert_int_equal(gfpflags_to_migratetype(__GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_TEMPORARY), MIGRATE_RECLAIMABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_DMA32 | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
}

/* Fill memory one page at a time and record the order in which zones are first used. */
static int first_use_order(gfp_t gfp, enum zone_type seen_order[MAX_NR_ZONES], struct page ***out,
			   size_t *nr_out)
{
	size_t cap = 8192, n = 0;
	struct page **pages = malloc(cap * sizeof(*pages));
	bool seen[MAX_NR_ZONES] = { false };
	int nr_seen = 0;
	struct page *page;

	while ((page = alloc_pages(gfp | __GFP_NOWARN, 0))) {
		if (n == cap)
			pages = realloc(pages, (cap *= 2) * sizeof(*pages));
		pages[n++] = page;
		enum zone_type z = page_zonenum(page);
		if (!seen[z]) {
			seen[z] = true;
			seen_order[nr_seen++] = z;
		}
	}
	*out = pages;
	*nr_out = n;
	return nr_seen;
}

static void free_all(struct page **pages, size_t n)
{
	for (size_t i = 0; i < n; i++)
		__free_page(pages[i]);
	free(pages);
}

static void test_zonelist_falls_back_downward(void **state)
{
	(void)state;
	enum zone_type order[MAX_NR_ZONES];
	struct page **pages;
	size_t n;

	test_init("arena_size:16M,dma_limit:2M,dma32_limit:6M");
	int nr = first_use_order(GFP_KERNEL, order, &pages, &n);
	assert_int_equal(nr, 3);
	assert_int_equal(order[0], ZONE_NORMAL);
	assert_int_equal(order[1], ZONE_DMA32);
	assert_int_equal(order[2], ZONE_DMA);
	assert_consistent();
	free_all(pages, n);
	test_check_and_exit();

	/* DMA32 full -> DMA; never NORMAL. */
	test_init("arena_size:16M,dma_limit:2M,dma32_limit:6M");
	nr = first_use_order(GFP_DMA32, order, &pages, &n);
	assert_int_equal(nr, 2);
	assert_int_equal(order[0], ZONE_DMA32);
	assert_int_equal(order[1], ZONE_DMA);
	free_all(pages, n);
	test_check_and_exit();

	/* DMA has nowhere to fall back to. */
	test_init("arena_size:16M,dma_limit:2M,dma32_limit:6M");
	nr = first_use_order(GFP_DMA, order, &pages, &n);
	assert_int_equal(nr, 1);
	assert_int_equal(order[0], ZONE_DMA);
	assert_true(n < 512);
	free_all(pages, n);
	test_check_and_exit();

	/* HIGHMEM full -> NORMAL -> DMA32 -> DMA. */
	test_init("arena_size:16M,dma_limit:2M,dma32_limit:4M,highmem_start:12M");
	nr = first_use_order(GFP_HIGHUSER, order, &pages, &n);
	assert_int_equal(nr, 4);
	assert_int_equal(order[0], ZONE_HIGHMEM);
	assert_int_equal(order[1], ZONE_NORMAL);
	assert_int_equal(order[2], ZONE_DMA32);
	assert_int_equal(order[3], ZONE_DMA);
	free_all(pages, n);
	test_check_and_exit();
}

static void test_empty_highmem_and_movable_fall_to_normal(void **state)
{
	(void)state;
	static const gfp_t masks[] = { GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE, __GFP_HIGHMEM | __GFP_MOVABLE,
				       GFP_TRANSHUGE };

	test_init("arena_size:16M,dma_limit:2M,dma32_limit:6M");
	assert_false(populated_zone(zone_of(0, ZONE_HIGHMEM)));
	assert_false(populated_zone(zone_of(0, ZONE_MOVABLE)));
	for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
		unsigned int order = (masks[i] & __GFP_COMP) ? pageblock_order : 0;
		struct page *page = alloc_pages(masks[i], order);
		assert_non_null(page);
		assert_int_equal(page_zonenum(page), ZONE_NORMAL);
		__free_pages(page, order);
	}
	test_check_and_exit();
}

/* __GFP_THISNODE and nodemasks keep an allocation on its node; others fall back across nodes. */
static void test_node_fallback(void **state)
{
	(void)state;
	nodemask_t only1;
	struct page *page;

	test_init("arena_size:16M,dma_limit:0,dma32_limit:0,numa_fake:2");
	assert_int_equal(buddy_nr_nodes(), 2);
	nodes_clear(&only1);
	node_set(1, &only1);
	page = __alloc_pages_nodemask(GFP_KERNEL, 0, 0, &only1);
	assert_non_null(page);
	assert_int_equal(page_to_nid(page), 1);
	__free_pages(page, 0);

	/* Fill node 0 with __GFP_THISNODE: it never spills to node 1. */
	size_t n = 0;
	struct page *pages[2048];
	while ((page = alloc_pages_node(0, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0))) {
		assert_int_equal(page_to_nid(page), 0);
		assert_true(n < ARRAY_SIZE(pages));
		pages[n++] = page;
	}
	/* Without it, node 0's next request is served by node 1. */
	page = alloc_pages_node(0, GFP_KERNEL, 0);
	assert_non_null(page);
	assert_int_equal(page_to_nid(page), 1);
	__free_pages(page, 0);
	for (size_t i = 0; i < n; i++)
		__free_pages(pages[i], 0);
	test_check_and_exit();
}

#define T(fn) cmocka_unit_test_teardown(fn, test_teardown_exit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_gfp_bits_match_4_7),
		T(test_gfp_groups),
		T(test_gfp_zone_all_16_combinations),
		T(test_allocations_land_in_the_masks_zone),
		T(test_bad_combinations_fail_with_message),
		T(test_gfpflags_to_migratetype),
		T(test_zonelist_falls_back_downward),
		T(test_empty_highmem_and_movable_fall_to_normal),
		T(test_node_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
