/* SPDX-License-Identifier: MIT */
/* A first end-to-end check: allocate and free every order, all memory comes back. */
#include "test_util.h"

static void test_every_order_round_trip(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	long before = zone_free(ZONE_NORMAL);
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		assert_non_null(page);
		assert_int_equal((uintptr_t)page_address(page) % (PAGE_SIZE << order), 0);
		__free_pages(page, order);
		assert_consistent();
	}
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), before);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_order_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
