/* SPDX-License-Identifier: MIT */
/*
 * buddy_check() must be able to fail: corrupt one structure at a time, see
 * the checker report it, put it back, and see the checker clean again.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

static struct zone *normal(void)
{
	return zone_of(0, ZONE_NORMAL);
}

/* buddy_check() finds at least one problem and says want. */
static void expect_caught(const char *want)
{
	stderr_capture_begin();
	int problems = buddy_check();
	char *text = stderr_capture_end();
	if (problems <= 0 || !strstr(text, want))
		fail_msg("buddy_check() = %d, expected a report with \"%s\", got \"%s\"", problems, want, text);
	assert_non_null(strstr(text, "buddy_check: node 0 zone Normal"));
	free(text);
}

/* A zone with free blocks at several orders and an allocation in it. */
static struct page *setup(void)
{
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	struct page *page = alloc_pages(GFP_KERNEL, 4);	/* not a pcp order: lists at 4..9 */
	assert_non_null(page);
	buddy_drain_all_pages();
	assert_consistent();
	return page;
}

static void finish(struct page *page)
{
	assert_consistent();
	__free_pages(page, 4);
	test_check_and_exit();
}

static void test_catches_nr_free(void **state)
{
	(void)state;
	struct page *page = setup();
	test_adjust_nr_free(normal(), 5, -1, 1);	/* nr_free only */
	expect_caught("nr_free says");
	test_adjust_nr_free(normal(), 5, -1, -1);
	test_adjust_nr_free(normal(), 5, MIGRATE_UNMOVABLE, 1);	/* both, the list still empty of them */
	expect_caught("nr_free_mt says");
	test_adjust_nr_free(normal(), 5, MIGRATE_UNMOVABLE, -1);
	finish(page);
}

static void test_catches_nr_free_pages(void **state)
{
	(void)state;
	struct page *page = setup();

	__mod_zone_page_state(normal(), NR_FREE_PAGES, 5);
	expect_caught("NR_FREE_PAGES");
	__mod_zone_page_state(normal(), NR_FREE_PAGES, -5);
	finish(page);
}

static void test_catches_pagebuddy_flag(void **state)
{
	(void)state;
	struct page *page = setup();
	struct page *free_head = list_first_entry(test_free_list(normal(), 6, MIGRATE_UNMOVABLE),
						  struct page, lru);

	/* An in-use page flagged free. */
	set_page_flag(page, PG_buddy);
	expect_caught("flagged PageBuddy");
	clear_page_flag(page, PG_buddy);
	assert_consistent();

	/* A listed block that lost its flag. */
	clear_page_flag(free_head, PG_buddy);
	expect_caught("PageBuddy 0");
	set_page_flag(free_head, PG_buddy);
	assert_consistent();

	/* A listed block with the wrong order. */
	free_head->private = 7;
	expect_caught("order-6 list");
	free_head->private = 6;
	finish(page);
}

static void test_catches_list_link(void **state)
{
	(void)state;
	struct page *page = setup();
	struct list_head *head = test_free_list(normal(), 7, MIGRATE_UNMOVABLE);
	struct list_head *first = head->next;

	assert_false(list_empty(head));
	/* Unlink the block behind the counters' back. */
	head->next = first->next;
	expect_caught("blocks listed");
	head->next = first;
	assert_consistent();

	/* Link a block into a second list: it is now on two lists at once. */
	struct list_head *other = test_free_list(normal(), 8, MIGRATE_UNMOVABLE);
	struct list_head *second = other->next;
	struct list_head saved = *other;
	other->next = first;	/* order-8 list now walks into the order-7 list */
	expect_caught("buddy_check");
	*other = saved;
	assert_ptr_equal(other->next, second);
	finish(page);
}

static void test_catches_list_type_and_refcount(void **state)
{
	(void)state;
	struct page *page = setup();
	struct page *free_head = list_first_entry(test_free_list(normal(), 5, MIGRATE_UNMOVABLE),
						  struct page, lru);

	free_head->index = MIGRATE_MOVABLE;
	expect_caught("records type");
	free_head->index = MIGRATE_UNMOVABLE;
	assert_consistent();

	set_page_count(free_head, 1);
	expect_caught("refcount");
	set_page_count(free_head, 0);
	finish(page);
}

static void test_catches_in_use_overlapping_free(void **state)
{
	(void)state;
	struct page *page = setup();

	/* Pretend the allocation is bigger than it is: it now covers free pages. */
	page->alloc_order = 6;
	expect_caught("overlaps free page");
	page->alloc_order = 4;
	finish(page);
}

static void test_catches_pcp_count(void **state)
{
	(void)state;
	struct page *page = setup();
	struct page *single = alloc_pages(GFP_KERNEL, 0);
	__free_pages(single, 0);	/* now on a pcp list */
	int cpu = -1;
	for (int c = 0; c < test_nr_cpus(); c++)
		if (test_pcp_count(normal(), c))
			cpu = c;
	assert_true(cpu >= 0);
	struct per_cpu_pages *pcp = test_pcp(normal(), cpu);

	pcp->count += 1;
	expect_caught("pcp count");
	pcp->count -= 1;
	assert_consistent();

	/* A pcp page also flagged as a buddy. */
	set_page_flag(single, PG_buddy);
	expect_caught("pcp page");
	clear_page_flag(single, PG_buddy);
	finish(page);
}

