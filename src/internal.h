/* SPDX-License-Identifier: MIT */
/*
 * libbuddy's private header, grouped like the kernel's mm/internal.h: the core
 * types first, then one section per source file that defines its items.
 *
 * Locking: zone->lock guards the zone's free_area[] and its free page count;
 * the per-CPU lock (struct buddy_cpu) guards that CPU's per_cpu_pages in every
 * zone and its event counters. A function whose name starts with "__" expects
 * its caller to hold the lock named in its comment. Lock order: CPU, then zone.
 */
#ifndef BUDDY_INTERNAL_H
#define BUDDY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/rseq.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* ------------------------------------------------------- sanitizer hooks */

#if defined(__SANITIZE_THREAD__)
#define BUDDY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BUDDY_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define BUDDY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BUDDY_ASAN 1
#endif
#endif

#ifdef BUDDY_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define poison_pages(addr, size) __asan_poison_memory_region((addr), (size))
#define unpoison_pages(addr, size) __asan_unpoison_memory_region((addr), (size))
#define PAGE_POISONING 1
#else
#define poison_pages(addr, size) ((void)(addr), (void)(size))
#define unpoison_pages(addr, size) ((void)(addr), (void)(size))
#define PAGE_POISONING 0
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define CACHELINE 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_NR_CPUS 1024

/* Racy-but-intended accesses (statistics, watermark peeks), sanitizer-clean. */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* ------------------------------------------------------------------ lists */

struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}
static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}
static inline void __list_link(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_link(n, h, h->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_link(n, h->prev, h);
}
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}
static inline void list_move(struct list_head *e, struct list_head *h)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	list_add(e, h);
}
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	list_add_tail(e, h);
}
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)

/* ------------------------------------------------------------ struct page */

/*
 * The page descriptor, out of band: one per page of the arena in a separate
 * array (mem_map), never inside a page handed out. All-zero means "never
 * used": the array is mapped lazily and the OS supplies zero pages, which is
 * how start-up avoids touching per-page metadata (deferred struct page init).
 */
struct page {
	unsigned long flags;		/* PG_* bits, zone and node in the top bits */
	union {
		struct list_head lru;	/* free list or pcp list linkage */
		struct {		/* tail page of a compound page */
			struct page *compound_head;
			unsigned long compound_order;
		};
	};
	unsigned long private;		/* buddy order when PageBuddy */
	unsigned long index;		/* free: migratetype of the list it is on; in use: the request's */
	atomic_int _refcount;		/* 0 while free */
	unsigned int alloc_order;	/* head page: order it was allocated with */
	struct zone *zone;		/* in use: page_zone() without decoding flags */
	unsigned long _unused;		/* pad to 64 bytes: pfn <-> page is a shift */
};

enum pageflags {
	PG_buddy,	/* head of a free block on a buddy free list */
	PG_pcp,		/* parked on a per-CPU list */
	PG_head,	/* head of a compound page */
	PG_tail,	/* tail of a compound page */
	PG_reserved,	/* not managed by the allocator */
	PG_isolated,	/* owned by an isolation or contiguous-range request */
	NR_PAGEFLAGS
};

#define ZONES_PGSHIFT 56
#define NODES_PGSHIFT 48
#define ZONEID_MASK 0xffUL
#define NODEID_MASK 0xffUL

/*
 * page->flags is read without the owner's lock in one place by design:
 * __free_one_page peeks at a neighbour's PageBuddy under zone->lock while the
 * neighbour's owner may be writing its flags. Only the owner writes, so a
 * relaxed load and store (plain moves on x86) keep it well-defined.
 */
static inline unsigned long page_flags(const struct page *p)
{
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
}
static inline void set_page_flags(struct page *p, unsigned long flags)
{
	__atomic_store_n(&p->flags, flags, __ATOMIC_RELAXED);
}
static inline bool page_flag(const struct page *p, enum pageflags f)
{
	return (page_flags(p) >> f) & 1;
}
static inline void set_page_flag(struct page *p, enum pageflags f)
{
	set_page_flags(p, page_flags(p) | (1UL << f));
}
static inline void clear_page_flag(struct page *p, enum pageflags f)
{
	set_page_flags(p, page_flags(p) & ~(1UL << f));
}
#define PageBuddy(p) page_flag(p, PG_buddy)
#define PageHead(p) page_flag(p, PG_head)
#define PageTail(p) page_flag(p, PG_tail)
#define PagePcp(p) page_flag(p, PG_pcp)

