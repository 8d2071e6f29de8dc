/* SPDX-License-Identifier: MIT */
/*
 * Zones and nodes: free_area, per_cpu_pages, zone, zonelist, pglist_data,
 * the pageblock bits, the gfp -> zone and gfp -> migratetype tables, and the
 * helpers that need only these types (the kernel's mmzone.h and
 * pageblock-flags.h). zone->lock guards free_area[] and the free counts.
 */
#ifndef BUDDY_MMZONE_H
#define BUDDY_MMZONE_H

#include <pthread.h>
#include <stdint.h>

#include <buddy/gfp.h>

#include "mm_types.h"
#include "kthread.h"

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/* Zone counters kept exact under zone->lock (read racily for stats). */
enum zone_stat_item { NR_FREE_PAGES, NR_FREE_CMA_PAGES, NR_ZONE_STAT_ITEMS };

/*
 * NUMA allocation events, per zone and per CPU as the kernel keeps them
 * (zone_statistics): in per_cpu_pages, written under the CPU's lock.
 */
enum numa_stat_item {
	NUMA_HIT,	     /* allocated from the preferred node */
	NUMA_MISS,	     /* allocated here although another node was preferred */
	NUMA_FOREIGN,	     /* preferred this zone's node but got another */
	NUMA_INTERLEAVE_HIT, /* MPOL_INTERLEAVE pages on the node it chose (6.1 alloc_page_interleave) */
	NUMA_LOCAL,	     /* allocated on the calling CPU's node */
	NUMA_OTHER,	     /* allocated on another node than the CPU's */
	NR_VM_NUMA_EVENT_ITEMS
};

/*
 * nr_free counts blocks on all lists; nr_free_mt[] per migratetype, so stats
 * and watermark checks never walk a list. Both include the zone's deferred
 * max-order blocks (MOVABLE). Written under zone->lock with WRITE_ONCE, read
 * anywhere with READ_ONCE.
 */
struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
	unsigned long nr_free_mt[MIGRATE_TYPES];
};

/* pcp lists: orders 0..PAGE_ALLOC_COSTLY_ORDER and pageblock_order (6.1). */
#define NR_PCP_ORDERS (PAGE_ALLOC_COSTLY_ORDER + 2)
#define NR_PCP_LISTS  (MIGRATE_PCPTYPES * NR_PCP_ORDERS)

/* pcp->flags (6.7). */
#define PCPF_PREV_FREE_HIGH_ORDER (1U << 0) /* the last free was of orders 1..3 */
#define PCPF_FREE_HIGH_BATCH	  (1U << 1) /* the CPU's cache slice holds 5 batches: keep one on free_high */

/*
 * 6.7 CONFIG_PCP_BATCH_SCALE_MAX (default 5): free_count stops at batch << 5,
 * refills grow to at most batch << 5, and free_high and decay move at most
 * that many pages.
 */
#define PCP_BATCH_SCALE_MAX 5

struct per_cpu_pages {
	int count;	/* pages on all lists */
	int high;	/* drain past this; auto-tuned between high_min and high_max (6.7) */
	int high_min;	/* 6.7: zone_highsize from the low watermark */
	int high_max;	/* 6.7: zone_highsize with fraction MIN_PERCPU_PAGELIST_HIGH_FRACTION */
	int batch;	/* chunk size for refill and drain */
	int free_count; /* pages freed since allocations last halved it (6.7; capped lazily, see pcp.c) */
	unsigned char flags;	    /* PCPF_* */
	unsigned char alloc_factor; /* refills double per refill without a free between (6.7) */
	unsigned char decay_events; /* slow-path events since the clock was last read (pcp.c) */
	unsigned int decay_stamp;   /* ms clock of the last decay_pcp_high (pcp.c) */
	struct list_head lists[NR_PCP_LISTS];
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS]; /* cpu->lock held */

	/*
	 * Deviation (pcp_reserve_fraction, pcp_reserve.c): blocks of orders
	 * above 0 that frees past high keep on this CPU instead of returning
	 * them to the buddy lists; an empty list refills from here before it
	 * takes zone->lock. Not in count, and drained with the lists.
	 */
	int reserve_count;   /* pages on the reserve lists */
	int reserve_claimed; /* at most this many: claimed from zone->pcp_reserve_budget */
	struct list_head reserve[NR_PCP_LISTS];
} __cacheline_aligned;

struct pglist_data;

