/* SPDX-License-Identifier: MIT */
/*
 * The physical memory map (memmap.c): node slices and zone ranges as pfns,
 * planned from the settings before the arena is mapped.
 */
#ifndef BUDDY_MEMMAP_H
#define BUDDY_MEMMAP_H

#include <stddef.h>

#include <buddy/gfp.h>

#include "compiler.h"

/* kernelcore= / movablecore=: a size in bytes, or a percentage of memory. */
struct core_setting {
	size_t bytes;
	int percent; /* 1..100; 0: bytes is the setting */
};

struct memmap {
	/* node nid spans [node_start_pfn[nid], node_start_pfn[nid + 1]) */
	unsigned long node_start_pfn[MAX_NUMNODES + 1];
	/* 6.1 arch_zone_lowest/highest_possible_pfn: each zone's pfn range, all nodes */
	unsigned long zone_lowest_pfn[MAX_NR_ZONES];
	unsigned long zone_highest_pfn[MAX_NR_ZONES];
	int movable_zone;			      /* the zone ZONE_MOVABLE takes pages from */
	unsigned long zone_movable_pfn[MAX_NUMNODES]; /* where a node's ZONE_MOVABLE starts; 0: none */
	unsigned long zone_start_pfn[MAX_NUMNODES][MAX_NR_ZONES];
	unsigned long zone_pages[MAX_NUMNODES][MAX_NR_ZONES];
};

struct buddy_settings;

/*
 * Plan nodes and zones for the settings' arena; *nr_nodes (the topology's
 * count) may come back lower when the arena cannot give each a pageblock.
 * -EINVAL, named on stderr, for limits that contradict each other.
 */
HIDDEN int memmap_plan(struct buddy_settings *s, int *nr_nodes, struct memmap *m);
/* numa_fake:<size>: the number of nodes of that size the arena holds. */
HIDDEN int memmap_fake_nodes_by_size(const struct buddy_settings *s);
HIDDEN int memmap_pfn_to_nid(const struct memmap *m, int nr_nodes, unsigned long pfn);

#endif