static inline unsigned int buddy_order(const struct page *p)
{
	return (unsigned int)p->private;
}
static inline int page_ref_count(struct page *p)
{
	return atomic_load_explicit(&p->_refcount, memory_order_relaxed);
}
static inline void set_page_count(struct page *p, int v)
{
	atomic_store_explicit(&p->_refcount, v, memory_order_relaxed);
}

/* ------------------------------------------------------------- zones */

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/* Zone counters kept exact under zone->lock (read racily for stats). */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_FREE_CMA_PAGES,
	NR_ZONE_STAT_ITEMS
};

/*
 * Event counters, per CPU, folded on read (vmstat.c names them). The items a
 * hot path writes come first so they share the CPU's first cache lines; the
 * ones reserved for reclaim, compaction and kswapd follow, zero until the
 * issues that bring those features count them. The *_DMA..*_MOVABLE runs are
 * indexed by zone (PGALLOC_DMA + zone->idx) and must stay in zone order.
 */
enum vm_event_item {
	PGALLOC_DMA,
	PGALLOC_DMA32,
	PGALLOC_NORMAL,
	PGALLOC_HIGH,
	PGALLOC_MOVABLE,
	PGFREE,
	PCP_REFILL,		/* rmqueue_bulk calls (buddy_pcp_refill) */
	PCP_DRAIN,		/* free_pcppages_bulk calls past high (buddy_pcp_drain) */
	PGALLOC_FAIL,		/* failed allocations (buddy_pgalloc_fail: no kernel counter) */
	EXTFRAG_EVENTS,		/* fallbacks that split a foreign pageblock (buddy_extfrag);
				   counted lock-free with count_vm_events_nolock() */
	ALLOCSTALL_DMA,
	ALLOCSTALL_DMA32,
	ALLOCSTALL_NORMAL,
	ALLOCSTALL_HIGH,
	ALLOCSTALL_MOVABLE,
	PGSTEAL_KSWAPD,
	PGSTEAL_DIRECT,
	PGSTEAL_KHUGEPAGED,
	PGSTEAL_PROACTIVE,
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,
	PGSCAN_KHUGEPAGED,
	PGSCAN_PROACTIVE,
	KSWAPD_LOW_WMARK_HIT_QUICKLY,
	KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	PAGEOUTRUN,
	PGMIGRATE_SUCCESS,
	PGMIGRATE_FAIL,
	COMPACTMIGRATE_SCANNED,
	COMPACTFREE_SCANNED,
	COMPACTISOLATED,
	COMPACTSTALL,
	COMPACTFAIL,
	COMPACTSUCCESS,
	KCOMPACTD_WAKE,
	KCOMPACTD_MIGRATE_SCANNED,
	KCOMPACTD_FREE_SCANNED,
	NR_VM_EVENT_ITEMS
};

/*
 * NUMA allocation events, per zone and per CPU as the kernel keeps them
 * (zone_statistics): in per_cpu_pages, written under the CPU's lock.
 */
enum numa_stat_item {
	NUMA_HIT,		/* allocated from the preferred node */
	NUMA_MISS,		/* allocated here although another node was preferred */
	NUMA_FOREIGN,		/* preferred this zone's node but got another */
	NUMA_INTERLEAVE_HIT,	/* no interleave policy here: always 0 */
	NUMA_LOCAL,		/* allocated on the calling CPU's node */
	NUMA_OTHER,		/* allocated on another node than the CPU's */
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
#define NR_PCP_LISTS (MIGRATE_PCPTYPES * NR_PCP_ORDERS)

struct per_cpu_pages {
	int count;		/* pages on all lists */
	int high;		/* drain a batch past this */
	int batch;		/* chunk size for refill and drain */
	int free_factor;
	struct list_head lists[NR_PCP_LISTS];
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];	/* cpu->lock held */
} __attribute__((aligned(CACHELINE)));