struct zone {
	/* Read-mostly. */
	/*
	 * Each mark plus watermark_boost, kept summed so that wmark_pages - on
	 * the fast path - is one load, as before boosting existed; written only
	 * by __zone_update_wmarks, under zone->lock. Beside lowmem_reserve: the
	 * fast path reads both from this one cache line.
	 */
	unsigned long _wmark_boosted[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	unsigned long _watermark[NR_WMARK]; /* the marks setup_per_zone_wmarks computes */
	/*
	 * Added to every mark while fragmenting fallbacks last (6.1): raised by
	 * boost_watermark under zone->lock, cleared by kswapd; read racily.
	 */
	unsigned long watermark_boost;
	unsigned long flags; /* ZONE_* bits, atomic */
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset; /* [nr_cpu_ids] */
	unsigned long *pageblock_flags;	       /* NR_PAGEBLOCK_BITS per block */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long cma_pages;
	const char *name;
	int node;
	enum zone_type idx;

	/* Written under lock. */
	pthread_mutex_t lock __cacheline_aligned;
	/*
	 * On a line of its own after the lock (the kernel's ZONE_PADDING idea):
	 * a thread waiting for the lock reads the lock's line, and must not
	 * take it away from the holder's list-head and count updates.
	 */
	struct free_area free_area[MAX_ORDER] __cacheline_aligned;
	/*
	 * Bit o set while free_area[o] holds a block on a list of a pcp type
	 * (unmovable, movable, reclaimable): the common answer of
	 * __zone_watermark_ok's high-order test in one load instead of a walk
	 * of the orders. Derived from nr_free_mt[] by account_free_blocks;
	 * written under zone->lock, read racily like the counts.
	 */
	unsigned long pcptype_free_orders;
	unsigned long nr_reserved_highatomic;
	unsigned long nr_isolate_pageblock; /* MIGRATE_ISOLATE blocks: pcp drains recheck */
	unsigned long deferred_pfn;	    /* first of one run of max-order blocks not yet on a list */
	unsigned long nr_deferred;	    /* blocks in that run; counted in free_area[MAX_ORDER-1] */
	unsigned long nr_guard_pages;	    /* debug_guardpage_minorder: guard pages, not counted free */
	atomic_long vm_stat[NR_ZONE_STAT_ITEMS];
	/* Free pages in PageReported blocks (page_reporting.c): zone->lock held to write, read racily. */
	unsigned long reported_pages;

	/*
	 * Deviation (pcp_reserve.c): pages the CPUs' reserves may still claim,
	 * in chunks, with an atomic compare-and-swap (rarely: once per chunk);
	 * pcp_reserve_total is the whole, set by zone_pcp_update, read racily.
	 */
	atomic_long pcp_reserve_budget;
	atomic_long pcp_reserve_total;

	/*
	 * Compaction's per-zone state (compaction.c). As in the kernel it is
	 * read and written without a lock, by every thread that compacts the
	 * zone: READ_ONCE/WRITE_ONCE, and a lost update only costs a rescan.
	 */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2]; /* [async, sync] */
	unsigned long compact_init_migrate_pfn;
	unsigned long compact_init_free_pfn;
	unsigned int compact_considered; /* attempts skipped since the last deferral */
	unsigned int compact_defer_shift;
	int compact_order_failed;
	bool compact_blockskip_flush; /* the scanners met: clear the skip bits next time */
#if BUDDY_DEBUG_VM
	_Atomic uintptr_t lock_owner; /* zone_lock()'s holder, 0 when free */
#endif
} __cacheline_aligned;

static inline bool populated_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}
static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn - z->zone_start_pfn < z->spanned_pages;
}
static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}
/* The end of the deferred run; equal to deferred_pfn when it is empty. */
static inline unsigned long zone_deferred_end(const struct zone *z)
{
	return z->deferred_pfn + (z->nr_deferred << (MAX_ORDER - 1));
}
/*
 * zone->lock. With BUDDY_DEBUG_VM the holder is recorded, so a "__" helper can
 * assert that its caller holds the lock (the kernel's lockdep_assert_held),
 * and at the expensive level zone_unlock() runs the zone checker before it
 * lets go. zone_unlock_nocheck() is for sections that change nothing (the
 * checker's own, the dumps' snapshots) and for tests that corrupt a zone on
 * purpose.
 */
