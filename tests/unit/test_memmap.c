/* SPDX-License-Identifier: MIT */
/*
 * The physical memory map (memmap.c, docs/configuration.md#the-physical-map):
 * zones are address ranges of the simulated physical memory and nodes
 * consecutive slices of it, so each node has the zones its range crosses.
 * A table of arena shapes with the zones the kernel would give each node
 * (read back from buddyinfo, as a user would), fake nodes by size, ZONE_MOVABLE
 * spread over the nodes as kernelcore= / movablecore= do, and GFP_DMA32 from
 * a node above 4 GiB served by node 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "obs_util.h"
#include "test_util.h"

/* "0:DMA,DMA32 1:Normal": the populated zones of each node, from buddyinfo's lines. */
static void zones_from_buddyinfo(char *out, size_t len)
{
	char *text = view_text("buddyinfo");
	int last_node = -1;
	size_t used = 0;

	out[0] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int nid;
		char name[16];
		if (sscanf(line, "Node %d, zone %15s", &nid, name) != 2)
			continue;
		if (nid == last_node)
			used += (size_t)snprintf(out + used, len - used, ",%s", name);
		else
			used += (size_t)snprintf(out + used, len - used, "%s%d:%s", used ? " " : "", nid, name);
		last_node = nid;
	}
	free(text);
}

/*
 * Shape -> zones per node, as on x86-64: DMA below 16M, DMA32 below 4G,
 * Normal above. Equal fake nodes; 4M cannot make four nodes of a pageblock,
 * so it makes two (the kernel's numa=fake also lowers the count).
 */
static const struct shape {
	const char *arena;
	int nodes;
	const char *zones;
} shapes[] = {
	{ "4M", 1, "0:DMA" },
	{ "4M", 2, "0:DMA 1:DMA" },
	{ "4M", 4, "0:DMA 1:DMA" },
	{ "16M", 1, "0:DMA" },
	{ "16M", 2, "0:DMA 1:DMA" },
	{ "16M", 4, "0:DMA 1:DMA 2:DMA 3:DMA" },
	{ "64M", 1, "0:DMA,DMA32" },
	{ "64M", 2, "0:DMA,DMA32 1:DMA32" },
	{ "64M", 4, "0:DMA 1:DMA32 2:DMA32 3:DMA32" },
	{ "256M", 1, "0:DMA,DMA32" },
	{ "256M", 2, "0:DMA,DMA32 1:DMA32" },
	{ "256M", 4, "0:DMA,DMA32 1:DMA32 2:DMA32 3:DMA32" },
	{ "1G", 1, "0:DMA,DMA32" },
	{ "1G", 2, "0:DMA,DMA32 1:DMA32" },
	{ "1G", 4, "0:DMA,DMA32 1:DMA32 2:DMA32 3:DMA32" },
	{ "8G", 1, "0:DMA,DMA32,Normal" },
	{ "8G", 2, "0:DMA,DMA32 1:Normal" },
	{ "8G", 4, "0:DMA,DMA32 1:DMA32 2:Normal 3:Normal" },
	{ "64G", 1, "0:DMA,DMA32,Normal" },
	{ "64G", 2, "0:DMA,DMA32,Normal 1:Normal" },
	{ "64G", 4, "0:DMA,DMA32,Normal 1:Normal 2:Normal 3:Normal" },
};

