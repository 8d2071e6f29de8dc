/* SPDX-License-Identifier: MIT */
/*
 * Zonelists and node fallback on fake NUMA: the order the kernel builds
 * (own zones highest first, then other nodes nearest first, ties "next node
 * first"), __GFP_THISNODE, nodemasks, page_to_nid.
 *
 * The asymmetric 3-node layout used below (rows: from, columns: to):
 *          0   1   2
 *     0   10  30  20     node 0 falls back to 2, then 1
 *     1   20  10  20     tie: 2 (the next node up) before 0
 *     2   40  15  10     node 2 falls back to 1, then 0
 * Each node: 32M = 8192 pages, DMA 4M (1024), DMA32 8M (2048), Normal 5120.
 */
#include "test_util.h"

#include <stdlib.h>

#include "internal.h"

#define THREE_NODES "arena_size:96M,numa_fake:3,dma_limit:4M,dma32_limit:12M,numa_distance:10 30 20;20 10 20;40 15 10"

static const int order3[3][3] = { { 0, 2, 1 }, { 1, 2, 0 }, { 2, 1, 0 } };

static size_t alloc_node_until_fail(int nid, gfp_t gfp, nodemask_t *mask, struct page_stack *s)
{
	size_t n = 0;
	struct page *p;

	while ((p = __alloc_pages_nodemask(gfp | __GFP_NOWARN, 0, nid, mask)) != NULL) {
		page_stack_push(s, p);
		n++;
	}
	return n;
}

/* What a node keeps back from a GFP_KERNEL request with no reclaim: min + reserve[NORMAL] per zone. */
static long kept_for_kernel(int nid, enum zone_type z)
{
	struct zone *zone = zone_of(nid, z);
	return (long)wmark_pages(zone, WMARK_MIN) + test_zone_lowmem_reserve(zone, ZONE_NORMAL);
}

/*
 * Node order, then zones from the top down (6.1 build_zonelists_in_node_order),
 * only those populated: on the physical map node 0 holds DMA and DMA32 and
 * the other nodes Normal alone.
 */
static void assert_zonelist(const struct zonelist *zl, const int *nodes, int nr_nodes, int nr_zones)
{
	static const enum zone_type top_down[] = { ZONE_NORMAL, ZONE_DMA32, ZONE_DMA };
	int i = 0;

	for (int n = 0; n < nr_nodes; n++)
		for (int z = 0; z < nr_zones; z++) {
			if (!test_zone_spanned(zone_of(nodes[n], top_down[z])))
				continue;
			assert_ptr_equal(test_zonelist_zone(zl, i), zone_of(nodes[n], top_down[z]));
			assert_int_equal(test_zonelist_zone_idx(zl, i), top_down[z]);
			i++;
		}
	assert_null(test_zonelist_zone(zl, i));
}

static void test_order_asymmetric(void **state)
{
	(void)state;
	test_init(THREE_NODES);
	assert_int_equal(buddy_nr_nodes(), 3);
	assert_int_equal(test_node_distance(0, 1), 30);
	assert_int_equal(test_node_distance(1, 0), 20);
	for (int nid = 0; nid < 3; nid++) {
		assert_zonelist(test_zonelist(nid, ZONELIST_FALLBACK), order3[nid], 3, 3);
		assert_zonelist(test_zonelist(nid, ZONELIST_NOFALLBACK), &nid, 1, 3);
	}
	/* node 0 has three zones, nodes 1 and 2 Normal alone: 5 entries in every fallback list */
	assert_non_null(test_zonelist_zone(test_zonelist(1, ZONELIST_FALLBACK), 4));
	assert_null(test_zonelist_zone(test_zonelist(1, ZONELIST_FALLBACK), 5));
	test_check_and_exit();
}

/* Default distances (10 local, 20 remote): all ties, so node k goes k, k+1, ..., 0, ..., k-1. */
static void test_order_ties_next_node_first(void **state)
{
	(void)state;
	const int want[4][4] = { { 0, 1, 2, 3 }, { 1, 2, 3, 0 }, { 2, 3, 0, 1 }, { 3, 0, 1, 2 } };

	test_init("arena_size:64M,numa_fake:4,dma_limit:0,dma32_limit:0");
	for (int nid = 0; nid < 4; nid++) {
		assert_int_equal(test_node_distance(nid, (nid + 1) % 4), 20);
		assert_zonelist(test_zonelist(nid, ZONELIST_FALLBACK), want[nid], 4, 1);
	}
	test_check_and_exit();
}

