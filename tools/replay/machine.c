/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "machine.h"

void machine_default_zones(struct zone_span spans[NR_ZONES])
{
	memset(spans, 0, sizeof(struct zone_span) * NR_ZONES);
	spans[ZONE_DMA] = (struct zone_span){0, 1UL << 12};
	spans[ZONE_DMA32] = (struct zone_span){1UL << 12, 1UL << 20};
	spans[ZONE_NORMAL] = (struct zone_span){1UL << 20, TRACE_PFN_MAX};
}

static int zone_index(const char *name)
{
	static const char *const names[NR_ZONES] = {"DMA", "DMA32", "Normal", "HighMem", "Movable"};

	for (int z = 0; z < NR_ZONES; z++)
		if (!strcmp(name, names[z]))
			return z;
	return -1; /* "Device" and others hold no page-allocator memory */
}

struct zone_info {
	unsigned long managed, start_pfn, spanned;
};

static void add_span(struct zone_span *span, const struct zone_info *zi)
{
	unsigned long end = zi->start_pfn + zi->spanned;

	if (!zi->spanned)
		return;
	if (!span->end || zi->start_pfn < span->start)
		span->start = zi->start_pfn;
	if (end > span->end)
		span->end = end;
}

/* Sizes per node in KiB, rounded up to whole pageblocks (what libbuddy rounds to anyway). */
static unsigned long zone_kib(unsigned long managed_pages, double scale)
{
	unsigned long kib = (unsigned long)((double)managed_pages * 4.0 * scale);

	return (kib + 2047) / 2048 * 2048;
}

int machine_from_zoneinfo(const char *path, double scale, char *conf, size_t len,
			  struct zone_span spans[NR_ZONES])
{
	FILE *f = fopen(path, "r");
	char line[512], zname[64];
	struct zone_info zi[NR_ZONES] = {0}, cur = {0};
	int node = -1, zone = -1, nodes = 0;
	unsigned long v, node_kib = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	memset(spans, 0, sizeof(struct zone_span) * NR_ZONES);
	for (;;) {
		char *got = fgets(line, sizeof(line), f);
		int n;
		if (!got || sscanf(line, "Node %d, zone %63s", &n, zname) == 2) {
			if (zone >= 0) {
				add_span(&spans[zone], &cur);
				if (node == 0)
					zi[zone] = cur;
			}
			if (!got)
				break;
			if (n + 1 > nodes)
				nodes = n + 1;
			node = n;
			zone = zone_index(zname);
			memset(&cur, 0, sizeof(cur));
		} else if (sscanf(line, " managed %lu", &v) == 1) {
			cur.managed = v;
		} else if (sscanf(line, " spanned %lu", &v) == 1) {
			cur.spanned = v;
		} else if (sscanf(line, " start_pfn: %lu", &v) == 1) {
			cur.start_pfn = v;
		}
	}
	fclose(f);
	if (!nodes || !zi[ZONE_NORMAL].managed) {
		fprintf(stderr, "buddy-replay: %s: no node 0 Normal zone found\n", path);
		return -1;
	}
	for (int z = 0; z < NR_ZONES; z++)
		node_kib += zi[z].managed ? zone_kib(zi[z].managed, scale) : 0;
	node_kib = (node_kib + 4095) / 4096 * 4096; /* a whole max-order block */
	/*
	 * libbuddy's zone keys are limits (addresses), as the kernel's are:
	 * DMA32 ends where node 0's DMA and DMA32 together end; 0 = no such zone.
	 */
	unsigned long dma_kib = zi[ZONE_DMA].managed ? zone_kib(zi[ZONE_DMA].managed, scale) : 0UL;
	unsigned long dma32_kib = zi[ZONE_DMA32].managed ? zone_kib(zi[ZONE_DMA32].managed, scale) : 0UL;
	unsigned long movable_kib = zi[ZONE_MOVABLE].managed ? zone_kib(zi[ZONE_MOVABLE].managed, scale) : 0UL;
	snprintf(conf, len, "arena_size:%luK,dma_limit:%luK,dma32_limit:%luK,movablecore:%luK%s",
		 node_kib * (unsigned long)nodes, dma_kib, dma32_kib ? dma_kib + dma32_kib : 0UL,
		 movable_kib * (unsigned long)nodes, nodes > 1 ? ",numa_fake:" : "");
	if (nodes > 1)
		snprintf(conf + strlen(conf), len - strlen(conf), "%d", nodes);
	return 0;
}
