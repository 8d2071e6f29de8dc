/* SPDX-License-Identifier: MIT */
/*
 * The debug modes that watch free pages (debug_page_alloc.h): each one
 * catching what it is for. A use after free under debug_pagealloc faults,
 * so those scenarios run in a child process whose death the parent reads;
 * page poisoning reports a scribble in the kernel's words and leaks the
 * page; guard pages are unmapped, off the lists, counted, and merge back.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

#define SMALL "arena_size:16M,dma_limit:0,dma32_limit:0"

/*
 * In a child, a failed cmocka assertion would jump back into the test
 * runner and go on running the suite there: children check with this and
 * leave with status 4 instead.
 */
#define CHILD_CHECK(x)                                                                                 \
	do {                                                                                           \
		if (!(x)) {                                                                            \
			fprintf(stderr, "child: %s failed at line %d\n", #x, __LINE__);               \
			_exit(4);                                                                      \
		}                                                                                      \
	} while (0)

/*
 * The misuse itself, hidden from ASan (whose shadow also marks free pages and
 * would report the access first): what is under test is the mode's catch.
 */
__attribute__((no_sanitize_address, noinline)) static unsigned char peek(const volatile void *addr)
{
	return *(const volatile unsigned char *)addr;
}
__attribute__((no_sanitize_address, noinline)) static void poke(volatile void *addr, unsigned char v)
{
	*(volatile unsigned char *)addr = v;
}

static void child_init(const char *conf)
{
	struct buddy_config cfg = {.conf = conf};
	int rc = buddy_init(&cfg);

	if (rc) {
		fprintf(stderr, "child: buddy_init(%s) = %d\n", conf, rc);
		_exit(5);
	}
}

static void assert_child_faulted(void (*fn)(void))
{
	int status;
	char *text = test_run_child(fn, &status);

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		fprintf(stderr, "child did not fault (status %#x):\n%s\n", status, text);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	free(text);
}

static void assert_child_exited_cleanly(void (*fn)(void))
{
	int status;
	char *text = test_run_child(fn, &status);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "child failed (status %#x):\n%s\n", status, text);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(text);
}

/* ------------------------------------------------------------ debug_pagealloc */

/* A freed order-0 page: parked on this CPU's pcp list (drain: false) or back on the buddy lists. */
static volatile char *freed_page(bool drain)
{
	char *p = (char *)__get_free_pages(GFP_KERNEL, 0);

	CHILD_CHECK(p);
	memset(p, 1, PAGE_SIZE); /* mapped while allocated */
	free_pages((unsigned long)p, 0);
	if (drain) {
		buddy_drain_all_pages();
		CHILD_CHECK(PageBuddy(virt_to_page(p)));
	} else {
		CHILD_CHECK(PagePcp(virt_to_page(p)));
	}
	return p;
}

static void read_after_free_pcp(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	volatile char *p = freed_page(false);
	(void)peek(p + 17);
	_exit(3); /* not reached */
}

static void write_after_free_pcp(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	volatile char *p = freed_page(false);
	poke(p + PAGE_SIZE - 1, 2);
	_exit(3);
}

static void read_after_free_buddy(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	volatile char *p = freed_page(true);
	(void)peek(p);
	_exit(3);
}

/* Order 4 is above the pcp orders: freed straight to the buddy lists, every page unmapped. */
static void write_after_free_high_order(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	char *p = (char *)__get_free_pages(GFP_KERNEL, 4);
	CHILD_CHECK(p);
	memset(p, 1, PAGE_SIZE << 4);
	free_pages((unsigned long)p, 4);
	poke(p + 15 * PAGE_SIZE + 8, 2);
	_exit(3);
}

/* Never handed out since buddy_init: unmapped from the start. */
static void read_never_allocated(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	(void)peek(test_arena_base() + test_arena_bytes() - PAGE_SIZE);
	_exit(3);
}

