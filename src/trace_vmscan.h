/* SPDX-License-Identifier: MIT */
/*
 * USDT probes named after the kernel's vmscan tracepoints (provider
 * "buddy", the macros of trace.h). Arguments in the order of the kernel's
 * TP_STRUCT fields:
 *   mm_vmscan_kswapd_wake          nid, zid, order
 *   mm_vmscan_wakeup_kswapd        nid, zid, order, gfp_flags
 *   mm_vmscan_direct_reclaim_begin order, gfp_flags
 *   mm_vmscan_direct_reclaim_end   nr_reclaimed
 *   mm_shrink_slab_start           shr, shrink, nid, nr_objects_to_shrink, gfp_flags,
 *                                  cache_items, delta, total_scan, priority
 *   mm_shrink_slab_end             shr, shrink, nid, unused_scan, new_scan, retval,
 *                                  total_scan
 * shr is the struct shrinker's address, shrink its scan_objects function.
 */
#ifndef BUDDY_TRACE_VMSCAN_H
#define BUDDY_TRACE_VMSCAN_H

#include <buddy/shrinker.h>

#include "trace.h"

#ifdef BUDDY_HAVE_SDT
#define buddy_probe1(name, a)			      DTRACE_PROBE1(buddy, name, a)
#define buddy_probe7(name, a, b, c, d, e, f, g)	      DTRACE_PROBE7(buddy, name, a, b, c, d, e, f, g)
#define buddy_probe9(name, a, b, c, d, e, f, g, h, i) DTRACE_PROBE9(buddy, name, a, b, c, d, e, f, g, h, i)
#else
#define buddy_probe1(name, a) ((void)(a))
#define buddy_probe7(name, a, b, c, d, e, f, g)                                                              \
	((void)(a), (void)(b), (void)(c), (void)(d), (void)(e), (void)(f), (void)(g))
#define buddy_probe9(name, a, b, c, d, e, f, g, h, i)                                                        \
	((void)(a), (void)(b), (void)(c), (void)(d), (void)(e), (void)(f), (void)(g), (void)(h), (void)(i))
#endif

/* kswapd starts a balancing run for (order, highest zone). */
static inline void trace_mm_vmscan_kswapd_wake(int nid, int zid, int order)
{
	buddy_probe3(mm_vmscan_kswapd_wake, nid, zid, order);
}

/* An allocation (or a boosted watermark) wakes a node's kswapd. */
static inline void trace_mm_vmscan_wakeup_kswapd(int nid, int zid, int order, gfp_t gfp_flags)
{
	buddy_probe4(mm_vmscan_wakeup_kswapd, nid, zid, order, gfp_flags);
}

static inline void trace_mm_vmscan_direct_reclaim_begin(int order, gfp_t gfp_flags)
{
	buddy_probe2(mm_vmscan_direct_reclaim_begin, order, gfp_flags);
}

static inline void trace_mm_vmscan_direct_reclaim_end(unsigned long nr_reclaimed)
{
	buddy_probe1(mm_vmscan_direct_reclaim_end, nr_reclaimed);
}

/* do_shrink_slab's plan for one shrinker: nr deferred, freeable, delta, total_scan. */
static inline void trace_mm_shrink_slab_start(struct shrinker *shr, const struct shrink_control *sc, long nr,
					      long freeable, unsigned long long delta, long total_scan,
					      int priority)
{
	void *shr_addr = shr, *shrink = (void *)shr->scan_objects;
	buddy_probe9(mm_shrink_slab_start, shr_addr, shrink, sc->nid, nr, sc->gfp_mask, freeable, delta,
		     total_scan, priority);
}

/*
 * And what it did. shrink is passed in: after a callback the owner may have
 * unregistered and freed the struct, so it is read before the scan.
 */
static inline void trace_mm_shrink_slab_end(const struct shrinker *shr, void *shrink, int nid, long unused,
					    long new_scan, long freed, long total_scan)
{
	const void *shr_addr = shr;
	buddy_probe7(mm_shrink_slab_end, shr_addr, shrink, nid, unused, new_scan, freed, total_scan);
}

#endif /* BUDDY_TRACE_VMSCAN_H */
