/* SPDX-License-Identifier: MIT */
/*
 * USDT probes named after the kernel's compaction and migration tracepoints
 * (include/trace/events/compaction.h, migrate.h in 6.1), provider "buddy",
 * arguments in the order of the kernel's TP_STRUCT fields:
 *   mm_compaction_begin             zone_start, migrate_pfn, free_pfn, zone_end, sync
 *   mm_compaction_end               zone_start, migrate_pfn, free_pfn, zone_end, sync, status
 *   mm_compaction_migratepages      nr_migrated, nr_failed
 *   mm_compaction_defer_compaction  nid, idx, order, considered, defer_shift, order_failed
 *   mm_migrate_pages                succeeded, failed, thp_succeeded, thp_failed, thp_split,
 *                                   mode, reason
 * See trace.h for how the probes cost nothing without a tracer.
 */
#ifndef BUDDY_TRACE_COMPACTION_H
#define BUDDY_TRACE_COMPACTION_H

#include "trace.h"

#ifdef BUDDY_HAVE_SDT
#define buddy_probe5(name, a, b, c, d, e)	DTRACE_PROBE5(buddy, name, a, b, c, d, e)
#define buddy_probe7(name, a, b, c, d, e, f, g) DTRACE_PROBE7(buddy, name, a, b, c, d, e, f, g)
#else
#define buddy_probe5(name, a, b, c, d, e) ((void)(a), (void)(b), (void)(c), (void)(d), (void)(e))
#define buddy_probe7(name, a, b, c, d, e, f, g)                                                              \
	((void)(a), (void)(b), (void)(c), (void)(d), (void)(e), (void)(f), (void)(g))
#endif

static inline void trace_mm_compaction_begin(unsigned long zone_start, unsigned long migrate_pfn,
					     unsigned long free_pfn, unsigned long zone_end, bool sync)
{
	int sync_i = sync;
	buddy_probe5(mm_compaction_begin, zone_start, migrate_pfn, free_pfn, zone_end, sync_i);
}

static inline void trace_mm_compaction_end(unsigned long zone_start, unsigned long migrate_pfn,
					   unsigned long free_pfn, unsigned long zone_end, bool sync,
					   int status)
{
	int sync_i = sync;
	buddy_probe6(mm_compaction_end, zone_start, migrate_pfn, free_pfn, zone_end, sync_i, status);
}

static inline void trace_mm_compaction_migratepages(unsigned long nr_migrated, unsigned long nr_failed)
{
	buddy_probe2(mm_compaction_migratepages, nr_migrated, nr_failed);
}

static inline void trace_mm_compaction_defer_compaction(const struct zone *zone, int order)
{
	int nid = zone->node, idx = (int)zone->idx, order_failed = READ_ONCE(zone->compact_order_failed);
	unsigned int considered = READ_ONCE(zone->compact_considered);
	unsigned int defer_shift = READ_ONCE(zone->compact_defer_shift);
	buddy_probe6(mm_compaction_defer_compaction, nid, idx, order, considered, defer_shift, order_failed);
}

static inline void trace_mm_migrate_pages(unsigned long succeeded, unsigned long failed,
					  unsigned long thp_succeeded, unsigned long thp_failed,
					  unsigned long thp_split, int mode, int reason)
{
	buddy_probe7(mm_migrate_pages, succeeded, failed, thp_succeeded, thp_failed, thp_split, mode, reason);
}

#endif /* BUDDY_TRACE_COMPACTION_H */
