/* SPDX-License-Identifier: MIT */
/*
 * Movable pages and migration (issue 11): marking pages movable and its
 * misuse, migration preserving content and the owner's index, and owners
 * whose callbacks misbehave - reported, nothing lost, buddy_check clean.
 */
#include <string.h>

#include "test_util.h"
#include "internal.h"
#include "migrate.h"
#include "vmstat.h"
#include "movable_owner.h"

/* One zone; no proactive compaction, so nothing moves unless a test asks. */
#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0,compaction_proactiveness:0"

static void assert_reported(char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("expected \"%s\" on stderr, got:\n%s", what, text);
	free(text);
}

static void test_set_movable_misuse_is_reported(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *unmovable = alloc_pages(GFP_KERNEL, 0);
	struct page *movable = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	struct page *compound = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2);
	struct page *freed = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	struct movable_operations partial = {.isolate_page = owner_isolate};
	__free_pages(freed, 0);

	stderr_capture_begin();
	__SetPageMovable(unmovable, &owner_ops);
	assert_reported(stderr_capture_end(), "not allocated with __GFP_MOVABLE");
	assert_false(PageMovable(unmovable));

	stderr_capture_begin();
	__SetPageMovable(freed, &owner_ops);
	assert_reported(stderr_capture_end(), "__SetPageMovable on a free page");

	stderr_capture_begin();
	__SetPageMovable(compound + 1, &owner_ops);
	assert_reported(stderr_capture_end(), "tail page");

	stderr_capture_begin();
	__SetPageMovable(movable, &partial);
	assert_reported(stderr_capture_end(), "without all three callbacks");
	assert_false(PageMovable(movable));

	__SetPageMovable(movable, &owner_ops);
	assert_true(PageMovable(movable));
	stderr_capture_begin();
	__SetPageMovable(movable, &owner_ops);
	assert_reported(stderr_capture_end(), "already movable");
	assert_true(PageMovable(movable));

	__ClearPageMovable(movable);
	assert_false(PageMovable(movable));
	stderr_capture_begin();
	__ClearPageMovable(movable);
	assert_reported(stderr_capture_end(), "not movable");

	stderr_capture_begin();
	__SetPageMovable((struct page *)&state, &owner_ops);
	assert_reported(stderr_capture_end(), "not a page descriptor");

	set_page_private(movable, 1234);
	assert_int_equal(page_private(movable), 1234);
	assert_consistent();
	__free_pages(unmovable, 0);
	__free_pages(movable, 0);
	__free_pages(compound, 2);
	test_check_and_exit();
}

/*
 * Interleave owner pages with pinned ones, free the pinned ones: the
 * owner's pages are then spread thinly and compaction has work.
 */
static void fragment_with_owner(struct owner *o, unsigned long first_id, unsigned long n, unsigned int order)
{
	struct page **pinned = calloc(n, sizeof(*pinned));

	for (unsigned long id = 0; id < n; id++) {
		assert_true(owner_add(o, first_id + id, GFP_HIGHUSER_MOVABLE, order));
		pinned[id] = alloc_pages(GFP_HIGHUSER_MOVABLE, order + 1);
		assert_non_null(pinned[id]);
	}
	for (unsigned long id = 0; id < n; id++)
		__free_pages(pinned[id], order + 1);
	free(pinned);
}

static void test_compaction_preserves_content_and_index(void **state)
{
	(void)state;
	test_init(CONF);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	struct owner *o = owner_new();
	unsigned long migrated = sum_vm_event(PGMIGRATE_SUCCESS);

	for (unsigned int order = 0; order < 3; order++)
		fragment_with_owner(o, 300 * order, 300, order);
	buddy_compact_memory();
	assert_true(sum_vm_event(PGMIGRATE_SUCCESS) > migrated);
	assert_true(o->migrate_calls > 0);
	assert_int_equal(owner_verify(o), 0);
	for (unsigned long id = 0; id < 900; id++) {
		assert_true(PageMovable(o->pages[id]));
		assert_false(PageIsolated(o->pages[id]));
	}
	assert_consistent();
	owner_free_all(o);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), free_before);
	test_check_and_exit();
}

/* Run compaction with a faulty owner; every page must still be the owner's, where it was. */
static struct owner *compact_with_fault(enum owner_fault fault, struct page ***before)
{
	struct owner *o = owner_new();

	o->fault = fault;
	fragment_with_owner(o, 0, 200, 0);
	*before = calloc(200, sizeof(**before));
	memcpy(*before, o->pages, 200 * sizeof(**before));
	buddy_compact_memory();
	return o;
}

/*
 * The end of every faulty-owner scenario: the allocator consistent, every
 * owner page freed, and the zone's free count back where it started - the
 * fault lost no page and freed none twice.
 */
static void finish_fault_test(struct owner *o, struct page **before, long free_before)
{
	assert_consistent();
	free(before);
	owner_free_all(o);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), free_before);
	test_check_and_exit();
}

