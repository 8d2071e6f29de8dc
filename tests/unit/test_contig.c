/* SPDX-License-Identifier: MIT */
/*
 * Isolation and contiguous ranges: MIGRATE_ISOLATE blocks keep their free
 * pages from the allocator and out of NR_FREE_PAGES, pages freed into them
 * stay there (pcp drains included), undo gives everything back;
 * alloc_contig_range takes exactly the range or fails with -EBUSY and
 * leaves nothing behind; alloc_contig_pages finds a free aligned range.
 */
#include <errno.h>

#include "test_util.h"
#include "internal.h"

#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0"

static struct {
	struct page *page;
	unsigned int order;
} held[20000];
static int nheld;

static void release_held(void)
{
	while (nheld > 0) {
		nheld--;
		__free_pages(held[nheld].page, held[nheld].order);
	}
}

static void test_isolated_free_pages_cannot_be_allocated(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	unsigned long start = test_zone_start_pfn(zone) + 8 * pageblock_nr_pages;
	unsigned long end = start + 2 * pageblock_nr_pages;
	long before = zone_free(ZONE_NORMAL);

	assert_int_equal(start_isolate_page_range(start, end, MIGRATE_MOVABLE), 0);
	assert_int_equal(test_zone_nr_isolate_pageblock(zone), 2);
	assert_int_equal(get_pfnblock_migratetype(zone, start), MIGRATE_ISOLATE);
	assert_int_equal(zone_free(ZONE_NORMAL), before - 2 * (long)pageblock_nr_pages);
	assert_int_equal(test_pages_isolated(start, end), 0);
	assert_consistent();
	/* Isolating again is -EBUSY: the blocks are someone else's. */
	assert_int_equal(start_isolate_page_range(start, start + 1, MIGRATE_MOVABLE), -EBUSY);

	/* Take everything the allocator will give: nothing from the range. */
	nheld = 0;
	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		struct page *p;
		while ((p = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_MEMALLOC, (unsigned int)order))) {
			assert_false(page_to_pfn(p) + (1UL << order) > start && page_to_pfn(p) < end);
			held[nheld].page = p;
			held[nheld++].order = (unsigned int)order;
		}
	}
	release_held();

	undo_isolate_page_range(start, end, MIGRATE_MOVABLE);
	assert_int_equal(test_zone_nr_isolate_pageblock(zone), 0);
	assert_int_equal(get_pfnblock_migratetype(zone, start), MIGRATE_MOVABLE);
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_pages_freed_into_isolated_blocks_stay_isolated(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *direct = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	struct page *parked = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);

	assert_non_null(direct);
	assert_non_null(parked);
	unsigned long start = page_to_pfn(direct) & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages;
	assert_true(page_to_pfn(parked) >= start && page_to_pfn(parked) < end);

	/* parked goes to a pcp list before the block is isolated. */
	__free_pages(parked, 0);
	/* An in-use movable page does not stop isolation (it could be migrated). */
	assert_int_equal(start_isolate_page_range(start, end, MIGRATE_MOVABLE), 0);
	long isolated_free = zone_free(ZONE_NORMAL);
	assert_int_equal(test_pages_isolated(start, end), -EBUSY);

	/* Freed after isolation: straight onto the isolated lists, not counted. */
	__free_pages(direct, 0);
	assert_int_equal(zone_free(ZONE_NORMAL), isolated_free);
	/* The pcp drain sends parked there too. */
	buddy_drain_all_pages();
	assert_int_equal(test_pages_isolated(start, end), 0);
	assert_consistent();

	undo_isolate_page_range(start, end, MIGRATE_MOVABLE);
	test_check_and_exit();
}

/* An unmovable page makes isolation itself fail, with nothing retyped. */
static void test_isolation_refused_by_unmovable_page(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page *u = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(u);
	unsigned long block = page_to_pfn(u) & ~(pageblock_nr_pages - 1);
	unsigned long start = block - 2 * pageblock_nr_pages;	/* the block is the range's last */
	if (block < test_zone_start_pfn(zone) + 2 * pageblock_nr_pages)
		start = block;
	int types[3];
	for (int i = 0; i < 3; i++)
		types[i] = get_pfnblock_migratetype(zone, start + (unsigned long)i * pageblock_nr_pages);

	assert_int_equal(start_isolate_page_range(start, block + 1, MIGRATE_MOVABLE), -EBUSY);
	assert_int_equal(alloc_contig_range(start, block + 1, MIGRATE_MOVABLE, GFP_KERNEL), -EBUSY);
	assert_int_equal(test_zone_nr_isolate_pageblock(zone), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(get_pfnblock_migratetype(zone, start + (unsigned long)i * pageblock_nr_pages),
				 types[i]);
	__free_pages(u, 0);
	test_check_and_exit();
}

static void test_alloc_contig_range_success(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	/* Unaligned on both ends, across a max-order boundary. */
	unsigned long start = test_zone_start_pfn(zone) + 3 * MAX_ORDER_NR_PAGES - 333;
	unsigned long end = start + 1000;

	buddy_drain_all_pages();
	long before = zone_free(ZONE_NORMAL);
	assert_int_equal(alloc_contig_range(start, end, MIGRATE_MOVABLE, GFP_KERNEL | __GFP_ZERO), 0);
	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *p = pfn_to_page(pfn);
		assert_int_equal(page_count(p), 1);
		assert_int_equal(((unsigned char *)page_address(p))[PAGE_SIZE - 1], 0);
	}
	assert_int_equal(zone_free(ZONE_NORMAL), before - 1000);
	assert_int_equal(test_zone_nr_isolate_pageblock(zone), 0);
	assert_int_equal(get_pfnblock_migratetype(zone, start), MIGRATE_MOVABLE);
	assert_consistent();
	/* Overlapping the taken range is -EBUSY. */
	assert_int_equal(alloc_contig_range(end - 1, end + 10, MIGRATE_MOVABLE, GFP_KERNEL), -EBUSY);

	free_contig_range(start, end - start);
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), before);
	/* Everything merged back into max-order blocks. */
	assert_int_equal(test_nr_free(zone, MAX_ORDER - 1), (unsigned long)before / MAX_ORDER_NR_PAGES);
	test_check_and_exit();
}

