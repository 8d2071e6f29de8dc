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
 * __GFP_KSWAPD_RECLAIM for anything to happen.
 */
HIDDEN void wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order, enum zone_type highest_zoneidx);
/*
 * 6.1 try_to_free_pages: direct reclaim for the calling thread, through the
 * shrinkers the mask allows, priorities DEF_PRIORITY down to 0. Counts
 * allocstall_*, pgscan_direct, pgsteal_direct. Returns pages reclaimed.
 */
HIDDEN unsigned long try_to_free_pages(struct zonelist *zonelist, int order, gfp_t gfp_mask,
				       nodemask_t *nodemask);
/*
 * What reclaim could still free in zone, in pages (the kernel's
 * zone_reclaimable_pages): should_reclaim_retry adds it to the free count.
 */
HIDDEN unsigned long zone_reclaimable_pages(struct zone *zone);
/* kswapd's loop body (pgdat->kswapd, kthread.h): balance_pgdat for what wakeup_kswapd asked. */
HIDDEN void kswapd_work(struct buddy_kthread *kt);
/* The node gave up on reclaim after MAX_RECLAIM_RETRIES fruitless kswapd rounds. */
HIDDEN bool pgdat_node_unreclaimable(const pg_data_t *pgdat);

#endif /* BUDDY_VMSCAN_H */