struct pglist_data;

struct zone {
	/* Read-mostly. */
	unsigned long _watermark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset;	/* [nr_cpu_ids] */
	unsigned long *pageblock_flags;		/* NR_PAGEBLOCK_BITS per block */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long cma_pages;
	const char *name;
	int node;
	enum zone_type idx;
	unsigned long page_links;	/* the zone and node bits of page->flags */

	/* Written under lock. */
	pthread_mutex_t lock __attribute__((aligned(CACHELINE)));
	struct free_area free_area[MAX_ORDER];
	unsigned long nr_reserved_highatomic;
	unsigned long nr_isolate_pageblock;	/* MIGRATE_ISOLATE blocks: pcp drains recheck */
	unsigned long deferred_pfn;	/* first max-order block not yet on a list */
	unsigned long nr_deferred;	/* such blocks; counted in free_area[MAX_ORDER-1] */
	atomic_long vm_stat[NR_ZONE_STAT_ITEMS];
} __attribute__((aligned(CACHELINE)));

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
static inline long zone_page_state(struct zone *z, enum zone_stat_item i)
{
	return atomic_load_explicit(&z->vm_stat[i], memory_order_relaxed);
}
/* Caller holds zone->lock: a plain read-modify-write is enough. */
static inline void __mod_zone_page_state(struct zone *z, enum zone_stat_item i, long delta)
{
	long v = atomic_load_explicit(&z->vm_stat[i], memory_order_relaxed);
	atomic_store_explicit(&z->vm_stat[i], v + delta, memory_order_relaxed);
}
/* Racy by design: the tunable setters rewrite the marks under running allocators. */
static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return READ_ONCE(z->_watermark[w]);
}

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
	int nr_zones;			/* highest populated zone + 1 */
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
} pg_data_t;

/* ------------------------------------------------------- config.c */

struct buddy_settings {
	size_t arena_size;
	size_t zone_size[MAX_NR_ZONES];	/* per node; NORMAL is derived */
	int numa_fake;
	int distance[MAX_NUMNODES][MAX_NUMNODES];
	bool distance_given;
	int distance_nodes;		/* the matrix is distance_nodes square */
	int min_free_kbytes;		/* 0: formula */
	int watermark_scale_factor;
	int lowmem_reserve_ratio[MAX_NR_ZONES];
	int percpu_pagelist_high_fraction;
	int mobility_grouping;		/* 1 on, -1 off, 0 auto */
	int pcp_lock;			/* 0 auto (rseq when possible), 1 rseq, -1 atomic */
	size_t cma;
	char stats_print[256];
};

HIDDEN int buddy_parse_config(const struct buddy_config *cfg, struct buddy_settings *out);
HIDDEN int buddy_parse_conf_string(const char *s, struct buddy_settings *out);
HIDDEN void buddy_default_settings(struct buddy_settings *out);

/* ------------------------------------------------------- init.c / state */

/* A rate limit's current window (report.c); all zero is "not started". */
struct ratelimit_window {
	long begin;		/* ms */
	int printed;
	int missed;
	bool started;
};

/* Per-CPU state: the lock that guards this CPU's pcp lists and counters. */
struct buddy_cpu {
	atomic_int lock;
	int node;
	int id;				/* index in buddy.cpus and per_cpu_pageset */
	/*
	 * For each highest zone type, the zone a local allocation starts from
	 * (the first zone of this CPU's node's zonelist), or NULL when that zone
	 * is on another node. Set once by build_all_zonelists, so the fast path
	 * finds its zone in the cache line it already holds for the lock.
	 * Indexed by gfp_zone(): the extra entry, ZONE_BAD, stays NULL.
	 * __GFP_THISNODE's list starts with the same zone, so it serves both.
	 */
	struct zone *local_zone[MAX_NR_ZONES + 1];
	atomic_ulong vm_events[NR_VM_EVENT_ITEMS];
} __attribute__((aligned(CACHELINE)));

