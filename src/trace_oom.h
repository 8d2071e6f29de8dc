/* SPDX-License-Identifier: MIT */
/*
 * USDT probes of the slow path's retry loop and the OOM step, provider
 * "buddy", in trace.h's style (one nop each with no tracer attached).
 * Arguments, as the kernel's tracepoints (include/trace/events/oom.h):
 *   reclaim_retry_zone  node, zone_idx, order, reclaimable, available, min_wmark,
 *                       no_progress_loops, wmark_check
 *   compact_retry       order, priority, result, retries, max_retries, ret
 *   oom                 gfp_mask, order, freed (by the notifier chain), reported
 *                       (what mark_victim marks in the kernel: here the OOM step's outcome)
 *   nofail_wait         gfp_mask, order, waiters (a __GFP_NOFAIL request going to sleep)
 */
#ifndef BUDDY_TRACE_OOM_H
#define BUDDY_TRACE_OOM_H

#include "trace.h"

#ifdef BUDDY_HAVE_SDT
#define buddy_probe8(name, a, b, c, d, e, f, g, h) DTRACE_PROBE8(buddy, name, a, b, c, d, e, f, g, h)
#else
#define buddy_probe8(name, a, b, c, d, e, f, g, h)                                                           \
	((void)(a), (void)(b), (void)(c), (void)(d), (void)(e), (void)(f), (void)(g), (void)(h))
#endif

/* should_reclaim_retry's estimate for one zone of the zonelist. */
static inline void trace_reclaim_retry_zone(const struct zone *zone, unsigned int order,
					    unsigned long reclaimable, unsigned long available,
					    unsigned long min_wmark, int no_progress_loops, bool wmark_check)
{
	int node = zone->node, zone_idx = (int)zone->idx, check = wmark_check;
	buddy_probe8(reclaim_retry_zone, node, zone_idx, order, reclaimable, available, min_wmark,
		     no_progress_loops, check);
}

/* should_compact_retry's answer. */
static inline void trace_compact_retry(unsigned int order, int priority, int result, int retries,
				       int max_retries, bool ret)
{
	int r = ret;
	buddy_probe6(compact_retry, order, priority, result, retries, max_retries, r);
}

/* The OOM step ran the notifier chain: freed pages, and whether the report was printed. */
static inline void trace_oom(gfp_t gfp_mask, unsigned int order, unsigned long freed, bool reported)
{
	int r = reported;
	buddy_probe4(oom, gfp_mask, order, freed, r);
}

static inline void trace_nofail_wait(gfp_t gfp_mask, unsigned int order, int waiters)
{
	buddy_probe3(nofail_wait, gfp_mask, order, waiters);
}

#endif /* BUDDY_TRACE_OOM_H */
