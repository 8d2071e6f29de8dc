/* SPDX-License-Identifier: MIT */
/*
 * BUDDY_DEBUG_VM's assertions must fire. Each test breaks a free list (or a
 * lock rule) on purpose in a child process; the parent asserts the child
 * died of SIGABRT and said "VM_BUG_ON_PAGE" / "kernel BUG at" on stderr. A
 * child that lives on means the assertion did not fire: the test fails.
 * Without BUDDY_DEBUG_VM the suite is skipped (exit 77, ctest's
 * SKIP_RETURN_CODE), saying so. TEST_DEBUG_VM_SHOW=1 prints the reports.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0"

static struct zone *normal(void)
{
	return normal_zone();
}

/*
 * Run breaker in a child and return its stderr. The child has no core dump
 * and exits 0 if breaker returns, which the caller reports as "did not fire".
 */
static char *run_child(void (*breaker)(void), int *status)
{
	int fds[2];
	char *text = NULL;
	size_t len = 0, cap = 0;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		breaker();
		fprintf(stderr, "child: the breakage went unnoticed\n");
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 8192;
			text = realloc(text, cap);
			assert_non_null(text);
		}
		ssize_t n = read(fds[0], text + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	text[len] = '\0';
	assert_int_equal(waitpid(pid, status, 0), pid);
	return text;
}

/* The child must die of SIGABRT with every one of wants in its stderr. */
static void expect_bug(void (*breaker)(void), const char *const *wants)
{
	int status;
	char *text = run_child(breaker, &status);

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("the assertion did not fire: child %s %d, stderr:\n%s",
			 WIFSIGNALED(status) ? "killed by signal" : "exited with",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), text);
	if (getenv("TEST_DEBUG_VM_SHOW")) /* to read the reports */
		printf("%s", text);
	for (; *wants; wants++)
		if (!strstr(text, *wants))
			fail_msg("child's report lacks \"%s\":\n%s", *wants, text);
	free(text);
}

/* A free block's head: the first entry of the first non-empty list. */
static struct page *some_free_block(struct zone *zone, unsigned int *order, int *mt)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (!list_empty(test_free_list(zone, o, t))) {
				*order = o;
				*mt = t;
				return list_first_entry(test_free_list(zone, o, t), struct page, lru);
			}
	fail_msg("no free block in the zone");
	return NULL;
}

/* The parent's allocator, with a few blocks split so that low orders are listed. */
static void setup(void)
{
	test_init(CONF);
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	assert_non_null(page);
	__free_pages(page, 1);
	buddy_drain_all_pages();
	assert_consistent();
}

/* ------------------------------------------------------------ the breakers */

/* Link a block that is already on a free list a second time. */
static void add_twice(void)
{
	struct zone *zone = normal();
	unsigned int order = 0;
	int mt = 0;

	zone_lock(zone);
	struct page *page = some_free_block(zone, &order, &mt);
	__add_to_free_list(page, zone, order, mt, false);
	zone_unlock_nocheck(zone);
}

/* A free block loses its PageBuddy flag; then an allocation takes it off its list. */
static void corrupt_flags_then_allocate(void)
{
	struct zone *zone = normal();
	unsigned int order = 0;
	int mt = 0;

	zone_lock(zone);
	struct page *page = some_free_block(zone, &order, &mt);
	clear_page_flag(page, PG_buddy);
	__rmqueue_smallest(zone, order, mt);
	zone_unlock_nocheck(zone);
}

/* A "__" helper called without zone->lock. */
static void rmqueue_unlocked(void)
{
	__rmqueue_smallest(normal(), 0, MIGRATE_MOVABLE);
}

/* Free a block at a pfn not aligned to its order: the odd half of an order-1 allocation. */
static void free_misaligned(void)
{
	struct zone *zone = normal();
	struct page *pair = alloc_pages(GFP_KERNEL, 1);

	assert_non_null(pair);
	zone_lock(zone);
	__free_one_page(pair + 1, page_to_pfn_fast(pair + 1), zone, 1, MIGRATE_MOVABLE);
	zone_unlock_nocheck(zone);
}

/* The expensive level: nr_free off by one, noticed when the lock is dropped. */
static void corrupt_nr_free_then_unlock(void)
{
	struct zone *zone = normal();

	zone_lock(zone);
	test_adjust_nr_free(zone, 3, -1, 1);
	zone_unlock(zone);
}

/* ------------------------------------------------------------ the tests */

static void test_add_to_free_list_twice(void **state)
{
	(void)state;
	setup();
	expect_bug(add_twice, (const char *const[]){"page dumped because: VM_BUG_ON_PAGE(page_on_list(page))",
						    "kernel BUG at src/free_area.c:", NULL});
	test_check_and_exit(); /* the parent's allocator is untouched */
}

static void test_corrupt_free_page_flags(void **state)
{
	(void)state;
	setup();
	expect_bug(corrupt_flags_then_allocate,
		   (const char *const[]){"page dumped because: VM_BUG_ON_PAGE(!PageBuddy(page)", "flags: 0x",
					 "raw: ", "kernel BUG at src/free_area.c:", NULL});
	test_check_and_exit();
}

static void test_zone_lock_not_held(void **state)
{
	(void)state;
	setup();
	expect_bug(rmqueue_unlocked,
		   (const char *const[]){"VM_BUG_ON(!zone_lock_held(zone))", "kernel BUG at", NULL});
	test_check_and_exit();
}

static void test_free_misaligned(void **state)
{
	(void)state;
	setup();
	expect_bug(free_misaligned, (const char *const[]){"VM_BUG_ON_PAGE(", "(pfn & ((1UL << order) - 1))",
							  "kernel BUG at src/free_area.c:", NULL});
	test_check_and_exit();
}

static void test_expensive_checker_on_unlock(void **state)
{
	(void)state;
	if (!VM_DEBUG_EXPENSIVE)
		skip(); /* main said why */
	setup();
	expect_bug(corrupt_nr_free_then_unlock,
		   (const char *const[]){"buddy_check: node 0 zone Normal: order 3:", "nr_free says",
					 "zone_unlock: the zone checker found problems",
					 "kernel BUG at src/check.c:", NULL});
	test_check_and_exit();
}

#define T(fn) cmocka_unit_test_teardown(fn, test_teardown_exit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_to_free_list_twice),	     T(test_corrupt_free_page_flags),
		T(test_zone_lock_not_held),	     T(test_free_misaligned),
		T(test_expensive_checker_on_unlock),
	};

	if (!BUDDY_DEBUG_VM) {
		printf("test_debug_vm: SKIPPED: built without BUDDY_DEBUG_VM, so the assertions are compiled "
		       "out "
		       "(configure with -DBUDDY_DEBUG_VM=ON or EXPENSIVE to run these)\n");
		return 77;
	}
	if (!VM_DEBUG_EXPENSIVE)
		printf("test_debug_vm: BUDDY_DEBUG_VM=ON: test_expensive_checker_on_unlock needs EXPENSIVE, "
		       "skipped\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
