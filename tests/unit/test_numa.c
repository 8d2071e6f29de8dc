/* SPDX-License-Identifier: MIT */
/*
 * NUMA: the real libnuma path (every node's arena slice and mem_map slice
 * bound with mbind, checked with get_mempolicy and move_pages), the local
 * node of the calling CPU, the fake-NUMA CPU -> node mapping, and the
 * NUMA_HIT/MISS/FOREIGN/LOCAL/OTHER events (4.12 zone_statistics: HIT when
 * the page is on the preferred zone's node, else MISS on it and FOREIGN on
 * the preferred one; LOCAL when it is on the calling CPU's node).
 */
#define _GNU_SOURCE
/* numa.h first: gfp.h then leaves nodemask_t to libnuma; ours is buddy_nodemask_t. */
#include <numa.h>
#include <numaif.h>

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "internal.h"

/* ------------------------------------------------------------ real libnuma */

/* The node holding a touched page, asked two ways: get_mempolicy and move_pages. */
static int node_of_address(void *addr)
{
	int node = -1, status = -1;

	assert_int_equal(get_mempolicy(&node, NULL, 0, addr, MPOL_F_NODE | MPOL_F_ADDR), 0);
	assert_int_equal(move_pages(0, 1, &addr, NULL, &status, 0), 0);
	assert_int_equal(status, node);
	return node;
}

/* The policy mbind put on the range holding addr: MPOL_BIND to nid alone. */
static void assert_bound_to(void *addr, int nid)
{
	unsigned long mask[MAX_NUMNODES / 64 + 1];
	int mode = -1;

	memset(mask, 0, sizeof(mask));
	assert_int_equal(get_mempolicy(&mode, mask, MAX_NUMNODES + 1, addr, MPOL_F_ADDR), 0);
	assert_int_equal(mode, MPOL_BIND);
	for (int n = 0; n < MAX_NUMNODES; n++)
		assert_int_equal((mask[n / 64] >> (n % 64)) & 1, n == nid);
}

static void test_real_numa_pages_on_their_node(void **state)
{
	(void)state;
	const gfp_t zones[] = { GFP_DMA, GFP_DMA32, GFP_KERNEL };

	if (numa_available() < 0)
		skip();
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	assert_true(test_real_numa());
	assert_int_equal(buddy_nr_nodes(), numa_max_node() + 1 > MAX_NUMNODES ? MAX_NUMNODES : numa_max_node() + 1);
	for (int nid = 0; nid < buddy_nr_nodes(); nid++) {
		if (!numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)nid))
			continue;
		for (size_t z = 0; z < ARRAY_SIZE(zones); z++) {
			struct page *p = alloc_pages_node(nid, zones[z] | __GFP_THISNODE, 0);
			assert_non_null(p);
			char *addr = page_address(p);
			memset(addr, 0x5a, PAGE_SIZE);		/* fault it in */
			assert_int_equal(page_to_nid(p), nid);
			assert_int_equal(node_of_address(addr), nid);
			assert_bound_to(addr, nid);
			/* The descriptor lives on the same node (mem_map slices are bound too). */
			assert_int_equal(node_of_address(p), nid);
			assert_bound_to(p, nid);
			__free_pages(p, 0);
		}
	}
	test_check_and_exit();
}

/* Fake nodes are not bound: their pages follow the default policy. */
static void test_fake_numa_not_bound(void **state)
{
	(void)state;
	int mode = -1;

	test_init("arena_size:64M,numa_fake:2,dma_limit:0,dma32_limit:0");
	assert_false(test_real_numa());
	struct page *p = alloc_pages_node(1, GFP_KERNEL | __GFP_ZERO, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 1);
	if (numa_available() >= 0) {
		assert_int_equal(get_mempolicy(&mode, NULL, 0, page_address(p), MPOL_F_ADDR), 0);
		assert_int_equal(mode, MPOL_DEFAULT);
	}
	__free_pages(p, 0);
	test_check_and_exit();
}

/* ------------------------------------------------------------ local node */

static cpu_set_t saved_affinity;

static int allowed_cpus(int *cpus, int max)
{
	int n = 0;

	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &saved_affinity) && c < test_nr_cpus())
			cpus[n++] = c;
	return n;
}

/* Run on one CPU only; sched_setaffinity moves us there before it returns. */
static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
	assert_int_equal(sched_getcpu(), cpu);
}

static int save_affinity(void **state)
{
	(void)state;
	return sched_getaffinity(0, sizeof(saved_affinity), &saved_affinity);
}

static int restore_affinity(void **state)
{
	(void)state;
	return sched_setaffinity(0, sizeof(saved_affinity), &saved_affinity);
}

/* Fake NUMA spreads CPUs round-robin: CPU c is on node c % N, every node in range. */
static void test_fake_cpu_to_node(void **state)
{
	(void)state;
	int cpus[64];

	test_init("arena_size:96M,numa_fake:3,dma_limit:0,dma32_limit:0");
	for (int c = 0; c < test_nr_cpus(); c++)
		assert_int_equal(test_cpu_node(c), c % 3);
	int n = allowed_cpus(cpus, 64);
	for (int i = 0; i < n; i++) {
		pin_to(cpus[i]);
		assert_int_equal(numa_node_id(), cpus[i] % 3);
	}
	restore_affinity(NULL);
	test_check_and_exit();
}