#if BUDDY_DEBUG_VM
static inline uintptr_t zone_lock_token(void)
{
	return (uintptr_t)pthread_self();
}
static inline bool zone_lock_held(struct zone *z)
{
	return atomic_load_explicit(&z->lock_owner, memory_order_relaxed) == zone_lock_token();
}
static inline void zone_lock_acquired(struct zone *z)
{
	atomic_store_explicit(&z->lock_owner, zone_lock_token(), memory_order_relaxed);
}
static inline void zone_lock_releasing(struct zone *z, bool check)
{
	VM_BUG_ON(!zone_lock_held(z));
	if (VM_DEBUG_EXPENSIVE && check)
		vm_check_zone_locked(z);
	atomic_store_explicit(&z->lock_owner, 0, memory_order_relaxed);
}
#else
static inline bool zone_lock_held(struct zone *z)
{
	(void)z;
	return true;
}
static inline void zone_lock_acquired(struct zone *z)
{
	(void)z;
}
static inline void zone_lock_releasing(struct zone *z, bool check)
{
	(void)z;
	(void)check;
}
#endif
#define lockdep_assert_zone_held(z) VM_BUG_ON(!zone_lock_held(z))

static inline void zone_lock(struct zone *z)
{
	pthread_mutex_lock(&z->lock);
	zone_lock_acquired(z);
}
static inline void zone_unlock(struct zone *z)
{
	zone_lock_releasing(z, true);
	pthread_mutex_unlock(&z->lock);
}
static inline void zone_unlock_nocheck(struct zone *z)
{
	zone_lock_releasing(z, false);
	pthread_mutex_unlock(&z->lock);
}

/*
 * Racy by design: the tunable setters rewrite the marks under running
 * allocators. Includes the boost, as 6.1's wmark_pages does, summed ahead.
 */
static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return READ_ONCE(z->_wmark_boosted[w]);
}

/* zone->lock held: the marks or the boost changed; the sums wmark_pages reads follow. */
static inline void __zone_update_wmarks(struct zone *z)
{
	lockdep_assert_zone_held(z);
	for (int w = 0; w < NR_WMARK; w++)
		WRITE_ONCE(z->_wmark_boosted[w], READ_ONCE(z->_watermark[w]) + z->watermark_boost);
}

/* zone->lock held. */
static inline void __zone_set_watermark_boost(struct zone *z, unsigned long boost)
{
	WRITE_ONCE(z->watermark_boost, boost);
	__zone_update_wmarks(z);
}

/* zone->flags (6.1 enum zone_flags, the one libbuddy uses). */
enum zone_flags {
	ZONE_BOOSTED_WATERMARK, /* a fallback boosted the marks: the allocator wakes kswapd */
	ZONE_RECLAIM_ACTIVE,	/* 6.7: kswapd is reclaiming the node: pcp frees keep little */
	ZONE_BELOW_HIGH,	/* 6.7: free pages fell below the high mark: pcp high shrinks */
};

/* zonelists: node-ordered, each node's zones from the highest down. */
enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };

struct zoneref {
	struct zone *zone;
	int zone_idx;
};
struct zonelist {
	struct zoneref _zonerefs[MAX_NUMNODES * MAX_NR_ZONES + 1];
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	/* First zoneref of each zonelist at or below each highest_zoneidx. */
	struct zoneref *first_zoneref[MAX_ZONELISTS][MAX_NR_ZONES];
	int node_id;
	int nr_zones; /* highest populated zone + 1 */
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	/* The node's background threads (kthread.h), started on their first wake-up. */
	char kswapd_name[24]; /* room for any int: gcc -Wformat-truncation */
	char kcompactd_name[24];
	struct buddy_kthread kswapd; /* vmscan.c: kswapd_work */
	/* kswapd's request (6.1), set by wakeup_kswapd, taken by kswapd; atomics. */
	int kswapd_order;
	int kswapd_highest_zoneidx;	/* MAX_NR_ZONES: none asked */
	int kswapd_failures;		/* fruitless balance_pgdat runs; reset by progress or a free */
	long kswapd_slept_ms;		/* when kswapd last went to sleep balanced (0: never) */
	struct buddy_kthread kcompactd; /* compaction.c: kcompactd_work */
	/* What wakeup_kcompactd asked for (READ_ONCE/WRITE_ONCE; 0: nothing). */
	int kcompactd_max_order;
	int kcompactd_highest_zoneidx;
} pg_data_t;

/*
 * A free reached the buddy lists (the pcp drain, free_one_page): the node
 * has memory coming back, so kswapd may try again (node_unreclaimable ends).
 */
static inline void clear_kswapd_failures(pg_data_t *pgdat)
{
	if (unlikely(READ_ONCE(pgdat->kswapd_failures)))
		WRITE_ONCE(pgdat->kswapd_failures, 0);
}

/*
 * The zone of an allocated page. The kernel encodes zone and node in the top
 * bits of flags; here the descriptor holds the zone pointer instead, so
 * nothing decodes them (page_zonenum and page_to_nid go by the pfn).
 */
static inline struct zone *page_zone(const struct page *p)
{
	return p->zone;
}
/* A descriptor taken into zone z: no flags, the zone recorded. */
static inline void set_page_links(struct page *p, struct zone *z)
{
	set_page_flags(p, 0);
	p->zone = z;
}

