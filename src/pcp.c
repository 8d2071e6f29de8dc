/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU page lists (pcp): the fast path for orders 0..3 and pageblock_order.
 *
 * Each zone has one per_cpu_pages per CPU with a list per (order,
 * migratetype), as Linux 6.1 keeps them. The list is chosen by the CPU the
 * thread runs on (the rseq cpu_id glibc registers, else os_current_cpu()), not
 * per thread, so pages never strand on dead threads. A thread that migrates
 * between reading its CPU and finishing is safe because each CPU's lists are
 * guarded by that CPU's lock, almost always uncontended: a restartable
 * sequence (or an atomic exchange) to take it, a plain store to release it.
 *
 * Sizing follows 6.1: zone_batchsize, high = low watermark / CPUs of the node
 * (or managed / percpu_pagelist_high_fraction), at least 4 * batch; refills of
 * order > 0 take max(batch >> order, 2) blocks; frees past high return a batch
 * round-robin from the lists' cold ends. One deviation: high is at least three
 * pageblocks when the zone is large enough, so that an order-9 alloc/free pair
 * stays on the per-CPU list instead of bouncing through the zone lock.
 * Another, for orders above 0 (pcp_reserve.c): a free past high parks the
 * block on the CPU's reserve instead of draining, up to a share of the zone.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nofail.h"
#include "trace.h"

/* ------------------------------------------------------------ sizing */

static unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (63 - __builtin_clzl(n));
}

/* 6.1 zone_batchsize: about a quarter of 1/1024 of the zone, at most 63. */
static int zone_batchsize(const struct zone *zone)
{
	unsigned long batch = zone->managed_pages >> 10;

	if (batch > (1UL << 20) / PAGE_SIZE)
		batch = (1UL << 20) / PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return batch ? (int)batch : 1; /* 6.1 zone_set_pageset_high_and_batch: max(1, batch) */
}

static int cpus_of_node(int nid)
{
	int n = 0;

	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		n += buddy.cpus[c].node == nid;
	return n ? n : buddy.nr_cpu_ids;
}

/* 6.1 zone_highsize, plus the pageblock floor described at the top. */
static int zone_highsize(const struct zone *zone, int batch)
{
	int fraction = buddy.settings.percpu_pagelist_high_fraction;
	unsigned long total =
		fraction ? zone->managed_pages / (unsigned long)fraction : wmark_pages(zone, WMARK_LOW);
	int nr_cpus = cpus_of_node(zone->node);
	long high = (long)(total / (unsigned long)nr_cpus);

	if (high < (long)batch << 2)
		high = (long)batch << 2;
	if (!fraction && zone->managed_pages / (unsigned long)nr_cpus >= 16 * 3 * pageblock_nr_pages &&
	    high < 3 * (long)pageblock_nr_pages)
		high = 3 * (long)pageblock_nr_pages;
	return (int)high;
}

void setup_zone_pageset(struct zone *zone)
{
	size_t bytes = sizeof(struct per_cpu_pages) * (size_t)buddy.nr_cpu_ids;

	zone->per_cpu_pageset = aligned_alloc(CACHELINE, bytes);
	if (!zone->per_cpu_pageset)
		abort();
	memset(zone->per_cpu_pageset, 0, bytes);
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		for (int i = 0; i < NR_PCP_LISTS; i++) {
			INIT_LIST_HEAD(&zone->per_cpu_pageset[c].lists[i]);
			INIT_LIST_HEAD(&zone->per_cpu_pageset[c].reserve[i]);
		}
	zone_pcp_update(zone);
}

/* Recompute batch and high after a watermark or tunable change. */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp, int pindex);

/*
 * New batch and high for every CPU's lists of the zone. A lower high takes
 * effect at once: what the lists hold above it goes back now. (The kernel
 * leaves the excess for later frees to drain; giving it back here keeps
 * every list within pcp_count_limit, which buddy_check enforces.)
 */
void zone_pcp_update(struct zone *zone)
{
	/* 6.1 zone_set_pageset_high_and_batch: zones under 4096 pages get batch 0 from the formula. */
	int batch = zone_batchsize(zone) > 0 ? zone_batchsize(zone) : 1;
	int high = zone_highsize(zone, batch);

	pcp_reserve_set_total(zone, cpus_of_node(zone->node));

	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		struct buddy_cpu *cpu = &buddy.cpus[c];
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[c];

		pcp_lock_cpu(cpu);
		pcp->batch = batch;
		pcp->high = high;
		/* the reserve joins the lists, so what exceeds high goes back below */
		__pcp_reserve_flush(zone, pcp);
		if (pcp->count > high)
			free_pcppages_bulk(zone, pcp->count - high, pcp, 0);
		pcp_unlock_cpu(cpu);
	}
}