struct buddy_state {
	atomic_int initialized;
	struct buddy_settings settings;
	char *arena_base;		/* virtual address of pfn 0 */
	size_t arena_bytes;
	unsigned long nr_pages;		/* pfns 0 .. nr_pages-1 */
	struct page *mem_map;		/* one descriptor per pfn */
	size_t mem_map_bytes;
	int nr_node_ids;
	unsigned long pages_per_node;
	pg_data_t *node_data[MAX_NUMNODES];
	int node_distance[MAX_NUMNODES][MAX_NUMNODES];
	bool real_numa;			/* nodes are libnuma's, bound with mbind */
	int nr_cpu_ids;
	struct buddy_cpu *cpus;		/* [nr_cpu_ids] */
	int page_group_by_mobility_disabled;
	int pcp_rseq_lock;		/* pcp locks taken with rseq (see pcp_lock_this_cpu) */
	unsigned long min_free_kbytes;
	int watermark_scale_factor;
	struct ratelimit_window nopage_rs;	/* warn_alloc's, per allocator like per boot */
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
HIDDEN void arena_init_zone_free_lists(struct zone *zone);
HIDDEN void deferred_grow_zone(struct zone *zone);	/* zone->lock held */
HIDDEN void deferred_init_all(struct zone *zone);	/* zone->lock held */

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
HIDDEN struct zone *pfn_to_zone(unsigned long pfn);	/* NULL outside zones */
/*
 * The zone of an allocated page. The zone and node also live in the top bits
 * of flags, as in the kernel; set_page_links caches the pointer beside them
 * so the free path does not decode them.
 */
static inline struct zone *page_zone(const struct page *p)
{
	return p->zone;
}
static inline unsigned long zone_page_links(const struct zone *z)
{
	return ((unsigned long)z->idx << ZONES_PGSHIFT) | ((unsigned long)z->node << NODES_PGSHIFT);
}
static inline void set_page_links(struct page *p, struct zone *z)
{
	set_page_flags(p, z->page_links);
	p->zone = z;
}

/* ------------------------------------------------------- numa.c */

HIDDEN int numa_discover(struct buddy_settings *s, int *nr_nodes, bool *real);
HIDDEN void numa_bind_range(void *addr, size_t len, int nid);
HIDDEN int numa_cpu_to_node(int cpu);

/* ------------------------------------------------------- zonelist.c */

HIDDEN void build_all_zonelists(void);

/* ------------------------------------------------------- gfp.c */

#define ZONE_BAD MAX_NR_ZONES

/*
 * gfp_zone() as one 64-bit constant, 4 bits per combination of the four zone
 * modifiers (the kernel packs GFP_ZONE_TABLE the same way): see gfp.c.
 */
#define GFP_ZONE_TABLE_BITS 4
#define GFP_ZONE_ENTRY(combo, zone) ((uint64_t)(zone) << ((combo) * GFP_ZONE_TABLE_BITS))
#define GFP_ZONE_TABLE                                                                          \
	(GFP_ZONE_ENTRY(0x0, ZONE_NORMAL) | GFP_ZONE_ENTRY(0x1, ZONE_DMA) |                     \
	 GFP_ZONE_ENTRY(0x2, ZONE_HIGHMEM) | GFP_ZONE_ENTRY(0x3, ZONE_BAD) |                    \
	 GFP_ZONE_ENTRY(0x4, ZONE_DMA32) | GFP_ZONE_ENTRY(0x5, ZONE_BAD) |                      \
	 GFP_ZONE_ENTRY(0x6, ZONE_BAD) | GFP_ZONE_ENTRY(0x7, ZONE_BAD) |                        \
	 GFP_ZONE_ENTRY(0x8, ZONE_NORMAL) | GFP_ZONE_ENTRY(0x9, ZONE_DMA) |                     \
	 GFP_ZONE_ENTRY(0xA, ZONE_MOVABLE) | GFP_ZONE_ENTRY(0xB, ZONE_BAD) |                    \
	 GFP_ZONE_ENTRY(0xC, ZONE_DMA32) | GFP_ZONE_ENTRY(0xD, ZONE_BAD) |                      \
	 GFP_ZONE_ENTRY(0xE, ZONE_BAD) | GFP_ZONE_ENTRY(0xF, ZONE_BAD))

/* Without grouping everything is one type, as in the kernel. */
static inline int __gfpflags_to_migratetype(gfp_t gfp_flags)
{
	if (unlikely(buddy.page_group_by_mobility_disabled))
		return MIGRATE_UNMOVABLE;
	return (int)((gfp_flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

static inline enum zone_type __gfp_zone(gfp_t flags)
{
	return (enum zone_type)((GFP_ZONE_TABLE >> ((flags & GFP_ZONEMASK) * GFP_ZONE_TABLE_BITS)) & 0xF);
}

#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_HARDER		0x10
#define ALLOC_HIGH		0x20
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_KSWAPD		0x800

HIDDEN unsigned int gfp_to_alloc_flags(gfp_t gfp_mask);
/* 6.1 gfp_to_alloc_flags_cma: movable requests may use CMA pageblocks. */
static inline unsigned int gfp_to_alloc_flags_cma(gfp_t gfp_mask, unsigned int alloc_flags)
{
	if (__gfpflags_to_migratetype(gfp_mask) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	return alloc_flags;
}
HIDDEN unsigned int __gfp_pfmemalloc_flags(gfp_t gfp_mask);

struct alloc_context;

/* ------------------------------------------------------- pageblock.c */

#define PB_migratetype_bits 3
#define PB_migrate_skip 3
#define NR_PAGEBLOCK_BITS 4

#define BLOCKS_PER_WORD (8 * sizeof(unsigned long) / NR_PAGEBLOCK_BITS)
#define MIGRATETYPE_MASK ((1UL << PB_migratetype_bits) - 1)

/* Inline: the free path reads it for every page. */
static inline int get_pfnblock_migratetype(const struct zone *zone, unsigned long pfn)
{
	unsigned long block = (pfn - zone->zone_start_pfn) >> pageblock_order;
	unsigned int shift = (unsigned int)(block % BLOCKS_PER_WORD) * NR_PAGEBLOCK_BITS;
	unsigned long word = __atomic_load_n(&zone->pageblock_flags[block / BLOCKS_PER_WORD], __ATOMIC_RELAXED);

	return (int)((word >> shift) & MIGRATETYPE_MASK);
}
HIDDEN int get_pageblock_migratetype(const struct page *page);
HIDDEN void set_pageblock_migratetype(struct page *page, int migratetype);
HIDDEN void set_pfnblock_migratetype(struct zone *zone, unsigned long pfn, int mt);
HIDDEN unsigned long *alloc_pageblock_flags(unsigned long spanned_pages);
HIDDEN bool __rmqueue_fallback(struct zone *zone, int order, int start_migratetype,
			       unsigned int alloc_flags);
HIDDEN int move_freepages_block(struct zone *zone, struct page *page, int migratetype,
				int *num_movable);
HIDDEN void __split_free_block_over_pageblock(struct zone *zone, unsigned long pfn);
HIDDEN void __remerge_pageblock(struct zone *zone, unsigned long pfn);
HIDDEN void __take_free_block(struct zone *zone, struct page *page, unsigned int order);
HIDDEN extern const char *const migratetype_names[MIGRATE_TYPES];

/* ------------------------------------------------------- highatomic.c */

HIDDEN void reserve_highatomic_pageblock(struct page *page, struct zone *zone, unsigned int order);
HIDDEN bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force);

/* ------------------------------------------------------- page_isolation.c */

HIDDEN int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype);
HIDDEN void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype);
HIDDEN int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn);
HIDDEN int __alloc_contig_range(unsigned long start, unsigned long end, int migratetype, gfp_t gfp,
				unsigned long *busy_pfn);

/* ------------------------------------------------------- cma.c */

HIDDEN int cma_init_reserved_areas(void);
HIDDEN void cma_exit(void);

/* ------------------------------------------------------- watermark.c */

HIDDEN void init_per_zone_wmark_min(void);
HIDDEN void setup_per_zone_wmarks(void);
HIDDEN void setup_per_zone_lowmem_reserve(void);
HIDDEN unsigned long default_min_free_kbytes(void);
HIDDEN bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			      int highest_zoneidx, unsigned int alloc_flags);
HIDDEN bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
				int highest_zoneidx, unsigned int alloc_flags, long free_pages);

