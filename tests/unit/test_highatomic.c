/* SPDX-License-Identifier: MIT */
/*
 * Highatomic reserves (6.1): a high-order ALLOC_HARDER allocation reserves
 * its pageblock, up to managed/100 + one pageblock; the reserve serves
 * later high-order atomic requests first and nothing else; it is given back
 * (one block kept unless forced) before an allocation fails.
 */
#include "test_util.h"
#include "internal.h"

/* No watermark boost: the atomic requests' fallbacks would raise the marks under fill_below_low. */
#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0,watermark_boost_factor:0"

static bool same_block(struct page *a, struct page *b)
{
	return page_to_pfn(a) / pageblock_nr_pages == page_to_pfn(b) / pageblock_nr_pages;
}

static struct alloc_context make_ac(int migratetype)
{
	struct alloc_context ac = { 0 };

	ac.zonelist = test_zonelist(0, ZONELIST_FALLBACK);
	ac.preferred_zoneref = test_zonelist_refs(ac.zonelist);
	ac.highest_zoneidx = ZONE_NORMAL;
	ac.migratetype = migratetype;
	return ac;
}

static struct page *held[20000];
static int nheld;

static void release_held(void)
{
	while (nheld > 0)
		__free_pages(held[--nheld], 0);
}

/* Allocate movable pages until the zone is just below its low watermark. */
static void fill_below_low(void)
{
	unsigned long low = wmark_pages(normal_zone(), WMARK_LOW);

	nheld = 0;
	while (zone_free(ZONE_NORMAL) >= (long)low) {
		/*
		 * A free between allocations halves alloc_factor (6.7), so refills
		 * stay about a batch and the zone steps below low without one
		 * refill of batch << 5 jumping past min.
		 */
		struct page *spare = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);

		held[nheld] = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
		assert_non_null(held[nheld]);
		nheld++;
		if (spare)
			__free_pages(spare, 0);
	}
	assert_true(zone_free(ZONE_NORMAL) > (long)wmark_pages(normal_zone(), WMARK_MIN));
}

static void test_atomic_high_order_reserves_and_is_served_first(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();

	/* Above the low mark nothing is reserved: the fast path has no ALLOC_HARDER. */
	struct page *p = alloc_pages(GFP_ATOMIC, 1);
	assert_non_null(p);
	assert_int_equal(test_zone_reserved_highatomic(zone), 0);
	__free_pages(p, 1);

	fill_below_low();
	p = alloc_pages(GFP_ATOMIC, 1);
	assert_non_null(p);
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);
	assert_int_equal(get_pageblock_migratetype(p), MIGRATE_HIGHATOMIC);
	assert_consistent();

	/* The next high-order atomic request is served from the reserve. */
	struct page *q = alloc_pages(GFP_ATOMIC, 4);
	assert_non_null(q);
	assert_true(same_block(p, q));
	__free_pages(q, 4);
	__free_pages(p, 1);
	release_held();
	test_check_and_exit();
}

static void test_reserve_not_used_by_ordinary_requests(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page *r = alloc_pages(GFP_KERNEL, 1);

	assert_non_null(r);
	/*
	 * Pages parked on pcp lists keep the type they were parked with (as
	 * in 6.1): drain around the reservation so that every free page of
	 * the block is on a HIGHATOMIC list.
	 */
	buddy_drain_all_pages();
	reserve_highatomic_pageblock(r, zone, 1);
	assert_int_equal(get_pageblock_migratetype(r), MIGRATE_HIGHATOMIC);
	__free_pages(r, 1);
	buddy_drain_all_pages();

	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
				      GFP_ATOMIC };
	static struct {
		struct page *page;
		unsigned int order;
	} got[4000];
	for (int i = 0; i < 4000; i++) {
		got[i].order = (unsigned int)(i % 4);
		got[i].page = alloc_pages(gfps[i % 4], got[i].order);
		assert_non_null(got[i].page);
		assert_false(same_block(got[i].page, r));
	}
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);
	for (int i = 0; i < 4000; i++)
		__free_pages(got[i].page, got[i].order);
	test_check_and_exit();
}

