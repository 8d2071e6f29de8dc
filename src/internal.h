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

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define HIDDEN __attribute__((visibility("hidden")))
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

static inline bool page_flag(const struct page *p, enum pageflags f)
{
	return (p->flags >> f) & 1;
}
static inline void set_page_flag(struct page *p, enum pageflags f)
{
	p->flags |= 1UL << f;
}
static inline void clear_page_flag(struct page *p, enum pageflags f)
{
	p->flags &= ~(1UL << f);
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

/* Event counters, per CPU, folded on read (vmstat.c names them). */
enum vm_event_item {
	PGALLOC_DMA,
	PGALLOC_DMA32,
	PGALLOC_NORMAL,
	PGALLOC_HIGH,
	PGALLOC_MOVABLE,
	PGFREE,
	PGALLOC_FAIL,		/* failed allocations (the kernel has no single counter) */
	NUMA_HIT,
	NUMA_MISS,
	NUMA_FOREIGN,
	NUMA_LOCAL,
	NUMA_OTHER,
	EXTFRAG_EVENTS,		/* fallbacks that split a foreign pageblock */
	PCP_REFILL,		/* rmqueue_bulk calls */
	PCP_DRAIN,		/* free_pcppages_bulk calls */
	NR_VM_EVENT_ITEMS
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

	/* Written under lock. */
	pthread_mutex_t lock __attribute__((aligned(CACHELINE)));
	struct free_area free_area[MAX_ORDER];
	unsigned long nr_reserved_highatomic;
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
	size_t cma;
	char stats_print[256];
};

HIDDEN int buddy_parse_config(const struct buddy_config *cfg, struct buddy_settings *out);
HIDDEN int buddy_parse_conf_string(const char *s, struct buddy_settings *out);
HIDDEN void buddy_default_settings(struct buddy_settings *out);

/* ------------------------------------------------------- init.c / state */

/* Per-CPU state: the lock that guards this CPU's pcp lists and counters. */
struct buddy_cpu {
	atomic_int lock;
	int node;
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
	unsigned long min_free_kbytes;
	int watermark_scale_factor;
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
static inline int pfn_to_nid(unsigned long pfn)
{
	return (int)(pfn / buddy.pages_per_node);
}
HIDDEN struct zone *pfn_to_zone(unsigned long pfn);	/* NULL outside zones */
static inline struct zone *page_zone(const struct page *p)
{
	unsigned long f = p->flags;
	return &NODE_DATA((f >> NODES_PGSHIFT) & NODEID_MASK)
			->node_zones[(f >> ZONES_PGSHIFT) & ZONEID_MASK];
}
static inline void set_page_links(struct page *p, const struct zone *z)
{
	p->flags = ((unsigned long)z->idx << ZONES_PGSHIFT) |
		   ((unsigned long)z->node << NODES_PGSHIFT);
}

/* ------------------------------------------------------- numa.c */

HIDDEN int numa_discover(struct buddy_settings *s, int *nr_nodes, bool *real);
HIDDEN void numa_bind_range(void *addr, size_t len, int nid);
HIDDEN int numa_cpu_to_node(int cpu);

/* ------------------------------------------------------- zonelist.c */

HIDDEN void build_all_zonelists(void);

/* ------------------------------------------------------- gfp.c */

#define ZONE_BAD MAX_NR_ZONES

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
HIDDEN unsigned int gfp_to_alloc_flags_cma(gfp_t gfp_mask, unsigned int alloc_flags);
HIDDEN unsigned int __gfp_pfmemalloc_flags(gfp_t gfp_mask);

struct alloc_context;

/* ------------------------------------------------------- pageblock.c */

#define PB_migratetype_bits 3
#define PB_migrate_skip 3
#define NR_PAGEBLOCK_BITS 4

HIDDEN int get_pageblock_migratetype(const struct page *page);
HIDDEN void set_pageblock_migratetype(struct page *page, int migratetype);
HIDDEN int get_pfnblock_migratetype(const struct zone *zone, unsigned long pfn);
HIDDEN void set_pfnblock_migratetype(struct zone *zone, unsigned long pfn, int mt);
HIDDEN unsigned long *alloc_pageblock_flags(unsigned long spanned_pages);
HIDDEN bool __rmqueue_fallback(struct zone *zone, int order, int start_migratetype,
			       unsigned int alloc_flags);
HIDDEN int move_freepages_block(struct zone *zone, struct page *page, int migratetype,
				int *num_movable);
HIDDEN void reserve_highatomic_pageblock(struct page *page, struct zone *zone, unsigned int order);
HIDDEN bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force);
HIDDEN extern const char *const migratetype_names[MIGRATE_TYPES];

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
HIDDEN bool pcp_allowed_order(unsigned int order);

/* ------------------------------------------------------- pcp.c */

HIDDEN int pcp_index(unsigned int order, int migratetype);
HIDDEN int pcp_cpu_id(void);
HIDDEN int pcp_nr_cpu_ids(void);
HIDDEN struct buddy_cpu *pcp_lock_this_cpu(void);
HIDDEN void pcp_lock_cpu(struct buddy_cpu *cpu);
HIDDEN void pcp_unlock_cpu(struct buddy_cpu *cpu);
HIDDEN struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone, unsigned int order,
				    int migratetype, gfp_t gfp, unsigned int alloc_flags);
HIDDEN void free_unref_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
			    bool cold);
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
HIDDEN void zone_statistics(struct buddy_cpu *cpu, struct zone *preferred, struct zone *zone,
			    unsigned int order);	/* cpu->lock held */
HIDDEN unsigned long sum_vm_event(enum vm_event_item item);

/* ------------------------------------------------------- report.c */

HIDDEN void bad_page(struct page *page, unsigned long pfn, const char *reason);
HIDDEN void bad_address(const void *addr, const char *reason);
HIDDEN void warn_alloc(gfp_t gfp_mask, unsigned int order, const char *why);
HIDDEN const char *buddy_progname(void);

/* ------------------------------------------------------- dump.c */

typedef void (*dump_fn)(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_printf(buddy_write_cb *cb, void *opaque, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
HIDDEN void dump_buddyinfo(buddy_write_cb *cb, void *opaque);
HIDDEN void dump_stats_at_exit(void);

/* ------------------------------------------------------- check.c */

HIDDEN int check_zone(struct zone *zone);

/* ------------------------------------------------------- sanitizer hooks */

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
#else
#define poison_pages(addr, size) ((void)(addr), (void)(size))
#define unpoison_pages(addr, size) ((void)(addr), (void)(size))
#endif

#endif /* BUDDY_INTERNAL_H */