/* ------------------------------------------------------- page_alloc.c */

struct alloc_context {
	struct zonelist *zonelist;
	nodemask_t *nodemask;
	struct zoneref *preferred_zoneref;
	int migratetype;
	enum zone_type highest_zoneidx;
};


HIDDEN struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
HIDDEN struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
			      unsigned int alloc_flags);
HIDDEN void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order, int migratetype);
HIDDEN void free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
			  unsigned int order, int migratetype);
HIDDEN void __add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
			       int migratetype, bool tail);
HIDDEN void __del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order);
HIDDEN struct page *__get_page_from_free_area(struct zone *zone, unsigned int order, int migratetype);
HIDDEN void prep_new_page(struct page *page, struct zone *zone, unsigned int order, gfp_t gfp,
			  int migratetype);
HIDDEN void __move_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				int migratetype);
HIDDEN void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high,
		   int migratetype);
/* Orders served by the per-CPU lists: 0..3 and pageblock_order (6.1). */
static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

/* ------------------------------------------------------- pcp.c */

/* The list of a (migratetype, order) pair: orders 0..3, then pageblock_order. */
static inline int order_to_pindex(int migratetype, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		order = PAGE_ALLOC_COSTLY_ORDER + 1;	/* pageblock_order */
	return (int)order * MIGRATE_PCPTYPES + migratetype;
}

