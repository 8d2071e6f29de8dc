/* SPDX-License-Identifier: MIT */
/*
 * Task memory policies (src/mempolicy.c, Linux 6.1 mm/mempolicy.c):
 * set/get and their -EINVAL cases, and where alloc_pages() puts pages
 * under each mode on two fake nodes - interleave round robin with
 * NUMA_INTERLEAVE_HIT, BIND confined (and failing when its nodes are full,
 * never falling back), PREFERRED and PREFERRED_MANY falling back with
 * NUMA_MISS/NUMA_FOREIGN, LOCAL and DEFAULT on the CPU's node - that
 * alloc_pages_node ignores the policy, and that the fast-path blocker
 * follows the threads that hold a policy, exits included.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "fast_path.h"
#include "internal.h"

/* The zone part of every configuration (the zone keys are being renamed: edit only here). */
#define ZONES_NORMAL_ONLY "dma_limit:0,dma32_limit:0"
#define CONF_TWO_NODES	  "arena_size:64M,numa_fake:2," ZONES_NORMAL_ONLY

static buddy_nodemask_t mask_of(int a, int b)
{
	buddy_nodemask_t m;

	nodes_clear(&m);
	if (a >= 0)
		node_set(a, &m);
	if (b >= 0)
		node_set(b, &m);
	return m;
}

static void set_default(void)
{
	assert_int_equal(buddy_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0);
}

static void test_set_get_roundtrip(void **state)
{
	(void)state;
	buddy_nodemask_t m = mask_of(0, 1), got;
	int mode = -1;

	test_init(CONF_TWO_NODES);
	assert_int_equal(buddy_get_mempolicy(&mode, &got, MAX_NUMNODES), 0);
	assert_int_equal(mode, MPOL_DEFAULT);
	assert_false(node_isset(0, &got) || node_isset(1, &got));

	assert_int_equal(buddy_set_mempolicy(MPOL_INTERLEAVE, &m, MAX_NUMNODES + 1), 0);
	assert_int_equal(buddy_get_mempolicy(&mode, &got, MAX_NUMNODES), 0);
	assert_int_equal(mode, MPOL_INTERLEAVE);
	assert_true(node_isset(0, &got) && node_isset(1, &got));
	assert_true(fast_path_blocked_by(FAST_PATH_MEMPOLICY));

	/* PREFERRED keeps the first node only (6.1 mpol_new_preferred) */
	assert_int_equal(buddy_set_mempolicy(MPOL_PREFERRED, &m, MAX_NUMNODES + 1), 0);
	assert_int_equal(buddy_get_mempolicy(&mode, &got, MAX_NUMNODES), 0);
	assert_int_equal(mode, MPOL_PREFERRED);
	assert_true(node_isset(0, &got) && !node_isset(1, &got));

	/* PREFERRED with no nodes is LOCAL */
	assert_int_equal(buddy_set_mempolicy(MPOL_PREFERRED, NULL, 0), 0);
	assert_int_equal(buddy_get_mempolicy(&mode, NULL, 0), 0);
	assert_int_equal(mode, MPOL_LOCAL);

	/* maxnode counts one more than the bits read: maxnode 2 reads node 0 only */
	m = mask_of(1, -1);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, 2), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, 3), 0);
	assert_int_equal(buddy_get_mempolicy(&mode, &got, 2), 0);
	assert_int_equal(mode, MPOL_BIND);
	assert_true(node_isset(1, &got) && !node_isset(0, &got));

	set_default();
	assert_int_equal(buddy_get_mempolicy(&mode, NULL, 0), 0);
	assert_int_equal(mode, MPOL_DEFAULT);
	assert_false(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	test_check_and_exit();
}

