/* SPDX-License-Identifier: MIT */
/*
 * The shrinker registry and the slab-shrinking half of Linux 6.1
 * mm/vmscan.c (do_shrink_slab, shrink_slab), as vmscan.c's reclaim uses
 * them. shrinker.c implements it, with register_shrinker and
 * unregister_shrinker (include/buddy/shrinker.h) and zone_reclaimable_pages
 * (vmscan.h).
 *
 * Locking: shrinker_lock (shrinker.c) guards the registry only; it is never
 * held across a callback, and no other libbuddy lock is taken under it.
 * shrink_slab must be called with no libbuddy lock held: it calls the
 * owners' callbacks.
 */
#ifndef BUDDY_SHRINKER_INTERNAL_H
#define BUDDY_SHRINKER_INTERNAL_H

#include <buddy/shrinker.h>

#include "internal.h"

/* What one shrink_slab pass did, for the caller's vmstat counters. */
struct shrink_result {
	unsigned long freed;   /* pages the callbacks said they freed */
	unsigned long scanned; /* objects (pages) they looked at */
};

/*
 * 6.1 shrink_slab: do_shrink_slab on every registered shrinker that
 * gfp_mask allows (SHRINKER_NOFS_SAFE / SHRINKER_NOIO_SAFE), for node nid
 * at priority (DEF_PRIORITY .. 0), adding to *res. The callbacks run inside
 * a memalloc_noreclaim scope. stop (may be NULL: direct reclaim) is the
 * calling kthread: once it is asked to stop, no further callback is made.
 */
HIDDEN void shrink_slab(gfp_t gfp_mask, int nid, int priority, struct buddy_kthread *stop,
			struct shrink_result *res);
/*
 * Whether gfp_mask may call a shrinker with these flags: without __GFP_IO
 * only SHRINKER_NOIO_SAFE ones, without __GFP_FS also SHRINKER_NOFS_SAFE.
 */
HIDDEN bool shrinker_allowed(gfp_t gfp_mask, unsigned long flags);
/*
 * The pages the registered shrinkers reported for node nid the last time
 * reclaim counted them (count_objects, less what the scan then freed): the
 * basis of zone_reclaimable_pages. No callback is made.
 */
HIDDEN unsigned long node_shrinker_pages(int nid);
/* True when a shrinker is registered (kswapd has something to reclaim). */
HIDDEN bool shrinkers_registered(void);

/* fork(): the registry's lock, taken before the allocator's (see internal.h). */
HIDDEN void shrinker_fork_lock(void);
HIDDEN void shrinker_fork_unlock(bool child);

#endif /* BUDDY_SHRINKER_INTERNAL_H */