/* Nodes tile the arena; populated zones tile each node; zoneinfo prints every zone of every node. */
static void assert_map_tiles(void)
{
	unsigned long pfn = 0;
	int nodes = buddy_nr_nodes();

	for (int nid = 0; nid < nodes; nid++) {
		assert_int_equal(test_node_start_pfn(nid), pfn);
		unsigned long covered = 0;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			covered += test_zone_spanned(zone_of(nid, (enum zone_type)z));
		assert_int_equal(covered, test_node_spanned(nid));
		pfn += test_node_spanned(nid);
	}
	assert_int_equal(pfn, test_nr_pages());
	char *zoneinfo = view_text("zoneinfo");
	int headers = 0;
	for (char *line = zoneinfo; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		headers += !strncmp(line, "Node ", 5);
	assert_int_equal(headers, nodes * MAX_NR_ZONES);
	free(zoneinfo);
}

static void test_shapes_initialise_with_defaults(void **state)
{
	(void)state;
	char conf[64], got[256];

	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		const struct shape *s = &shapes[i];
		snprintf(conf, sizeof(conf), "arena_size:%s,numa_fake:%d", s->arena, s->nodes);
		stderr_capture_begin(); /* 4M over four nodes says it makes two */
		int rc = buddy_init(&(struct buddy_config){ .conf = conf });
		free(stderr_capture_end());
		if (rc)
			fail_msg("%s: buddy_init = %d", conf, rc);
		zones_from_buddyinfo(got, sizeof(got));
		if (strcmp(got, s->zones))
			fail_msg("%s: zones \"%s\", expected \"%s\"", conf, got, s->zones);
		assert_map_tiles();
		/* and the shape serves a GFP_KERNEL page, whichever zone that falls back to */
		struct page *page = alloc_pages(GFP_KERNEL, 0);
		assert_non_null(page);
		__free_page(page);
		test_check_and_exit();
	}
}

/* numa_fake:<size>: nodes of that size, the last one taking what is left. */
static void test_fake_nodes_by_size(void **state)
{
	(void)state;
	test_init("arena_size:64M,numa_fake:24M,dma_limit:0,dma32_limit:0");
	assert_int_equal(buddy_nr_nodes(), 2);
	assert_int_equal(test_node_spanned(0), 24UL << 20 >> PAGE_SHIFT);
	assert_int_equal(test_node_spanned(1), 40UL << 20 >> PAGE_SHIFT);
	test_check_and_exit();

	test_init("arena_size:8G,numa_fake:1G");
	assert_int_equal(buddy_nr_nodes(), 8);
	for (int nid = 0; nid < 8; nid++)
		assert_int_equal(test_node_spanned(nid), 1UL << 30 >> PAGE_SHIFT);
	/* nodes 0-3 lie below 4G: DMA32 (and node 0 DMA); nodes 4-7 are Normal alone */
	assert_int_equal(test_zone_spanned(zone_of(3, ZONE_NORMAL)), 0);
	assert_int_equal(test_zone_spanned(zone_of(4, ZONE_DMA32)), 0);
	assert_int_equal(test_zone_spanned(zone_of(4, ZONE_NORMAL)), 1UL << 30 >> PAGE_SHIFT);
	test_check_and_exit();
}

/*
 * find_zone_movable_pfns_for_nodes: kernelcore is spread over the nodes, and
 * what lies below the movable zone (DMA, DMA32) counts towards it first.
 */
static void test_movable_spread_over_nodes(void **state)
{
	(void)state;
	const unsigned long g = 1UL << 30 >> PAGE_SHIFT;

	/*
	 * movablecore:25% of 8G = 2G: kernelcore 6G. Node 0's 4G lie below
	 * Normal and count first; node 1 keeps the other 2G as Normal, the top
	 * 2G of node 1 become Movable.
	 */
	test_init("arena_size:8G,numa_fake:2,movablecore:25%");
	assert_int_equal(test_zone_spanned(zone_of(0, ZONE_MOVABLE)), 0);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_NORMAL)), 2 * g);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_MOVABLE)), 2 * g);
	assert_int_equal(test_zone_start_pfn(zone_of(1, ZONE_MOVABLE)), 6 * g);
	test_check_and_exit();

	/* kernelcore:4G is met by node 0 alone: all of node 1 is Movable. */
	test_init("arena_size:8G,numa_fake:2,kernelcore:4G");
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_NORMAL)), 0);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_MOVABLE)), 4 * g);
	struct page *page = alloc_pages_node(1, GFP_HIGHUSER_MOVABLE, 0); /* node 0 would serve it from DMA32 */
	assert_non_null(page);
	assert_int_equal(page_zonenum(page), ZONE_MOVABLE);
	__free_page(page);
	test_check_and_exit();

	/* No Normal anywhere (64M): ZONE_MOVABLE comes out of DMA32, as the kernel's does. */
	test_init("arena_size:64M,movablecore:16M");
	assert_int_equal(test_zone_spanned(zone_of(0, ZONE_DMA32)), (32UL << 20) >> PAGE_SHIFT);
	assert_int_equal(test_zone_spanned(zone_of(0, ZONE_MOVABLE)), (16UL << 20) >> PAGE_SHIFT);
	test_check_and_exit();

	/* kernelcore:100% (or more than memory): no ZONE_MOVABLE at all. */
	test_init("arena_size:64M,kernelcore:100%");
	assert_int_equal(test_zone_spanned(zone_of(0, ZONE_MOVABLE)), 0);
	test_check_and_exit();
}

