/* SPDX-License-Identifier: MIT */
/* Shared helpers for the cmocka suites. */
#ifndef BUDDY_TEST_UTIL_H
#define BUDDY_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "buddy_test.h"	/* the accessors over the internals */

/* Initialise with a conf string ("arena_size:64M,dma_limit:4M"); fails the test on error. */
void test_init(const char *conf);
/* Drain the pcp lists, assert buddy_check() == 0, then buddy_exit(). */
void test_check_and_exit(void);
/* cmocka setup/teardown: make sure no allocator is left from a failed test. */
int test_teardown_exit(void **state);

/*
 * A call that could spin forever (a corrupted list, a lost lock) ends the
 * test with "watchdog: <what> did not return within N s" on stdout - stderr
 * may be captured - and exit 1, rather than at ctest's timeout.
 */
void test_watchdog_start(unsigned int seconds, const char *what);
void test_watchdog_stop(void);

/* Assert buddy_check() == 0 without draining. */
void assert_consistent(void);

/* Capture everything written to stderr between begin and end (returns malloc'd text). */
void stderr_capture_begin(void);
char *stderr_capture_end(void);

/*
 * Run fn in a forked child, its stderr piped back: returns that text
 * (malloc'd) and the child's wait status in *status (a fault: WIFSIGNALED).
 * fn returning exits the child with 0.
 */
char *test_run_child(void (*fn)(void), int *status);

/* Free pages of a zone on node 0, from the buddy lists' point of view. */
long zone_free(enum zone_type zone);
/* The same for any node, after every pcp list has been drained. */
long free_after_drain(int nid, enum zone_type z);


/* A growable stack of order-0 pages, for "allocate until it fails" tests. */
struct page_stack {
	struct page **pages;
	size_t nr, cap;
};
void page_stack_push(struct page_stack *s, struct page *p);
void page_stack_free_all(struct page_stack *s);	/* frees every page (order 0) and the stack */
/*
 * Take every order-0 page gfp can get onto s, draining the pcp lists between
 * rounds (a failing mask without direct reclaim does not drain them itself)
 * until a drained allocator says no too; the count taken.
 */
size_t take_all_pages(gfp_t gfp, struct page_stack *s);

/* The calling thread on one CPU (sched_setaffinity; 0 or -1), and on all again. */
/*
 * Decay every CPU's pcp high back to high_min (vm.stat_refresh, repeated):
 * for tests that count drains from high_min after allocations grew high.
 */
void pcp_decay_to_high_min(void);

int pin_to_cpu(int cpu);
/* The calling thread on a CPU of node nid (fake nodes: CPU c is node c % nodes): the CPU, or -1. */
int pin_to_node(int nid);
void unpin(void);
/* A thread body: on CPU 1, free n order-0 pages, so they park on CPU 1's lists. */
struct stash {
	struct page **pages;
	int n;
};
void *free_on_cpu1(void *stash);

#endif