static void test_use_after_free_faults(void **state)
{
	(void)state;
	assert_child_faulted(read_after_free_pcp);
	assert_child_faulted(write_after_free_pcp);
	assert_child_faulted(read_after_free_buddy);
	assert_child_faulted(write_after_free_high_order);
	assert_child_faulted(read_never_allocated);
}

static void use_after_free_unnoticed(void)
{
	child_init(SMALL);
	volatile char *p = freed_page(false);
	poke(p + 5, peek(p + 6));
	p = freed_page(true);
	poke(p + 5, peek(p + 6));
	CHILD_CHECK(buddy_check() == 0);
	buddy_exit();
}

/* Without the mode the same misuse goes unnoticed (which is why the mode exists). */
static void test_no_fault_without_debug_pagealloc(void **state)
{
	(void)state;
	assert_child_exited_cleanly(use_after_free_unnoticed);
}

/* Pages handed out again are mapped, __GFP_ZERO and compound pages included; split pages too. */
static void test_reallocated_pages_are_usable(void **state)
{
	(void)state;
	test_init(SMALL ",debug_pagealloc:on");
	for (unsigned int order = 0; order < 6; order++) {
		char *p = (char *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
		assert_non_null(p);
		for (size_t i = 0; i < (PAGE_SIZE << order); i += 512)
			assert_int_equal(p[i], 0);
		memset(p, 0x5a, PAGE_SIZE << order);
		free_pages((unsigned long)p, order);
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, order);
		assert_non_null(page);
		memset(page_address(page), 0x5b, PAGE_SIZE << order);
		__free_pages(page, order);
	}
	/* alloc_pages_exact splits its block and frees the tail page by page */
	char *e = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL);
	assert_non_null(e);
	memset(e, 7, 5 * PAGE_SIZE);
	free_pages_exact(e, 5 * PAGE_SIZE);
	assert_consistent();
	test_check_and_exit();
}

static void write_after_free_exact(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	char *e = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	CHILD_CHECK(e);
	free_pages_exact(e, 3 * PAGE_SIZE);
	poke(e + 2 * PAGE_SIZE, 1);
	_exit(3);
}

static void write_after_free_contig(void)
{
	child_init(SMALL ",debug_pagealloc:on");
	struct page *page = alloc_contig_pages(64, GFP_KERNEL, 0, NULL);
	CHILD_CHECK(page);
	char *p = page_address(page);
	memset(p, 3, 64 * PAGE_SIZE); /* mapped when taken */
	free_contig_range(page_to_pfn(page), 64);
	poke(p + 40 * PAGE_SIZE, 1);
	_exit(3);
}

/* The pages of alloc_pages_exact and alloc_contig_pages are watched page by page too. */
static void test_split_and_contig_pages_fault_after_free(void **state)
{
	(void)state;
	assert_child_faulted(write_after_free_exact);
	assert_child_faulted(write_after_free_contig);
}

static void test_hugetlb_is_refused(void **state)
{
	(void)state;
	struct buddy_config cfg = {.arena_size = 16 << 20, .dma_limit = BUDDY_ZONE_EMPTY, .dma32_limit = BUDDY_ZONE_EMPTY,
				   .hugepages = BUDDY_HUGEPAGES_HUGETLB, .debug_pagealloc = 1};

	stderr_capture_begin();
	int rc = buddy_init(&cfg);
	char *text = stderr_capture_end();
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(text, "debug_pagealloc:on needs 4 KiB pages"));
	assert_false(buddy_initialized());
	free(text);
}

