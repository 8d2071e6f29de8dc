/* SPDX-License-Identifier: MIT */
/*
 * The slow path's order and its per-mask rules (Linux 6.1
 * __alloc_pages_slowpath): __GFP_ATOMIC dropped with a warning when the
 * caller may reclaim; the pcp drain and the highatomic unreserve only on
 * the direct-reclaim path; __GFP_NOFAIL's warnings; the noreclaim and nofs
 * scopes. The OOM step has its own suite (test_oom), the __GFP_NOFAIL wait
 * its stress test (test_nofail).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <buddy/oom.h>

#include "internal.h"
#include "test_util.h"

#define CONF "arena_size:16M,dma_limit:0,dma32_limit:0"

static int count_of(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/*
 * GFP_KERNEL | __GFP_ATOMIC: the kernel's WARN, once, and the request served
 * as GFP_KERNEL - it stops at the min mark, not a quarter below it.
 */
static void test_atomic_stripped_with_direct_reclaim(void **state)
{
	struct page_stack s = {0};
	(void)state;

	test_init(CONF);
	oom_report_set_ratelimit(0, 0, NULL);
	stderr_capture_begin();
	take_all_pages(GFP_KERNEL | __GFP_ATOMIC, &s);
	char *out = stderr_capture_end();
	assert_int_equal(count_of(out, "__alloc_pages_slowpath: mode:0x24802c0(GFP_KERNEL|__GFP_ATOMIC|__GFP_NOWARN): "
				       "__GFP_ATOMIC with __GFP_DIRECT_RECLAIM: __GFP_ATOMIC dropped"),
			 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), (long)test_zone_watermark(normal_zone(), WMARK_MIN));
	free(out);

	/* without __GFP_DIRECT_RECLAIM the atomic reserve is the caller's: a quarter of min more */
	stderr_capture_begin();
	take_all_pages(GFP_NOWAIT | __GFP_ATOMIC, &s);
	out = stderr_capture_end();
	unsigned long min = test_zone_watermark(normal_zone(), WMARK_MIN);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), (long)(min - min / 4));
	assert_null(strstr(out, "WARNING"));
	free(out);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * 6.1 drains the other CPUs' lists and unreserves highatomic blocks only in
 * __alloc_pages_direct_reclaim (and, forced, in should_reclaim_retry): a
 * failing GFP_NOWAIT request touches neither; GFP_KERNEL's uses both.
 */
static void test_drain_and_unreserve_only_when_reclaiming(void **state)
{
	struct page_stack s = {0};
	(void)state;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	assert_int_equal(pin_to_cpu(0), 0);
	test_init(CONF);
	oom_report_set_ratelimit(0, 0, NULL);
	struct zone *zone = normal_zone();
	struct page *r = alloc_pages(GFP_KERNEL, 1);
	reserve_highatomic_pageblock(r, zone, 1);
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);

	/* __GFP_MEMALLOC without reclaim: everything but the highatomic block, no drain of its own */
	take_all_pages(__GFP_MEMALLOC, &s);
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);
	struct stash st = {.pages = malloc(8 * sizeof(struct page *)), .n = 8};
	for (int i = 0; i < 8; i++) {
		st.pages[i] = s.pages[--s.nr];
	}
	pthread_t t;
	void *rc;
	assert_int_equal(pthread_create(&t, NULL, free_on_cpu1, &st), 0);
	pthread_join(t, &rc);
	assert_null(rc);
	assert_int_equal(test_pcp_count(zone, 1), 8);

	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0));
	assert_int_equal(test_pcp_count(zone, 1), 8);
	assert_int_equal(test_zone_reserved_highatomic(zone), pageblock_nr_pages);

	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	assert_non_null(p);
	assert_int_equal(test_pcp_count(zone, 1), 0);
	assert_int_equal(test_zone_reserved_highatomic(zone), 0);

	__free_pages(p, 0);
	__free_pages(r, 1);
	free(st.pages);
	page_stack_free_all(&s);
	unpin();
	test_check_and_exit();
}

static int oom_calls;
static int count_oom(struct notifier_block *nb, unsigned long action, void *data)
{
	(void)nb;
	(void)action;
	(void)data;
	oom_calls++;
	return NOTIFY_OK;
}

/*
 * Inside memalloc_noreclaim_save the thread is a reclaimer (PF_MEMALLOC):
 * GFP_KERNEL may take every page, and when none is left it fails without
 * reclaim or the OOM step (the notifier is not called).
 */