static void test_migrate_page_returning_garbage_is_reported(void **state)
{
	(void)state;
	test_init(CONF);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	unsigned long failed = sum_vm_event(PGMIGRATE_FAIL);
	struct page **before;

	stderr_capture_begin();
	struct owner *o = compact_with_fault(OWNER_MIGRATE_GARBAGE, &before);
	assert_reported(stderr_capture_end(), "migrate_page returned 42");
	assert_true(o->migrate_calls > 0);
	assert_true(o->putback_calls > 0);
	assert_true(sum_vm_event(PGMIGRATE_FAIL) > failed);
	assert_memory_equal(before, o->pages, 200 * sizeof(*before));
	assert_int_equal(owner_verify(o), 0);
	for (unsigned long id = 0; id < 200; id++)
		assert_false(PageIsolated(o->pages[id]));
	finish_fault_test(o, before, free_before);
}

static void test_owner_that_never_isolates_keeps_its_pages(void **state)
{
	(void)state;
	test_init(CONF);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	struct page **before;
	struct owner *o = compact_with_fault(OWNER_NEVER_ISOLATE, &before);

	assert_true(o->isolate_calls > 0);
	assert_int_equal(o->migrate_calls, 0);
	assert_int_equal(o->putback_calls, 0);
	assert_memory_equal(before, o->pages, 200 * sizeof(*before));
	assert_int_equal(owner_verify(o), 0);
	finish_fault_test(o, before, free_before);
}

static void test_migrate_page_saying_eagain_is_retried_then_put_back(void **state)
{
	(void)state;
	test_init(CONF);
	struct page **before;
	struct owner *o = compact_with_fault(OWNER_MIGRATE_EAGAIN, &before);

	/* every isolated page: NR_MAX_MIGRATE_PAGES_RETRY tries, then one putback */
	assert_true(o->putback_calls > 0);
	assert_int_equal(o->migrate_calls, o->putback_calls * NR_MAX_MIGRATE_PAGES_RETRY);
	assert_memory_equal(before, o->pages, 200 * sizeof(*before));
	assert_int_equal(owner_verify(o), 0);
	free(before);
	owner_free_all(o);
	test_check_and_exit();
}

static void test_migrate_page_freeing_src_is_reported_and_nothing_leaks(void **state)
{
	(void)state;
	test_init(CONF);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	struct page **before;

	stderr_capture_begin();
	struct owner *o = compact_with_fault(OWNER_FREE_IN_MIGRATE, &before);
	char *text = stderr_capture_end();
	/* seen once in ~200 loaded runs: no report at all; say what compaction did if it recurs */
	if (!o->migrate_calls)
		fail_msg("compaction migrated nothing: isolate_calls %lu, migrate scanned %lu, free scanned %lu, "
			 "isolated %lu",
			 o->isolate_calls, sum_vm_event(COMPACTMIGRATE_SCANNED), sum_vm_event(COMPACTFREE_SCANNED),
			 sum_vm_event(COMPACTISOLATED));
	assert_reported(text, "migrate_page freed the page it was migrating");
	assert_int_equal(owner_verify(o), 0); /* the owner's pages are the new ones, intact */
	finish_fault_test(o, before, free_before);
}

static void test_migrate_page_freeing_src_and_failing_frees_it_once(void **state)
{
	(void)state;
	test_init(CONF);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	struct page **before;

	stderr_capture_begin();
	struct owner *o = compact_with_fault(OWNER_FREE_IN_MIGRATE_ERR, &before);
	char *text = stderr_capture_end();
	assert_null(strstr(text, "Bad page state"));
	free(text);
	assert_true(o->migrate_calls > 0);
	assert_int_equal(o->putback_calls, 0); /* the owner had freed them: no callback */
	assert_int_equal(owner_verify(o), 0);
	finish_fault_test(o, before, free_before);
}

/* The owner frees a page compaction holds isolated: freed when compaction lets go, no callback. */
static void test_free_while_isolated_is_deferred_to_putback(void **state)
{
	(void)state;
	test_init(CONF);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	struct owner *o = owner_new();
	assert_true(owner_add(o, 7, GFP_HIGHUSER_MOVABLE, 1));
	struct page *page = o->pages[7];

	migrate_isolation_begin();
	assert_int_equal(isolate_movable_page(page, 0), 0);
	assert_true(PageIsolated(page));
	assert_int_equal(isolate_movable_page(page, 0), -EBUSY); /* once only */
	owner_remove(o, 7);
	assert_int_equal(page_count(page), 1); /* ours keeps it */
	putback_movable_pages(&page, 1);
	migrate_isolation_end();
	assert_int_equal(o->putback_calls, 0);
	assert_int_equal(page_count(page), 0);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), free_before);
	owner_free_all(o);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_set_movable_misuse_is_reported, test_teardown_exit),
		cmocka_unit_test_teardown(test_compaction_preserves_content_and_index, test_teardown_exit),
		cmocka_unit_test_teardown(test_migrate_page_returning_garbage_is_reported, test_teardown_exit),
		cmocka_unit_test_teardown(test_owner_that_never_isolates_keeps_its_pages, test_teardown_exit),
		cmocka_unit_test_teardown(test_migrate_page_saying_eagain_is_retried_then_put_back,
					  test_teardown_exit),
		cmocka_unit_test_teardown(test_migrate_page_freeing_src_is_reported_and_nothing_leaks,
					  test_teardown_exit),
		cmocka_unit_test_teardown(test_migrate_page_freeing_src_and_failing_frees_it_once,
					  test_teardown_exit),
		cmocka_unit_test_teardown(test_free_while_isolated_is_deferred_to_putback, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