static void test_config_keys(void **state)
{
	(void)state;
	struct buddy_settings s;

	buddy_default_settings(&s);
	assert_int_equal(s.debug_pagealloc, 0);
	assert_int_equal(s.page_poison, 0);
	assert_int_equal(s.debug_guardpage_minorder, 0);
	assert_int_equal(buddy_parse_conf_string("debug_pagealloc:on,page_poison:on,debug_guardpage_minorder:5", &s),
			 0);
	assert_int_equal(s.debug_pagealloc, 1);
	assert_int_equal(s.page_poison, 1);
	assert_int_equal(s.debug_guardpage_minorder, 5);
	stderr_capture_begin();
	/* 6.1: valid 0 .. MAX_ORDER / 2 */
	assert_int_not_equal(buddy_parse_conf_string("debug_guardpage_minorder:6", &s), 0);
	assert_int_not_equal(buddy_parse_conf_string("debug_pagealloc:maybe", &s), 0);
	free(stderr_capture_end());
}

/* ------------------------------------------------------------ page poisoning */

/* Free one order-0 page, scribble on it as given, and allocate until the allocator passes it. */
static char *scribble_and_reallocate(unsigned int offset, unsigned char value, char **report)
{
	char *p = (char *)__get_free_pages(GFP_KERNEL, 0);
	assert_non_null(p);
	free_pages((unsigned long)p, 0);
	assert_int_equal(peek(p), 0xaa); /* PAGE_POISON */
	poke(p + offset, value);

	stderr_capture_begin();
	char *q = (char *)__get_free_pages(GFP_KERNEL, 0); /* the same pcp list: p comes first */
	*report = stderr_capture_end();
	assert_non_null(q);
	assert_ptr_not_equal(q, p); /* p is leaked: the allocation got another page */
	struct page *bad = virt_to_page(p);
	assert_int_equal(page_count(bad), 0);
	assert_false(PageBuddy(bad) || PagePcp(bad));
	free_pages((unsigned long)q, 0);
	return p;
}

static void test_scribble_on_free_page_is_reported_and_leaked(void **state)
{
	(void)state;
	test_init(SMALL ",page_poison:on");
	long before = free_after_drain(0, ZONE_NORMAL);
	char *report;
	char *p = scribble_and_reallocate(100, 0x55, &report);

	assert_non_null(strstr(report, "pagealloc: memory corruption\n"));
	assert_null(strstr(report, "single bit error"));
	/* the hex dump of the differing byte, at its address */
	char line[128];
	snprintf(line, sizeof(line), "%016lx: %-49sU\n", (unsigned long)(p + 100), "55");
	assert_non_null(strstr(report, line));
	assert_non_null(strstr(report, "pagealloc: corrupted page details"));
	free(report);
	assert_consistent();
	/* one page fewer: leaked, as a bad new page is */
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 1);
	test_check_and_exit();
}

static void test_single_bit_flip_is_named(void **state)
{
	(void)state;
	test_init(SMALL ",page_poison:on");
	char *report;
	(void)scribble_and_reallocate(7, 0xaa ^ 0x10, &report);
	assert_non_null(strstr(report, "pagealloc: single bit error\n"));
	assert_null(strstr(report, "memory corruption"));
	free(report);
	test_check_and_exit();
}

/* Two bytes far apart: the dump runs from the first to the last byte that differs. */
static void test_dump_spans_first_to_last_difference(void **state)
{
	(void)state;
	test_init(SMALL ",page_poison:on");
	char *p = (char *)__get_free_pages(GFP_KERNEL, 0);
	free_pages((unsigned long)p, 0);
	poke(p + 16, 1);
	poke(p + 47, 2);
	stderr_capture_begin();
	char *q = (char *)__get_free_pages(GFP_KERNEL, 0);
	char *report = stderr_capture_end();
	char line[128];
	snprintf(line, sizeof(line),
		 "%016lx: 01 aa aa aa aa aa aa aa aa aa aa aa aa aa aa aa  ................\n",
		 (unsigned long)(p + 16));
	assert_non_null(strstr(report, line));
	snprintf(line, sizeof(line),
		 "%016lx: aa aa aa aa aa aa aa aa aa aa aa aa aa aa aa 02  ................\n",
		 (unsigned long)(p + 32));
	assert_non_null(strstr(report, line));
	free(report);
	free_pages((unsigned long)q, 0);
	test_check_and_exit();
}

