/* SPDX-License-Identifier: MIT */
/*
 * fail_page_alloc: the kernel's page allocator fault injection - the
 * boot-parameter form and the fail_page_alloc_* keys, the run-time names,
 * should_fail's interval, space, times and probability, the filters
 * (min_order, ignore-gfp-wait, ignore-gfp-highmem, __GFP_NOFAIL), the
 * reports and __GFP_NOWARN, the counter, the fast-path blocker, and the
 * same failures again from the same seed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_test.h"
#include "fast_path.h"
#include "test_util.h"

#define CONF "arena_size:16M,dma_limit:0,dma32_limit:0,kswapd:off"
/* Every request may fail, silently, whatever its order. */
#define ALWAYS CONF ",fail_page_alloc:1/100/0/-1,fail_page_alloc_min_order:0,fail_page_alloc_verbose:0"

static int ctl_read(const char *name)
{
	int v = -12345;
	size_t len = sizeof(v);

	assert_int_equal(buddy_ctl(name, &v, &len, NULL, 0), 0);
	assert_int_equal(len, sizeof(int));
	return v;
}

static int ctl_write(const char *name, int v)
{
	return buddy_ctl(name, NULL, NULL, &v, sizeof(v));
}

static unsigned long vmstat_value(const char *name)
{
	unsigned long v = 0;
	size_t len = sizeof(v);

	assert_int_equal(buddy_ctl(name, &v, &len, NULL, 0), 0);
	return v;
}

static unsigned long injected(void)
{
	return vmstat_value("vmstat.buddy_fail_page_alloc");
}

/* Try one request; free what it got. True when it failed. */
static bool fails(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	if (!page)
		return true;
	__free_pages(page, order);
	return false;
}

/* n requests' outcomes as a string of '.' (served) and 'X' (failed). */
static void pattern(char *out, int n, gfp_t gfp, unsigned int order)
{
	for (int i = 0; i < n; i++)
		out[i] = fails(gfp, order) ? 'X' : '.';
	out[n] = 0;
}

static unsigned long count_failed(const char *p)
{
	unsigned long n = 0;

	for (; *p; p++)
		n += *p == 'X';
	return n;
}

