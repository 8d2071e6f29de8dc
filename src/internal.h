/* SPDX-License-Identifier: MIT */
/*
 * libbuddy's private header, grouped like the kernel's mm/internal.h: settings,
 * the global state, alloc_context and ALLOC_*, then one section per source file
 * that defines its items. The types live below it, each header including only
 * those below it: compiler.h < list.h < sanitizer.h < mmdebug.h < mm_types.h <
 * mmzone.h < vmstat.h < pcp.h (+ arch/.../rseq_lock.h) < internal.h. OS calls:
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

#include <pthread.h>
#include <stdio.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "pcp.h"

/* ------------------------------------------------------- config.c */

/*
 * Every setting, each kept once: config.c's option table gives each one's
 * key, default and range. Parsed into a local copy at buddy_init, then
 * buddy.settings; the run-time setters (watermark.c) write the tunables there.
 */
struct buddy_settings {
	size_t arena_size;
	size_t zone_size[MAX_NR_ZONES]; /* per node; NORMAL is derived */
	int numa_fake;
	int distance[MAX_NUMNODES][MAX_NUMNODES];
	bool distance_given;
	int distance_nodes; /* the matrix is distance_nodes square */
	/* Requested (0: the formula) until buddy_init; then the value in use. */
	int min_free_kbytes;
	int watermark_scale_factor;
	int lowmem_reserve_ratio[MAX_NR_ZONES];
	int percpu_pagelist_high_fraction;
	int mobility_grouping; /* 1 on, -1 off, 0 auto */
	int pcp_lock;	       /* 0 auto (rseq when possible), 1 rseq, -1 atomic */
	size_t cma;
	char stats_print[256];
};

HIDDEN int buddy_parse_config(const struct buddy_config *cfg, struct buddy_settings *out);
HIDDEN int buddy_parse_conf_string(const char *s, struct buddy_settings *out);
HIDDEN void buddy_default_settings(struct buddy_settings *out);
/* 0, or -EINVAL when value is outside the range of key (as in BUDDY_CONF). */
HIDDEN int buddy_setting_check(const char *key, long long value);

/* ------------------------------------------------------- report.c */

/* A rate limit's current window (report.c); all zero is "not started". */
struct ratelimit_window {
	long begin; /* ms */
	int printed;
	int missed;
	bool started;
};

HIDDEN void bad_page(struct page *page, unsigned long pfn, const char *reason);
HIDDEN void bad_address(const void *addr, const char *reason);
HIDDEN void bad_mobility_mask(gfp_t gfp_mask);
HIDDEN void warn_alloc(gfp_t gfp_mask, unsigned int order, const char *why);
HIDDEN void warn_alloc_nodemask(gfp_t gfp_mask, unsigned int order, const nodemask_t *nodemask,
				const char *why);
HIDDEN void refuse_alloc(gfp_t gfp_mask, unsigned int order, const nodemask_t *nodemask, const char *why);
HIDDEN void show_free_areas(buddy_write_cb *cb, void *opaque);
HIDDEN void report_leaked_pages(void); /* buddy_exit: one line when pages are still allocated */
/*
 * Tests: the rate limit's window (ms, 0 = unlimited), burst and clock (NULL:
 * CLOCK_MONOTONIC); resets the window. Defaults: 5000 ms, 10.
 */
HIDDEN void warn_alloc_set_ratelimit(long interval_ms, int burst, long (*clock_ms)(void));
HIDDEN const char *buddy_progname(void);

/* ------------------------------------------------------- init.c / state */

struct cma; /* cma.c */

struct buddy_state {
	atomic_int initialized;
	atomic_int warned_bad_mobility; /* bad_mobility_mask said it once */
	struct buddy_settings settings;
	char *arena_base; /* virtual address of pfn 0 */
	size_t arena_bytes;
	unsigned long nr_pages; /* pfns 0 .. nr_pages-1 */
	struct page *mem_map;	/* one descriptor per pfn */
	size_t mem_map_bytes;
	int nr_node_ids;
	unsigned long pages_per_node;
	pg_data_t *node_data[MAX_NUMNODES];
	int node_distance[MAX_NUMNODES][MAX_NUMNODES];
	bool real_numa; /* nodes are libnuma's, bound with mbind */
	int nr_cpu_ids;
	struct buddy_cpu *cpus; /* [nr_cpu_ids] */
	int page_group_by_mobility_disabled;
	/*
	 * pcp locks taken with rseq (see pcp_lock_this_cpu). Published last by
	 * do_init, with release: the rseq fast path's only gate.
	 */
	int pcp_rseq_lock;
	struct ratelimit_window nopage_rs; /* warn_alloc's, per allocator like per boot */
	struct cma *cma_areas;		   /* [cma_area_count], one per node (cma.c) */
	int cma_area_count;
	/*
	 * The lazy initialisation failed: allocations fail without retrying
	 * until buddy_init or buddy_exit (init_lock held).
	 */
	bool lazy_init_failed;
};

extern HIDDEN struct buddy_state buddy;

#define NODE_DATA(nid) (buddy.node_data[nid])

/* Lazily initialise on the first allocation. */
HIDDEN void buddy_lazy_init(void);
static inline void buddy_ensure_init(void)
{
	if (unlikely(!atomic_load_explicit(&buddy.initialized, memory_order_acquire)))
		buddy_lazy_init();
}

/* ------------------------------------------------------- arena.c */

HIDDEN int arena_reserve(void);
HIDDEN void arena_release(void);