/* Undisturbed pages pass silently; __GFP_ZERO clears the poison. */
static void test_clean_poison_passes_and_gfp_zero_wins(void **state)
{
	(void)state;
	test_init(SMALL ",page_poison:on");
	char *p = (char *)__get_free_pages(GFP_KERNEL, 3);
	memset(p, 0x11, PAGE_SIZE << 3);
	free_pages((unsigned long)p, 3);
	for (size_t i = 0; i < (PAGE_SIZE << 3); i += 1024)
		assert_int_equal(peek(p + i), 0xaa);
	stderr_capture_begin();
	char *q = (char *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 3);
	char *report = stderr_capture_end();
	assert_ptr_equal(p, q);
	assert_string_equal(report, "");
	for (size_t i = 0; i < (PAGE_SIZE << 3); i++)
		if (q[i])
			fail_msg("byte %zu is %#x after __GFP_ZERO", i, (unsigned char)q[i]);
	free(report);
	free_pages((unsigned long)q, 3);
	test_check_and_exit();
}

/* Both modes: pages are poisoned before they are unmapped and checked after they are mapped (6.1). */
static void test_poison_with_debug_pagealloc(void **state)
{
	(void)state;
	test_init(SMALL ",page_poison:on,debug_pagealloc:on");
	stderr_capture_begin();
	for (int i = 0; i < 200; i++) {
		char *p = (char *)__get_free_pages(GFP_KERNEL, (unsigned int)(i % 5));
		assert_non_null(p);
		memset(p, i, PAGE_SIZE);
		free_pages((unsigned long)p, (unsigned int)(i % 5));
	}
	char *p = (char *)__get_free_pages(GFP_KERNEL, 0);
	memset(p, 1, PAGE_SIZE);
	free_pages((unsigned long)p, 0);
	char *q = (char *)__get_free_pages(GFP_KERNEL, 0);
	char *report = stderr_capture_end();
	assert_string_equal(report, "");
	assert_ptr_equal(p, q);
	assert_int_equal((unsigned char)q[PAGE_SIZE - 1], 0xaa); /* poisoned before it was unmapped */
	free_pages((unsigned long)q, 0);
	free(report);
	test_check_and_exit();
}

/* ------------------------------------------------------------ guard pages */

#define GUARD_CONF SMALL ",debug_pagealloc:on,debug_guardpage_minorder:5"

/*
 * minorder 5, an order-4 request from a zone of max-order blocks: expand()
 * leaves the order 9..5 halves free and makes the order-4 half a guard.
 */
static struct page *alloc_with_guard(long *before)
{
	struct zone *zone = normal_zone();

	*before = free_after_drain(0, ZONE_NORMAL);
	assert_int_equal(test_zone_nr_guard_pages(zone), 0);
	struct page *page = alloc_pages(GFP_KERNEL, 4);
	assert_non_null(page);
	assert_int_equal(test_zone_nr_guard_pages(zone), 16);
	struct page *guard = page + 16;
	assert_true(PageGuard(guard));
	assert_false(PageBuddy(guard) || PagePcp(guard));
	assert_int_equal(page_count(guard), 0);
	/* neither the request nor its guard is counted free */
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), *before - 32);
	return page;
}

static void touch_guard(void)
{
	child_init(GUARD_CONF);
	struct page *page = alloc_pages(GFP_KERNEL, 4);
	CHILD_CHECK(page && PageGuard(page + 16));
	memset(page_address(page), 1, PAGE_SIZE << 4);
	(void)peek(page_address(page + 16));
	_exit(3);
}

static void test_guard_page_faults(void **state)
{
	(void)state;
	assert_child_faulted(touch_guard);
}

