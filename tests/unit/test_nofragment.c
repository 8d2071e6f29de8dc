/* SPDX-License-Identifier: MIT */
/*
 * ALLOC_NOFRAGMENT (Linux 6.1 alloc_flags_nofragment and the retries in
 * get_page_from_freelist): which first attempts carry it, that a Normal
 * zone which could serve only by stealing part of a pageblock is passed
 * over for a whole block in DMA32 below it, and that before leaving the
 * node the walk drops the flag and fragments local memory rather than use
 * a remote node.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "test_util.h"

#include "internal.h"

/*
 * The zone part of every configuration, on the physical map: with
 * ZONES_WITH_DMA32 node 0 of a 64M arena has DMA32 [0, 8M) and Normal
 * [8M, 32M), and node 1 (above 32M) Normal alone; ZONES_NORMAL_ONLY gives
 * every node Normal alone.
 */
#define ZONES_WITH_DMA32  "dma_limit:0,dma32_limit:8M"
#define ZONES_NORMAL_ONLY "dma_limit:0,dma32_limit:0"
#define CONF_TWO_NODES	  "arena_size:64M,numa_fake:2,"

static bool node_has(int nid, enum zone_type z)
{
	return test_zone_managed(zone_of(nid, z)) > 0;
}

static void test_flags_for_first_attempt(void **state)
{
	(void)state;
	/* one node: set for a Normal preferred zone (6.1 does not look at DMA32 then) */
	test_init("arena_size:64M," ZONES_WITH_DMA32);
	assert_true(node_has(0, ZONE_NORMAL));
	assert_int_equal(alloc_flags_nofragment(zone_of(0, ZONE_NORMAL), GFP_NOWAIT), ALLOC_NOFRAGMENT | ALLOC_KSWAPD);
	assert_int_equal(alloc_flags_nofragment(zone_of(0, ZONE_NORMAL), 0), ALLOC_NOFRAGMENT);
	assert_int_equal(alloc_flags_nofragment(NULL, GFP_KERNEL), ALLOC_KSWAPD);
	/* a DMA32 (or any non-Normal) preferred zone: never */
	if (node_has(0, ZONE_DMA32))
		assert_int_equal(alloc_flags_nofragment(zone_of(0, ZONE_DMA32), GFP_KERNEL), ALLOC_KSWAPD);
	test_check_and_exit();

	/* several nodes: only where the node has DMA32 to take the pressure */
	test_init(CONF_TWO_NODES ZONES_NORMAL_ONLY);
	for (int nid = 0; nid < test_nr_nodes(); nid++)
		if (node_has(nid, ZONE_NORMAL) && !node_has(nid, ZONE_DMA32))
			assert_int_equal(alloc_flags_nofragment(zone_of(nid, ZONE_NORMAL), 0), 0);
	test_check_and_exit();
	test_init(CONF_TWO_NODES ZONES_WITH_DMA32);
	assert_true(node_has(0, ZONE_DMA32) && node_has(0, ZONE_NORMAL));
	assert_false(node_has(1, ZONE_DMA32));
	assert_int_equal(alloc_flags_nofragment(zone_of(0, ZONE_NORMAL), 0), ALLOC_NOFRAGMENT);
	/* node 1 lies above the DMA32 limit: nothing below its Normal zone, so no flag */
	assert_int_equal(alloc_flags_nofragment(zone_of(1, ZONE_NORMAL), 0), 0);
	test_check_and_exit();
}

/* Every page of node nid, movable, taken past every watermark. */
static void take_node(int nid, struct page_stack *s)
{
	struct page *p;

	do {
		while ((p = alloc_pages_node(nid, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_MEMALLOC | __GFP_NOWARN,
					     0)) != NULL)
			page_stack_push(s, p);
		buddy_drain_all_pages();
		p = alloc_pages_node(nid, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_MEMALLOC | __GFP_NOWARN, 0);
		if (p)
			page_stack_push(s, p);
	} while (p);
}

/* Give back zone z's pages of s: all of them, or only the even pfns (no two free pages are buddies). */
static void give_back(struct page_stack *s, int nid, enum zone_type z, bool even_only)
{
	for (size_t i = 0; i < s->nr; i++) {
		struct page *p = s->pages[i];
		if (!p || page_to_nid(p) != nid || page_zonenum(p) != z)
			continue;
		if (even_only && (page_to_pfn(p) & 1))
			continue;
		__free_page(p);
		s->pages[i] = NULL;
	}
	buddy_drain_all_pages();
}

static void free_rest(struct page_stack *s)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->pages[i])
			__free_page(s->pages[i]);
	s->nr = 0;
	free(s->pages);
	s->pages = NULL;
}

/*
 * Node 0's Normal zone holds only scattered free movable pages, its DMA32
 * zone whole free blocks. An unmovable request prefers Normal; with
 * ALLOC_NOFRAGMENT it takes a whole block of DMA32 rather than mix an
 * unmovable page into a movable Normal block. Then DMA32 is scattered too:
 * the walk reaches node 1, drops the flag and comes back - the page is
 * node 0's, taken by a fragmenting fallback, not node 1's.
 */
static void test_spread_then_fragment_local(void **state)
{
	(void)state;
	struct page_stack s = { 0 };
	struct page *p;

	test_init(CONF_TWO_NODES ZONES_WITH_DMA32);
	if (!node_has(0, ZONE_NORMAL) || !node_has(0, ZONE_DMA32))
		skip(); /* the layout this scenario needs */
	take_node(0, &s);
	give_back(&s, 0, ZONE_NORMAL, true);
	give_back(&s, 0, ZONE_DMA32, false);
	assert_true(test_nr_free(zone_of(0, ZONE_DMA32), pageblock_order) +
			    test_nr_free(zone_of(0, ZONE_DMA32), MAX_ORDER - 1) >
		    0);

	p = alloc_pages_node(0, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	assert_int_equal(page_zonenum(p), ZONE_DMA32);
	__free_page(p);

	/* DMA32 scattered as well: nothing local serves without fragmenting */
	take_node(0, &s);
	give_back(&s, 0, ZONE_DMA32, true);
	p = alloc_pages_node(0, GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(page_to_nid(p), 0);
	__free_page(p);

	free_rest(&s);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_flags_for_first_attempt, test_teardown_exit),
		cmocka_unit_test_teardown(test_spread_then_fragment_local, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
