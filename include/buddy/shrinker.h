/* SPDX-License-Identifier: MIT */
/*
 * Shrinkers: caches the allocator may ask to give memory back, with the
 * kernel's 4.x API (<linux/shrinker.h>). libbuddy has no page cache of its
 * own; a program registers the caches it can shrink, and kswapd (in the
 * background) and direct reclaim (in an allocating thread whose mask has
 * __GFP_DIRECT_RECLAIM) call them when a zone runs low. docs/reclaim.md has
 * the whole contract; in short:
 *
 * - The unit is the page: count_objects reports how many pages of this
 *   allocator the cache could free now, scan_objects looks at up to
 *   sc->nr_to_scan of them and returns how many it freed (with
 *   __free_pages), or SHRINK_STOP when it cannot make progress now (a lock
 *   it needs is busy, say). Setting sc->nr_scanned tells how many it looked
 *   at, when that differs from nr_to_scan.
 * - Callbacks run on kswapd's thread or on an allocating thread, with no
 *   libbuddy lock held, inside a memalloc_noreclaim scope: an allocation
 *   made there never re-enters reclaim (it may dip into the reserves below
 *   the min watermark, and may fail).
 * - A shrinker is called only when the request's mask allows it: a mask
 *   without __GFP_FS (GFP_NOFS, or a memalloc_nofs scope) calls only the
 *   shrinkers flagged SHRINKER_NOFS_SAFE or SHRINKER_NOIO_SAFE; a mask
 *   without __GFP_IO (GFP_NOIO, a memalloc_noio scope) only those flagged
 *   SHRINKER_NOIO_SAFE. Flag a shrinker so when its callbacks take no lock
 *   that a thread allocating with such a mask could hold.
 * - unregister_shrinker waits for calls of the shrinker running on other
 *   threads to return; it may be called from the shrinker's own callback
 *   (it then does not wait for that call). Afterwards the struct may be
 *   freed. Do not hold a lock the callbacks take while unregistering: a
 *   call waiting for it would never return (as in the kernel).
 */
#ifndef BUDDY_SHRINKER_H
#define BUDDY_SHRINKER_H

#include <buddy/gfp.h>

#ifdef __cplusplus
extern "C" {
#endif

struct shrink_control {
	gfp_t gfp_mask;		  /* the reclaiming request's mask, as its thread's scope narrows it */
	int nid;		  /* the node reclaimed for (0 unless SHRINKER_NUMA_AWARE) */
	unsigned long nr_to_scan; /* scan_objects: how many to look at */
	unsigned long nr_scanned; /* scan_objects may lower it: how many it looked at */
};

struct shrinker {
	/* How many pages the cache could free now (0: nothing, skip the scan). */
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *);
	/* Free up to nr_to_scan; return how many were freed, or SHRINK_STOP. */
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *);
	int seeks;	     /* cost to recreate an object; DEFAULT_SEEKS; 0: trim hard */
	long batch;	     /* objects per scan_objects call; 0 = SHRINK_BATCH */
	unsigned long flags; /* SHRINKER_* */
};

#define SHRINK_STOP   (~0UL)
#define SHRINK_EMPTY  (~0UL - 1) /* count_objects may return it for "empty" (6.1); same as 0 */
#define DEFAULT_SEEKS 2
#define SHRINK_BATCH  128

/* The kernel's value: called per node with sc->nid, its deferred work kept per node. */
#define SHRINKER_NUMA_AWARE (1UL << 1)
/* libbuddy's: the callbacks may run for a request without __GFP_FS. */
#define SHRINKER_NOFS_SAFE (1UL << 8)
/* libbuddy's: the callbacks may run for a request without __GFP_IO (implies NOFS_SAFE). */
#define SHRINKER_NOIO_SAFE (1UL << 9)

/*
 * 0, -EINVAL (a callback missing, batch < 0, seeks < 0, or the shrinker
 * already registered: reported on stderr), or -ENOMEM. The first
 * registration after buddy_init starts the nodes' kswapd threads (unless
 * BUDDY_CONF has kswapd:off).
 */
BUDDY_API int register_shrinker(struct shrinker *shrinker);
/* A shrinker that is not registered is reported on stderr and ignored. */
BUDDY_API void unregister_shrinker(struct shrinker *shrinker);

#ifdef __cplusplus
}
#endif

#endif /* BUDDY_SHRINKER_H */