static void test_reserve_cap_and_unreserve(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	unsigned long cap = test_zone_managed(zone) / 100 + pageblock_nr_pages;	/* 675 */
	struct page *b[3];

	for (int i = 0; i < 3; i++) {
		b[i] = alloc_pages(GFP_HIGHUSER_MOVABLE, pageblock_order);
		assert_non_null(b[i]);
		reserve_highatomic_pageblock(b[i], zone, pageblock_order);
	}
	/* 512 < cap lets a second block in; 1024 >= cap stops the third. */
	assert_true(2 * pageblock_nr_pages >= cap);
	assert_int_equal(test_zone_reserved_highatomic(zone), 2 * pageblock_nr_pages);
	assert_int_equal(get_pageblock_migratetype(b[0]), MIGRATE_HIGHATOMIC);
	assert_int_equal(get_pageblock_migratetype(b[1]), MIGRATE_HIGHATOMIC);
	assert_int_equal(get_pageblock_migratetype(b[2]), MIGRATE_MOVABLE);
	for (int i = 0; i < 3; i++)
		__free_pages(b[i], pageblock_order);
	buddy_drain_all_pages();
	assert_consistent();

	struct alloc_context ac = make_ac(MIGRATE_MOVABLE);
	long free_before = zone_free(ZONE_NORMAL);
	assert_true(unreserve_highatomic_pageblock(&ac, false));
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);
	assert_consistent();
	/* One block is kept unless forced. */
	assert_false(unreserve_highatomic_pageblock(&ac, false));
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);
	assert_true(unreserve_highatomic_pageblock(&ac, true));
	assert_int_equal(test_zone_reserved_highatomic(zone), 0);
	assert_false(unreserve_highatomic_pageblock(&ac, true));
	assert_int_equal(get_pageblock_migratetype(b[0]), MIGRATE_MOVABLE);
	assert_int_equal(get_pageblock_migratetype(b[1]), MIGRATE_MOVABLE);
	/* The free pages stay free and counted; they merge back into max-order blocks. */
	assert_int_equal(zone_free(ZONE_NORMAL), free_before);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		assert_int_equal(test_nr_free_mt(zone, o, MIGRATE_HIGHATOMIC), 0);
	test_check_and_exit();
}

/* The slow path gives the reserve back before an allocation fails. */
static void test_unreserved_before_failure(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page *r = alloc_pages(GFP_KERNEL, 1);

	assert_non_null(r);
	reserve_highatomic_pageblock(r, zone, 1);
	__free_pages(r, 1);
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);

	nheld = 0;
	struct page *p;
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)))
		held[nheld++] = p;
	assert_int_equal(test_zone_reserved_highatomic(zone), 0);
	assert_int_not_equal(get_pageblock_migratetype(r), MIGRATE_HIGHATOMIC);
	/* The released block was used before failing. */
	bool used = false;
	for (int i = 0; i < nheld && !used; i++)
		used = same_block(held[i], r);
	assert_true(used);
	release_held();
	test_check_and_exit();
}

/*
 * A max-order free block (two pageblocks) whose second pageblock is
 * reserved, lying on the movable list under its first block's type - as a
 * pcp drain can leave one, the page's migratetype cached before the block
 * was reserved. A fallback that claims the whole range for unmovable use
 * retypes both blocks; the reserve's count must go with the reserved one
 * (found by fuzz_ops: "nr_reserved_highatomic 512 but 0 HighAtomic
 * pageblocks"; 6.10 fixed the same in the kernel's multi-block buddies).
 */
static void test_claiming_a_two_block_range_drops_its_reserve(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page *big = alloc_pages(GFP_HIGHUSER_MOVABLE, MAX_ORDER - 1);

	assert_non_null(big);
	reserve_highatomic_pageblock(big + pageblock_nr_pages, zone, 0);
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);
	assert_int_equal(get_pfnblock_migratetype(zone, page_to_pfn(big) + pageblock_nr_pages), MIGRATE_HIGHATOMIC);
	__free_pages(big, MAX_ORDER - 1); /* whole, on the movable list: its first block's type */

	struct page *unmovable = alloc_pages(GFP_KERNEL, MAX_ORDER - 1); /* no unmovable block yet: a fallback */
	assert_ptr_equal(unmovable, big);
	assert_int_equal(get_pfnblock_migratetype(zone, page_to_pfn(big) + pageblock_nr_pages), MIGRATE_UNMOVABLE);
	assert_int_equal(test_zone_reserved_highatomic(zone), 0);
	assert_consistent();
	__free_pages(unmovable, MAX_ORDER - 1);
	test_check_and_exit();
}

/*
 * Every pageblock of every zone reserved for high-order atomic use, then
 * freed: an order-0 __GFP_NOFAIL request must still get a page (found by
 * fuzz_ops: the request waited for ever with the whole arena free).
 */
