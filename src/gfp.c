/* SPDX-License-Identifier: MIT */
/*
 * GFP mask interpretation: which zone a mask asks for (gfp_zone, the 4.x
 * GFP_ZONE_TABLE), which migratetype (gfpflags_to_migratetype) and how deep
 * the allocation may dig (gfp_to_alloc_flags, 4.12 rules).
 */
#include "internal.h"
#include "sched_mm.h"

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
	return gfp_zone_fast(flags);
}

int gfpflags_to_migratetype(gfp_t gfp_flags)
{
	return gfp_migratetype(gfp_flags);
}

/*
 * The slow path's alloc_flags (6.1 gfp_to_alloc_flags): the min mark, and
 * the mask's own right to dig below it. __GFP_HIGH halves the mark
 * (ALLOC_HIGH); __GFP_ATOMIC takes a further quarter (ALLOC_HARDER) and may
 * also use the highatomic reserve - unless __GFP_NOMEMALLOC says the caller
 * must not touch reserves. Atomic requests ignore cpusets rather than fail.
 * __GFP_KSWAPD_RECLAIM asks the slow path to wake kswapd (ALLOC_KSWAPD; the
 * bits differ from 6.1's, so it is a test, not the kernel's copy of the
 * bit). Left out: realtime tasks also get ALLOC_HARDER (we do not look at
 * the caller's scheduling class).
 */
unsigned int gfp_to_alloc_flags(gfp_t gfp_mask)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	if (gfp_mask & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if (gfp_mask & __GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	if (gfp_mask & __GFP_ATOMIC) {
		if (!(gfp_mask & __GFP_NOMEMALLOC))
			alloc_flags |= ALLOC_HARDER;
		alloc_flags &= ~(unsigned int)ALLOC_CPUSET;
	}
	return gfp_to_alloc_flags_cma(gfp_mask, alloc_flags);
}

/*
 * May this request ignore the watermarks altogether (6.1
 * __gfp_pfmemalloc_flags)? __GFP_NOMEMALLOC always wins; then
 * __GFP_MEMALLOC, and a thread inside a noreclaim scope (the kernel's
 * PF_MEMALLOC: a reclaimer - a shrinker, an OOM notifier - that must get
 * memory to free memory). There are no interrupts to tell apart, and no OOM
 * victims (ALLOC_OOM). Returns the alloc_flags that replace the slow
 * path's, or 0.
 */
unsigned int __gfp_pfmemalloc_flags(gfp_t gfp_mask)
{
	if (gfp_mask & __GFP_NOMEMALLOC)
		return 0;
	if (gfp_mask & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (current_is_memalloc())
		return ALLOC_NO_WATERMARKS;
	return 0;
}
