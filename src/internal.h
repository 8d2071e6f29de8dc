/* SPDX-License-Identifier: MIT */
/*
 * libbuddy's private header, grouped like the kernel's mm/internal.h: settings,
 * the global state, alloc_context and ALLOC_*, then one section per source file
 * that defines its items. The types live below it, each header including only
 * those below it: compiler.h < list.h < sanitizer.h < mmdebug.h < mm_types.h <
 * mmzone.h < vmstat.h < pcp.h (+ arch/.../rseq_lock.h) < state.h (settings, the
 * global state) < pcp_lock.h (the inline CPU-lock API) < internal.h. OS calls:
 * os.h. Assertions (BUDDY_DEBUG_VM): mmdebug.h.
 *
 * Locking: zone->lock guards the zone's free_area[] and its free page count;
 * the per-CPU lock (struct buddy_cpu) guards that CPU's per_cpu_pages in every
 * zone and its event counters. A function whose name starts with "__" expects
 * its caller to hold the lock named in its comment (the public gfp.h names
 * __free_pages, __get_free_pages, __alloc_pages_nodemask, and the kernel's
 * __alloc_pages_slowpath, __zone_watermark_ok and __gfp_pfmemalloc_flags,
 * keep their kernel spelling). Lock order: CPU, then zone.
 * Take zone->lock with zone_lock()/zone_unlock() (mmzone.h), which debug
 * builds use to assert the holder.
 */
#ifndef BUDDY_INTERNAL_H
#define BUDDY_INTERNAL_H

#include "pcp_lock.h"

/* ------------------------------------------------------- numa.c */

HIDDEN int numa_discover(struct buddy_settings *s, int *nr_nodes, bool *real);
HIDDEN void numa_bind_range(void *addr, size_t len, int nid);
HIDDEN int numa_cpu_to_node(int cpu);

/* ------------------------------------------------------- zonelist.c */

HIDDEN void build_all_zonelists(void);

/* ------------------------------------------------------- gfp.c */

/* Without grouping everything is one type, as in the kernel. */
static inline int gfp_migratetype(gfp_t gfp_flags)
{
	unsigned int idx = (gfp_flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT;

	if (unlikely(buddy.page_group_by_mobility_disabled))
		return MIGRATE_UNMOVABLE;
	return (int)((GFP_MIGRATETYPE_TABLE >> (2 * idx)) & 3);
}

#define ALLOC_WMARK_MIN	    WMARK_MIN
#define ALLOC_WMARK_LOW	    WMARK_LOW
#define ALLOC_WMARK_HIGH    WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK    (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM	    0x08
#define ALLOC_HARDER	    0x10
#define ALLOC_HIGH	    0x20
#define ALLOC_CPUSET	    0x40
#define ALLOC_CMA	    0x80
#define ALLOC_NOFRAGMENT    0x100
#define ALLOC_KSWAPD	    0x800

HIDDEN unsigned int gfp_to_alloc_flags(gfp_t gfp_mask);
/* 6.1 gfp_to_alloc_flags_cma: movable requests may use CMA pageblocks. */
static inline unsigned int gfp_to_alloc_flags_cma(gfp_t gfp_mask, unsigned int alloc_flags)
{
	if (gfp_migratetype(gfp_mask) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	return alloc_flags;
}
HIDDEN unsigned int __gfp_pfmemalloc_flags(gfp_t gfp_mask);

struct alloc_context;

/* ------------------------------------------------------- pageblock.c */

HIDDEN int get_pageblock_migratetype(const struct page *page);
HIDDEN void set_pageblock_migratetype(struct page *page, int migratetype);
HIDDEN void set_pfnblock_migratetype(struct zone *zone, unsigned long pfn, int mt);
HIDDEN unsigned long *alloc_pageblock_flags(unsigned long spanned_pages);
HIDDEN bool get_pfnblock_skip(const struct zone *zone, unsigned long pfn);
HIDDEN void set_pfnblock_skip(struct zone *zone, unsigned long pfn, bool skip);
HIDDEN extern const char *const migratetype_names[MIGRATE_TYPES];

/* ------------------------------------------------------- free_area.c (zone->lock held) */

HIDDEN void __add_to_free_list(struct page *page, struct zone *zone, unsigned int order, int migratetype,
			       bool tail);
HIDDEN void __del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order);
HIDDEN void __move_to_free_list(struct page *page, struct zone *zone, unsigned int order, int migratetype);
HIDDEN bool free_area_has_pcptype_block(const struct free_area *area);
HIDDEN struct page *__get_page_from_free_area(struct zone *zone, unsigned int order, int migratetype);
HIDDEN void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high,
		   int migratetype);
HIDDEN struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
HIDDEN void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
			    int migratetype);
/* 6.1 __putback_isolated_page: back to the tail, no report request (page reporting's). */
HIDDEN void __putback_isolated_page(struct page *page, unsigned int order, int migratetype);
/*
 * 6.1 capture_control: set by compaction.c around compact_zone for a direct
 * compaction; __free_one_page hands it the first block of the requested
 * order that forms in zone (page), instead of listing it.
 */
struct capture_control {
	struct zone *zone;
	int order;
	int migratetype;
	struct page *page;
};
HIDDEN extern __thread struct capture_control *current_capture_control;
/* Takes zone->lock and reads the block's migratetype under it (6.10). */
HIDDEN void free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order);
HIDDEN int move_freepages_block(struct zone *zone, struct page *page, int migratetype, int *num_movable);
HIDDEN void __split_free_block_over_pageblock(struct zone *zone, unsigned long pfn);
HIDDEN void __remerge_pageblock(struct zone *zone, unsigned long pfn);
HIDDEN void init_zone_free_area(struct zone *zone); /* a new zone, not yet shared */
HIDDEN void deferred_grow_zone(struct zone *zone);
HIDDEN void deferred_init_range(struct zone *zone, unsigned long start, unsigned long end);