static void test_bad_arguments(void **state)
{
	(void)state;
	buddy_nodemask_t m = mask_of(0, -1), none = mask_of(-1, -1), far = mask_of(5, -1), got;
	int mode;

	test_init(CONF_TWO_NODES);
	assert_int_equal(buddy_set_mempolicy(-1, &m, MAX_NUMNODES + 1), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_PREFERRED_MANY + 1, &m, MAX_NUMNODES + 1), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND | (1 << 15), &m, MAX_NUMNODES + 1), -EINVAL); /* flags */
	assert_int_equal(buddy_set_mempolicy(MPOL_DEFAULT, &m, MAX_NUMNODES + 1), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_LOCAL, &m, MAX_NUMNODES + 1), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &none, MAX_NUMNODES + 1), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_INTERLEAVE, NULL, 0), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_PREFERRED_MANY, &none, MAX_NUMNODES + 1), -EINVAL);
	/* only a node that does not exist: nothing left after the N_MEMORY intersection */
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &far, MAX_NUMNODES + 1), -EINVAL);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, PAGE_SIZE * 8 + 2), -EINVAL);
	/* get: a mask too small for the nodes */
	assert_int_equal(buddy_get_mempolicy(&mode, &got, 1), -EINVAL);
	/* nothing was set by the failures */
	assert_int_equal(buddy_get_mempolicy(&mode, NULL, 0), 0);
	assert_int_equal(mode, MPOL_DEFAULT);
	assert_false(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	test_check_and_exit();
}

static void test_interleave_round_robin(void **state)
{
	(void)state;
	buddy_nodemask_t m = mask_of(0, 1);
	struct page *p[8];
	unsigned long hits;

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	hits = global_numa_event_state(NUMA_INTERLEAVE_HIT);
	assert_int_equal(buddy_set_mempolicy(MPOL_INTERLEAVE, &m, MAX_NUMNODES + 1), 0);
	for (int i = 0; i < 8; i++) {
		p[i] = alloc_page(GFP_KERNEL);
		assert_non_null(p[i]);
		assert_int_equal(page_to_nid(p[i]), i % 2); /* il_prev starts before the first node */
	}
	assert_int_equal(global_numa_event_state(NUMA_INTERLEAVE_HIT) - hits, 8);
	/* __get_free_pages follows the policy too */
	unsigned long a = __get_free_pages(GFP_KERNEL, 1), b = __get_free_pages(GFP_KERNEL, 1);
	assert_int_not_equal(page_to_nid(virt_to_page((void *)a)), page_to_nid(virt_to_page((void *)b)));
	free_pages(a, 1);
	free_pages(b, 1);
	set_default();
	for (int i = 0; i < 8; i++)
		__free_page(p[i]);
	unpin();
	test_check_and_exit();
}

static void test_bind_confines_and_fails(void **state)
{
	(void)state;
	buddy_nodemask_t m = mask_of(1, -1);
	struct page_stack s = { 0 };
	unsigned long miss;

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	miss = global_numa_event_state(NUMA_MISS);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, MAX_NUMNODES + 1), 0);
	assert_true(take_all_pages(GFP_NOWAIT, &s) > 0);
	for (size_t i = 0; i < s.nr; i++)
		assert_int_equal(page_to_nid(s.pages[i]), 1);
	/* node 0 had plenty all along: BIND never falls back */
	assert_true(free_after_drain(0, ZONE_NORMAL) > 1000);
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0));
	/* the preferred zone is node 1's (the first in the mask): hits, not misses */
	assert_int_equal(global_numa_event_state(NUMA_MISS) - miss, 0);
	/* alloc_pages_node does not follow the task policy */
	struct page *p = alloc_pages_node(0, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	set_default();
	page_stack_free_all(&s);
	unpin();
	test_check_and_exit();
}

/* Fill node 1 with pages taken through __GFP_THISNODE (which ignores the policy). */
static void fill_node(int nid, struct page_stack *s)
{
	struct page *p;

	do {
		while ((p = alloc_pages_node(nid, GFP_NOWAIT | __GFP_THISNODE | __GFP_NOWARN, 0)) != NULL)
			page_stack_push(s, p);
		buddy_drain_all_pages();
		p = alloc_pages_node(nid, GFP_NOWAIT | __GFP_THISNODE | __GFP_NOWARN, 0);
		if (p)
			page_stack_push(s, p);
	} while (p);
}

