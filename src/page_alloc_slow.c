/* SPDX-License-Identifier: MIT */
/*
 * The slow path's decisions (Linux 6.1 mm/page_alloc.c): page_alloc_slow.h.
 * Below page_alloc.c, above vmscan.c, compaction.c, watermark.c,
 * highatomic.c and report.c.
 */
#include "page_alloc_slow.h"
#include "sched_mm.h"
#include "trace_oom.h"
#include "vmscan.h"

gfp_t slowpath_gfp_mask(gfp_t gfp_mask, unsigned int order)
{
	gfp_mask = current_gfp_context(gfp_mask);
	/* 6.1 rmqueue: nobody should need more than order 1 with __GFP_NOFAIL */
	if (unlikely((gfp_mask & __GFP_NOFAIL) && order > 1))
		warn_once_gfp(WARN_NOFAIL_HIGH_ORDER, false, gfp_mask, "rmqueue",
			      "__GFP_NOFAIL above order 1");
	/* atomic reserves are for callers that cannot sleep; this one may */
	if (unlikely((gfp_mask & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) ==
		     (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM))) {
		warn_once_gfp(WARN_ATOMIC_DIRECT_RECLAIM, false, gfp_mask, "__alloc_pages_slowpath",
			      "__GFP_ATOMIC with __GFP_DIRECT_RECLAIM: __GFP_ATOMIC dropped");
		gfp_mask &= ~__GFP_ATOMIC;
	}
	return gfp_mask;
}

bool gfp_pfmemalloc_allowed(gfp_t gfp_mask)
{
	return __gfp_pfmemalloc_flags(gfp_mask) != 0;
}

void wake_all_kswapds(unsigned int order, gfp_t gfp_mask, const struct alloc_context *ac)
{
	pg_data_t *last_pgdat = NULL;

	for (struct zoneref *z = ac->zonelist->_zonerefs; z->zone; z++) {
		struct zone *zone = z->zone;

		if (z->zone_idx > (int)ac->highest_zoneidx || !zone->managed_pages)
			continue;
		if (ac->nodemask && !node_isset(zone->node, ac->nodemask))
			continue;
		if (NODE_DATA(zone->node) != last_pgdat) {
			wakeup_kswapd(zone, gfp_mask, (int)order, ac->highest_zoneidx);
			last_pgdat = NODE_DATA(zone->node);
		}
	}
}

unsigned long __perform_reclaim(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac)
{
	/* a reclaimer's own allocations (a shrinker's) must not reclaim again */
	unsigned int noreclaim = memalloc_noreclaim_save();
	unsigned long progress = try_to_free_pages(ac->zonelist, (int)order, gfp_mask, ac->nodemask);

	memalloc_noreclaim_restore(noreclaim);
	return progress;
}

/* Would this zone meet the min mark if everything reclaimable in it were reclaimed? */
static bool zone_could_satisfy(struct zone *zone, unsigned int order, const struct alloc_context *ac,
			       unsigned int alloc_flags, int no_progress_loops)
{
	unsigned long min_wmark = wmark_pages(zone, WMARK_MIN);
	unsigned long reclaimable = zone_reclaimable_pages(zone);
	unsigned long available = reclaimable + (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
	bool wmark = __zone_watermark_ok(zone, order, min_wmark, (int)ac->highest_zoneidx, alloc_flags,
					 (long)available);

	trace_reclaim_retry_zone(zone, order, reclaimable, available, min_wmark, no_progress_loops, wmark);
	return wmark;
}

bool should_reclaim_retry(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac,
			  unsigned int alloc_flags, bool did_some_progress, int *no_progress_loops)
{
	(void)gfp_mask;
	/*
	 * Reclaim that made progress resets the count - except for costly
	 * orders, whose progress may not add up to a block of their order.
	 */
	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;

	if (*no_progress_loops <= MAX_RECLAIM_RETRIES) {
		for (struct zoneref *z = ac->zonelist->_zonerefs; z->zone; z++) {
			if (z->zone_idx > (int)ac->highest_zoneidx)
				continue;
			if (ac->nodemask && !node_isset(z->zone->node, ac->nodemask))
				continue;
			if (zone_could_satisfy(z->zone, order, ac, alloc_flags, *no_progress_loops))
				return true;
		}
	}
	/* before the OOM step, the highatomic reserves go */
	return unreserve_highatomic_pageblock(ac, true);
}

bool oom_step_skipped(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac)
{
	/* the OOM killer does not make high-order blocks */
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return true;
	/* the caller has a fallback; or memory freed elsewhere may not be on this node */
	if (gfp_mask & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		return true;
	/* no killing for lowmem */
	return ac->highest_zoneidx < ZONE_NORMAL;
}

bool nofail_may_loop(gfp_t gfp_mask, unsigned int order, bool can_direct_reclaim)
{
	if (!can_direct_reclaim) {
		warn_once_gfp(WARN_NOFAIL_NO_RECLAIM, true, gfp_mask, "__alloc_pages_slowpath",
			      "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM cannot wait: failing");
		return false;
	}
	if (current_is_memalloc())
		warn_once_gfp(WARN_NOFAIL_MEMALLOC, true, gfp_mask, "__alloc_pages_slowpath",
			      "__GFP_NOFAIL inside a noreclaim scope: it can only wait for others to free");
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		warn_once_gfp(WARN_NOFAIL_COSTLY, true, gfp_mask, "__alloc_pages_slowpath",
			      "__GFP_NOFAIL at a costly order");
	return true;
}