/* The block an allocation takes from a non-empty pcp list: the hot end, or the cold one. */
static inline struct page *pcp_list_pick(struct list_head *list, gfp_t gfp)
{
	return (gfp & __GFP_COLD) ? list_last_entry(list, struct page, lru) : list_first_entry(list, struct page, lru);
}

/* Take that block off its list. cpu->lock held. */
static inline void __pcp_take(struct per_cpu_pages *pcp, struct page *page, unsigned int order)
{
	list_del(&page->lru);
	pcp->count -= 1 << order;
	if (unlikely(pcp->free_factor))
		pcp->free_factor >>= 1;	/* allocations undo the drain escalation (6.1) */
}
HIDDEN int pcp_nr_cpu_ids(void);
HIDDEN int pcp_cpu_id_slow(void);
HIDDEN void pcp_lock_cpu(struct buddy_cpu *cpu);	/* any CPU's lock; spins, then yields */
HIDDEN void pcp_setup_locking(void);

/*
 * The CPU this thread runs on: the cpu_id field of the rseq area glibc
 * registers for every thread (one load), else sched_getcpu().
 */
static inline int pcp_cpu_id(void)
{
	if (likely(__rseq_size >= 8)) {
		const struct rseq *rs = (const struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
		unsigned int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
		if (likely(cpu < (unsigned int)buddy.nr_cpu_ids))
			return (int)cpu;
	}
	return pcp_cpu_id_slow();
}

/*
 * Taking the current CPU's lock. Two ways, chosen once at start-up:
 *  - rseq (x86-64, rseq and membarrier available, not under TSan): "if the
 *    lock is free, take it" runs as a restartable sequence on this CPU, so no
 *    atomic read-modify-write is needed: the kernel restarts the sequence if
 *    the thread is preempted or migrated inside it. Lockers from other CPUs
 *    (drains, checks) swap the lock from 0 to 2, fence that CPU with
 *    membarrier(PRIVATE_EXPEDITED_RSEQ), which restarts any sequence in
 *    flight there, and own the lock if it still reads 2 (pcp_lock_cpu).
 *  - atomic exchange, everywhere else.
 * Either way the holder may migrate afterwards, harmlessly.
 */
#if defined(__x86_64__) && !defined(BUDDY_TSAN)
#define BUDDY_RSEQ_LOCK 1
#define BUDDY_RSEQ_SIG 0x53053053	/* glibc's registered abort signature on x86 */

static inline struct rseq *rseq_area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

/* 0: locked; 1: preempted, migrated or not on cpu - retry; 2: lock busy. */
static inline int rseq_trylock(struct rseq *rs, atomic_int *lock, unsigned int cpu)
{
	__asm__ goto(
		".pushsection __rseq_cs, \"aw\"\n\t"
		".balign 32\n\t"
		"3:\n\t"
		".long 0x0, 0x0\n\t"			/* version, flags */
		".quad 1f, (2f - 1f), 4f\n\t"		/* start, length, abort */
		".popsection\n\t"
		"leaq 3b(%%rip), %%rax\n\t"
		"movq %%rax, %[rseq_cs]\n\t"
		"1:\n\t"
		"cmpl %[cpu], %[cpu_id]\n\t"
		"jnz %l[retry]\n\t"
		"cmpl $0, %[lock]\n\t"
		"jnz %l[busy]\n\t"
		"movl $1, %[lock]\n\t"			/* commit */
		"2:\n\t"
		".pushsection __rseq_failure, \"ax\"\n\t"
		".byte 0x0f, 0xb9, 0x3d\n\t"		/* ud1 with the signature as operand */
		".long 0x53053053\n\t"
		"4:\n\t"
		"jmp %l[retry]\n\t"
		".popsection\n\t"
		:
		: [cpu] "r"(cpu), [cpu_id] "m"(rs->cpu_id), [rseq_cs] "m"(rs->rseq_cs), [lock] "m"(*lock)
		: "memory", "cc", "rax"
		: retry, busy);
	return 0;
retry:
	return 1;
busy:
	return 2;
}
#endif

HIDDEN struct buddy_cpu *pcp_lock_this_cpu_slow(void);

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
	if (likely(buddy.pcp_rseq_lock)) {
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
#ifdef BUDDY_RSEQ_LOCK
	if (likely(buddy.pcp_rseq_lock))
		return pcp_trylock_this_cpu_rseq();
#endif
	if (unlikely(!atomic_load_explicit(&buddy.initialized, memory_order_acquire)))
		return NULL;

	struct buddy_cpu *cpu = &buddy.cpus[pcp_cpu_id()];

	if (unlikely(atomic_exchange_explicit(&cpu->lock, 1, memory_order_acquire)))
		return NULL;
	return cpu;
}

static inline void pcp_unlock_cpu(struct buddy_cpu *cpu)
{
	atomic_store_explicit(&cpu->lock, 0, memory_order_release);
}
HIDDEN struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone, unsigned int order,
				    int migratetype, gfp_t gfp, unsigned int alloc_flags);
