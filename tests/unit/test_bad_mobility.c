/* SPDX-License-Identifier: MIT */
/*
 * A mask with both mobility bits (__GFP_MOVABLE | __GFP_RECLAIMABLE): the
 * kernel warns and would index past its pcp lists. libbuddy reports it once
 * and serves it as MIGRATE_UNMOVABLE, at every order, on the fast and the
 * full path, leaving every list consistent.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

#define BOTH (__GFP_MOVABLE | __GFP_RECLAIMABLE)
#define REPORT "sets both __GFP_MOVABLE and __GFP_RECLAIMABLE"

static int count_reports(const char *text)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, REPORT)); p++)
		n++;
	return n;
}

static void test_both_bits_map_to_unmovable(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,mobility_grouping:on");
	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL | BOTH), MIGRATE_UNMOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL | __GFP_MOVABLE), MIGRATE_MOVABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	assert_int_equal(gfpflags_to_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	test_check_and_exit();
}

/* The reproducer: an order-1 free parks a block, then order 0 and order 9 with both bits. */
static void test_both_bits_served_and_reported_once(void **state)
{
	(void)state;
	static const unsigned int orders[] = { 0, 1, 3, 9, 10, 0, 9 };
	struct page *pages[sizeof(orders) / sizeof(orders[0])];

	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,mobility_grouping:on");
	struct page *parked = alloc_pages(GFP_KERNEL, 1);
	assert_non_null(parked);
	__free_pages(parked, 1);

	stderr_capture_begin();
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		pages[i] = alloc_pages(GFP_KERNEL | BOTH, orders[i]);
		assert_non_null(pages[i]);
		assert_int_equal(pages[i]->index, MIGRATE_UNMOVABLE);
		assert_int_equal(buddy_check(), 0);
	}
	char *text = stderr_capture_end();
	assert_int_equal(count_reports(text), 1);
	free(text);

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		__free_pages(pages[i], orders[i]);
		assert_int_equal(buddy_check(), 0);
	}
	test_check_and_exit();
}

/* Not movable, so never from CMA (ALLOC_CMA follows the migratetype). */
static void test_both_bits_do_not_get_cma(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	assert_int_equal(gfp_to_alloc_flags(GFP_KERNEL | BOTH) & ALLOC_CMA, 0);
	assert_int_not_equal(gfp_to_alloc_flags(GFP_HIGHUSER_MOVABLE) & ALLOC_CMA, 0);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_both_bits_map_to_unmovable, test_teardown_exit),
		cmocka_unit_test_teardown(test_both_bits_served_and_reported_once, test_teardown_exit),
		cmocka_unit_test_teardown(test_both_bits_do_not_get_cma, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
