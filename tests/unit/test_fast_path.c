/* SPDX-License-Identifier: MIT */
/* The fast-path blockers (src/fast_path.h): what a feature that must see every call relies on. */
#include "fast_path.h"
#include "internal.h"
#include "test_util.h"

/* While a reason is set, no CPU's cache offers a zone, and allocations still succeed the full way. */
static void test_block_empties_every_cache_and_allocations_go_on(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	struct page *warm = alloc_page(GFP_KERNEL);
	assert_non_null(warm);
	assert_non_null(test_cpu(0)->local_zone[ZONE_NORMAL]);

	fast_path_block(FAST_PATH_MEMPOLICY);
	assert_true(fast_path_blocked());
	assert_true(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	assert_false(fast_path_blocked_by(FAST_PATH_CPUSET));
	for (int c = 0; c < test_nr_cpus(); c++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			assert_null(test_cpu(c)->local_zone[z]);
	struct page *page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	__free_page(page);
	assert_consistent();

	/* two reasons: the caches come back only when the last one goes */
	fast_path_block(FAST_PATH_PAGE_POISON);
	fast_path_unblock(FAST_PATH_MEMPOLICY);
	assert_null(test_cpu(0)->local_zone[ZONE_NORMAL]);
	fast_path_unblock(FAST_PATH_PAGE_POISON);
	assert_false(fast_path_blocked());
	assert_non_null(test_cpu(0)->local_zone[ZONE_NORMAL]);
	__free_page(warm);
	test_check_and_exit();
}

/* A reason set before initialisation holds from the first allocation on. */
static void test_block_before_init_holds_after_it(void **state)
{
	(void)state;
	fast_path_block(FAST_PATH_FAIL_PAGE_ALLOC);
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	assert_null(test_cpu(0)->local_zone[ZONE_NORMAL]);
	fast_path_unblock(FAST_PATH_FAIL_PAGE_ALLOC);
	assert_non_null(test_cpu(0)->local_zone[ZONE_NORMAL]);
	test_check_and_exit();
}

/* A page marked PG_free_hooks is freed the full way, which clears the mark, and comes back clean. */
static void test_free_hooks_mark_is_cleared_by_the_free(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	assert_int_equal(pin_to_cpu(0), 0);
	struct page *page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	set_page_flag(page, PG_free_hooks);
	__free_page(page);
	assert_false(PageFreeHooks(page));
	assert_true(PagePcp(page));
	struct page *again = alloc_page(GFP_KERNEL);
	assert_ptr_equal(again, page); /* the pcp list is LIFO */
	assert_false(PageFreeHooks(again));
	__free_page(again);
	unpin();
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_empties_every_cache_and_allocations_go_on),
		cmocka_unit_test(test_block_before_init_holds_after_it),
		cmocka_unit_test(test_free_hooks_mark_is_cleared_by_the_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
