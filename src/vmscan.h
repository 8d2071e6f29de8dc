/* SPDX-License-Identifier: MIT */
/*
 * Reclaim as the slow path sees it (Linux 6.1 mm/vmscan.c): kswapd's
 * wake-up, direct reclaim through the registered shrinkers, and the
 * reclaimable estimate should_reclaim_retry works with. vmscan.c
 * implements it.
 */
#ifndef BUDDY_VMSCAN_H
#define BUDDY_VMSCAN_H

#include "internal.h"

/* The kernel's MAX_RECLAIM_RETRIES: fruitless rounds before giving up (and node_unreclaimable). */
#define MAX_RECLAIM_RETRIES 16
#define DEF_PRIORITY	    12

/*
 * 6.1 wakeup_kswapd: wake zone's node's kswapd for a request of order up to
 * highest_zoneidx (starting the thread if needed). gfp_flags must contain
 * __GFP_KSWAPD_RECLAIM for anything to happen. Nothing happens either when
 * the node is hopeless (node_unreclaimable) or already balanced and not
 * boosted; then, for a mask without __GFP_DIRECT_RECLAIM, kcompactd is
 * woken instead (6.1). No lock may be held.
 */
HIDDEN void wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order, enum zone_type highest_zoneidx);
/* 6.1 rmqueue's wake-up for a boosted zone (wakeup_kswapd_if_boosted below). */
HIDDEN void wakeup_kswapd_boosted(struct zone *zone);
/*
 * 6.1 rmqueue's tail: a fallback that boosted zone's watermarks for a
 * request with ALLOC_KSWAPD set ZONE_BOOSTED_WATERMARK; wake kswapd now,
 * since the node may look balanced and kswapd would not wake on its own.
 * Cheap when the flag is clear (one load). Call with no lock held, after
 * taking a page from zone on any path but the order-0 leaf fast path
 * (which never refills, so never falls back).
 */
static inline void wakeup_kswapd_if_boosted(struct zone *zone)
{
	unsigned long bit = 1UL << ZONE_BOOSTED_WATERMARK;

	if (unlikely(__atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & bit) &&
	    (__atomic_fetch_and(&zone->flags, ~bit, __ATOMIC_RELAXED) & bit))
		wakeup_kswapd_boosted(zone);
}
/*
 * 6.1 try_to_free_pages: direct reclaim for the calling thread, through the
 * shrinkers the mask allows (current_gfp_context(gfp_mask)), one pass per
 * node of the zonelist's zones up to gfp_zone(gfp_mask) in nodemask, at
 * priorities DEF_PRIORITY down to 0 until SWAP_CLUSTER_MAX pages came
 * back. Counts allocstall_*, pgscan_direct, pgsteal_direct. Returns pages
 * reclaimed. Runs the callbacks itself inside the memalloc_noreclaim scope
 * (whether or not the caller entered it); no lock may be held.
 */
HIDDEN unsigned long try_to_free_pages(struct zonelist *zonelist, int order, gfp_t gfp_mask,
				       buddy_nodemask_t *nodemask);
/*
 * What reclaim could still free in zone, in pages (the kernel's
 * zone_reclaimable_pages): should_reclaim_retry adds it to the free count.
 * Here: what the node's shrinkers last reported (count_objects, less what
 * the scan after it freed), at most the zone's pages in use; 0 before
 * reclaim first ran. No callback is made. shrinker.c defines it.
 */
HIDDEN unsigned long zone_reclaimable_pages(struct zone *zone);
/* kswapd's loop body (pgdat->kswapd, kthread.h): balance_pgdat for what wakeup_kswapd asked. */
HIDDEN void kswapd_work(struct buddy_kthread *kt);
/*
 * The node gave up on reclaim after MAX_RECLAIM_RETRIES fruitless kswapd
 * rounds; reclaim progress or a free that reaches the buddy lists ends it.
 */
HIDDEN bool pgdat_node_unreclaimable(const pg_data_t *pgdat);
/*
 * 6.1 pgdat_balanced: some populated zone up to highest_zoneidx meets its
 * high mark (boost included) for order; true too when there is none.
 */
HIDDEN bool pgdat_balanced(pg_data_t *pgdat, int order, int highest_zoneidx);

#endif /* BUDDY_VMSCAN_H */