HIDDEN void free_unref_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
			    bool cold);
HIDDEN void free_pcppages_over_high(struct zone *zone, struct per_cpu_pages *pcp, struct buddy_cpu *cpu,
				    int pindex);
HIDDEN int pcp_refill_blocks(const struct per_cpu_pages *pcp, unsigned int order);
HIDDEN long pcp_count_limit(const struct per_cpu_pages *pcp);
HIDDEN void setup_zone_pageset(struct zone *zone);
HIDDEN void zone_pcp_update(struct zone *zone);
HIDDEN void free_zone_pageset(struct zone *zone);
HIDDEN int drain_zone_pages_cpu(struct zone *zone, int cpu);

/* ------------------------------------------------------- vmstat.c */

/* Caller holds cpu->lock: no atomic read-modify-write needed. */
static inline void __count_vm_events(struct buddy_cpu *cpu, enum vm_event_item i, unsigned long n)
{
	unsigned long v = atomic_load_explicit(&cpu->vm_events[i], memory_order_relaxed);
	atomic_store_explicit(&cpu->vm_events[i], v + n, memory_order_relaxed);
}
HIDDEN void count_vm_events(enum vm_event_item item, unsigned long n);	/* takes the CPU lock */
/*
 * For items counted where this CPU's lock may already be held (under
 * zone->lock inside rmqueue_bulk): an atomic add, no lock. An item must be
 * counted either always this way or never, or updates could be lost.
 */
HIDDEN void count_vm_events_nolock(enum vm_event_item item, unsigned long n);
/*
 * The kernel's zone_statistics plus the pgalloc count: NUMA hit or miss on
 * the zone that served, foreign on the preferred zone, local or other by the
 * calling CPU's node. One count per allocation, pgalloc in pages.
 */
