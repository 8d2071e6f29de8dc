/* SPDX-License-Identifier: MIT */
/*
 * Per-thread cpusets (src/cpuset.c, Linux 6.1 __cpuset_node_allowed and
 * the page allocator's use of it), on two fake nodes: set/get and -EINVAL,
 * a hardwall request confined to mems_allowed, a softwall one confined on
 * its first attempt and then free to use any node (docs/zone-policy.md:
 * the top cpuset is the nearest hardwall ancestor), atomic requests
 * ignoring the cpuset, the slow path restarting when mems_allowed changes
 * under it (retry_cpuset, injected from a shrinker), the bulk path, and the
 * fast-path blocker following the restricted threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <buddy/shrinker.h>

#include "test_util.h"

#include "fast_path.h"
#include "internal.h"

/* The zone part of every configuration (the zone keys are being renamed: edit only here). */
#define ZONES_NORMAL_ONLY "dma_limit:0,dma32_limit:0"
#define CONF_TWO_NODES	  "arena_size:64M,numa_fake:2," ZONES_NORMAL_ONLY

static buddy_nodemask_t only(int nid)
{
	buddy_nodemask_t m;

	nodes_clear(&m);
	node_set(nid, &m);
	return m;
}

static void unrestrict(void)
{
	assert_int_equal(buddy_set_mems_allowed(NULL), 0);
}

/* Take node nid's pages with gfp (which must land there) until it says no. */
static void fill_with(gfp_t gfp, struct page_stack *s, int nid)
{
	take_all_pages(gfp, s);
	for (size_t i = 0; i < s->nr; i++)
		assert_int_equal(page_to_nid(s->pages[i]), nid);
}

static void test_set_get(void **state)
{
	(void)state;
	buddy_nodemask_t m = only(1), got, none, far = only(2), both = only(0);

	test_init(CONF_TWO_NODES);
	nodes_clear(&none);
	node_set(1, &both);
	assert_int_equal(buddy_get_mems_allowed(&got), 0);
	assert_true(node_isset(0, &got) && node_isset(1, &got));
	assert_int_equal(buddy_set_mems_allowed(&none), -EINVAL);
	assert_int_equal(buddy_set_mems_allowed(&far), -EINVAL);
	assert_int_equal(buddy_get_mems_allowed(NULL), -EINVAL);
	assert_false(fast_path_blocked_by(FAST_PATH_CPUSET));

	assert_int_equal(buddy_set_mems_allowed(&m), 0);
	assert_true(fast_path_blocked_by(FAST_PATH_CPUSET));
	assert_int_equal(buddy_get_mems_allowed(&got), 0);
	assert_true(!node_isset(0, &got) && node_isset(1, &got));
	/* every node is no restriction */
	assert_int_equal(buddy_set_mems_allowed(&both), 0);
	assert_false(fast_path_blocked_by(FAST_PATH_CPUSET));
	assert_int_equal(buddy_set_mems_allowed(&m), 0);
	unrestrict();
	assert_false(fast_path_blocked_by(FAST_PATH_CPUSET));
	test_check_and_exit();
}

static void test_hardwall_confines(void **state)
{
	(void)state;
	buddy_nodemask_t m = only(1);
	struct page_stack s = { 0 };

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	assert_int_equal(buddy_set_mems_allowed(&m), 0);
	fill_with(GFP_NOWAIT | __GFP_HARDWALL, &s, 1);
	assert_true(s.nr > 1000);
	assert_true(free_after_drain(0, ZONE_NORMAL) > 1000);
	/* GFP_USER may reclaim, but the cpuset holds: it fails rather than leave node 1 */
	assert_null(alloc_page(GFP_USER | __GFP_NORETRY | __GFP_NOWARN));
	/* alloc_pages_node(0, ...) too: the cpuset binds every allocation, not just alloc_pages */
	assert_null(alloc_pages_node(0, GFP_NOWAIT | __GFP_HARDWALL | __GFP_NOWARN, 0));
	unrestrict();
	page_stack_free_all(&s);
	unpin();
	test_check_and_exit();
}

static void test_softwall_and_atomic(void **state)
{
	(void)state;
	buddy_nodemask_t m = only(1);
	struct page_stack s = { 0 };
	struct page *p;

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	assert_int_equal(buddy_set_mems_allowed(&m), 0);
	/* a softwall request's first attempt is hardwalled (6.1 prepare_alloc_pages) */
	p = alloc_page(GFP_NOWAIT);
	assert_int_equal(page_to_nid(p), 1);
	__free_page(p);
	fill_with(GFP_NOWAIT | __GFP_HARDWALL, &s, 1);
	/* then the slow path lets softwall use any node */
	p = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	/* atomic requests carry no ALLOC_CPUSET: even hardwalled they leave node 1 */
	p = alloc_page(GFP_ATOMIC | __GFP_HARDWALL | __GFP_NOWARN);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	unrestrict();
	page_stack_free_all(&s);
	unpin();
	test_check_and_exit();
}