void free_zone_pageset(struct zone *zone)
{
	free(zone->per_cpu_pageset);
	zone->per_cpu_pageset = NULL;
}

/* ------------------------------------------------------------ bulk moves */

/*
 * Take count blocks of this order from the buddy lists onto a pcp list, in
 * one zone->lock hold. Returns how many it got.
 */
static __noinline int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
				   int migratetype, unsigned int alloc_flags)
{
	int i;

	zone_lock(zone);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags);
		if (unlikely(!page))
			break;
		set_page_flag(page, PG_pcp);
		list_add_tail(&page->lru, list);
	}
	zone_unlock(zone);
	return i;
}

/*
 * Before zone->lock is taken: prefetch the descriptors of the buddies that the
 * first blocks to go back will merge with (the kernel's prefetch_buddy,
 * 4.16-5.13), so that fewer cache misses fall inside the lock hold. Walks the
 * lists in free_pcppages_bulk's order, at most eight blocks; reading their
 * descriptors brings those in too. cpu->lock held.
 */
static void prefetch_drain_buddies(struct per_cpu_pages *pcp, int count, int pindex)
{
	int n = 0;

	for (int i = 0; i < NR_PCP_LISTS && count > 0 && n < 8; i++) {
		int p = (pindex + i) % NR_PCP_LISTS;
		struct list_head *list = &pcp->lists[p];
		unsigned int order = pindex_to_order(p);

		for (struct list_head *l = list->prev; l != list && count > 0 && n < 8; l = l->prev, n++) {
			unsigned long pfn = page_to_pfn_fast(list_entry(l, struct page, lru));

			/* a hint: an address past the map does not fault */
			__builtin_prefetch(pfn_to_page_fast(pfn ^ (1UL << order)));
			count -= 1 << order;
		}
	}
}

/*
 * Return count pages to the buddy lists, round-robin over the non-empty lists
 * starting after pindex, each from its cold end. cpu->lock held.
 */
static __noinline void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp, int pindex)
{
	if (count > pcp->count)
		count = pcp->count;
	if (count <= 0)
		return;
	prefetch_drain_buddies(pcp, count, pindex);
	pindex--;
	clear_kswapd_failures(zone->zone_pgdat); /* memory comes back: reclaim may work again */
	zone_lock(zone);
	while (count > 0) {
		struct list_head *list;

		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));

		unsigned int order = pindex_to_order(pindex);
		int nr_pages = 1 << order;
		do {
			struct page *page = list_last_entry(list, struct page, lru);
			int mt = (int)page->index;

			/* Its pageblock may have been isolated since it was parked (6.1). */
			if (unlikely(zone->nr_isolate_pageblock))
				mt = get_pfnblock_migratetype(zone, page_to_pfn_fast(page));

			list_del(&page->lru);
			/* and PG_zeroed: __free_one_page may merge it, a head no more */
			set_page_flags(page, page_flags(page) & ~((1UL << PG_pcp) | (1UL << PG_zeroed)));
			count -= nr_pages;
			pcp->count -= nr_pages;
			trace_mm_page_pcpu_drain(page, order, mt);
			__free_one_page(page, page_to_pfn_fast(page), zone, order, mt);
		} while (count > 0 && !list_empty(list));
	}
	zone_unlock(zone);
	wake_nofail_waiters_if_any();
}

/* ------------------------------------------------------------ alloc/free */

/* Blocks one refill of an empty list takes (6.1): a batch of pages, at least two blocks. */
int pcp_refill_blocks(const struct per_cpu_pages *pcp, unsigned int order)
{
	int batch = pcp->batch;

	if (order) {
		batch >>= order;
		if (batch < 2)
			batch = 2;
	}
	return batch;
}

/*
 * The most pages a CPU's lists can hold. high bounds only what frees park:
 * a free that reaches it drains, starting with the list it filled. A refill
 * of an empty list is not bounded by high (nor is it in the kernel), so each
 * list may also hold one refill on top - two pageblocks, for instance, on
 * each pageblock-order list.
 */