/*
 * numa_fake:2 on 8G: node 1 lies above 4 GiB. GFP_DMA32 from a thread on
 * node 1 is served by node 0's DMA32; GFP_KERNEL stays on node 1. 6.1's
 * zone_statistics counts the DMA32 page as numa_hit on node 0 (the
 * preferred zone is the first DMA32-capable zone of node 1's zonelist,
 * node 0's) and numa_other; __GFP_THISNODE DMA32 from node 1 fails.
 */
static void test_dma32_from_the_upper_node(void **state)
{
	(void)state;
	test_init("arena_size:8G,numa_fake:2");
	if (pin_to_node(1) < 0) {
		test_check_and_exit();
		skip(); /* no CPU of node 1 in this process's affinity mask */
	}
	assert_int_equal(numa_node_id(), 1);
	unsigned long hit = global_numa_event_state(NUMA_HIT), miss = global_numa_event_state(NUMA_MISS);
	unsigned long foreign = global_numa_event_state(NUMA_FOREIGN), other = global_numa_event_state(NUMA_OTHER);
	unsigned long local = global_numa_event_state(NUMA_LOCAL);

	struct page *dma32 = alloc_pages(GFP_DMA32, 0);
	assert_non_null(dma32);
	assert_int_equal(page_to_nid(dma32), 0);
	assert_int_equal(page_zonenum(dma32), ZONE_DMA32);
	assert_int_equal(global_numa_event_state(NUMA_HIT) - hit, 1);
	assert_int_equal(global_numa_event_state(NUMA_OTHER) - other, 1);
	assert_int_equal(global_numa_event_state(NUMA_MISS) - miss, 0);
	assert_int_equal(global_numa_event_state(NUMA_FOREIGN) - foreign, 0);

	struct page *normal = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(normal);
	assert_int_equal(page_to_nid(normal), 1);
	assert_int_equal(page_zonenum(normal), ZONE_NORMAL);
	assert_int_equal(global_numa_event_state(NUMA_LOCAL) - local, 1);

	assert_null(alloc_pages_node(1, GFP_DMA32 | __GFP_THISNODE | __GFP_NOWARN, 0));
	__free_page(dma32);
	__free_page(normal);
	unpin();
	test_check_and_exit();
}

/* The zoneinfo of the upper node: its empty DMA and DMA32 print the kernel's short form. */
static void test_zoneinfo_of_a_normal_only_node(void **state)
{
	(void)state;
	test_init("arena_size:8G,numa_fake:2");
	char *text = view_text("zoneinfo");
	char *dma = strstr(text, "Node 1, zone      DMA\n");
	char *normal = strstr(text, "Node 1, zone   Normal\n");
	assert_non_null(dma);
	assert_non_null(normal);
	char *next = strstr(dma + 1, "Node ");
	assert_non_null(next);
	*next = 0; /* the DMA block alone: no pagesets, no start_pfn */
	assert_non_null(strstr(dma, "pages free     0"));
	assert_null(strstr(dma, "start_pfn"));
	*next = 'N';
	assert_non_null(strstr(normal, "start_pfn:           1048576"));
	free(text);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes_initialise_with_defaults),
		cmocka_unit_test(test_fake_nodes_by_size),
		cmocka_unit_test(test_movable_spread_over_nodes),
		cmocka_unit_test(test_dma32_from_the_upper_node),
		cmocka_unit_test(test_zoneinfo_of_a_normal_only_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