/* ------------------------------------------------------- fallback.c (zone->lock held) */

HIDDEN struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
			      unsigned int alloc_flags);
HIDDEN bool __rmqueue_fallback(struct zone *zone, int order, int start_migratetype, unsigned int alloc_flags);

/* ------------------------------------------------------- highatomic.c */

HIDDEN void reserve_highatomic_pageblock(struct page *page, struct zone *zone, unsigned int order);
HIDDEN bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force);
/* A reserved pageblock is about to take another type: its pages leave the count. zone->lock held. */
HIDDEN void highatomic_block_retyped(struct zone *zone);

/* ------------------------------------------------------- page_isolation.c */

HIDDEN int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype);
HIDDEN void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype);
HIDDEN int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn);
HIDDEN int alloc_contig_range_busy(unsigned long start, unsigned long end, int migratetype, gfp_t gfp,
				   unsigned long *busy_pfn);

/* ------------------------------------------------------- cma.c */

HIDDEN int cma_init_reserved_areas(void);
HIDDEN void cma_exit(void);

/* ------------------------------------------------------- watermark.c */

HIDDEN void init_per_zone_wmark_min(void);
HIDDEN void setup_per_zone_wmarks(void);
HIDDEN void setup_per_zone_lowmem_reserve(void);
HIDDEN unsigned long default_min_free_kbytes(void);
HIDDEN bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
			      unsigned int alloc_flags);
HIDDEN bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags, long free_pages);
HIDDEN bool boost_watermark(struct zone *zone); /* zone->lock held; true if boosted */

/* ------------------------------------------------------- page_alloc.c */

struct alloc_context {
	struct zonelist *zonelist;
	buddy_nodemask_t *nodemask;
	struct zoneref *preferred_zoneref;
	int migratetype;
	enum zone_type highest_zoneidx;
};

/*
 * Walk the zonelist from ac's preferred zone and take a prepared page from
 * the first zone whose watermark (alloc_flags) allows it; NULL if none.
 */
/* 6.1 alloc_flags_nofragment: ALLOC_KSWAPD and ALLOC_NOFRAGMENT for a first attempt preferring zone. */
HIDDEN unsigned int alloc_flags_nofragment(struct zone *zone, gfp_t gfp_mask);
HIDDEN struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
					   const struct alloc_context *ac);

/* ------------------------------------------------------- gfp_names.c */

/*
 * Write gfp_mask's flag names as the kernel's %pGg prints them (combined
 * names first, greedily, then single __GFP_ bits, leftover bits in hex,
 * joined by '|'). Returns the length it wanted, like snprintf.
 */
HIDDEN int format_gfp_flags(char *buf, size_t len, gfp_t gfp_mask);

/* ------------------------------------------------------- fork (init.c) */

/*
 * fork() safety, as jemalloc and glibc's malloc do it: the prepare handler
 * takes every libbuddy lock in the global lock order (init, tunables, the
 * shrinker registry (shrinker.h), the nodes' kthread locks, CMA,
 * per-CPU, zones, report), so no lock is held mid-update when the process is
 * copied; the parent's handler releases them; the child's re-initialises
 * them, since their owner does not exist there. Each module does its own.
 */
HIDDEN void tunables_fork_lock(void);
HIDDEN void tunables_fork_unlock(bool child);
HIDDEN void cma_fork_lock(void);
HIDDEN void cma_fork_unlock(bool child);
HIDDEN void pcp_fork_lock(void);
HIDDEN void pcp_fork_unlock(bool child);
HIDDEN void arena_fork_lock(void);
HIDDEN void arena_fork_unlock(bool child);
HIDDEN void report_fork_lock(void);
HIDDEN void report_fork_unlock(bool child);

static inline void fork_unlock_mutex(pthread_mutex_t *lock, bool child)
{
	if (child)
		pthread_mutex_init(lock, NULL);
	else
		pthread_mutex_unlock(lock);
}

/* ------------------------------------------------------- dump.c */

typedef void (*dump_fn)(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_printf(buddy_write_cb *cb, void *opaque, const char *fmt, ...) __printf(3, 4);
HIDDEN void dump_buddyinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_pagetypeinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_zoneinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_extfrag_index(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_unusable_index(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_vmstat(buddy_write_cb *cb, void *opaque);
/*
 * dump_json.c: the "json" view, made by reading the text views back; dump.c
 * hands it the views (so the two files do not call each other).
 */
struct json_source {
	const char *name;
	dump_fn fn;
};
HIDDEN void dump_json_views(buddy_write_cb *cb, void *opaque, const struct json_source *views,
			    size_t nr_views);
HIDDEN void dump_stats_at_exit(void);

/* ------------------------------------------------------- check.c */

HIDDEN int check_zone(struct zone *zone); /* takes zone->lock */
/*
 * zone->lock held. With all_cpus_locked (every CPU's lock held too, as
 * buddy_check does) the pcp lists and in-use pages are checked as well;
 * without, only what zone->lock alone keeps still.
 */
HIDDEN int __check_zone(struct zone *zone, bool all_cpus_locked);

#endif /* BUDDY_INTERNAL_H */