/* Fallback follows the zonelist: node 0 full -> node 2; node 2 full too -> node 1. */
static void test_fallback_follows_distance(void **state)
{
	(void)state;
	struct page_stack s = { 0 };

	test_init(THREE_NODES);
	alloc_node_until_fail(0, GFP_KERNEL | __GFP_THISNODE, NULL, &s);
	struct page *p = alloc_pages_node(0, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 2);
	page_stack_push(&s, p);
	alloc_node_until_fail(2, GFP_KERNEL | __GFP_THISNODE, NULL, &s);
	p = alloc_pages_node(0, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 1);
	page_stack_push(&s, p);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * __GFP_THISNODE: node 1 runs out (each zone down to min + reserve, the
 * GFP_KERNEL depth) and the request fails, while nodes 0 and 2 are untouched.
 */
static void test_thisnode_fails_when_node_full(void **state)
{
	(void)state;
	struct page_stack s = { 0 };

	test_init(THREE_NODES);
	size_t n = alloc_node_until_fail(1, GFP_KERNEL | __GFP_THISNODE, NULL, &s);
	for (size_t i = 0; i < s.nr; i++)
		assert_int_equal(page_to_nid(s.pages[i]), 1);
	long kept = 0;
	for (int z = ZONE_DMA; z <= ZONE_NORMAL; z++) {
		assert_int_equal(free_after_drain(1, (enum zone_type)z), kept_for_kernel(1, (enum zone_type)z));
		kept += kept_for_kernel(1, (enum zone_type)z);
	}
	assert_int_equal(n, 8192 - kept);
	assert_null(alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0));
	assert_null(alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 3));
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 5120);
	assert_int_equal(free_after_drain(0, ZONE_DMA32), 2048);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 1024);
	assert_int_equal(free_after_drain(2, ZONE_NORMAL), 8192);
	/* Without __GFP_THISNODE the same request is served by node 2, node 1's nearest. */
	struct page *p = alloc_pages_node(1, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 2);
	page_stack_push(&s, p);
	page_stack_free_all(&s);
	test_check_and_exit();
}

static void test_nodemask_restricts_walk(void **state)
{
	(void)state;
	struct page_stack s = { 0 };
	nodemask_t only1, not0, none;

	nodes_clear(&only1);
	node_set(1, &only1);
	nodes_clear(&not0);
	node_set(1, &not0);
	node_set(2, &not0);
	nodes_clear(&none);
	test_init(THREE_NODES);

	/* Preferred node 0 is outside the mask: everything comes from node 1. */
	size_t n = alloc_node_until_fail(0, GFP_KERNEL, &only1, &s);
	assert_true(n > 0);
	for (size_t i = 0; i < s.nr; i++)
		assert_int_equal(page_to_nid(s.pages[i]), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 5120);
	assert_int_equal(free_after_drain(2, ZONE_NORMAL), 8192);
	page_stack_free_all(&s);

	/*
	 * Mask {1, 2} from node 0: node 2 (distance 20) first, then node 1 (30);
	 * both go down to their GFP_KERNEL depth (the slow path comes back to
	 * node 2 at the min mark), and node 0 is never touched.
	 */
	n = alloc_node_until_fail(0, GFP_KERNEL, &not0, &s);
	assert_int_equal(page_to_nid(s.pages[0]), 2);
	size_t on[3] = { 0, 0, 0 };
	for (size_t i = 0; i < s.nr; i++)
		on[page_to_nid(s.pages[i])]++;
	assert_int_equal(on[0], 0);
	for (int nid = 1; nid < 3; nid++) {
		long kept = 0;
		for (int z = ZONE_DMA; z <= ZONE_NORMAL; z++)
			kept += kept_for_kernel(nid, (enum zone_type)z);
		assert_int_equal(on[nid], 8192 - kept);
	}
	assert_int_equal(n, on[1] + on[2]);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 5120);
	assert_int_equal(free_after_drain(0, ZONE_DMA), 1024);
	page_stack_free_all(&s);

	/* An empty mask, or __GFP_THISNODE with the node outside the mask: nothing. */
	assert_null(__alloc_pages_nodemask(GFP_KERNEL | __GFP_NOWARN, 0, 0, &none));
	assert_null(__alloc_pages_nodemask(GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0, 0, &only1));
	struct page *p = __alloc_pages_nodemask(GFP_KERNEL | __GFP_THISNODE, 0, 1, &only1);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 1);
	__free_pages(p, 0);
	/* A nodemask also bounds atomic and __GFP_MEMALLOC requests. */
	p = __alloc_pages_nodemask(GFP_ATOMIC | __GFP_MEMALLOC, 0, 0, &only1);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 1);
	__free_pages(p, 0);
	test_check_and_exit();
}

/*
 * page_to_nid, the pfn range and the address of pages of every node, zone
 * and a few orders. DMA and DMA32 lie in node 0 only (below 4M and 12M), so
 * GFP_DMA and GFP_DMA32 from nodes 1 and 2 are served there, as on a real
 * two-socket box whose node 1 starts above 4 GiB.
 */
static void test_page_to_nid(void **state)
{
	(void)state;
	const gfp_t zones[] = { GFP_DMA, GFP_DMA32, GFP_KERNEL };
	const enum zone_type want[] = { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL };

	test_init(THREE_NODES);
	for (int nid = 0; nid < 3; nid++)
		for (size_t z = 0; z < ARRAY_SIZE(zones); z++)
			for (unsigned int order = 0; order <= 4; order += 2) {
				struct page *p = alloc_pages_node(nid, zones[z] | __GFP_COMP, order);
				int on = want[z] == ZONE_NORMAL ? nid : 0;
				assert_non_null(p);
				assert_int_equal(page_to_nid(p), on);
				assert_int_equal(page_zonenum(p), want[z]);
				unsigned long pfn = page_to_pfn(p);
				assert_true(pfn >= (unsigned long)on * 8192 && pfn < (unsigned long)(on + 1) * 8192);
				assert_ptr_equal(virt_to_page(page_address(p)), p);
				if (order)
					assert_int_equal(page_to_nid(p + (1 << order) - 1), on);
				__free_pages(p, order);
			}
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_asymmetric),
		cmocka_unit_test(test_order_ties_next_node_first),
		cmocka_unit_test(test_fallback_follows_distance),
		cmocka_unit_test(test_thisnode_fails_when_node_full),
		cmocka_unit_test(test_nodemask_restricts_walk),
		cmocka_unit_test(test_page_to_nid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
