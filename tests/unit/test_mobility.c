/* SPDX-License-Identifier: MIT */
/*
 * Grouping by mobility: allocations land in pageblocks of their own type,
 * page_group_by_mobility_disabled follows the kernel's rule and the
 * mobility_grouping option, and an unmovable allocation never goes into a
 * MOVABLE pageblock while a free page of an UNMOVABLE pageblock exists.
 */
#include "test_util.h"
#include "internal.h"

static void test_placement_by_type(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	assert_int_equal(test_mobility_grouping_disabled(), 0);

	static const struct {
		gfp_t gfp;
		int mt;
	} kinds[] = {
		{ GFP_KERNEL, MIGRATE_UNMOVABLE },
		{ GFP_HIGHUSER_MOVABLE, MIGRATE_MOVABLE },
		{ GFP_KERNEL | __GFP_RECLAIMABLE, MIGRATE_RECLAIMABLE },
	};
	struct page *pages[ARRAY_SIZE(kinds)][4];

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		assert_int_equal(gfpflags_to_migratetype(kinds[k].gfp), kinds[k].mt);
		for (unsigned int order = 0; order < 4; order++) {
			pages[k][order] = alloc_pages(kinds[k].gfp, order);
			assert_non_null(pages[k][order]);
			assert_int_equal(get_pageblock_migratetype(pages[k][order]), kinds[k].mt);
		}
	}
	/* Three types, three different pageblocks. */
	for (size_t a = 0; a < ARRAY_SIZE(kinds); a++)
		for (size_t b = a + 1; b < ARRAY_SIZE(kinds); b++)
			assert_true(page_to_pfn(pages[a][0]) / pageblock_nr_pages !=
				    page_to_pfn(pages[b][0]) / pageblock_nr_pages);
	assert_consistent();
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		for (unsigned int order = 0; order < 4; order++)
			__free_pages(pages[k][order], order);
	test_check_and_exit();
}

/* vm_total_pages < pageblock_nr_pages * MIGRATE_TYPES turns grouping off. */
static void test_grouping_auto_follows_kernel_rule(void **state)
{
	(void)state;
	test_init("arena_size:8M,dma_limit:0,dma32_limit:0");	/* 2048 pages < 512 * 6 */
	assert_int_equal(test_mobility_grouping_disabled(), 1);
	test_check_and_exit();

	test_init("arena_size:12M,dma_limit:0,dma32_limit:0");	/* 3072 pages: not below */
	assert_int_equal(test_mobility_grouping_disabled(), 0);
	test_check_and_exit();
}

static void test_grouping_off_makes_everything_unmovable(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,mobility_grouping:off");
	assert_int_equal(test_mobility_grouping_disabled(), 1);
	assert_int_equal(gfpflags_to_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_UNMOVABLE);
	assert_false(gfp_to_alloc_flags(GFP_HIGHUSER_MOVABLE) & ALLOC_CMA);

	struct page *m = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	struct page *r = alloc_pages(GFP_KERNEL | __GFP_RECLAIMABLE, 2);
	assert_non_null(m);
	assert_non_null(r);
	/* The blocks they came from were claimed whole, as UNMOVABLE. */
	assert_int_equal(get_pageblock_migratetype(m), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pageblock_migratetype(r), MIGRATE_UNMOVABLE);
	/* Asking for MOVABLE turns into UNMOVABLE too. */
	zone_lock(normal_zone());
	set_pageblock_migratetype(m, MIGRATE_MOVABLE);
	zone_unlock(normal_zone());
	assert_int_equal(get_pageblock_migratetype(m), MIGRATE_UNMOVABLE);
	__free_pages(m, 0);
	__free_pages(r, 2);
	test_check_and_exit();
}

/* Is a free page (buddy lists; pcp drained by the caller) in an UNMOVABLE pageblock? */
static bool free_page_in_unmovable_block(struct zone *zone)
{
	bool found = false;

	test_zone_lock(zone);
	for (unsigned int o = 0; o < MAX_ORDER && !found; o++)
		for (int mt = 0; mt < MIGRATE_TYPES && !found; mt++) {
			struct list_head *h = test_free_list(zone, o, mt);
			for (struct list_head *l = h->next; l != h; l = l->next) {
				unsigned long pfn = page_to_pfn_fast(list_entry(l, struct page, lru));
				if (get_pfnblock_migratetype(zone, pfn) == MIGRATE_UNMOVABLE) {
					found = true;
					break;
				}
			}
		}
	test_zone_unlock(zone);
	return found;
}

struct live {
	struct page *page;
	unsigned int order;
};

static unsigned long lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

static void test_no_unmovable_in_movable_block_while_unmovable_free(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	struct zone *zone = normal_zone();
	static struct live live[8192];
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE };
	unsigned long seed = 4, live_pages = 0, unmovable_allocs = 0;
	int n = 0;

	for (int step = 0; step < 5000; step++) {
		bool alloc = n == 0 || (live_pages < test_zone_managed(zone) / 2 && lcg(&seed) % 3 != 0);

		if (!alloc) {
			int i = (int)(lcg(&seed) % (unsigned long)n);
			__free_pages(live[i].page, live[i].order);
			live_pages -= 1UL << live[i].order;
			live[i] = live[--n];
			continue;
		}
		unsigned long r = lcg(&seed) % 10;
		int type = r < 3 ? 0 : r < 9 ? 1 : 2;
		unsigned int order = (unsigned int)(lcg(&seed) % 4);
		bool unmovable_free = false;

		if (type == MIGRATE_UNMOVABLE) {
			buddy_drain_all_pages();
			unmovable_free = free_page_in_unmovable_block(zone);
			unmovable_allocs++;
		}
		struct page *page = alloc_pages(gfps[type] | __GFP_NOWARN, order);
		assert_non_null(page);
		if (type == MIGRATE_UNMOVABLE && get_pageblock_migratetype(page) == MIGRATE_MOVABLE)
			assert_false(unmovable_free);
		live[n].page = page;
		live[n++].order = order;
		live_pages += 1UL << order;
		if (step % 1000 == 0)
			assert_consistent();
	}
	assert_true(unmovable_allocs > 500);
	while (n > 0) {
		n--;
		__free_pages(live[n].page, live[n].order);
	}
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placement_by_type),
		cmocka_unit_test(test_grouping_auto_follows_kernel_rule),
		cmocka_unit_test(test_grouping_off_makes_everything_unmovable),
		cmocka_unit_test(test_no_unmovable_in_movable_block_while_unmovable_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
