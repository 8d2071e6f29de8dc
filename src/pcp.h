/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU page lists: which list serves an order, taking a block off a list
 * and parking one on it, the CPU-lock API (pcp_lock.c) and pcp.c's prototypes. The
 * inline lock-taking functions read the global state, so they sit in
 * internal.h's pcp_lock.c section.
 */
#ifndef BUDDY_PCP_H
#define BUDDY_PCP_H

#include <stdatomic.h>
#include <sys/rseq.h>

#include "vmstat.h"

#if defined(__x86_64__)
#include "arch/x86_64/rseq_lock.h"
#else
#include "arch/generic/rseq_lock.h"
#endif

#define MAX_NR_CPUS 1024

/* Orders served by the per-CPU lists: 0..3 and pageblock_order (6.1). */
static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

/* The list of a (migratetype, order) pair: orders 0..3, then pageblock_order. */
static inline int order_to_pindex(int migratetype, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		order = PAGE_ALLOC_COSTLY_ORDER + 1; /* pageblock_order */
	return (int)order * MIGRATE_PCPTYPES + migratetype;
}

/* The order a pcp list serves: orders 0..3, then pageblock_order. */
static inline unsigned int pindex_to_order(int pindex)
{
	unsigned int order = (unsigned int)pindex / MIGRATE_PCPTYPES;
	return order > PAGE_ALLOC_COSTLY_ORDER ? pageblock_order : order;
}

/* The block an allocation takes from a non-empty pcp list: the hot end, or the cold one. */
static inline struct page *pcp_list_pick(struct list_head *list, gfp_t gfp)
{
	return (gfp & __GFP_COLD) ? list_last_entry(list, struct page, lru)
				  : list_first_entry(list, struct page, lru);
}

/* Unlink a block from a pcp list or reserve; the caller counts it. cpu->lock held. */
static inline void __pcp_unlink(struct per_cpu_pages *pcp, struct page *page)
{
	VM_BUG_ON_PAGE(!pcp_lock_held(pcp, page), page);
	VM_BUG_ON_PAGE(!PagePcp(page) || PageBuddy(page) || !page_on_list(page), page);
	list_del(&page->lru);
}

/* Take that block off its list. cpu->lock held. */
static inline void __pcp_del(struct per_cpu_pages *pcp, struct page *page, unsigned int order)
{
	__pcp_unlink(pcp, page);
	pcp->count -= 1 << order;
}

/* An allocation from the lists or the reserve halves the run of frees (6.7 rmqueue_pcplist). */
static inline void __pcp_count_allocation(struct per_cpu_pages *pcp)
{
	pcp->free_count >>= 1;
}

/* __pcp_del for one allocation. cpu->lock held. */
static inline void __pcp_take(struct per_cpu_pages *pcp, struct page *page, unsigned int order)
{
	__pcp_del(pcp, page, order);
	__pcp_count_allocation(pcp);
}

/*
 * Park a freed block on a pcp list (list_mt's, which pindex names): hot end,
 * or cold. The block keeps its own migratetype for the drain. cpu->lock held.
 * True when the lists are now past high and a batch must go back.
 */
static inline bool __pcp_park(struct buddy_cpu *cpu, struct per_cpu_pages *pcp, struct page *page,
			      unsigned int order, int migratetype, int pindex, bool cold)
{
	VM_BUG_ON(!atomic_load_explicit(&cpu->lock, memory_order_relaxed));
	VM_BUG_ON_PAGE(PagePcp(page) || PageBuddy(page) || page_on_list(page) || page_ref_count(page), page);
	VM_BUG_ON_PAGE(migratetype >= MIGRATE_TYPES || !pcp_allowed_order(order), page);
	WRITE_ONCE(page->index, (unsigned long)migratetype);
	set_page_flag(page, PG_pcp);
	if (cold)
		list_add_tail(&page->lru, &pcp->lists[pindex]);
	else
		list_add(&page->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	/*
	 * 6.7: a free halves the refill growth and lengthens the run of frees;
	 * the run's cap (batch << PCP_BATCH_SCALE_MAX) is applied where it is
	 * read, on the slow side of the free (free_unref_page_tune). At order 0
	 * the halving stores only when there is something to halve: in a run
	 * of frees alloc_factor is 0, and a read-modify-write of it on every
	 * free cost the order-0 bulk loop about 4%; the other orders keep the
	 * plain halving, two instructions shorter (docs/pcp.md).
	 */
	if (order || unlikely(pcp->alloc_factor))
		pcp->alloc_factor >>= 1;
	pcp->free_count += 1 << order;
	__count_vm_events(cpu, PGFREE, 1UL << order);
	return unlikely(pcp->count >= pcp->high);
}

/* The free was of order 0 or above PAGE_ALLOC_COSTLY_ORDER: a test, and a store only if the flag was set. */
static inline void pcp_clear_prev_free_high_order(struct per_cpu_pages *pcp)
{
	if (unlikely(pcp->flags & PCPF_PREV_FREE_HIGH_ORDER))
		pcp->flags &= (unsigned char)~PCPF_PREV_FREE_HIGH_ORDER;
}

/* zone->flags bits under which every pcp free takes the tuning path (6.7 nr_pcp_high). */
#define ZONE_PCP_PRESSURE ((1UL << ZONE_RECLAIM_ACTIVE) | (1UL << ZONE_BELOW_HIGH))

static inline bool zone_pcp_pressure(const struct zone *zone)
{
	return __atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & ZONE_PCP_PRESSURE;
}

/*
 * Taking the current CPU's lock. Two ways, chosen once at start-up:
 *  - rseq (x86-64, rseq and membarrier available, not under TSan): "if the
 *    lock is free, take it" runs as a restartable sequence on this CPU, so no
 *    atomic read-modify-write is needed: the kernel restarts the sequence if
 *    the thread is preempted or migrated inside it. Lockers from other CPUs
 *    (drains, checks) swap the lock from 0 to their own token (thread id + 2),
 *    fence that CPU with membarrier(PRIVATE_EXPEDITED_RSEQ), which restarts
 *    any sequence in flight there, and own the lock if it still holds their
 *    token (pcp_lock_cpu; the argument is in docs/pcp.md).
 *  - atomic exchange, everywhere else.
 * Either way the holder may migrate afterwards, harmlessly.
 */
HIDDEN int pcp_nr_cpu_ids(void);
HIDDEN int pcp_cpu_id_slow(void);
HIDDEN void pcp_lock_cpu(struct buddy_cpu *cpu); /* any CPU's lock; spins, then yields */
HIDDEN int pcp_choose_locking(void);
HIDDEN struct buddy_cpu *pcp_lock_this_cpu_slow(void);

static inline void pcp_unlock_cpu(struct buddy_cpu *cpu)
{
	atomic_store_explicit(&cpu->lock, 0, memory_order_release);
}
HIDDEN struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone, unsigned int order,
				    int migratetype, gfp_t gfp, unsigned int alloc_flags);