static void test_guard_pages_counted_and_merged_back(void **state)
{
	(void)state;
	test_init(GUARD_CONF);
	long before;
	struct page *page = alloc_with_guard(&before);
	assert_consistent(); /* buddy_check accounts for the guard */
	char *summary = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&summary, &len);
	buddy_dump(f, "summary");
	fclose(f);
	assert_non_null(strstr(summary, "guard pages: node 0 zone   Normal 16\n"));
	free(summary);

	__free_pages(page, 4); /* its buddy is the guard: merged back up to max order */
	assert_int_equal(test_zone_nr_guard_pages(normal_zone()), 0);
	assert_false(PageGuard(page + 16));
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	assert_int_equal(test_nr_free(normal_zone(), MAX_ORDER - 1) << (MAX_ORDER - 1), (unsigned long)before);
	test_check_and_exit();
}

/* Order 0 through the pcp lists: every page pulled from a fresh block leaves guards of orders 4..0. */
static void test_guard_pages_under_churn(void **state)
{
	(void)state;
	test_init(GUARD_CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page_stack s = {0};
	for (int i = 0; i < 300; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, (unsigned int)(i % 4));
		assert_non_null(p);
		memset(page_address(p), 1, PAGE_SIZE << (i % 4));
		if (i % 3)
			__free_pages(p, (unsigned int)(i % 4));
		else
			page_stack_push(&s, p);
	}
	assert_true(test_zone_nr_guard_pages(normal_zone()) > 0);
	assert_consistent();
	for (size_t i = 0; i < s.nr; i++)
		__free_pages(s.pages[i], s.pages[i]->alloc_order);
	free(s.pages);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	assert_int_equal(test_zone_nr_guard_pages(normal_zone()), 0);
	test_check_and_exit();
}

/* 6.1: without debug_pagealloc the minimum order is accepted and does nothing. */
static void test_guard_pages_need_debug_pagealloc(void **state)
{
	(void)state;
	stderr_capture_begin();
	test_init(SMALL ",debug_guardpage_minorder:5");
	char *text = stderr_capture_end();
	assert_non_null(strstr(text, "debug_guardpage_minorder:5 has no effect without debug_pagealloc:on"));
	free(text);
	struct page *page = alloc_pages(GFP_KERNEL, 4);
	assert_non_null(page);
	assert_int_equal(test_zone_nr_guard_pages(normal_zone()), 0);
	assert_false(PageGuard(page + 16));
	__free_pages(page, 4);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_use_after_free_faults, test_teardown_exit),
		cmocka_unit_test_teardown(test_no_fault_without_debug_pagealloc, test_teardown_exit),
		cmocka_unit_test_teardown(test_reallocated_pages_are_usable, test_teardown_exit),
		cmocka_unit_test_teardown(test_split_and_contig_pages_fault_after_free, test_teardown_exit),
		cmocka_unit_test_teardown(test_hugetlb_is_refused, test_teardown_exit),
		cmocka_unit_test_teardown(test_config_keys, test_teardown_exit),
		cmocka_unit_test_teardown(test_scribble_on_free_page_is_reported_and_leaked, test_teardown_exit),
		cmocka_unit_test_teardown(test_single_bit_flip_is_named, test_teardown_exit),
		cmocka_unit_test_teardown(test_dump_spans_first_to_last_difference, test_teardown_exit),
		cmocka_unit_test_teardown(test_clean_poison_passes_and_gfp_zero_wins, test_teardown_exit),
		cmocka_unit_test_teardown(test_poison_with_debug_pagealloc, test_teardown_exit),
		cmocka_unit_test_teardown(test_guard_page_faults, test_teardown_exit),
		cmocka_unit_test_teardown(test_guard_pages_counted_and_merged_back, test_teardown_exit),
		cmocka_unit_test_teardown(test_guard_pages_under_churn, test_teardown_exit),
		cmocka_unit_test_teardown(test_guard_pages_need_debug_pagealloc, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