static void assert_preferred_falls_back(int mode)
{
	buddy_nodemask_t m = mask_of(1, -1);
	struct page_stack s = { 0 };
	struct page *p;
	unsigned long miss, foreign;

	test_init(CONF_TWO_NODES);
	pin_to_node(0);
	assert_int_equal(buddy_set_mempolicy(mode, &m, MAX_NUMNODES + 1), 0);
	p = alloc_page(GFP_KERNEL);
	assert_int_equal(page_to_nid(p), 1);
	__free_page(p);
	fill_node(1, &s);
	miss = global_numa_event_state(NUMA_MISS);
	foreign = global_numa_event_state(NUMA_FOREIGN);
	p = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	/*
	 * PREFERRED: preferred node 1, served by node 0 - a miss on 0, foreign
	 * on 1. PREFERRED_MANY's second attempt prefers the local node (6.1
	 * policy_node returns it): a hit.
	 */
	assert_int_equal(global_numa_event_state(NUMA_MISS) - miss, mode == MPOL_PREFERRED);
	assert_int_equal(global_numa_event_state(NUMA_FOREIGN) - foreign, mode == MPOL_PREFERRED);
	__free_page(p);
	set_default();
	page_stack_free_all(&s);
	unpin();
	test_check_and_exit();
}

static void test_preferred_falls_back(void **state)
{
	(void)state;
	assert_preferred_falls_back(MPOL_PREFERRED);
}

static void test_preferred_many_falls_back(void **state)
{
	(void)state;
	assert_preferred_falls_back(MPOL_PREFERRED_MANY);
}

static void test_local_and_default(void **state)
{
	(void)state;
	test_init(CONF_TWO_NODES);
	for (int nid = 0; nid < 2; nid++) {
		if (pin_to_node(nid) < 0)
			continue;
		assert_int_equal(buddy_set_mempolicy(MPOL_LOCAL, NULL, 0), 0);
		struct page *a = alloc_page(GFP_KERNEL);
		set_default();
		struct page *b = alloc_page(GFP_KERNEL);
		assert_int_equal(page_to_nid(a), nid);
		assert_int_equal(page_to_nid(b), nid);
		__free_page(a);
		__free_page(b);
	}
	unpin();
	test_check_and_exit();
}

static void *set_policy_and_exit(void *arg)
{
	buddy_nodemask_t m = mask_of(0, 1);

	(void)arg;
	assert_int_equal(buddy_set_mempolicy(MPOL_INTERLEAVE, &m, MAX_NUMNODES + 1), 0);
	struct page *p = alloc_page(GFP_KERNEL);
	__free_page(p);
	return NULL;
}

/* A thread that exits with a policy no longer blocks the fast path (the key's destructor). */
static void test_exit_drops_blocker(void **state)
{
	(void)state;
	pthread_t t;

	test_init(CONF_TWO_NODES);
	assert_false(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_create(&t, NULL, set_policy_and_exit, NULL), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
	}
	assert_false(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	test_check_and_exit();
}

static pthread_barrier_t bound, done;

/* Bound to node 1 while the main thread, on node 0 with no policy, allocates. */
static void *hold_bind_policy(void *arg)
{
	buddy_nodemask_t m = mask_of(1, -1);
	struct page *p;

	(void)arg;
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, MAX_NUMNODES + 1), 0);
	pthread_barrier_wait(&bound);
	for (int i = 0; i < 100; i++) {
		p = alloc_page(GFP_KERNEL);
		assert_int_equal(page_to_nid(p), 1);
		__free_page(p);
	}
	pthread_barrier_wait(&done);
	return NULL;
}

