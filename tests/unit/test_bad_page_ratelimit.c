/* SPDX-License-Identifier: MIT */
/*
 * "Bad page state" reports under 6.1 bad_page's limit: a burst of 60 a
 * minute, then "BUG: Bad page state: N messages suppressed" with the next
 * report after the minute. A program that double-frees in a loop gets a
 * bounded stderr, and the allocator stays consistent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_test.h"
#include "internal.h"
#include "test_util.h"

#define CONF	     "arena_size:16M,dma_limit:0,dma32_limit:0,kswapd:off"
#define DOUBLE_FREES 100000

static long fake_now_ms;
static long fake_clock(void)
{
	return fake_now_ms;
}

static unsigned long count(const char *text, const char *what)
{
	unsigned long n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static unsigned long lines(const char *text)
{
	return count(text, "\n");
}

/* A freed page, for double frees: its descriptor stays valid (it is the arena's). */
static struct page *freed_page(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(page);
	__free_pages(page, 0);
	return page;
}

/* 100,000 double frees, the clock a minute further at half-way: 60 reports, the count dropped, 60 more. */
static void test_double_free_loop_is_bounded(void **state)
{
	char expect[80];

	(void)state;
	test_init(CONF);
	fake_now_ms = 1000;
	bad_page_set_ratelimit(60 * 1000, fake_clock);
	struct page *page = freed_page();

	stderr_capture_begin();
	for (int i = 0; i < DOUBLE_FREES; i++) {
		if (i == DOUBLE_FREES / 2)
			fake_now_ms += 60 * 1000;
		__free_pages(page, 0);
	}
	char *out = stderr_capture_end();
	assert_int_equal(count(out, "BUG: Bad page state in process"), 120);
	snprintf(expect, sizeof(expect), "BUG: Bad page state: %d messages suppressed\n", DOUBLE_FREES / 2 - 60);
	assert_int_equal(count(out, expect), 1);
	assert_int_equal(count(out, "messages suppressed"), 1);
	assert_int_equal(lines(out), 120 * 3 + 1);
	free(out);

	/* the page is still free and usable; nothing was corrupted */
	assert_consistent();
	struct page *again = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(again);
	__free_pages(again, 0);
	bad_page_set_ratelimit(60 * 1000, NULL);
	test_check_and_exit();
}

/* A steady drip (one report every 1.5 s) is never suppressed: the minute is over before the 61st. */
static void test_steady_drip_is_not_suppressed(void **state)
{
	(void)state;
	test_init(CONF);
	fake_now_ms = 5000;
	bad_page_set_ratelimit(60 * 1000, fake_clock);
	struct page *page = freed_page();

	stderr_capture_begin();
	for (int i = 0; i < 200; i++) {
		__free_pages(page, 0);
		fake_now_ms += 1500;
	}
	char *out = stderr_capture_end();
	assert_int_equal(count(out, "BUG: Bad page state in process"), 200);
	assert_int_equal(count(out, "suppressed"), 0);
	free(out);
	bad_page_set_ratelimit(60 * 1000, NULL);
	test_check_and_exit();
}

/*
 * The real clock: 100,000 double frees and bad pointers print at most two
 * bursts (a minute may pass while they run), and bad_address shares the limit.
 */
static void test_real_clock_bounds_stderr(void **state)
{
	char local;

	(void)state;
	test_init(CONF);
	bad_page_set_ratelimit(60 * 1000, NULL);
	struct page *page = freed_page();

	stderr_capture_begin();
	for (int i = 0; i < DOUBLE_FREES; i++) {
		if (i & 1)
			__free_pages(page, 0);
		else
			__free_pages((struct page *)&local, 0);
	}
	char *out = stderr_capture_end();
	unsigned long reports = count(out, "BUG: Bad page state in process");
	assert_true(reports >= 60 && reports <= 120);
	assert_true(count(out, "messages suppressed") <= 1);
	assert_true(lines(out) <= 120 * 3 + 1);
	free(out);
	test_check_and_exit();
}

/* A fresh allocator starts a fresh window, as a boot does. */
static void test_window_resets_with_the_allocator(void **state)
{
	(void)state;
	test_init(CONF);
	fake_now_ms = 0;
	bad_page_set_ratelimit(60 * 1000, fake_clock);
	struct page *page = freed_page();
	stderr_capture_begin();
	for (int i = 0; i < 100; i++)
		__free_pages(page, 0);
	free(stderr_capture_end());
	test_check_and_exit();

	test_init(CONF);
	page = freed_page();
	stderr_capture_begin();
	__free_pages(page, 0);
	char *out = stderr_capture_end();
	assert_int_equal(count(out, "BUG: Bad page state in process"), 1);
	free(out);
	bad_page_set_ratelimit(60 * 1000, NULL);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_double_free_loop_is_bounded, test_teardown_exit),
		cmocka_unit_test_teardown(test_steady_drip_is_not_suppressed, test_teardown_exit),
		cmocka_unit_test_teardown(test_real_clock_bounds_stderr, test_teardown_exit),
		cmocka_unit_test_teardown(test_window_resets_with_the_allocator, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
