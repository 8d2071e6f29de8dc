/* SPDX-License-Identifier: MIT */
/*
 * The physical memory map, planned before anything is mapped (6.1
 * free_area_init, zone_sizes_init and find_zone_movable_pfns_for_nodes).
 *
 * The arena is a simulated physical address space: pfn 0 at its base, the
 * nodes consecutive slices of it. Zone boundaries are absolute, as on
 * x86-64: ZONE_DMA below dma_limit (16 MiB), ZONE_DMA32 below dma32_limit
 * (4 GiB), ZONE_NORMAL above, ZONE_HIGHMEM from highmem_start when one is
 * set (32-bit emulation). A node gets the zones its range crosses, so a
 * 64 MiB arena has DMA and DMA32 and no Normal, and node 1 of an 8 GiB
 * two-node arena has Normal alone. ZONE_MOVABLE is carved out of the
 * highest zone as kernelcore= / movablecore= ask, spread over the nodes the
 * kernel's way.
 *
 * Granularity: nodes and zone limits are whole pageblocks (2 MiB), so every
 * pageblock lies in one zone of one node; the kernel rounds only
 * ZONE_MOVABLE's start (to a max-order block), and so does this file.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define PAGEBLOCK_BYTES (pageblock_nr_pages * PAGE_SIZE)

static unsigned long bytes_to_pfn_up(size_t bytes)
{
	return (unsigned long)((bytes + PAGEBLOCK_BYTES - 1) / PAGEBLOCK_BYTES * pageblock_nr_pages);
}

static unsigned long min_ul(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

static unsigned long max_ul(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

static unsigned long clamp_ul(unsigned long v, unsigned long lo, unsigned long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A limit below the one under it makes no sense: -EINVAL naming the key. */
static int check_limits(const struct buddy_settings *s)
{
	if (s->dma_limit && s->dma32_limit && s->dma32_limit < s->dma_limit) {
		fprintf(stderr, "libbuddy: dma32_limit (%zu MiB) is below dma_limit (%zu MiB)\n",
			s->dma32_limit >> 20, s->dma_limit >> 20);
		return -EINVAL;
	}
	size_t below = s->dma32_limit > s->dma_limit ? s->dma32_limit : s->dma_limit;
	if (s->highmem_start && s->highmem_start < below) {
		fprintf(stderr, "libbuddy: highmem_start (%zu MiB) is below %s (%zu MiB)\n",
			s->highmem_start >> 20, s->dma32_limit >= s->dma_limit ? "dma32_limit" : "dma_limit",
			below >> 20);
		return -EINVAL;
	}
	return 0;
}

/* The arena's pages: arena_size rounded down to whole pageblocks. */
static unsigned long arena_pages(const struct buddy_settings *s)
{
	return (unsigned long)(s->arena_size / PAGEBLOCK_BYTES * pageblock_nr_pages);
}

/* numa_fake:<size> (the kernel's numa=fake=<size>): how many nodes that makes. */
int memmap_fake_nodes_by_size(const struct buddy_settings *s)
{
	unsigned long node = bytes_to_pfn_up(s->numa_fake_size);
	unsigned long n = arena_pages(s) / max_ul(node, pageblock_nr_pages);

	return n == 0 ? 1 : n > MAX_NUMNODES ? MAX_NUMNODES : (int)n;
}

/*
 * Node slices: nodes of numa_fake_size with the remainder in the last one,
 * or an equal split whose leftover pageblocks go one each to the first
 * nodes (the kernel's numa=fake=N hands out its leftover the same way).
 * Fewer nodes than asked when the arena cannot give each a pageblock: the
 * kernel's numa=fake also reduces the count rather than fail.
 */
