/* SPDX-License-Identifier: MIT */
/*
 * --like-this-machine: the node and zone sizes of /proc/zoneinfo as a
 * BUDDY_CONF string (managed pages per zone, times --scale), and the zone
 * pfn spans that say in which kernel zone a traced pfn lay.
 */
#ifndef REPLAY_MACHINE_H
#define REPLAY_MACHINE_H

#include <stddef.h>

#include "replay.h"

/* x86-64's fixed boundaries: DMA below 16 MiB, DMA32 below 4 GiB, Normal above. */
void machine_default_zones(struct zone_span spans[NR_ZONES]);

/*
 * Read a zoneinfo file: fills conf (e.g. "arena_size:5636M,dma_limit:16M,dma32_limit:3036M,movablecore:0K")
 * and spans. Returns 0, or -1 with the reason on stderr.
 */
int machine_from_zoneinfo(const char *path, double scale, char *conf, size_t len,
			  struct zone_span spans[NR_ZONES]);

#endif /* REPLAY_MACHINE_H */
