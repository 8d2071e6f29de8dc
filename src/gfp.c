/* SPDX-License-Identifier: MIT */
/*
 * GFP mask interpretation: which zone a mask asks for (gfp_zone, the 4.x
 * GFP_ZONE_TABLE), which migratetype (gfpflags_to_migratetype) and how deep
 * the allocation may dig (gfp_to_alloc_flags, 4.12 rules).
 */
#include "internal.h"

/*
 * The zone for each of the 16 combinations of the four zone modifiers lives
 * in GFP_ZONE_TABLE (internal.h), as the kernel's GFP_ZONE_TABLE/GFP_ZONE_BAD
 * encode it: more than one of DMA, DMA32 and HIGHMEM at once is
 * contradictory (BAD); MOVABLE alone or with DMA/DMA32 means "movable pages
 * in that zone"; MOVABLE with HIGHMEM means ZONE_MOVABLE.
 * Returns MAX_NR_ZONES (ZONE_BAD) for a contradictory combination.
 */
enum zone_type gfp_zone(gfp_t flags)
{
	return __gfp_zone(flags);
}

int gfpflags_to_migratetype(gfp_t gfp_flags)
{
	return __gfpflags_to_migratetype(gfp_flags);
}

/* The 4.12 gfp_to_alloc_flags, minus the cpuset and OOM-victim cases. */
unsigned int gfp_to_alloc_flags(gfp_t gfp_mask)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	if (gfp_mask & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if ((gfp_mask & __GFP_ATOMIC) && !(gfp_mask & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_HARDER;
	if ((gfp_mask & __GFP_MEMALLOC) && !(gfp_mask & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_NO_WATERMARKS;
	if (gfp_mask & __GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	if (gfpflags_to_migratetype(gfp_mask) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	return alloc_flags;
}