/* alloc_pages and alloc_pages_node(NUMA_NO_NODE) prefer the calling CPU's node. */
static void test_local_node_preferred(void **state)
{
	(void)state;
	int cpus[64];

	test_init("arena_size:96M,numa_fake:3,dma_limit:0,dma32_limit:0");
	int n = allowed_cpus(cpus, 64);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		pin_to(cpus[i]);
		int local = cpus[i] % 3;
		struct page *a = alloc_pages(GFP_KERNEL, 0);
		struct page *b = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 2);
		struct page *c = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL | __GFP_THISNODE, 0);
		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(c);
		assert_int_equal(page_to_nid(a), local);
		assert_int_equal(page_to_nid(b), local);
		assert_int_equal(page_to_nid(c), local);
		__free_pages(a, 0);
		__free_pages(b, 2);
		__free_pages(c, 0);
	}
	restore_affinity(NULL);
	test_check_and_exit();
}

/* ------------------------------------------------------------ NUMA events */

struct numa_events {
	unsigned long hit, miss, foreign, local, other;
};

static struct numa_events read_events(void)
{
	struct numa_events e = {
		global_numa_event_state(NUMA_HIT), global_numa_event_state(NUMA_MISS), global_numa_event_state(NUMA_FOREIGN),
		global_numa_event_state(NUMA_LOCAL), global_numa_event_state(NUMA_OTHER),
	};
	return e;
}

static void assert_delta(const struct numa_events *before, unsigned long hit, unsigned long miss,
			 unsigned long foreign, unsigned long local, unsigned long other)
{
	struct numa_events now = read_events();

	assert_int_equal(now.hit - before->hit, hit);
	assert_int_equal(now.miss - before->miss, miss);
	assert_int_equal(now.foreign - before->foreign, foreign);
	assert_int_equal(now.local - before->local, local);
	assert_int_equal(now.other - before->other, other);
}

/*
 * Three fake nodes with the asymmetric matrix of test_zonelist (node 1
 * falls back to 2, node 2 to 1). Pinned to one CPU, so "local" is fixed.
 */
static void test_numa_events(void **state)
{
	(void)state;
	int cpus[64];
	struct numa_events e;
	struct page *p;
	buddy_nodemask_t mask;

	test_init("arena_size:96M,numa_fake:3,dma_limit:4M,dma32_limit:12M,numa_distance:10 30 20;20 10 20;40 15 10");
	assert_true(allowed_cpus(cpus, 64) > 0);
	pin_to(cpus[0]);
	int local = numa_node_id(), remote = (local + 1) % 3;

	/* On the preferred node, which is local: HIT + LOCAL. */
	e = read_events();
	p = alloc_pages_node(local, GFP_KERNEL, 0);
	assert_int_equal(page_to_nid(p), local);
	assert_delta(&e, 1, 0, 0, 1, 0);
	__free_pages(p, 0);

	/* alloc_pages: the local node is the preferred one. One event per allocation, whatever the order. */
	e = read_events();
	p = alloc_pages(GFP_KERNEL, 3);
	assert_int_equal(page_to_nid(p), local);
	assert_delta(&e, 1, 0, 0, 1, 0);
	__free_pages(p, 3);

	/* On the preferred node, which is remote: HIT + OTHER. */
	e = read_events();
	p = alloc_pages_node(remote, GFP_KERNEL, 0);
	assert_int_equal(page_to_nid(p), remote);
	assert_delta(&e, 1, 0, 0, 0, 1);
	__free_pages(p, 0);

	/* A nodemask without the local node: the preferred zone is the first allowed one, so still a HIT. */
	nodes_clear(&mask);
	node_set(remote, &mask);
	e = read_events();
	p = __alloc_pages_nodemask(GFP_KERNEL, 0, local, &mask);
	assert_int_equal(page_to_nid(p), remote);
	assert_delta(&e, 1, 0, 0, 0, 1);
	__free_pages(p, 0);

	/* The remote node full: its request falls back to its nearest node - a MISS (and FOREIGN). */
	struct page **held = calloc(8192, sizeof(*held));
	size_t nr = 0;
	assert_non_null(held);
	while (nr < 8192 && (held[nr] = alloc_pages_node(remote, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0)))
		nr++;
	const struct zonelist *zl = test_zonelist(remote, ZONELIST_FALLBACK);
	int first_other = 0;
	while (test_zone_nid(test_zonelist_zone(zl, first_other)) == remote) /* after remote's own zones */
		first_other++;
	int next = test_zone_nid(test_zonelist_zone(zl, first_other));
	assert_int_not_equal(next, remote);
	e = read_events();
	p = alloc_pages_node(remote, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), next);
	assert_delta(&e, 0, 1, 1, next == local, next != local);
	__free_pages(p, 0);
	for (size_t i = 0; i < nr; i++)
		__free_pages(held[i], 0);
	free(held);
	restore_affinity(NULL);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_numa_pages_on_their_node),
		cmocka_unit_test(test_fake_numa_not_bound),
		cmocka_unit_test(test_fake_cpu_to_node),
		cmocka_unit_test(test_local_node_preferred),
		cmocka_unit_test(test_numa_events),
	};
	return cmocka_run_group_tests(tests, save_affinity, restore_affinity);
}