/* ------------------------------------------------------- gfp -> zone, migratetype */

#define ZONE_BAD MAX_NR_ZONES

/*
 * gfp_zone() as one 64-bit constant, 4 bits per combination of the four zone
 * modifiers (the kernel packs GFP_ZONE_TABLE the same way): see gfp.c.
 */
#define GFP_ZONE_TABLE_BITS	    4
#define GFP_ZONE_ENTRY(combo, zone) ((uint64_t)(zone) << ((combo)*GFP_ZONE_TABLE_BITS))
#define GFP_ZONE_TABLE                                                                                       \
	(GFP_ZONE_ENTRY(0x0, ZONE_NORMAL) | GFP_ZONE_ENTRY(0x1, ZONE_DMA) |                                  \
	 GFP_ZONE_ENTRY(0x2, ZONE_HIGHMEM) | GFP_ZONE_ENTRY(0x3, ZONE_BAD) |                                 \
	 GFP_ZONE_ENTRY(0x4, ZONE_DMA32) | GFP_ZONE_ENTRY(0x5, ZONE_BAD) | GFP_ZONE_ENTRY(0x6, ZONE_BAD) |   \
	 GFP_ZONE_ENTRY(0x7, ZONE_BAD) | GFP_ZONE_ENTRY(0x8, ZONE_NORMAL) | GFP_ZONE_ENTRY(0x9, ZONE_DMA) |  \
	 GFP_ZONE_ENTRY(0xA, ZONE_MOVABLE) | GFP_ZONE_ENTRY(0xB, ZONE_BAD) |                                 \
	 GFP_ZONE_ENTRY(0xC, ZONE_DMA32) | GFP_ZONE_ENTRY(0xD, ZONE_BAD) | GFP_ZONE_ENTRY(0xE, ZONE_BAD) |   \
	 GFP_ZONE_ENTRY(0xF, ZONE_BAD))

/*
 * The two mobility bits index a four-entry table packed two bits an entry:
 * none -> UNMOVABLE, __GFP_MOVABLE -> MOVABLE, __GFP_RECLAIMABLE ->
 * RECLAIMABLE, and both -> UNMOVABLE. The kernel only warns on "both" (and
 * would index the pcp lists with MIGRATE_HIGHATOMIC); here it is served as
 * unmovable, the one claim that cannot be wrong: a pinned page in a movable
 * or reclaimable block is what defeats compaction and CMA, an unmovable
 * block holding a page that could have moved costs nothing. The full path
 * reports the mask once (bad_mobility_mask).
 */
#define GFP_MIGRATETYPE_TABLE                                                                                \
	((MIGRATE_UNMOVABLE << 0) | (MIGRATE_MOVABLE << 2) | (MIGRATE_RECLAIMABLE << 4) |                    \
	 (MIGRATE_UNMOVABLE << 6))
_Static_assert(MIGRATE_RECLAIMABLE < 4 && MIGRATE_MOVABLE < 4, "two bits per migratetype table entry");

static inline bool gfp_mobility_is_bad(gfp_t gfp_flags)
{
	return (gfp_flags & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK;
}

/* gfp_zone() inline, for the allocation paths (gfp.c exports the call). */
static inline enum zone_type gfp_zone_fast(gfp_t flags)
{
	return (enum zone_type)((GFP_ZONE_TABLE >> ((flags & GFP_ZONEMASK) * GFP_ZONE_TABLE_BITS)) & 0xF);
}

/* ------------------------------------------------------- pageblock bits */

#define PB_migratetype_bits 3
#define PB_migrate_skip	    3 /* compaction's skip bit (pageblock.c get/set_pageblock_skip) */
#define NR_PAGEBLOCK_BITS   4

#define BLOCKS_PER_WORD	 (8 * sizeof(unsigned long) / NR_PAGEBLOCK_BITS)
#define MIGRATETYPE_MASK ((1UL << PB_migratetype_bits) - 1)

/* Inline: the free path reads it for every page. */
static inline int get_pfnblock_migratetype(const struct zone *zone, unsigned long pfn)
{
	unsigned long block = (pfn - zone->zone_start_pfn) >> pageblock_order;
	unsigned int shift = (unsigned int)(block % BLOCKS_PER_WORD) * NR_PAGEBLOCK_BITS;
	unsigned long word =
		__atomic_load_n(&zone->pageblock_flags[block / BLOCKS_PER_WORD], __ATOMIC_RELAXED);

	return (int)((word >> shift) & MIGRATETYPE_MASK);
}

#endif /* BUDDY_MMZONE_H */