static void test_nofail_order0_with_every_block_reserved(void **state)
{
	(void)state;
	test_init("arena_size:8M,dma_limit:2M,dma32_limit:4M,kswapd:off,mobility_grouping:on");
	static const gfp_t zone_gfp[] = {GFP_DMA, GFP_DMA32, 0, 0}; /* two pageblocks in Normal */
	struct page *blocks[ARRAY_SIZE(zone_gfp)];

	for (size_t i = 0; i < ARRAY_SIZE(zone_gfp); i++) {
		blocks[i] = alloc_pages(GFP_KERNEL | __GFP_MEMALLOC | zone_gfp[i],
					pageblock_order); /* the whole zone: no marks */
		assert_non_null(blocks[i]);
		reserve_highatomic_pageblock(blocks[i], page_zone(blocks[i]), pageblock_order);
		assert_int_equal(get_pageblock_migratetype(blocks[i]), MIGRATE_HIGHATOMIC);
	}
	for (size_t i = 0; i < ARRAY_SIZE(zone_gfp); i++)
		__free_pages(blocks[i], pageblock_order);
	assert_int_equal(test_zone_reserved_highatomic(normal_zone()), 2 * pageblock_nr_pages);
	test_watchdog_start(20, "order-0 __GFP_NOFAIL with every block reserved");
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	test_watchdog_stop();
	assert_non_null(page);
	__free_pages(page, 0);
	test_check_and_exit();
}

/*
 * A page parked on a pcp list while its pageblock was reserved, and drained
 * after the block was given back, joins the block's type of now. With the
 * type cached at free time (6.1) the block merged with its reserved
 * neighbour into a max-order block on the highatomic list, out of reach of
 * the caller's type: fuzz_ops found an order-0 __GFP_NOFAIL request
 * waiting for ever on an arena that was all free. 6.10 reads the type
 * under zone->lock.
 */
static void test_drain_uses_the_type_the_block_has_now(void **state)
{
	(void)state;
	/* fuzz_ops's arena; mobility grouping on, as so small an arena would have it off */
	test_init("arena_size:8M,dma_limit:2M,dma32_limit:4M,kswapd:off,mobility_grouping:on");
	assert_int_equal(pin_to_cpu(0), 0);
	struct zone *zone = normal_zone();
	struct page *a = alloc_pages(GFP_KERNEL | __GFP_MEMALLOC, pageblock_order);
	struct page *b = alloc_pages(GFP_KERNEL | __GFP_MEMALLOC, pageblock_order);

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(page_zone(a), zone);
	assert_ptr_equal(page_zone(b), zone);
	reserve_highatomic_pageblock(a, zone, pageblock_order);
	reserve_highatomic_pageblock(b, zone, pageblock_order);
	assert_int_equal(test_zone_reserved_highatomic(zone), 2 * pageblock_nr_pages);
	__free_pages(b, pageblock_order);
	split_page(a, pageblock_order);
	for (unsigned long i = 1; i < pageblock_nr_pages; i++)
		__free_page(a + i);
	buddy_drain_all_pages();
	__free_page(a); /* parked, its type (highatomic) cached */
	assert_int_equal(test_pcp_count(zone, 0), 1);

	/* a's block is the one given back: its free pieces are the smallest */
	struct alloc_context ac = make_ac(MIGRATE_RECLAIMABLE);
	assert_true(unreserve_highatomic_pageblock(&ac, true));
	assert_int_equal(get_pageblock_migratetype(a), MIGRATE_RECLAIMABLE);
	assert_int_equal(get_pageblock_migratetype(b), MIGRATE_HIGHATOMIC);
	buddy_drain_all_pages();

	assert_int_equal(test_nr_free(zone, MAX_ORDER - 1), 0);
	assert_int_equal(test_nr_free_mt(zone, pageblock_order, MIGRATE_RECLAIMABLE), 1);
	assert_int_equal(test_nr_free_mt(zone, pageblock_order, MIGRATE_HIGHATOMIC), 1);
	unpin();
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_atomic_high_order_reserves_and_is_served_first, test_teardown_exit),
		cmocka_unit_test_setup(test_reserve_not_used_by_ordinary_requests, test_teardown_exit),
		cmocka_unit_test_setup(test_reserve_cap_and_unreserve, test_teardown_exit),
		cmocka_unit_test_setup(test_unreserved_before_failure, test_teardown_exit),
		cmocka_unit_test_setup(test_claiming_a_two_block_range_drops_its_reserve, test_teardown_exit),
		cmocka_unit_test_setup(test_nofail_order0_with_every_block_reserved, test_teardown_exit),
		cmocka_unit_test_setup(test_drain_uses_the_type_the_block_has_now, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
