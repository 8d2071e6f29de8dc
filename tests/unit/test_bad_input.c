/* SPDX-License-Identifier: MIT */
/*
 * Misuse of the API: impossible orders, contradictory zone modifiers and the
 * wrong frees. Each is reported in the kernel's words, leaves the allocator
 * consistent, and later allocations and a correct free still work.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

#define CONF "arena_size:64M,dma_limit:2M,dma32_limit:10M"

/* Run the misuse with stderr captured; its report must contain want. */
#define EXPECT_REPORT(want, stmt)                                                     \
	do {                                                                          \
		stderr_capture_begin();                                               \
		stmt;                                                                 \
		char *text_ = stderr_capture_end();                                   \
		if (!strstr(text_, (want)))                                           \
			fail_msg("expected \"%s\" on stderr, got \"%s\"", (want), text_); \
		free(text_);                                                          \
	} while (0)

#define EXPECT_SILENCE(stmt)                                          \
	do {                                                          \
		stderr_capture_begin();                               \
		stmt;                                                 \
		char *text_ = stderr_capture_end();                   \
		if (text_[0])                                         \
			fail_msg("expected no report, got \"%s\"", text_); \
		free(text_);                                          \
	} while (0)

/* The allocator is consistent and still serves every order. */
static void assert_still_works(void)
{
	assert_consistent();
	for (unsigned int order = 0; order < MAX_ORDER; order += 2) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		assert_non_null(page);
		__free_pages(page, order);
	}
	assert_consistent();
}