static void test_noreclaim_scope(void **state)
{
	struct page_stack s = {0};
	struct notifier_block nb = {.notifier_call = count_oom};
	(void)state;

	test_init(CONF);
	assert_int_equal(register_oom_notifier(&nb), 0);
	oom_calls = 0;
	unsigned long stalls = sum_vm_event(ALLOCSTALL_NORMAL);
	unsigned int flags = memalloc_noreclaim_save();
	take_all_pages(GFP_KERNEL, &s);
	memalloc_noreclaim_restore(flags);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 0);
	assert_int_equal(oom_calls, 0);
	assert_int_equal(sum_vm_event(ALLOCSTALL_NORMAL), stalls); /* no direct reclaim either */

	/* out of the scope the same request reaches the OOM step */
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	char *out = stderr_capture_end();
	assert_int_equal(oom_calls, 1);
	assert_true(sum_vm_event(ALLOCSTALL_NORMAL) > stalls);
	free(out);
	assert_int_equal(unregister_oom_notifier(&nb), 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * Inside memalloc_nofs_save, GFP_KERNEL is GFP_NOFS (current_gfp_context):
 * the OOM step calls the chain but prints no OOM report, as 6.1's
 * out_of_memory kills nothing for a request without __GFP_FS. Nested noio
 * inside it is GFP_NOIO; restoring brings GFP_KERNEL back.
 */
static void test_nofs_and_noio_scopes(void **state)
{
	struct page_stack s = {0};
	struct notifier_block nb = {.notifier_call = count_oom};
	(void)state;

	test_init(CONF);
	oom_report_set_ratelimit(0, 0, NULL);
	take_all_pages(GFP_KERNEL, &s);
	assert_int_equal(register_oom_notifier(&nb), 0);
	oom_calls = 0;

	unsigned int nofs = memalloc_nofs_save();
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	unsigned int noio = memalloc_noio_save();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	memalloc_noio_restore(noio);
	char *out = stderr_capture_end();
	memalloc_nofs_restore(nofs);
	assert_int_equal(oom_calls, 2);
	assert_null(strstr(out, "invoked oom-killer"));
	free(out);

	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	out = stderr_capture_end();
	assert_int_equal(oom_calls, 3);
	assert_int_equal(count_of(out, "invoked oom-killer: gfp_mask=0x24002c0(GFP_KERNEL|__GFP_NOWARN), order=0"), 1);
	free(out);
	assert_int_equal(unregister_oom_notifier(&nb), 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * __GFP_NOFAIL's misuse warnings: above order 1 (6.1 rmqueue), at a costly
 * order, and without __GFP_DIRECT_RECLAIM, where it cannot wait and fails
 * as 6.1 fails it.
 */
static void test_nofail_warnings(void **state)
{
	struct page_stack s = {0};
	(void)state;

	test_init(CONF);
	stderr_capture_begin();
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 2);
	char *out = stderr_capture_end();
	assert_non_null(p);
	assert_int_equal(count_of(out, "rmqueue: mode:0x24008c0(GFP_KERNEL|__GFP_NOFAIL): __GFP_NOFAIL above order 1"),
			 0); /* served by the fast path: the warning is the slow path's */
	__free_pages(p, 2);
	free(out);

	take_all_pages(GFP_KERNEL, &s);
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOFAIL, 0));
	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOFAIL, 0));
	out = stderr_capture_end();
	assert_int_equal(count_of(out, "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM cannot wait: failing"), 1);
	free(out);
	page_stack_free_all(&s);

	/* a costly order that only the NOFAIL reserve access serves: both warnings */
	take_all_pages(GFP_KERNEL, &s);
	stderr_capture_begin();
	p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 4); /* WARN_ON_ONCE_GFP: silent with __GFP_NOWARN */
	out = stderr_capture_end();
	assert_non_null(p);
	__free_pages(p, 4);
	assert_int_equal(count_of(out, "__GFP_NOFAIL above order 1"), 1);
	assert_int_equal(count_of(out, "__GFP_NOFAIL at a costly order"), 1);
	free(out);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/* __GFP_RETRY_MAYFAIL is the 4.7 __GFP_REPEAT bit. */
static void test_retry_mayfail_alias(void **state)
{
	(void)state;
	assert_int_equal(__GFP_RETRY_MAYFAIL, 0x400u);
	assert_int_equal(__GFP_RETRY_MAYFAIL, __GFP_REPEAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_atomic_stripped_with_direct_reclaim, test_teardown_exit),
		cmocka_unit_test_teardown(test_drain_and_unreserve_only_when_reclaiming, test_teardown_exit),
		cmocka_unit_test_teardown(test_noreclaim_scope, test_teardown_exit),
		cmocka_unit_test_teardown(test_nofs_and_noio_scopes, test_teardown_exit),
		cmocka_unit_test_teardown(test_nofail_warnings, test_teardown_exit),
		cmocka_unit_test(test_retry_mayfail_alias),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