static void test_catches_bad_pageblock_type(void **state)
{
	(void)state;
	struct page *page = setup();
	unsigned long pfn = test_zone_start_pfn(normal()) + 3 * pageblock_nr_pages;
	int old = get_pfnblock_migratetype(normal(), pfn);

	set_pfnblock_migratetype(normal(), pfn, 7);
	expect_caught("invalid migratetype");
	set_pfnblock_migratetype(normal(), pfn, old);
	finish(page);
}

/* The deferred run is checked by its bookkeeping: aligned, in the zone, MOVABLE, nothing listed in it. */
static void test_catches_bad_deferred_run(void **state)
{
	(void)state;
	struct page *page = setup();
	struct zone *zone = normal();
	unsigned long start = test_zone_deferred_pfn(zone), nr = test_zone_nr_deferred(zone);

	assert_true(nr > 1);
	set_pfnblock_migratetype(zone, zone_deferred_end(zone) - 1, MIGRATE_UNMOVABLE);
	expect_caught("deferred pageblock");
	set_pfnblock_migratetype(zone, zone_deferred_end(zone) - 1, MIGRATE_MOVABLE);

	test_zone_set_deferred(zone, start + 1, nr);
	expect_caught("misaligned or outside the zone");
	test_zone_set_deferred(zone, start, nr + 64);
	expect_caught("misaligned or outside the zone");
	test_zone_set_deferred(zone, start, nr);

	/* One block too low: it holds the split block that page came from. */
	test_zone_set_deferred(zone, start - MAX_ORDER_NR_PAGES, nr);
	expect_caught("inside the deferred range");
	test_zone_set_deferred(zone, start, nr);
	finish(page);
}

/* buddy_check() on a corrupted structure, bounded in time. */
static void expect_caught_in_time(const char *want)
{
	test_watchdog_start(20, "buddy_check");
	expect_caught(want);
	test_watchdog_stop();
}

/* A pcp list whose second entry points back at its first: reported as circular, not walked forever. */
static void test_catches_circular_pcp_list(void **state)
{
	(void)state;
	struct page *page = setup();
	struct page *singles[MAX_NR_CPUS + 1];
	int n = test_nr_cpus() + 1;	/* two of them share a CPU, whatever the scheduler does */
	struct list_head *head = NULL;

	for (int i = 0; i < n; i++)
		assert_non_null(singles[i] = alloc_pages(GFP_KERNEL, 0));
	for (int i = 0; i < n; i++)
		__free_pages(singles[i], 0);
	for (int c = 0; c < test_nr_cpus() && !head; c++) {
		struct list_head *l = test_pcp_list(normal(), c, 0, MIGRATE_UNMOVABLE);
		if (!list_empty(l) && l->next->next != l)
			head = l;
	}
	assert_non_null(head);
	struct list_head *first = head->next, *second = first->next, *saved = second->next;

	second->next = first;
	expect_caught_in_time("is circular");
	second->next = saved;
	assert_consistent();
	finish(page);
}

/* The same for a buddy free list: the walk stops at what the zone can hold. */
static void test_catches_circular_free_list(void **state)
{
	(void)state;
	struct page *page = setup();
	struct page *blocks[4];

	/* Free every other order-5 block: their buddies are in use, so two blocks share a list. */
	for (int i = 0; i < 4; i++)
		assert_non_null(blocks[i] = alloc_pages(GFP_KERNEL, 5));
	__free_pages(blocks[0], 5);
	__free_pages(blocks[2], 5);
	struct list_head *head = test_free_list(normal(), 5, MIGRATE_UNMOVABLE);
	assert_false(list_empty(head));
	assert_true(head->next->next != head);
	struct list_head *first = head->next, *second = first->next, *saved = second->next;

	second->next = first;
	expect_caught_in_time("free list order 5 type 0 is circular");
	second->next = saved;
	assert_consistent();
	__free_pages(blocks[1], 5);
	__free_pages(blocks[3], 5);
	finish(page);
}

/* The watermark check's summary of the counts: a bit set with no block, and one cleared with blocks. */
static void test_catches_pcptype_free_orders(void **state)
{
	(void)state;
	struct page *page = setup();
	struct zone *zone = normal();
	unsigned long orders = zone->pcptype_free_orders;

	/* the order-4 split left one free block at each of orders 4..9 (and order 10's) */
	for (unsigned int o = 4; o < MAX_ORDER; o++)
		assert_true(orders & (1UL << o));
	assert_false(orders & (1UL << 2));
	zone->pcptype_free_orders = orders | (1UL << 2);
	expect_caught("order 2: pcptype_free_orders bit is 1, nr_free_mt says 0");
	zone->pcptype_free_orders = orders & ~(1UL << 5);
	expect_caught("order 5: pcptype_free_orders bit is 0, nr_free_mt says 1");
	zone->pcptype_free_orders = orders;
	finish(page);
}

#define T(fn) cmocka_unit_test_teardown(fn, test_teardown_exit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_catches_nr_free),
		T(test_catches_nr_free_pages),
		T(test_catches_pcptype_free_orders),
		T(test_catches_pagebuddy_flag),
		T(test_catches_list_link),
		T(test_catches_list_type_and_refcount),
		T(test_catches_in_use_overlapping_free),
		T(test_catches_pcp_count),
		T(test_catches_bad_pageblock_type),
		T(test_catches_bad_deferred_run),
		T(test_catches_circular_pcp_list),
		T(test_catches_circular_free_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