static void test_order_too_large(void **state)
{
	(void)state;
	struct page *page = (struct page *)1;

	test_init(CONF);
	EXPECT_REPORT("page allocation failure: order:11", page = alloc_pages(GFP_KERNEL, MAX_ORDER));
	assert_null(page);
	EXPECT_REPORT("page allocation failure: order:40", page = alloc_pages(GFP_KERNEL, 40));
	assert_null(page);
	unsigned long addr = 1;
	EXPECT_REPORT("page allocation failure: order:12", addr = __get_free_pages(GFP_KERNEL, 12));
	assert_int_equal(addr, 0);
	EXPECT_SILENCE(page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
	assert_null(page);
	assert_still_works();
	test_check_and_exit();
}

static void test_bad_zone_combination(void **state)
{
	(void)state;
	struct page *page = (struct page *)1;

	test_init(CONF);
	EXPECT_REPORT("GFP_ZONE_BAD", page = alloc_pages(GFP_KERNEL | __GFP_DMA | __GFP_DMA32, 0));
	assert_null(page);
	EXPECT_REPORT("page allocation failure", page = alloc_pages(__GFP_HIGHMEM | __GFP_DMA32, 3));
	assert_null(page);
	assert_still_works();
	test_check_and_exit();
}

static void test_free_outside_the_arena(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	void *heap = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	static struct page fake;

	EXPECT_REPORT("Bad page state", free_pages((unsigned long)heap, 0));
	EXPECT_REPORT("Bad page state", free_pages((unsigned long)test_arena_base() + test_arena_bytes(), 0));
	EXPECT_REPORT("Bad page state", __free_pages(&fake, 0));
	EXPECT_REPORT("Bad page state", __free_pages((struct page *)((char *)test_mem_map() + 1), 0));
	/* Inside the arena but not at a page boundary. */
	unsigned long addr = __get_free_page(GFP_KERNEL);
	EXPECT_REPORT("Bad page state", free_pages(addr + 8, 0));
	assert_int_equal(page_count(virt_to_page((void *)addr)), 1);
	free(heap);
	assert_still_works();
	free_pages(addr, 0);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_double_free(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);

	/* pcp order: the second free finds the page on a per-CPU list. */
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	EXPECT_REPORT("Bad page state", __free_pages(page, 0));
	assert_consistent();
	/* And once drained and merged into a bigger free block. */
	buddy_drain_all_pages();
	EXPECT_REPORT("Bad page state", __free_pages(page, 0));
	/* Buddy order (not served by pcp). */
	page = alloc_pages(GFP_KERNEL, 5);
	free_pages((unsigned long)page_address(page), 5);
	EXPECT_REPORT("double free", __free_pages(page, 5));
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	assert_still_works();
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_free_with_wrong_order(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *page = alloc_pages(GFP_KERNEL, 3);

	EXPECT_REPORT("Bad page state", __free_pages(page, 2));
	EXPECT_REPORT("freed with order 4, allocated with order 3", __free_pages(page, 4));
	EXPECT_REPORT("Bad page state", free_pages((unsigned long)page_address(page), 0));
	assert_int_equal(page_count(page), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 8);
	assert_still_works();
	__free_pages(page, 3);	/* the correct free still works */
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_free_tail_of_compound(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);

	EXPECT_REPORT("tail page", __free_pages(head + 1, 0));
	EXPECT_REPORT("Bad page state", __free_pages(head + 3, 2));
	EXPECT_REPORT("Bad page state", free_pages((unsigned long)page_address(head + 2), 0));
	assert_true(PageTail(head + 1));
	assert_int_equal(page_count(head), 1);
	assert_still_works();
	__free_pages(head, 2);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_free_inner_page_of_plain_block(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *page = alloc_pages(GFP_KERNEL, 4);

	EXPECT_REPORT("Bad page state", __free_pages(page + 1, 0));
	EXPECT_REPORT("Bad page state", __free_pages(page + 8, 3));
	EXPECT_REPORT("Bad page state", free_pages((unsigned long)page_address(page + 15), 0));
	EXPECT_REPORT("Bad page state", put_page(page + 2));
	EXPECT_REPORT("Bad page state", get_page(page + 2));
	assert_int_equal(page_count(page + 2), 0);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 16);
	assert_still_works();
	__free_pages(page, 4);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_split_page_misuse(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *comp = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	struct page *plain = alloc_pages(GFP_KERNEL, 2);

	EXPECT_REPORT("Bad page state", split_page(comp, 2));
	EXPECT_REPORT("Bad page state", split_page(plain, 1));
	assert_int_equal(page_count(plain + 1), 0);
	assert_still_works();
	__free_pages(comp, 2);
	__free_pages(plain, 2);
	test_check_and_exit();
}

/*
 * alloc_pages_exact(0) is refused as the kernel refuses it (get_order(0) is
 * 52) instead of returning a page it had already freed again; sizes past the
 * largest block fail at once, reported unless __GFP_NOWARN, and counted.
 */
static void test_alloc_pages_exact_bad_sizes(void **state)
{
	(void)state;
	void *virt = (void *)1;

	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	unsigned long fails = sum_vm_event(PGALLOC_FAIL);

	EXPECT_REPORT("page allocation failure: order:52", virt = alloc_pages_exact(0, GFP_KERNEL));
	assert_null(virt);
	/* Had it returned a page, the allocator would hand the same page out again. */
	unsigned long next = __get_free_page(GFP_KERNEL);
	assert_true(next != 0);
	assert_int_equal(page_count(virt_to_page((void *)next)), 1);
	free_page(next);

	test_watchdog_start(20, "a call");
	EXPECT_REPORT("page allocation failure: order:52", virt = alloc_pages_exact(SIZE_MAX, GFP_KERNEL));
	assert_null(virt);
	EXPECT_REPORT("page allocation failure: order:11",
		      virt = alloc_pages_exact((PAGE_SIZE << (MAX_ORDER - 1)) + 1, GFP_KERNEL));
	assert_null(virt);
	EXPECT_SILENCE(virt = alloc_pages_exact(SIZE_MAX / 2, GFP_KERNEL | __GFP_NOWARN));
	assert_null(virt);
	EXPECT_SILENCE(virt = alloc_pages_exact(0, GFP_KERNEL | __GFP_NOWARN));
	assert_null(virt);
	test_watchdog_stop();
	assert_int_equal(sum_vm_event(PGALLOC_FAIL), fails + 5);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);

	/* The largest block itself is still served. */
	virt = alloc_pages_exact(PAGE_SIZE << (MAX_ORDER - 1), GFP_KERNEL);
	assert_non_null(virt);
	free_pages_exact(virt, PAGE_SIZE << (MAX_ORDER - 1));
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	assert_still_works();
	test_check_and_exit();
}

/* Refused before initialisation too: reported, nothing counted, no crash. */
static void test_order_too_large_before_init(void **state)
{
	(void)state;
	struct page *page = (struct page *)1;
	void *virt = (void *)1;

	buddy_exit();
	EXPECT_REPORT("page allocation failure: order:11", page = alloc_pages(GFP_KERNEL, MAX_ORDER));
	assert_null(page);
	EXPECT_REPORT("page allocation failure: order:52", virt = alloc_pages_exact(0, GFP_KERNEL));
	assert_null(virt);
	test_init(CONF);
	test_check_and_exit();
}

/* Every gfp.h function taking a struct page: a bad pointer is reported, the call does nothing. */
static void expect_every_page_helper_reports(struct page *bad)
{
	void *addr = (void *)1;
	unsigned long pfn = 0;
	enum zone_type zone = ZONE_DMA;
	int n = -5;

	EXPECT_REPORT("put_page: not a page descriptor", put_page(bad));
	EXPECT_REPORT("get_page: not a page descriptor", get_page(bad));
	EXPECT_REPORT("page_count: not a page descriptor", n = page_count(bad));
	assert_int_equal(n, 0);
	EXPECT_REPORT("split_page: not a page descriptor", split_page(bad, 0));
	EXPECT_REPORT("page_to_nid: not a page descriptor", n = page_to_nid(bad));
	assert_int_equal(n, NUMA_NO_NODE);
	EXPECT_REPORT("page_zonenum: not a page descriptor", zone = page_zonenum(bad));
	assert_int_equal(zone, MAX_NR_ZONES);
	EXPECT_REPORT("page_address: not a page descriptor", addr = page_address(bad));
	assert_null(addr);
	EXPECT_REPORT("page_to_pfn: not a page descriptor", pfn = page_to_pfn(bad));
	assert_int_equal(pfn, ~0UL);
	EXPECT_REPORT("Bad page state", __free_pages(bad, 0));
	EXPECT_REPORT("Bad page state", free_hot_cold_page(bad, true));
}

static void test_page_helpers_check_the_pointer(void **state)
{
	(void)state;
	static struct page fake;

	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	struct page *bad[] = {
		NULL, (struct page *)0x1000, &fake, (struct page *)((char *)page + 8),
		test_mem_map() + test_nr_pages(), test_mem_map() - 1,
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_every_page_helper_reports(bad[i]);
	assert_int_equal(page_count(page), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 1);
	assert_still_works();
	put_page(page);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

/* buddy_exit() unmaps mem_map: a page kept past it is a bad pointer, reported, not followed. */
static void test_page_helpers_after_exit(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	struct page *comp = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	unsigned long addr = __get_free_pages(GFP_KERNEL, 3);
	assert_non_null(page);
	assert_non_null(comp);
	assert_true(addr != 0);

	stderr_capture_begin();
	buddy_exit();
	free(stderr_capture_end());
	expect_every_page_helper_reports(page);
	expect_every_page_helper_reports(comp + 1);
	EXPECT_REPORT("Bad page state", free_pages(addr, 3));
	EXPECT_REPORT("Bad page state", free_pages_exact((void *)addr, PAGE_SIZE));

	/* A fresh allocator is not disturbed by any of it. */
	test_init(CONF);
	assert_still_works();
	test_check_and_exit();
}

/* buddy_exit() with stderr captured: what it said. */
static char *exit_report(void)
{
	stderr_capture_begin();
	buddy_exit();
	return stderr_capture_end();
}

/*
 * buddy_exit() counts the pages still allocated in one line, and says
 * nothing when every page came back - pages parked on pcp lists, CMA
 * areas, isolation and other nodes included.
 */
static void test_exit_reports_leaked_pages(void **state)
{
	(void)state;
	static const char *const confs[] = {
		CONF, "arena_size:64M,dma_limit:0,dma32_limit:0,cma:8M", "arena_size:32M,dma_limit:0,dma32_limit:0,numa_fake:2",
	};

	for (size_t i = 0; i < ARRAY_SIZE(confs); i++) {
		test_init(confs[i]);
		/* Clean: a round of allocations and frees, some pages left on pcp lists. */
		struct page *pages[8];
		for (unsigned int o = 0; o < 8; o++)
			assert_non_null(pages[o] = alloc_pages(GFP_KERNEL | (o & 1 ? __GFP_MOVABLE : 0), o));
		for (unsigned int o = 0; o < 8; o++)
			__free_pages(pages[o], o);
		assert_consistent();
		char *out = exit_report();
		assert_string_equal(out, "");
		free(out);
	}

	/* Leaky: 1 + 8 + 4 (compound) + 1 (half of a split pair) + 16 (CMA run) pages. */
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,cma:8M");
	assert_non_null(alloc_pages(GFP_KERNEL, 0));
	assert_non_null(alloc_pages(GFP_KERNEL, 3));
	assert_non_null(alloc_pages(GFP_KERNEL | __GFP_COMP, 2));
	struct page *pair = alloc_pages(GFP_KERNEL, 1);
	assert_non_null(pair);
	split_page(pair, 1);
	__free_pages(pair + 1, 0);
	assert_non_null(buddy_cma_alloc(16, 0));
	assert_consistent();
	char *out = exit_report();
	assert_string_equal(out, "test_bad_input: buddy_exit: 30 pages (120kB) still allocated: leaked\n");
	free(out);

	/* One page left on the second node counts too. */
	test_init("arena_size:32M,dma_limit:0,dma32_limit:0,numa_fake:2");
	assert_non_null(alloc_pages_node(1, GFP_KERNEL, 0));
	assert_consistent();
	out = exit_report();
	assert_string_equal(out, "test_bad_input: buddy_exit: 1 pages (4kB) still allocated: leaked\n");
	free(out);
}

#define T(fn) cmocka_unit_test_teardown(fn, test_teardown_exit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_order_too_large),
		T(test_bad_zone_combination),
		T(test_free_outside_the_arena),
		T(test_double_free),
		T(test_free_with_wrong_order),
		T(test_free_tail_of_compound),
		T(test_free_inner_page_of_plain_block),
		T(test_split_page_misuse),
		T(test_alloc_pages_exact_bad_sizes),
		T(test_order_too_large_before_init),
		T(test_page_helpers_check_the_pointer),
		T(test_page_helpers_after_exit),
		T(test_exit_reports_leaked_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