static inline void zone_statistics(struct buddy_cpu *cpu, struct zone *preferred, struct zone *zone,
				   unsigned int order)
{
	int c = cpu->id;
	unsigned long *ev = zone->per_cpu_pageset[c].vm_numa_event;

	__count_vm_events(cpu, (enum vm_event_item)(PGALLOC_DMA + zone->idx), 1UL << order);
	if (likely(zone->node == preferred->node)) {
		ev[NUMA_HIT]++;
	} else {
		ev[NUMA_MISS]++;
		preferred->per_cpu_pageset[c].vm_numa_event[NUMA_FOREIGN]++;
	}
	ev[zone->node == cpu->node ? NUMA_LOCAL : NUMA_OTHER]++;
}
/*
 * Park a freed block on a pcp list (list_mt's, which pindex names): hot end,
 * or cold. The block keeps its own migratetype for the drain. cpu->lock held.
 * True when the lists are now past high and a batch must go back. (A pcp.c
 * helper, here because it counts.)
 */
static inline bool __pcp_park(struct buddy_cpu *cpu, struct per_cpu_pages *pcp, struct page *page,
			      unsigned int order, int migratetype, int pindex, bool cold)
{
	WRITE_ONCE(page->index, (unsigned long)migratetype);
	set_page_flag(page, PG_pcp);
	if (cold)
		list_add_tail(&page->lru, &pcp->lists[pindex]);
	else
		list_add(&page->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	__count_vm_events(cpu, PGFREE, 1UL << order);
	return unlikely(pcp->count >= pcp->high);
}
HIDDEN unsigned long sum_vm_event(enum vm_event_item item);
HIDDEN unsigned long zone_numa_event_state(struct zone *zone, enum numa_stat_item item);
HIDDEN unsigned long global_numa_event_state(enum numa_stat_item item);
HIDDEN unsigned long zone_free_pages_blocks(struct zone *zone);
HIDDEN unsigned long global_zone_page_state(enum zone_stat_item item);
HIDDEN void dump_vmstat(buddy_write_cb *cb, void *opaque);
HIDDEN extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];
HIDDEN extern const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS];

/* ------------------------------------------------------- gfp_names.c */

/*
 * Write gfp_mask's flag names as the kernel's %pGg prints them (combined
 * names first, greedily, then single __GFP_ bits, leftover bits in hex,
 * joined by '|'). Returns the length it wanted, like snprintf.
 */
HIDDEN int format_gfp_flags(char *buf, size_t len, gfp_t gfp_mask);

/* ------------------------------------------------------- report.c */

HIDDEN void bad_page(struct page *page, unsigned long pfn, const char *reason);
HIDDEN void bad_address(const void *addr, const char *reason);
HIDDEN void warn_alloc(gfp_t gfp_mask, unsigned int order, const char *why);
HIDDEN void warn_alloc_nodemask(gfp_t gfp_mask, unsigned int order, const nodemask_t *nodemask,
				const char *why);
HIDDEN void refuse_alloc(gfp_t gfp_mask, unsigned int order, const nodemask_t *nodemask, const char *why);
HIDDEN void show_free_areas(buddy_write_cb *cb, void *opaque);
HIDDEN void report_leaked_pages(void);	/* buddy_exit: one line when pages are still allocated */
/*
 * Tests: the rate limit's window (ms, 0 = unlimited), burst and clock (NULL:
 * CLOCK_MONOTONIC); resets the window. Defaults: 5000 ms, 10.
 */
HIDDEN void warn_alloc_set_ratelimit(long interval_ms, int burst, long (*clock_ms)(void));
HIDDEN const char *buddy_progname(void);

/* ------------------------------------------------------- dump.c */

typedef void (*dump_fn)(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_printf(buddy_write_cb *cb, void *opaque, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
HIDDEN void dump_buddyinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_pagetypeinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_zoneinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_extfrag_index(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_unusable_index(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_stats_at_exit(void);

/* ------------------------------------------------------- check.c */

HIDDEN int check_zone(struct zone *zone);

#endif /* BUDDY_INTERNAL_H */