static void split_nodes(const struct buddy_settings *s, unsigned long total, int *nr_nodes, struct memmap *m)
{
	int n = *nr_nodes;
	unsigned long max_nodes = total / pageblock_nr_pages;

	if ((unsigned long)n > max_nodes) {
		fprintf(stderr,
			"libbuddy: %lu MiB gives at most %lu nodes of a pageblock (2 MiB): using %lu of %d\n",
			total >> (20 - PAGE_SHIFT), max_nodes, max_nodes, n);
		n = (int)max_nodes;
	}
	unsigned long blocks = total / pageblock_nr_pages;
	unsigned long per = blocks / (unsigned long)n, extra = blocks % (unsigned long)n;
	unsigned long start = 0;

	if (s->numa_fake_size) {
		per = max_ul(bytes_to_pfn_up(s->numa_fake_size) / pageblock_nr_pages, 1);
		extra = 0;
	}
	for (int nid = 0; nid < n; nid++) {
		m->node_start_pfn[nid] = start;
		start += (per + ((unsigned long)nid < extra)) * pageblock_nr_pages;
	}
	m->node_start_pfn[n] = total; /* the last node takes any remainder */
	*nr_nodes = n;
}

/*
 * max_zone_pfn as zone_sizes_init fills it, clamped to the end of memory,
 * then the arch_zone_lowest/highest_possible_pfn of free_area_init: each
 * zone from where the one below ends to its limit (empty if that is lower).
 */
static void zone_bounds(const struct buddy_settings *s, unsigned long total, struct memmap *m)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES] = {0};
	unsigned long start = 0;

	max_zone_pfn[ZONE_DMA] = min_ul(bytes_to_pfn_up(s->dma_limit), total);
	max_zone_pfn[ZONE_DMA32] = s->dma32_limit ? min_ul(bytes_to_pfn_up(s->dma32_limit), total) : 0;
	max_zone_pfn[ZONE_NORMAL] =
		s->highmem_start ? min_ul(bytes_to_pfn_up(s->highmem_start), total) : total;
	max_zone_pfn[ZONE_HIGHMEM] = s->highmem_start ? total : 0;
	for (int z = 0; z < ZONE_MOVABLE; z++) {
		unsigned long end = max_ul(max_zone_pfn[z], start);
		m->zone_lowest_pfn[z] = start;
		m->zone_highest_pfn[z] = end;
		start = end;
	}
	m->zone_lowest_pfn[ZONE_MOVABLE] = m->zone_highest_pfn[ZONE_MOVABLE] = 0;
}

/* 6.1 find_usable_zone_for_movable: the highest zone with any memory. */
static int usable_zone_for_movable(const struct memmap *m)
{
	for (int z = ZONE_MOVABLE - 1; z > ZONE_DMA; z--)
		if (m->zone_highest_pfn[z] > m->zone_lowest_pfn[z])
			return z;
	return ZONE_DMA;
}

/* kernelcore= / movablecore=: a size, or a percentage of all pages. */
static unsigned long core_pages(const struct core_setting *c, unsigned long total)
{
	if (c->percent)
		return total * 100 * (unsigned long)c->percent / 10000;
	return (unsigned long)(c->bytes / PAGE_SIZE);
}

static unsigned long node_end_pfn_of(const struct memmap *m, int nid)
{
	return m->node_start_pfn[nid + 1];
}

/*
 * One pass of find_zone_movable_pfns_for_nodes: give each node its share
 * of the kernel pages (those below usable_startpfn count first), setting
 * zone_movable_pfn where its kernel part ends.
 */
static void spread_kernelcore(struct memmap *m, int nr_nodes, unsigned long usable_startpfn,
			      unsigned long *required_kernelcore, int usable_nodes)
{
	unsigned long kernelcore_node = *required_kernelcore / (unsigned long)usable_nodes;

	for (int nid = 0; nid < nr_nodes; nid++) {
		unsigned long start = max_ul(m->node_start_pfn[nid], m->zone_movable_pfn[nid]);
		unsigned long end = node_end_pfn_of(m, nid);

		if (*required_kernelcore < kernelcore_node)
			kernelcore_node = *required_kernelcore / (unsigned long)usable_nodes;
		unsigned long remaining = kernelcore_node;
		if (start >= end)
			continue;
		if (start < usable_startpfn) {
			unsigned long kernel_pages = min_ul(end, usable_startpfn) - start;
			remaining -= min_ul(kernel_pages, remaining);
			*required_kernelcore -= min_ul(kernel_pages, *required_kernelcore);
			if (end <= usable_startpfn) {
				m->zone_movable_pfn[nid] = end;
				continue;
			}
			start = usable_startpfn;
		}
		unsigned long size_pages = min_ul(end - start, remaining);
		m->zone_movable_pfn[nid] = start + size_pages;
		*required_kernelcore -= min_ul(*required_kernelcore, size_pages);
	}
}