static void test_bulk_respects_cpuset(void **state)
{
	(void)state;
	buddy_nodemask_t m = only(1);
	struct page *pages[32] = { 0 };
	unsigned long n;

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	assert_int_equal(buddy_set_mems_allowed(&m), 0);
	n = alloc_pages_bulk_array(GFP_KERNEL, 32, pages);
	assert_int_equal(n, 32);
	for (int i = 0; i < 32; i++)
		assert_int_equal(page_to_nid(pages[i]), 1);
	release_pages(pages, 32);
	unrestrict();
	unpin();
	test_check_and_exit();
}

/*
 * The injection: the first time direct reclaim asks (in the allocating
 * thread - kswapd asks too, in its own), that thread's mems_allowed moves
 * to node 0.
 */
static int moves;
static pthread_t allocating;
static unsigned long move_mems_count(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	(void)sc;
	if (pthread_equal(pthread_self(), allocating) && moves++ == 0) {
		buddy_nodemask_t m = only(0);
		assert_int_equal(buddy_set_mems_allowed(&m), 0);
	}
	return 0;
}

static unsigned long scan_nothing(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	(void)sc;
	return SHRINK_STOP;
}

/*
 * BIND to node 1 and mems_allowed node 1, node 1 full; reclaim moves the
 * cpuset to node 0, so the policy's nodemask no longer meets it. Without
 * retry_cpuset this __GFP_NORETRY request would fail; 6.1's
 * check_retry_cpuset drops the nodemask and restarts, and node 0 serves.
 */
static void test_retry_cpuset_after_change(void **state)
{
	(void)state;
	buddy_nodemask_t m = only(1);
	struct shrinker sh = { .count_objects = move_mems_count, .scan_objects = scan_nothing, .seeks = DEFAULT_SEEKS };
	struct page_stack s = { 0 };
	struct page *p;

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	assert_int_equal(buddy_set_mems_allowed(&m), 0);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, MAX_NUMNODES + 1), 0);
	fill_with(GFP_NOWAIT | __GFP_HARDWALL, &s, 1);
	moves = 0;
	allocating = pthread_self();
	assert_int_equal(register_shrinker(&sh), 0);
	p = alloc_page(GFP_USER | __GFP_NORETRY | __GFP_NOWARN);
	unregister_shrinker(&sh);
	assert_true(moves > 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	assert_int_equal(buddy_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0);
	unrestrict();
	page_stack_free_all(&s);
	unpin();
	test_check_and_exit();
}

/* Threads restricting, allocating and exiting at once: the blocker ends up off. */
static void *churn(void *arg)
{
	int nid = (int)(long)arg;

	for (int i = 0; i < 200; i++) {
		buddy_nodemask_t m = only(nid);
		assert_int_equal(buddy_set_mems_allowed(&m), 0);
		struct page *p = alloc_page(GFP_KERNEL);
		assert_non_null(p);
		assert_int_equal(page_to_nid(p), nid);
		__free_page(p);
		if (i % 2)
			assert_int_equal(buddy_set_mems_allowed(NULL), 0);
	}
	return NULL; /* restricted at exit: the key's destructor lifts it */
}

static void test_threads_churn(void **state)
{
	(void)state;
	pthread_t t[4];

	test_init(CONF_TWO_NODES);
	for (long i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)(i % 2)), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_false(fast_path_blocked_by(FAST_PATH_CPUSET));
	test_check_and_exit();
}

/* A failed test leaves no restriction behind to fail the next ones. */
static int teardown(void **state)
{
	(void)buddy_set_mempolicy(MPOL_DEFAULT, NULL, 0);
	(void)buddy_set_mems_allowed(NULL);
	unpin();
	return test_teardown_exit(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_set_get, teardown),
		cmocka_unit_test_teardown(test_hardwall_confines, teardown),
		cmocka_unit_test_teardown(test_softwall_and_atomic, teardown),
		cmocka_unit_test_teardown(test_bulk_respects_cpuset, teardown),
		cmocka_unit_test_teardown(test_retry_cpuset_after_change, teardown),
		cmocka_unit_test_teardown(test_threads_churn, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