long pcp_count_limit(const struct per_cpu_pages *pcp)
{
	long limit = pcp->high + (long)pageblock_nr_pages;

	for (int pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
		unsigned int order = pindex_to_order(pindex);
		limit += (long)pcp_refill_blocks(pcp, order) << order;
	}
	return limit;
}

struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone, unsigned int order,
			     int migratetype, gfp_t gfp, unsigned int alloc_flags)
{
	struct buddy_cpu *cpu = pcp_lock_this_cpu();
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu->id];
	struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
	struct page *page;

	if (unlikely(list_empty(list)) &&
	    !__pcp_reserve_refill(zone, pcp, order_to_pindex(migratetype, order),
				  pcp_refill_blocks(pcp, order))) {
		int got = rmqueue_bulk(zone, order, pcp_refill_blocks(pcp, order), list, migratetype,
				       alloc_flags);
		if (!got) {
			pcp_unlock_cpu(cpu);
			return NULL;
		}
		pcp->count += got << order;
		__count_vm_events(cpu, PCP_REFILL, 1);
	}
	page = pcp_list_pick(list, gfp);
	__pcp_take(pcp, page, order);
	__zone_statistics(cpu, pcp, preferred_zone, zone, order, zone->node == cpu->node);
	pcp_unlock_cpu(cpu);
	return page;
}

/*
 * How much to give back past high (6.1 nr_pcp_free): a batch, doubled for
 * each drain since the last allocation (free_factor), but never so much that
 * the list drops below one batch.
 */
static int nr_pcp_free(struct per_cpu_pages *pcp)
{
	int batch = pcp->batch, high = pcp->high;
	int max_nr_free = high - batch;
	int n;

	if (unlikely(high < batch))
		return 1;
	n = batch << pcp->free_factor;
	if (n > max_nr_free)
		n = max_nr_free;
	if (n < batch)
		n = batch;
	if (pcp->free_factor < 5)
		pcp->free_factor++;
	return n;
}

/*
 * Park a freed block on this CPU's list; past high, give a batch back. Pages
 * of isolated blocks go straight to the buddy lists; highatomic and CMA pages
 * wait on the movable list but remember their own type for the drain.
 */
void free_unref_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order, bool cold)
{
	int migratetype = get_pfnblock_migratetype(zone, pfn);

	if (unlikely(migratetype >= MIGRATE_PCPTYPES)) {
		if (migratetype == MIGRATE_ISOLATE) {
			count_vm_events(PGFREE, 1UL << order);
			free_one_page(zone, page, pfn, order, migratetype);
			return;
		}
	}
	free_unref_page_commit(pcp_lock_this_cpu(), zone, page, order, migratetype, cold);
}

/*
 * A free took the list past high: give a batch (or more, see nr_pcp_free)
 * back to the buddy lists, then drop the CPU's lock. Out of line, so that
 * the free fast path reaches it without saving registers.
 */
void free_pcppages_over_high(struct zone *zone, struct per_cpu_pages *pcp, struct buddy_cpu *cpu, int pindex)
{
	if (pcp_reserve_enabled(zone) && __pcp_reserve_park(zone, pcp, pindex)) {
		pcp_unlock_cpu(cpu);
		return;
	}
	free_pcppages_bulk(zone, nr_pcp_free(pcp), pcp, pindex);
	__count_vm_events(cpu, PCP_DRAIN, 1);
	pcp_unlock_cpu(cpu);
}

/* Empty one CPU's lists of one zone. Returns the pages returned. */
int drain_zone_pages_cpu(struct zone *zone, int c)
{
	struct buddy_cpu *cpu = &buddy.cpus[c];
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[c];
	int n;

	pcp_lock_cpu(cpu);
	__pcp_reserve_flush(zone, pcp);
	n = pcp->count;
	free_pcppages_bulk(zone, n, pcp, 0);
	pcp_unlock_cpu(cpu);
	return n;
}

static void drain_cpu(int c)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (zone->per_cpu_pageset && zone->spanned_pages)
				drain_zone_pages_cpu(zone, c);
		}
}

void buddy_drain_local_pages(void)
{
	if (!atomic_load_explicit(&buddy.initialized, memory_order_acquire))
		return;
	drain_cpu(pcp_cpu_id());
}

void buddy_drain_all_pages(void)
{
	if (!atomic_load_explicit(&buddy.initialized, memory_order_acquire))
		return;
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		drain_cpu(c);
}