/* Off by default: the kernel's attribute (interval 1, probability 0, times 1), nothing blocked. */
static void test_off_by_default(void **state)
{
	(void)state;
	test_init(CONF);
	assert_int_equal(ctl_read("fail_page_alloc.probability"), 0);
	assert_int_equal(ctl_read("fail_page_alloc.interval"), 1);
	assert_int_equal(ctl_read("fail_page_alloc.times"), 1);
	assert_int_equal(ctl_read("fail_page_alloc.space"), 0);
	assert_int_equal(ctl_read("fail_page_alloc.verbose"), 2);
	assert_int_equal(ctl_read("fail_page_alloc.ignore-gfp-wait"), 1);
	assert_int_equal(ctl_read("fail_page_alloc.ignore-gfp-highmem"), 1);
	assert_int_equal(ctl_read("fail_page_alloc.min-order"), 1);
	assert_false(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	for (int i = 0; i < 100; i++)
		assert_false(fails(GFP_NOWAIT, (unsigned int)(i % 4)));
	assert_int_equal(injected(), 0);
	test_check_and_exit();
}

/* The same seed fails the same requests: after a re-init, and after writing the seed again. */
static void test_seed_replays_the_same_failures(void **state)
{
	char first[201], second[201], third[201];

	(void)state;
	test_init(CONF ",fail_page_alloc:1/30/0/-1,fail_page_alloc_min_order:0,fail_page_alloc_verbose:0,"
		       "fail_page_alloc_seed:1234");
	assert_true(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	pattern(first, 200, GFP_NOWAIT, 0);
	assert_non_null(strchr(first, 'X'));
	assert_non_null(strchr(first, '.'));
	assert_int_equal(injected(), count_failed(first));
	test_check_and_exit();

	test_init(CONF ",fail_page_alloc:1/30/0/-1,fail_page_alloc_min_order:0,fail_page_alloc_verbose:0,"
		       "fail_page_alloc_seed:1234");
	pattern(second, 200, GFP_NOWAIT, 0);
	assert_string_equal(first, second);
	long long seed = 1234;
	size_t len = sizeof(seed);
	assert_int_equal(buddy_ctl("fail_page_alloc.seed", &seed, &len, NULL, 0), 0);
	assert_int_equal(seed, 1234);
	assert_int_equal(buddy_ctl("fail_page_alloc.seed", NULL, NULL, &seed, sizeof(seed)), 0);
	pattern(third, 200, GFP_NOWAIT, 0);
	assert_string_equal(first, third);
	test_check_and_exit();
}

/* interval 3, times 2: every third request that gets that far fails, twice, then none; the fast paths return. */
static void test_interval_and_times(void **state)
{
	char got[16];

	(void)state;
	test_init(CONF ",fail_page_alloc:3/100/0/2,fail_page_alloc_min_order:0,fail_page_alloc_verbose:0");
	pattern(got, 12, GFP_NOWAIT, 0);
	assert_string_equal(got, "..X..X......");
	assert_int_equal(injected(), 2);
	assert_int_equal(ctl_read("fail_page_alloc.times"), 0);
	assert_false(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	test_check_and_exit();
}

/* space: requests pass while the budget is larger than their size in pages, which they use up. */
static void test_space_budget(void **state)
{
	char got[16];

	(void)state;
	test_init(CONF ",fail_page_alloc:1/100/10/-1,fail_page_alloc_min_order:0,fail_page_alloc_verbose:0");
	/* order 1 is 2 pages: 10 > 2 (8 left), 8 > 2 (6), 6 > 2 (4), 4 > 2 (2), then 2 > 2 fails */
	pattern(got, 6, GFP_NOWAIT, 1);
	assert_string_equal(got, "....XX");
	assert_int_equal(ctl_read("fail_page_alloc.space"), 2);
	/* order 0 (1 page): 2 > 1 passes once more */
	pattern(got, 3, GFP_NOWAIT, 0);
	assert_string_equal(got, ".XX");
	assert_int_equal(injected(), 4);
	test_check_and_exit();
}

/* min_order (default 1) spares smaller requests; the run-time name moves it. */
static void test_min_order(void **state)
{
	(void)state;
	test_init(CONF ",fail_page_alloc:1/100/0/-1,fail_page_alloc_verbose:0");
	assert_false(fails(GFP_NOWAIT, 0));
	assert_true(fails(GFP_NOWAIT, 1));
	assert_true(fails(GFP_NOWAIT, 5));
	assert_int_equal(ctl_write("fail_page_alloc.min-order", 3), 0);
	assert_false(fails(GFP_NOWAIT, 2));
	assert_true(fails(GFP_NOWAIT, 3));
	assert_int_equal(ctl_write("fail_page_alloc.min-order", 0), 0);
	assert_true(fails(GFP_NOWAIT, 0));
	assert_int_equal(injected(), 4);
	test_check_and_exit();
}

/* ignore-gfp-wait spares requests that may reclaim directly, ignore-gfp-highmem those with __GFP_HIGHMEM. */
static void test_ignore_flags(void **state)
{
	(void)state;
	test_init(ALWAYS);
	assert_false(fails(GFP_KERNEL, 0));
	assert_false(fails(GFP_NOWAIT | __GFP_HIGHMEM, 0));
	assert_true(fails(GFP_NOWAIT, 0));
	assert_int_equal(ctl_write("fail_page_alloc.ignore-gfp-wait", 0), 0);
	assert_true(fails(GFP_KERNEL, 0));
	assert_false(fails(GFP_NOWAIT | __GFP_HIGHMEM, 0));
	assert_int_equal(ctl_write("fail_page_alloc.ignore-gfp-highmem", 0), 0);
	assert_true(fails(GFP_NOWAIT | __GFP_HIGHMEM, 0));
	assert_int_equal(injected(), 3);
	test_check_and_exit();

	test_init(ALWAYS ",fail_page_alloc_ignore_gfp_wait:off,fail_page_alloc_ignore_gfp_highmem:N");
	assert_int_equal(ctl_read("fail_page_alloc.ignore-gfp-wait"), 0);
	assert_int_equal(ctl_read("fail_page_alloc.ignore-gfp-highmem"), 0);
	assert_true(fails(GFP_HIGHUSER, 0));
	test_check_and_exit();
}

/* __GFP_NOFAIL is never failed on purpose, whatever the settings. */
static void test_nofail_never_failed(void **state)
{
	(void)state;
	test_init(ALWAYS ",fail_page_alloc_ignore_gfp_wait:off,fail_page_alloc_ignore_gfp_highmem:off");
	for (unsigned int order = 0; order < 2; order++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, order);
		assert_non_null(page);
		__free_pages(page, order);
		assert_non_null(page = alloc_pages(GFP_NOWAIT | __GFP_NOFAIL, order));
		__free_pages(page, order);
	}
	assert_int_equal(injected(), 0);
	assert_true(fails(GFP_KERNEL, 0));
	test_check_and_exit();
}

/* verbose 1: the kernel's two lines; 2: a backtrace too; __GFP_NOWARN: silent; never warn_alloc's report. */
static void test_reports_and_nowarn(void **state)
{
	char *out;

	(void)state;
	test_init(ALWAYS ",fail_page_alloc_verbose:1");
	stderr_capture_begin();
	assert_true(fails(GFP_NOWAIT, 0));
	out = stderr_capture_end();
	assert_non_null(strstr(out, "FAULT_INJECTION: forcing a failure.\n"
				    "name fail_page_alloc, interval 1, probability 100, space 0, times -1\n"));
	assert_null(strstr(out, "page allocation failure"));
	free(out);

	stderr_capture_begin();
	assert_true(fails(GFP_NOWAIT | __GFP_NOWARN, 0));
	out = stderr_capture_end();
	assert_string_equal(out, "");
	free(out);

	assert_int_equal(ctl_write("fail_page_alloc.verbose", 2), 0);
	stderr_capture_begin();
	assert_true(fails(GFP_NOWAIT, 2));
	out = stderr_capture_end();
	char *second_line = strchr(out, '\n');
	assert_non_null(second_line);
	assert_non_null(strchr(strchr(second_line + 1, '\n') + 1, '\n')); /* at least one frame after the two lines */
	free(out);

	assert_int_equal(ctl_write("fail_page_alloc.verbose", 0), 0);
	stderr_capture_begin();
	assert_true(fails(GFP_NOWAIT, 0));
	out = stderr_capture_end();
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(injected(), 4);
	test_check_and_exit();
}

/* The run-time names: read back, ranges, unknown names; arming follows probability and times. */
static void test_ctl_names(void **state)
{
	(void)state;
	test_init(CONF);
	assert_false(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	assert_int_equal(ctl_write("fail_page_alloc.times", -1), 0);
	assert_int_equal(ctl_write("fail_page_alloc.probability", 100), 0);
	assert_true(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	assert_int_equal(ctl_write("fail_page_alloc.verbose", 0), 0);
	assert_int_equal(ctl_write("fail_page_alloc.interval", 7), 0);
	assert_int_equal(ctl_write("fail_page_alloc.space", 5), 0);
	assert_int_equal(ctl_read("fail_page_alloc.probability"), 100);
	assert_int_equal(ctl_read("fail_page_alloc.interval"), 7);
	assert_int_equal(ctl_read("fail_page_alloc.times"), -1);
	assert_int_equal(ctl_read("fail_page_alloc.space"), 5);
	assert_int_equal(ctl_read("fail_page_alloc.verbose"), 0);

	assert_int_equal(ctl_write("fail_page_alloc.probability", 101), -EINVAL);
	assert_int_equal(ctl_write("fail_page_alloc.times", -2), -EINVAL);
	assert_int_equal(ctl_write("fail_page_alloc.verbose", 3), -EINVAL);
	assert_int_equal(ctl_write("fail_page_alloc.min-order", -1), -EINVAL);
	assert_int_equal(ctl_write("fail_page_alloc.no-such-file", 1), -ENOENT);
	long long wrong_size = 1;
	assert_int_equal(buddy_ctl("fail_page_alloc.probability", NULL, NULL, &wrong_size, sizeof(wrong_size)),
			 -EINVAL);
	assert_int_equal(ctl_read("fail_page_alloc.probability"), 100);

	assert_int_equal(ctl_write("fail_page_alloc.probability", 0), 0);
	assert_false(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	assert_int_equal(ctl_write("fail_page_alloc.probability", 50), 0);
	assert_int_equal(ctl_write("fail_page_alloc.times", 0), 0);
	assert_false(fast_path_blocked_by(FAST_PATH_FAIL_PAGE_ALLOC));
	test_check_and_exit();
}

/* The boot-parameter form: four numbers split by '/', each in range, or an error naming the key. */
static void test_conf_errors(void **state)
{
	static const char *const bad[] = {
		"fail_page_alloc:1/10/0",     "fail_page_alloc:1/101/0/-1", "fail_page_alloc:1/10/0/-2",
		"fail_page_alloc:1/10/0/-1/", "fail_page_alloc:x/10/0/-1",  "fail_page_alloc_verbose:3",
		"fail_page_alloc_min_order:-1", "fail_page_alloc_ignore_gfp_wait:maybe",
	};
	struct buddy_config cfg = {0};
	char conf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(conf, sizeof(conf), CONF ",%s", bad[i]);
		cfg.conf = conf;
		stderr_capture_begin();
		assert_int_equal(buddy_init(&cfg), -EINVAL);
		char *out = stderr_capture_end();
		assert_non_null(strstr(out, "BUDDY_CONF: invalid value"));
		free(out);
	}
	test_init(CONF ",fail_page_alloc:5/25/100/9");
	assert_int_equal(ctl_read("fail_page_alloc.interval"), 5);
	assert_int_equal(ctl_read("fail_page_alloc.probability"), 25);
	assert_int_equal(ctl_read("fail_page_alloc.space"), 100);
	assert_int_equal(ctl_read("fail_page_alloc.times"), 9);
	test_check_and_exit();
}

/* A failed request is failed before any zone is touched: free pages and counters stay as they were. */
static void test_failure_leaves_no_trace(void **state)
{
	(void)state;
	test_init(ALWAYS);
	buddy_drain_all_pages();
	long before = zone_free(ZONE_NORMAL);
	unsigned long failed_before = vmstat_value("vmstat.buddy_pgalloc_fail");
	for (int i = 0; i < 1000; i++)
		assert_true(fails(GFP_NOWAIT | __GFP_NOWARN, (unsigned int)(i % 6)));
	assert_int_equal(zone_free(ZONE_NORMAL), before);
	assert_int_equal(injected(), 1000);
	/* libbuddy's count of failed requests takes them too; no pages were allocated */
	assert_int_equal(vmstat_value("vmstat.buddy_pgalloc_fail") - failed_before, 1000);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_off_by_default, test_teardown_exit),
		cmocka_unit_test_teardown(test_seed_replays_the_same_failures, test_teardown_exit),
		cmocka_unit_test_teardown(test_interval_and_times, test_teardown_exit),
		cmocka_unit_test_teardown(test_space_budget, test_teardown_exit),
		cmocka_unit_test_teardown(test_min_order, test_teardown_exit),
		cmocka_unit_test_teardown(test_ignore_flags, test_teardown_exit),
		cmocka_unit_test_teardown(test_nofail_never_failed, test_teardown_exit),
		cmocka_unit_test_teardown(test_reports_and_nowarn, test_teardown_exit),
		cmocka_unit_test_teardown(test_ctl_names, test_teardown_exit),
		cmocka_unit_test_teardown(test_conf_errors, test_teardown_exit),
		cmocka_unit_test_teardown(test_failure_leaves_no_trace, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