/* A policy is the thread's own: another thread's allocations stay local (on the full path). */
static void test_policy_is_per_thread(void **state)
{
	(void)state;
	pthread_t t;

	test_init(CONF_TWO_NODES);
	pthread_barrier_init(&bound, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, hold_bind_policy, NULL), 0);
	pthread_barrier_wait(&bound);
	assert_true(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	for (int i = 0; i < 100; i++) {
		int cpu = pin_to_node(0);
		struct page *p = alloc_page(GFP_KERNEL);
		assert_true(cpu >= 0);
		assert_int_equal(page_to_nid(p), 0);
		__free_page(p);
	}
	pthread_barrier_wait(&done);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_false(fast_path_blocked_by(FAST_PATH_MEMPOLICY));
	pthread_barrier_destroy(&bound);
	pthread_barrier_destroy(&done);
	unpin();
	test_check_and_exit();
}

/* The report a refused node id prints, with __GFP_NOWARN off. */
static void assert_refused(int nid, const char *why)
{
	char *out;

	stderr_capture_begin();
	assert_null(alloc_pages_node(nid, GFP_KERNEL, 0));
	assert_null(__alloc_pages_nodemask(GFP_KERNEL, 0, nid, NULL));
	out = stderr_capture_end();
	assert_non_null(strstr(out, why));
	free(out);
	stderr_capture_begin();
	assert_null(alloc_pages_node(nid, GFP_KERNEL | __GFP_NOWARN, 0));
	out = stderr_capture_end();
	assert_string_equal(out, "");
	free(out);
}

/*
 * docs/zone-policy.md "Node ids": NUMA_NO_NODE is the local node; a node
 * id out of range (6.1 VM_BUG_ON) or naming no node is refused with a
 * report, never served from some other node; the task policy is not used.
 */
static void test_nid_rules(void **state)
{
	(void)state;
	buddy_nodemask_t m = mask_of(1, -1);
	struct page *p;

	test_init(CONF_TWO_NODES);
	warn_alloc_set_ratelimit(0, 0, NULL);
	for (int nid = 0; nid < 2; nid++) {
		if (pin_to_node(nid) < 0)
			continue;
		p = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 0);
		assert_int_equal(page_to_nid(p), nid);
		__free_page(p);
		p = alloc_pages_node(1 - nid, GFP_KERNEL | __GFP_THISNODE, 0);
		assert_int_equal(page_to_nid(p), 1 - nid);
		__free_page(p);
	}
	pin_to_node(0);
	assert_int_equal(buddy_set_mempolicy(MPOL_BIND, &m, MAX_NUMNODES + 1), 0);
	p = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 0); /* local, not the policy's */
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);
	set_default();
	assert_refused(-2, "node -2 out of range (0..63, or NUMA_NO_NODE)");
	assert_refused(MAX_NUMNODES, "node 64 out of range (0..63, or NUMA_NO_NODE)");
	assert_refused(2, "node 2 does not exist (nodes 0..1)");
	assert_refused(MAX_NUMNODES - 1, "node 63 does not exist (nodes 0..1)");
	unpin();
	test_check_and_exit();
}

/* A failed test leaves no policy behind to fail the next ones. */
static int teardown(void **state)
{
	(void)buddy_set_mempolicy(MPOL_DEFAULT, NULL, 0);
	unpin();
	return test_teardown_exit(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_set_get_roundtrip, teardown),
		cmocka_unit_test_teardown(test_bad_arguments, teardown),
		cmocka_unit_test_teardown(test_interleave_round_robin, teardown),
		cmocka_unit_test_teardown(test_bind_confines_and_fails, teardown),
		cmocka_unit_test_teardown(test_preferred_falls_back, teardown),
		cmocka_unit_test_teardown(test_preferred_many_falls_back, teardown),
		cmocka_unit_test_teardown(test_local_and_default, teardown),
		cmocka_unit_test_teardown(test_exit_drops_blocker, teardown),
		cmocka_unit_test_teardown(test_nid_rules, teardown),
		cmocka_unit_test_teardown(test_policy_is_per_thread, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