static void find_zone_movable_pfns_for_nodes(const struct buddy_settings *s, struct memmap *m, int nr_nodes)
{
	unsigned long total = m->node_start_pfn[nr_nodes];
	unsigned long required_kernelcore = core_pages(&s->kernelcore, total);
	unsigned long required_movablecore = core_pages(&s->movablecore, total);
	int usable_nodes = nr_nodes;

	m->movable_zone = usable_zone_for_movable(m);
	if (required_movablecore) {
		required_movablecore =
			(required_movablecore + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
		required_movablecore = min_ul(total, required_movablecore);
		required_kernelcore = max_ul(required_kernelcore, total - required_movablecore);
	}
	if (!required_kernelcore || required_kernelcore >= total)
		return;
	unsigned long usable_startpfn = m->zone_lowest_pfn[m->movable_zone];
	do {
		spread_kernelcore(m, nr_nodes, usable_startpfn, &required_kernelcore, usable_nodes);
		usable_nodes--;
	} while (usable_nodes && required_kernelcore > (unsigned long)usable_nodes);
	for (int nid = 0; nid < nr_nodes; nid++) {
		unsigned long zmp =
			(m->zone_movable_pfn[nid] + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
		m->zone_movable_pfn[nid] = zmp >= node_end_pfn_of(m, nid) ? 0 : zmp;
	}
}

/*
 * 6.1 zone_spanned_pages_in_node with adjust_zone_range_for_zone_movable:
 * the node's part of the zone's possible range, less what ZONE_MOVABLE took.
 */
static void zone_range_in_node(const struct memmap *m, int nid, int z, unsigned long *start,
			       unsigned long *end)
{
	unsigned long node_start = m->node_start_pfn[nid], node_end = node_end_pfn_of(m, nid);
	unsigned long zmp = m->zone_movable_pfn[nid];

	*start = clamp_ul(node_start, m->zone_lowest_pfn[z], m->zone_highest_pfn[z]);
	*end = clamp_ul(node_end, m->zone_lowest_pfn[z], m->zone_highest_pfn[z]);
	if (zmp) {
		if (z == ZONE_MOVABLE) {
			*start = zmp;
			*end = min_ul(node_end, m->zone_highest_pfn[m->movable_zone]);
		} else if (*start<zmp && * end> zmp) {
			*end = zmp;
		} else if (*start >= zmp) {
			*start = *end;
		}
	}
	if (*end <= *start)
		*start = *end = 0; /* an empty zone starts at pfn 0, as calculate_node_totalpages leaves it */
}

int memmap_plan(struct buddy_settings *s, int *nr_nodes, struct memmap *m)
{
	unsigned long total = arena_pages(s);
	int rc = check_limits(s);

	if (rc)
		return rc;
	memset(m, 0, sizeof(*m));
	split_nodes(s, total, nr_nodes, m);
	zone_bounds(s, total, m);
	find_zone_movable_pfns_for_nodes(s, m, *nr_nodes);
	for (int nid = 0; nid < *nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			unsigned long start, end;
			zone_range_in_node(m, nid, z, &start, &end);
			m->zone_start_pfn[nid][z] = start;
			m->zone_pages[nid][z] = end - start;
		}
	return 0;
}

int memmap_pfn_to_nid(const struct memmap *m, int nr_nodes, unsigned long pfn)
{
	int lo = 0, hi = nr_nodes - 1;

	while (lo < hi) { /* the last node whose start is <= pfn */
		int mid = (lo + hi + 1) / 2;
		if (m->node_start_pfn[mid] <= pfn)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}