static inline unsigned long page_to_pfn_fast(const struct page *p)
{
	return (unsigned long)(p - buddy.mem_map);
}
static inline struct page *pfn_to_page_fast(unsigned long pfn)
{
	return buddy.mem_map + pfn;
}
static inline void *pfn_to_virt(unsigned long pfn)
{
	return buddy.arena_base + (pfn << PAGE_SHIFT);
}
static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < buddy.nr_pages;
}
/*
 * A struct page pointer a caller gave us: one of mem_map's descriptors,
 * inside the array and on a descriptor boundary? False for NULL, foreign
 * pointers and every pointer after buddy_exit() (mem_map gone), so each
 * gfp.h function taking a page tests it before the first dereference.
 */
static inline bool valid_page_pointer(const struct page *page)
{
	uintptr_t offset = (uintptr_t)page - (uintptr_t)buddy.mem_map;

	return offset < buddy.mem_map_bytes && offset % sizeof(struct page) == 0;
}
static inline int pfn_to_nid(unsigned long pfn)
{
	return (int)(pfn / buddy.pages_per_node);
}
/* The zone spanning pfn; NULL outside the zones. */
static inline struct zone *pfn_to_zone(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return NULL;
	pg_data_t *pgdat = NODE_DATA(pfn_to_nid(pfn));
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (zone_spans_pfn(&pgdat->node_zones[z], pfn))
			return &pgdat->node_zones[z];
	return NULL;
}
/* For assertions (the kernel's bad_range): the block is not wholly inside zone. */
static inline bool bad_range(const struct zone *zone, const struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn_fast(page);

	return !zone_spans_pfn(zone, pfn) || pfn + (1UL << order) > zone_end_pfn(zone);
}

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
HIDDEN extern const char *const migratetype_names[MIGRATE_TYPES];

/* ------------------------------------------------------- free_area.c (zone->lock held) */

HIDDEN void __add_to_free_list(struct page *page, struct zone *zone, unsigned int order, int migratetype,
			       bool tail);
HIDDEN void __del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order);
HIDDEN void __move_to_free_list(struct page *page, struct zone *zone, unsigned int order, int migratetype);
HIDDEN struct page *__get_page_from_free_area(struct zone *zone, unsigned int order, int migratetype);
HIDDEN void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high,
		   int migratetype);
HIDDEN struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
HIDDEN void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
			    int migratetype);
HIDDEN void free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
			  int migratetype); /* takes zone->lock */
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

/* ------------------------------------------------------- page_alloc.c */

struct alloc_context {
	struct zonelist *zonelist;
	nodemask_t *nodemask;
	struct zoneref *preferred_zoneref;
	int migratetype;
	enum zone_type highest_zoneidx;
};

/* ------------------------------------------------------- pcp_lock.c: taking the CPU lock */

/*
 * Here, not in pcp.h, because they read the state. The CPU this thread runs on: the cpu_id field of the rseq
 * area glibc registers for every thread (one load), else sched_getcpu().
 */
static inline int pcp_cpu_id(void)
{
	if (likely(__rseq_size >= 8)) {
		const struct rseq *rs =
			(const struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
		unsigned int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
		if (likely(cpu < (unsigned int)buddy.nr_cpu_ids))
			return (int)cpu;
	}
	return pcp_cpu_id_slow();
}

/*
 * One attempt at the current CPU's lock, for the fast paths: NULL when it is
 * busy, when the rseq sequence was interrupted, or before initialisation -
 * the caller then takes the full path, which waits. This rseq variant is
 * also NULL in atomic mode; it never calls out, so the fast paths built on
 * it stay leaf functions.
 */
static inline struct buddy_cpu *pcp_trylock_this_cpu_rseq(void)
{
#ifdef BUDDY_RSEQ_LOCK
	/* acquire: a plain mov on x86, but nothing below may be read before it */
	if (likely(__atomic_load_n(&buddy.pcp_rseq_lock, __ATOMIC_ACQUIRE))) {
		struct rseq *rs = rseq_area();
		unsigned int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);

		if (likely(cpu < (unsigned int)buddy.nr_cpu_ids) &&
		    likely(rseq_trylock(rs, &buddy.cpus[cpu].lock, cpu) == 0))
			return &buddy.cpus[cpu];
	}
#endif
	return NULL;
}

/* Lock the current CPU's lists. */
static inline struct buddy_cpu *pcp_lock_this_cpu(void)
{
#ifdef BUDDY_RSEQ_LOCK
	if (likely(buddy.pcp_rseq_lock)) {
		struct buddy_cpu *cpu = pcp_trylock_this_cpu_rseq();
		return likely(cpu) ? cpu : pcp_lock_this_cpu_slow();
	}
#endif
	struct buddy_cpu *cpu = &buddy.cpus[pcp_cpu_id()];

	if (unlikely(atomic_exchange_explicit(&cpu->lock, 1, memory_order_acquire)))
		pcp_lock_cpu(cpu);
	return cpu;
}

/* One attempt in either locking mode; the atomic one may call sched_getcpu(). */
static inline struct buddy_cpu *pcp_trylock_this_cpu(void)
{
	/*
	 * initialized first: once it reads 1, pcp_rseq_lock holds its final
	 * value, so this thread cannot take the atomic way while others on the
	 * same CPU take the rseq one.
	 */
	if (unlikely(!atomic_load_explicit(&buddy.initialized, memory_order_acquire)))
		return NULL;
#ifdef BUDDY_RSEQ_LOCK
	if (likely(buddy.pcp_rseq_lock))
		return pcp_trylock_this_cpu_rseq();
#endif

	struct buddy_cpu *cpu = &buddy.cpus[pcp_cpu_id()];

	if (unlikely(atomic_exchange_explicit(&cpu->lock, 1, memory_order_acquire)))
		return NULL;
	return cpu;
}

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
 * takes every libbuddy lock in the global lock order (init, tunables, CMA,
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
