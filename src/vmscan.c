/* SPDX-License-Identifier: MIT */
/*
 * Reclaim: a placeholder with the interface of vmscan.h until the slow-path
 * issue's reclaim half (#12) lands. Nothing is reclaimed.
 */
#include "vmscan.h"

void wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order, enum zone_type highest_zoneidx)
{
	(void)zone;
	(void)gfp_flags;
	(void)order;
	(void)highest_zoneidx;
}

unsigned long try_to_free_pages(struct zonelist *zonelist, int order, gfp_t gfp_mask, nodemask_t *nodemask)
{
	(void)zonelist;
	(void)order;
	(void)gfp_mask;
	(void)nodemask;
	return 0;
}

unsigned long zone_reclaimable_pages(struct zone *zone)
{
	(void)zone;
	return 0;
}

bool pgdat_node_unreclaimable(const pg_data_t *pgdat)
{
	(void)pgdat;
	return false;
}

void kswapd_work(struct buddy_kthread *kt)
{
	(void)kt;
}
