/* SPDX-License-Identifier: MIT */
/*
 * The OOM step (6.1 __alloc_pages_may_oom and out_of_memory): the notifier
 * chain in priority order, freed counts honoured, the rate-limited
 * "invoked oom-killer" report, the masks it is skipped for, and notifiers
 * that allocate or unregister from inside the chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
 * Order-0 allocations with gfp until the first failure; for a mask that
 * cannot reclaim, until one fails right after a drain. Such a mask
 * (GFP_ATOMIC) fails while a refill's pages still sit on
 * the pcp list (6.7 refills grow to batch << 5, and the watermark check
 * counts only the buddy lists), so the lists are drained and it goes on.
 */
static size_t exhaust(gfp_t gfp, struct page_stack *s)
{
	size_t n = 0, round;
	struct page *p;

	do {
		round = 0;
		while ((p = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL) {
			page_stack_push(s, p);
			round++;
		}
		n += round;
		if (gfp & __GFP_DIRECT_RECLAIM)
			break; /* its own slow path drained already (and an OOM notifier may free forever) */
		buddy_drain_all_pages();
	} while (round);
	return n;
}

/* ---- a notifier that records the order it was called in */

struct recorder {
	struct notifier_block nb;
	int id;
	int ret;
};
static int call_log[16], nr_calls;

static int record(struct notifier_block *nb, unsigned long action, void *data)
{
	struct recorder *r = (struct recorder *)nb;
	(void)action;
	(void)data;
	if (nr_calls < 16)
		call_log[nr_calls++] = r->id;
	return r->ret;
}

/* Highest priority first; equal priorities in registration order; NOTIFY_STOP ends the walk. */
static void test_chain_priority_order(void **state)
{
	struct page_stack s = {0};
	struct recorder r[5] = {
		{{record, NULL, 0}, 1, NOTIFY_OK},  {{record, NULL, 10}, 2, NOTIFY_OK},
		{{record, NULL, 5}, 3, NOTIFY_DONE}, {{record, NULL, 10}, 4, NOTIFY_OK},
		{{record, NULL, -3}, 5, NOTIFY_OK},
	};
	(void)state;

	test_init(CONF);
	for (int i = 0; i < 5; i++)
		assert_int_equal(register_oom_notifier(&r[i].nb), 0);
	stderr_capture_begin();
	assert_int_equal(register_oom_notifier(&r[2].nb), -EEXIST);
	exhaust(GFP_KERNEL, &s);
	char *out = stderr_capture_end();
	assert_non_null(strstr(out, "register_oom_notifier: notifier callback"));
	free(out);
	assert_int_equal(nr_calls, 5);
	static const int want[] = {2, 4, 3, 1, 5};
	for (int i = 0; i < 5; i++)
		assert_int_equal(call_log[i], want[i]);

	/* a notifier that says NOTIFY_STOP ends the walk */
	r[3].ret = NOTIFY_STOP;
	nr_calls = 0;
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	free(stderr_capture_end());
	assert_int_equal(nr_calls, 2);
	assert_int_equal(call_log[1], 4);

	for (int i = 0; i < 5; i++)
		assert_int_equal(unregister_oom_notifier(&r[i].nb), 0);
	stderr_capture_begin();
	assert_int_equal(unregister_oom_notifier(&r[0].nb), -ENOENT);
	out = stderr_capture_end();
	assert_non_null(strstr(out, "unregister_oom_notifier: notifier"));
	assert_non_null(strstr(out, "is not registered"));
	free(out);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/* ---- a balloon: pages it holds, given back when the OOM step asks */

struct balloon {
	struct notifier_block nb;
	struct page_stack pages;
	int calls;
};

static int deflate(struct notifier_block *nb, unsigned long action, void *data)
{
	struct balloon *b = (struct balloon *)nb;
	unsigned long *freed = data;
	(void)action;
	b->calls++;
	while (b->pages.nr) {
		__free_pages(b->pages.pages[--b->pages.nr], 0);
		++*freed;
	}
	return NOTIFY_OK;
}

/*
 * The first OOM step finds the balloon full: it frees 64 pages, the step
 * counts as progress and the same allocation succeeds; the zone is used
 * down to the min mark again, the second OOM step frees nothing, and only
 * then is the report printed and the allocation fails.
 */
static void test_freed_pages_let_the_allocation_succeed(void **state)
{
	struct page_stack s = {0};
	struct balloon b = {.nb = {.notifier_call = deflate}};
	(void)state;

	test_init(CONF);
	oom_report_set_ratelimit(0, 0, NULL);
	for (int i = 0; i < 64; i++)
		page_stack_push(&b.pages, alloc_page(GFP_KERNEL));
	assert_int_equal(register_oom_notifier(&b.nb), 0);
	long free_before = free_after_drain(0, ZONE_NORMAL);
	long min = (long)test_zone_watermark(normal_zone(), WMARK_MIN);

	stderr_capture_begin();
	size_t n = exhaust(GFP_KERNEL, &s);
	char *out = stderr_capture_end();
	assert_int_equal(b.calls, 2);
	assert_int_equal(b.pages.nr, 0);
	assert_int_equal((long)n, free_before - min + 64);
	assert_int_equal(count_of(out, "test_oom invoked oom-killer: gfp_mask=0x24002c0(GFP_KERNEL|__GFP_NOWARN), "
				       "order=0, oom_score_adj=0\nMem-Info:\n"),
			 1);
	assert_int_equal(count_of(out, "Out of memory and no killable processes..."), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), min);
	free(out);
	assert_int_equal(unregister_oom_notifier(&b.nb), 0);
	free(b.pages.pages);
	page_stack_free_all(&s);
	test_check_and_exit();
}

static long fake_now;
static long fake_clock(void)
{
	return fake_now;
}

/* The report is rate-limited like warn_alloc: burst 1 here, so once per window. */
static void test_report_once_per_window(void **state)
{
	struct page_stack s = {0};
	(void)state;

	test_init(CONF);
	fake_now = 0;
	oom_report_set_ratelimit(1000, 1, fake_clock);
	stderr_capture_begin();
	exhaust(GFP_KERNEL, &s);
	for (int i = 0; i < 3; i++)
		assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	char *out = stderr_capture_end();
	assert_int_equal(count_of(out, "invoked oom-killer"), 1);
	free(out);

	fake_now = 1000;
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	out = stderr_capture_end();
	assert_int_equal(count_of(out, "out_of_memory: 3 callbacks suppressed\n"), 1);
	assert_int_equal(count_of(out, "invoked oom-killer"), 1);
	free(out);
	oom_report_set_ratelimit(5000, 10, NULL);
	page_stack_free_all(&s);
	test_check_and_exit();
}

static int plain_calls;
static int count_call(struct notifier_block *nb, unsigned long action, void *data)
{
	(void)nb;
	(void)action;
	(void)data;
	plain_calls++;
	return NOTIFY_OK;
}

/*
 * Which failing requests reach the OOM step (6.1): not __GFP_NORETRY (it
 * stops after one round), not a costly order, not __GFP_RETRY_MAYFAIL or
 * __GFP_THISNODE, not GFP_NOWAIT (no reclaim at all); GFP_NOFS and GFP_NOIO
 * call the chain but kill nothing, so print no report; GFP_KERNEL does both.
 */
static void test_masks_that_skip_the_oom_step(void **state)
{
	struct page_stack s = {0};
	struct notifier_block nb = {.notifier_call = count_call};
	static const struct {
		gfp_t gfp;
		unsigned int order;
		int calls, reports;
	} cases[] = {
		{GFP_KERNEL | __GFP_NORETRY, 0, 0, 0},
		{GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0, 0, 0},
		{GFP_KERNEL | __GFP_REPEAT, 0, 0, 0},
		{GFP_KERNEL | __GFP_THISNODE, 0, 0, 0},
		{GFP_KERNEL, 4, 0, 0},
		{GFP_NOWAIT, 0, 0, 0},
		{GFP_ATOMIC, 0, 0, 0},
		{GFP_NOFS, 0, 1, 0},
		{GFP_NOIO, 0, 1, 0},
		{GFP_KERNEL, 0, 1, 1},
		{GFP_KERNEL, 3, 1, 1},
	};
	(void)state;

	test_init(CONF);
	oom_report_set_ratelimit(0, 0, NULL);
	stderr_capture_begin();
	exhaust(GFP_ATOMIC, &s); /* below every mask's mark but GFP_ATOMIC's own */
	free(stderr_capture_end());
	assert_int_equal(register_oom_notifier(&nb), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		plain_calls = 0;
		stderr_capture_begin();
		struct page *p = alloc_pages(cases[i].gfp | __GFP_NOWARN, cases[i].order);
		char *out = stderr_capture_end();
		if (p)
			fail_msg("mask %#x order %u: got a page", cases[i].gfp, cases[i].order);
		if (plain_calls != cases[i].calls || count_of(out, "invoked oom-killer") != cases[i].reports)
			fail_msg("mask %#x order %u: %d chain calls, %d reports; want %d, %d", cases[i].gfp,
				 cases[i].order, plain_calls, count_of(out, "invoked oom-killer"), cases[i].calls,
				 cases[i].reports);
		free(out);
	}
	assert_int_equal(unregister_oom_notifier(&nb), 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/* ---- notifiers that allocate, and that unregister from inside the walk */

static int depth, max_depth, got_inside;
static int allocate_inside(struct notifier_block *nb, unsigned long action, void *data)
{
	(void)nb;
	(void)action;
	(void)data;
	if (++depth > max_depth)
		max_depth = depth;
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0); /* PF_MEMALLOC: no reclaim, no OOM */
	if (p) {
		got_inside++;
		__free_pages(p, 0);
	}
	depth--;
	return NOTIFY_OK;
}

/*
 * A notifier runs as a reclaimer: its GFP_KERNEL allocation may take the
 * reserves below min, and with none left it fails - neither way does it
 * re-enter the OOM step or deadlock.
 */
static void test_notifier_that_allocates(void **state)
{
	struct page_stack s = {0};
	struct notifier_block nb = {.notifier_call = allocate_inside};
	(void)state;

	test_init(CONF);
	assert_int_equal(register_oom_notifier(&nb), 0);
	stderr_capture_begin();
	exhaust(GFP_KERNEL, &s);
	free(stderr_capture_end());
	assert_int_equal(max_depth, 1);
	assert_int_equal(got_inside, 1);

	/* nothing at all left: the notifier's allocation fails, the outer one too */
	exhaust(__GFP_MEMALLOC, &s);
	buddy_drain_all_pages();
	exhaust(__GFP_MEMALLOC, &s);
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	free(stderr_capture_end());
	assert_int_equal(max_depth, 1);
	assert_int_equal(got_inside, 1);
	assert_int_equal(unregister_oom_notifier(&nb), 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

static struct notifier_block self_leaving, after_it;
static int left_calls, after_calls;
static int leave_chain(struct notifier_block *nb, unsigned long action, void *data)
{
	(void)action;
	(void)data;
	left_calls++;
	assert_int_equal(unregister_oom_notifier(nb), 0);
	return NOTIFY_OK;
}
static int after_leaver(struct notifier_block *nb, unsigned long action, void *data)
{
	(void)nb;
	(void)action;
	(void)data;
	after_calls++;
	return NOTIFY_OK;
}

/* A notifier that unregisters itself: the walk goes on to the next one, and it is not called again. */
static void test_notifier_unregisters_itself(void **state)
{
	struct page_stack s = {0};
	(void)state;

	test_init(CONF);
	self_leaving = (struct notifier_block){.notifier_call = leave_chain, .priority = 2};
	after_it = (struct notifier_block){.notifier_call = after_leaver, .priority = 1};
	assert_int_equal(register_oom_notifier(&after_it), 0);
	assert_int_equal(register_oom_notifier(&self_leaving), 0);
	stderr_capture_begin();
	exhaust(GFP_KERNEL, &s);
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	free(stderr_capture_end());
	assert_int_equal(left_calls, 1);
	assert_int_equal(after_calls, 2);
	assert_int_equal(unregister_oom_notifier(&after_it), 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_chain_priority_order, test_teardown_exit),
		cmocka_unit_test_teardown(test_freed_pages_let_the_allocation_succeed, test_teardown_exit),
		cmocka_unit_test_teardown(test_report_once_per_window, test_teardown_exit),
		cmocka_unit_test_teardown(test_masks_that_skip_the_oom_step, test_teardown_exit),
		cmocka_unit_test_teardown(test_notifier_that_allocates, test_teardown_exit),
		cmocka_unit_test_teardown(test_notifier_unregisters_itself, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