static void test_alloc_contig_range_busy_rolls_back(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	struct page *m = alloc_pages(GFP_HIGHUSER_MOVABLE, 2);

	assert_non_null(m);
	unsigned long start = (page_to_pfn(m) & ~(MAX_ORDER_NR_PAGES - 1));
	unsigned long end = start + MAX_ORDER_NR_PAGES;
	buddy_drain_all_pages();
	long before = zone_free(ZONE_NORMAL);
	unsigned long free_blocks[MAX_ORDER];
	for (int o = 0; o < MAX_ORDER; o++)
		free_blocks[o] = test_nr_free(zone, o);

	assert_int_equal(alloc_contig_range(start, end, MIGRATE_MOVABLE, GFP_KERNEL), -EBUSY);
	buddy_drain_all_pages();
	assert_int_equal(test_zone_nr_isolate_pageblock(zone), 0);
	assert_int_equal(zone_free(ZONE_NORMAL), before);
	for (int o = 0; o < MAX_ORDER; o++)
		assert_int_equal(test_nr_free(zone, o), free_blocks[o]);
	assert_int_equal(get_pfnblock_migratetype(zone, start), MIGRATE_MOVABLE);
	assert_int_equal(get_pfnblock_migratetype(zone, start + pageblock_nr_pages), MIGRATE_MOVABLE);
	assert_consistent();

	/* Free the page and the same range succeeds. */
	__free_pages(m, 2);
	assert_int_equal(alloc_contig_range(start, end, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	free_contig_range(start, end - start);
	test_check_and_exit();
}

static void test_alloc_contig_pages(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *a = alloc_contig_pages(1024, GFP_KERNEL, 0, NULL);
	struct page *b = alloc_contig_pages(300, GFP_KERNEL, 0, NULL);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(page_to_pfn(a) % 1024, 0);
	assert_int_equal(page_to_pfn(b) % 300, 0);
	assert_true(page_to_pfn(b) >= page_to_pfn(a) + 1024 || page_to_pfn(b) + 300 <= page_to_pfn(a));
	/* More than the zone: none. */
	assert_null(alloc_contig_pages(1UL << 20, GFP_KERNEL, 0, NULL));
	free_contig_range(page_to_pfn(a), 1024);
	free_contig_range(page_to_pfn(b), 300);
	test_check_and_exit();
}

static void test_contig_range_must_lie_in_one_zone(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:16M");
	unsigned long boundary = test_zone_start_pfn(zone_of(0, ZONE_NORMAL));

	assert_int_equal(alloc_contig_range(boundary - 10, boundary + 10, MIGRATE_MOVABLE, GFP_KERNEL), -EINVAL);
	assert_int_equal(alloc_contig_range(boundary, boundary, MIGRATE_MOVABLE, GFP_KERNEL), -EINVAL);
	assert_int_equal(alloc_contig_range(boundary, boundary + 1, MIGRATE_HIGHATOMIC, GFP_KERNEL), -EINVAL);
	/* CMA blocks only for MIGRATE_CMA, and MIGRATE_CMA only on CMA blocks. */
	assert_int_equal(alloc_contig_range(boundary, boundary + 1, MIGRATE_CMA, GFP_KERNEL), -EBUSY);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_isolated_free_pages_cannot_be_allocated, test_teardown_exit),
		cmocka_unit_test_setup(test_pages_freed_into_isolated_blocks_stay_isolated, test_teardown_exit),
		cmocka_unit_test_setup(test_isolation_refused_by_unmovable_page, test_teardown_exit),
		cmocka_unit_test_setup(test_alloc_contig_range_success, test_teardown_exit),
		cmocka_unit_test_setup(test_alloc_contig_range_busy_rolls_back, test_teardown_exit),
		cmocka_unit_test_setup(test_alloc_contig_pages, test_teardown_exit),
		cmocka_unit_test_setup(test_contig_range_must_lie_in_one_zone, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