HIDDEN struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
				      unsigned int alloc_flags, struct per_cpu_pages *pcp,
				      struct list_head *list);
HIDDEN int decay_pcp_high(struct zone *zone, struct per_cpu_pages *pcp);
HIDDEN void buddy_decay_pcp_high_all(void);
HIDDEN void free_unref_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
			    bool cold);
HIDDEN int pcp_refill_blocks(const struct per_cpu_pages *pcp, unsigned int order);
HIDDEN int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone, unsigned int order);
HIDDEN long pcp_count_limit(const struct per_cpu_pages *pcp);
HIDDEN void setup_zone_pageset(struct zone *zone);
HIDDEN void zone_pcp_update(struct zone *zone);
HIDDEN void free_zone_pageset(struct zone *zone);
HIDDEN int drain_zone_pages_cpu(struct zone *zone, int cpu);

/* pcp_reserve.c: the per-CPU high-order reserves (a deviation; docs/pcp.md). cpu->lock held. */
HIDDEN void pcp_reserve_set_total(struct zone *zone, int nr_cpus);
HIDDEN bool pcp_reserve_enabled(struct zone *zone);
HIDDEN bool __pcp_reserve_park(struct zone *zone, struct per_cpu_pages *pcp, int pindex);
HIDDEN int __pcp_reserve_refill(struct zone *zone, struct per_cpu_pages *pcp, int pindex, int nr);
HIDDEN struct page *__pcp_reserve_take(struct zone *zone, struct per_cpu_pages *pcp, int pindex);
HIDDEN void __pcp_reserve_flush(struct zone *zone, struct per_cpu_pages *pcp);

HIDDEN void free_unref_page_locked(struct buddy_cpu *cpu, struct zone *zone, struct page *page,
				   unsigned int order, int migratetype);
HIDDEN void free_unref_page_tune(struct zone *zone, struct per_cpu_pages *pcp, struct buddy_cpu *cpu,
				 int pindex, unsigned int order);

/*
 * Park a freed block on this CPU's list of its type (highatomic and CMA
 * blocks wait on the movable list), then 6.7 free_unref_page_commit's
 * tuning, and drop the CPU's lock. The one copy of this step, for
 * free_unref_page and the free fast path.
 *
 * The tuning (nr_pcp_high, nr_pcp_free, free_high) changes nothing while
 * the list stays below high, the free is not of orders 1..3 and the zone
 * is under no pressure (ZONE_BELOW_HIGH, ZONE_RECLAIM_ACTIVE): then only
 * PCPF_PREV_FREE_HIGH_ORDER is cleared here. Anything else is a tail call
 * to free_unref_page_tune. cpu->lock held; released.
 */
static __always_inline void free_unref_page_commit(struct buddy_cpu *cpu, struct zone *zone,
						   struct page *page, unsigned int order, int migratetype,
						   bool cold)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu->id];
	int list_mt = migratetype >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : migratetype;
	int pindex = order_to_pindex(list_mt, order);
	/* three tests, each a compare and a branch; a tail call when any fires */
	if (unlikely(__pcp_park(cpu, pcp, page, order, migratetype, pindex, cold)))
		goto tune;
	if (unlikely(order - 1 < PAGE_ALLOC_COSTLY_ORDER))
		goto tune;
	if (unlikely(zone_pcp_pressure(zone)))
		goto tune;
	pcp_clear_prev_free_high_order(pcp);
	pcp_unlock_cpu(cpu);
	return;
tune:
	free_unref_page_tune(zone, pcp, cpu, pindex, order); /* unlocks */
}

#endif /* BUDDY_PCP_H */
