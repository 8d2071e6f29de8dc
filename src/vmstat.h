/* SPDX-License-Identifier: MIT */
/*
 * Counters: the per-CPU event items, the zone counters and the inline ways
 * to count them (the kernel's vm_event_item.h and vmstat.h). vmstat.c names
 * and folds them.
 */
#ifndef BUDDY_VMSTAT_H
#define BUDDY_VMSTAT_H

#include <stdatomic.h>

#include <buddy/buddy.h>

#include "mmzone.h"

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
	PCP_REFILL,	/* rmqueue_bulk calls (buddy_pcp_refill) */
	PCP_DRAIN,	/* free_pcppages_bulk calls past high (buddy_pcp_drain) */
	PGALLOC_FAIL,	/* failed allocations (buddy_pgalloc_fail: no kernel counter) */
	EXTFRAG_EVENTS, /* fallbacks that split a foreign pageblock (buddy_extfrag);
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
	SLABS_SCANNED, /* objects the shrinkers looked at (do_shrink_slab) */
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
	/* libbuddy's own (no kernel counter): page_reporting.c, counted with count_vm_events_nolock() */
	PAGE_REPORTING_RUNS,	     /* worker passes over the zones (buddy_page_reporting_runs) */
	PAGE_REPORTING_REPORTED,     /* pages given back to the OS (buddy_page_reporting_reported) */
	PAGE_REPORTING_ZERO_SKIPPED, /* __GFP_ZERO pages not cleared: they read as zero already */
	/* fault injection (fail_page_alloc.c): requests failed on purpose (buddy_fail_page_alloc) */
	FAIL_PAGE_ALLOC_INJECTED,
	NR_VM_EVENT_ITEMS
};

/*
 * Per-CPU state: the lock that guards this CPU's pcp lists and counters
 * (taken through pcp.h's CPU-lock API), and the event counters themselves.
 * Here rather than in pcp.h because __count_vm_events writes its counters.
 */
struct buddy_cpu {
	atomic_int lock;
	int node;
	int id; /* index in buddy.cpus and per_cpu_pageset */
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
} __cacheline_aligned;

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

/* Caller holds cpu->lock: no atomic read-modify-write needed. */
static inline void __count_vm_events(struct buddy_cpu *cpu, enum vm_event_item i, unsigned long n)
{
	unsigned long v = atomic_load_explicit(&cpu->vm_events[i], memory_order_relaxed);
	atomic_store_explicit(&cpu->vm_events[i], v + n, memory_order_relaxed);
}
HIDDEN void count_vm_events(enum vm_event_item item, unsigned long n); /* takes the CPU lock */
/*
 * For items counted where this CPU's lock may already be held (under
 * zone->lock inside rmqueue_bulk): an atomic add, no lock. An item must be
 * counted either always this way or never, or updates could be lost.
 */
HIDDEN void count_vm_events_nolock(enum vm_event_item item, unsigned long n);
/*
 * The kernel's zone_statistics plus the pgalloc count: NUMA hit or miss on
 * the zone that served, foreign on the preferred zone, local or other by the
 * calling CPU's node (local: whether zone is on it). One count per
 * allocation, pgalloc in pages. pcp is this CPU's pageset of zone, which the
 * pcp paths have at hand. cpu->lock held.
 */
static __always_inline void __zone_statistics(struct buddy_cpu *cpu, struct per_cpu_pages *pcp,
					      struct zone *preferred, struct zone *zone, unsigned int order,
					      bool local)
{
	__count_vm_events(cpu, (enum vm_event_item)(PGALLOC_DMA + zone->idx), 1UL << order);
	if (likely(zone == preferred || zone->node == preferred->node)) {
		pcp->vm_numa_event[NUMA_HIT]++;
	} else {
		pcp->vm_numa_event[NUMA_MISS]++;
		preferred->per_cpu_pageset[cpu->id].vm_numa_event[NUMA_FOREIGN]++;
	}
	pcp->vm_numa_event[local ? NUMA_LOCAL : NUMA_OTHER]++;
}

/* The same for nr order-0 pages of one bulk allocation, counted once (5.13 __alloc_pages_bulk). cpu->lock
 * held. */
static inline void __zone_statistics_bulk(struct buddy_cpu *cpu, struct per_cpu_pages *pcp,
					  struct zone *preferred, struct zone *zone, unsigned long nr,
					  bool local)
{
	__count_vm_events(cpu, (enum vm_event_item)(PGALLOC_DMA + zone->idx), nr);
	if (likely(zone == preferred || zone->node == preferred->node)) {
		pcp->vm_numa_event[NUMA_HIT] += nr;
	} else {
		pcp->vm_numa_event[NUMA_MISS] += nr;
		preferred->per_cpu_pageset[cpu->id].vm_numa_event[NUMA_FOREIGN] += nr;
	}
	pcp->vm_numa_event[local ? NUMA_LOCAL : NUMA_OTHER] += nr;
}

static inline void zone_statistics(struct buddy_cpu *cpu, struct zone *preferred, struct zone *zone,
				   unsigned int order)
{
	__zone_statistics(cpu, &zone->per_cpu_pageset[cpu->id], preferred, zone, order,
			  zone->node == cpu->node);
}
HIDDEN unsigned long sum_vm_event(enum vm_event_item item);
HIDDEN unsigned long zone_numa_event_state(struct zone *zone, enum numa_stat_item item);
HIDDEN unsigned long global_numa_event_state(enum numa_stat_item item);
HIDDEN unsigned long zone_free_pages_blocks(struct zone *zone);
HIDDEN unsigned long global_zone_page_state(enum zone_stat_item item);
HIDDEN extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];
HIDDEN extern const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS];

#endif /* BUDDY_VMSTAT_H */
