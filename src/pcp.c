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
 * Sizing and tuning follow 6.7-6.10 (Huang Ying's series): zone_batchsize;
 * high_min from the low watermark (or managed / percpu_pagelist_high_fraction,
 * which then also fixes high_max: no auto-tuning), high_max from a fraction
 * of 8, both split over the node's CPUs and at least 4 * batch. pcp->high
 * moves between them: up while a CPU frees without allocating (nr_pcp_high),
 * down on free_high, under zone pressure and by decay_pcp_high; refills grow
 * with alloc_factor (nr_pcp_alloc), drains with free_count (nr_pcp_free).
 * One deviation: high_min is at least three pageblocks when the zone is large
 * enough, so that an order-9 alloc/free pair stays on the per-CPU list
 * instead of bouncing through the zone lock. docs/pcp.md has the formulas.
 * Another, for orders above 0 (pcp_reserve.c): a free past high parks the
 * block on the CPU's reserve instead of draining, up to a share of the zone.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nofail.h"
#include "os.h"
#include "trace.h"

/* ------------------------------------------------------------ sizing */

static unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (63 - __builtin_clzl(n));
}

static inline int clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline int max_int(int a, int b)
{
	return a > b ? a : b;
}

static inline int min_int(int a, int b)
{
	return a < b ? a : b;
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

/* 6.7 MIN_PERCPU_PAGELIST_HIGH_FRACTION: high_max is an eighth of the zone, split over the CPUs. */
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

/* 6.7 zone_highsize: fraction 0 is the low watermark, else managed / fraction; per CPU, >= 4 * batch. */
static int zone_highsize(const struct zone *zone, int batch, int fraction)
{
	unsigned long total =
		fraction ? zone->managed_pages / (unsigned long)fraction : wmark_pages(zone, WMARK_LOW);
	long high = (long)(total / (unsigned long)cpus_of_node(zone->node));

	if (high < (long)batch << 2)
		high = (long)batch << 2;
	return high > INT_MAX / 2 ? INT_MAX / 2 : (int)high;
}

/*
 * The pageblock floor described at the top (a libbuddy deviation): three
 * pageblocks of high_min when the zone has 48 pageblocks per CPU.
 */
static int pageblock_floor(const struct zone *zone, int high)
{
	unsigned long per_cpu = zone->managed_pages / (unsigned long)cpus_of_node(zone->node);

	if (per_cpu >= 16 * 3 * pageblock_nr_pages && high < 3 * (int)pageblock_nr_pages)
		high = 3 * (int)pageblock_nr_pages;
	return high;
}

/*
 * 6.7 zone_set_high_and_batch: a set percpu_pagelist_high_fraction fixes
 * high (high_min == high_max turns the tuning off); 0 lets it move from the
 * low watermark's share up to an eighth of the zone's.
 */
static void zone_high_bounds(const struct zone *zone, int batch, int *high_min, int *high_max)
{
	int fraction = buddy.settings.percpu_pagelist_high_fraction;

	if (fraction) {
		*high_min = *high_max = zone_highsize(zone, batch, fraction);
		return;
	}
	*high_min = pageblock_floor(zone, zone_highsize(zone, batch, 0));
	*high_max = zone_highsize(zone, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	if (*high_max < *high_min)
		*high_max = *high_min;
}

/*
 * 6.7 setup_pcp_cacheinfo: PCPF_FREE_HIGH_BATCH when this CPU's share of
 * the last-level cache holds five batches, so a run of high-order frees may
 * keep one batch parked for the next allocation instead of draining it all.
 * The share is the LLC over all CPUs (one LLC assumed).
 */
static bool pcp_free_high_batch(int batch)
{
	unsigned long llc = os_llc_bytes();

	return llc / (unsigned long)buddy.nr_cpu_ids > 5UL * (unsigned long)batch * PAGE_SIZE;
}

void setup_zone_pageset(struct zone *zone)
{
	size_t bytes = sizeof(struct per_cpu_pages) * (size_t)buddy.nr_cpu_ids;

	zone->per_cpu_pageset = aligned_alloc(CACHELINE, bytes);
	if (!zone->per_cpu_pageset)
		abort();
	memset(zone->per_cpu_pageset, 0, bytes);
	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		for (int i = 0; i < NR_PCP_LISTS; i++) {
			INIT_LIST_HEAD(&zone->per_cpu_pageset[c].lists[i]);
			INIT_LIST_HEAD(&zone->per_cpu_pageset[c].reserve[i]);
		}
		zone->per_cpu_pageset[c].decay_stamp =
			(unsigned int)os_clock_coarse_ms(); /* first decay in a second */
	}
	zone_pcp_update(zone);
}

static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp, int pindex);

/*
 * New batch, high_min and high_max for every CPU's lists of the zone, after
 * a watermark or tunable change; high is clamped into the new bounds. A
 * lower high takes effect at once: what the lists hold above it goes back
 * now. (6.7 clamps high lazily and leaves the excess for later frees or
 * decay; giving it back here keeps every list within pcp_count_limit, which
 * buddy_check enforces.)
 */
void zone_pcp_update(struct zone *zone)
{
	/* 6.1 zone_set_pageset_high_and_batch: zones under 4096 pages get batch 0 from the formula. */
	int batch = zone_batchsize(zone) > 0 ? zone_batchsize(zone) : 1;
	int high_min, high_max;
	bool high_batch = pcp_free_high_batch(batch);

	zone_high_bounds(zone, batch, &high_min, &high_max);
	pcp_reserve_set_total(zone, cpus_of_node(zone->node));
	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		struct buddy_cpu *cpu = &buddy.cpus[c];
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[c];

		pcp_lock_cpu(cpu);
		pcp->batch = batch;
		pcp->high_min = high_min;
		pcp->high_max = high_max;
		pcp->high = clamp_int(pcp->high, high_min, high_max);
		if (high_batch)
			pcp->flags |= PCPF_FREE_HIGH_BATCH;
		else
			pcp->flags &= (unsigned char)~PCPF_FREE_HIGH_BATCH;
		/* the reserve joins the lists, so what exceeds high goes back below */
		__pcp_reserve_flush(zone, pcp);
		if (pcp->count > pcp->high)
			free_pcppages_bulk(zone, pcp->count - pcp->high, pcp, 0);
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

			/*
			 * The type cached when the page was parked (6.1), read
			 * again when its block may have been isolated since (6.1)
			 * or when the cached type is one that does not merge
			 * (highatomic, CMA): a block given back from the
			 * highatomic reserve meanwhile would otherwise merge with
			 * a reserved neighbour onto the highatomic list, out of
			 * reach of both the caller's type and the unreserve
			 * (fuzz_ops; 6.10 rereads every type under the lock).
			 */
			if (unlikely(mt >= MIGRATE_PCPTYPES || zone->nr_isolate_pageblock))
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
 * The most pages a CPU's lists can hold. high (at most high_max) bounds
 * what frees park: a free that reaches it drains, starting with the list it
 * filled, and a free may overshoot it by one block before that. A refill of
 * an empty list is not bounded by high (nor is it in the kernel), so each
 * list may also hold one refill on top: for order 0 at most a batch past
 * what keeps the lists a batch below high (nr_pcp_alloc), for the other
 * orders max(batch >> order, 2) blocks - two pageblocks, for instance, on
 * each pageblock-order list.
 */
long pcp_count_limit(const struct per_cpu_pages *pcp)
{
	long limit = pcp->high_max + (long)pageblock_nr_pages;

	for (int pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
		unsigned int order = pindex_to_order(pindex);
		limit += (long)pcp_refill_blocks(pcp, order) << order;
	}
	return limit;
}

/*
 * 6.7 decay_pcp_high, which the kernel runs from vmstat's refresh each
 * second: high loses an eighth (but no more than PCP_BATCH_SCALE_MAX
 * batches below count, and never below high_min), and what the lists hold
 * above it goes back. Returns nonzero while more is to do. cpu->lock held.
 */
int decay_pcp_high(struct zone *zone, struct per_cpu_pages *pcp)
{
	int batch = pcp->batch, high_min = pcp->high_min;
	int todo = 0;

	if (pcp->high > high_min) {
		pcp->high = max_int(
			max_int(pcp->count - (batch << PCP_BATCH_SCALE_MAX), pcp->high - (pcp->high >> 3)),
			high_min);
		if (pcp->high > high_min)
			todo++;
	}
	if (pcp->count > pcp->high) {
		free_pcppages_bulk(zone, pcp->count - pcp->high, pcp, 0);
		todo++;
	}
	pcp->decay_stamp = (unsigned int)os_clock_coarse_ms();
	return todo;
}

/* The kernel's vmstat interval (vm.stat_interval, 1 s): how often high decays. */
#define PCP_DECAY_INTERVAL_MS 1000U

/*
 * Slow-path events between two looks at the clock. A loop of high-order
 * blocks takes a slow path on nearly every call (a park on every free past
 * high; without a reserve, a refill every two blocks as well): reading the
 * clock on each cost about 40 instructions of an order-9 block's alloc+free.
 */
#define PCP_DECAY_CHECK_EVERY 16U

/*
 * The decay's tick here: there is no per-CPU vmstat worker, so the pcp's
 * own slow paths (a refill, a free that reached the tuning) decay it when a
 * second has passed, looking at the clock every PCP_DECAY_CHECK_EVERY of
 * them; vm.stat_refresh decays every CPU's. cpu->lock held.
 */
static void pcp_decay_if_due(struct zone *zone, struct per_cpu_pages *pcp)
{
	if (pcp->high <= pcp->high_min || ++pcp->decay_events < PCP_DECAY_CHECK_EVERY)
		return;
	pcp->decay_events = 0;
	if ((unsigned int)os_clock_coarse_ms() - pcp->decay_stamp >= PCP_DECAY_INTERVAL_MS)
		decay_pcp_high(zone, pcp);
}

/* decay_pcp_high on every CPU's lists of every zone (vm.stat_refresh). Takes each CPU's lock. */
void buddy_decay_pcp_high_all(void)
{
	if (!atomic_load_explicit(&buddy.initialized, memory_order_acquire))
		return;
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		for (int nid = 0; nid < buddy.nr_node_ids; nid++)
			for (int z = 0; z < MAX_NR_ZONES; z++) {
				struct zone *zone = &NODE_DATA(nid)->node_zones[z];

				if (!zone->per_cpu_pageset || !zone->spanned_pages)
					continue;
				pcp_lock_cpu(&buddy.cpus[c]);
				decay_pcp_high(zone, &zone->per_cpu_pageset[c]);
				pcp_unlock_cpu(&buddy.cpus[c]);
			}
}

/*
 * Blocks to refill an empty list with (6.7 nr_pcp_alloc). Order 0 takes a
 * batch doubled for each refill since the last free (alloc_factor, up to
 * PCP_BATCH_SCALE_MAX doublings), but leaves room for a batch below high;
 * each refill without pressure also lets high grow by that batch, so a CPU
 * that keeps allocating soon refills rarely. Higher orders take a batch of
 * pages, at least two blocks. cpu->lock held.
 */
int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone, unsigned int order)
{
	int base_batch = pcp->batch, high_min = pcp->high_min, high_max = pcp->high_max;
	int high = pcp->high, batch;

	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (high_min != high_max &&
	    !(__atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & (1UL << ZONE_BELOW_HIGH)))
		high = pcp->high = min_int(high + batch, high_max);
	if (!order) {
		int max_nr_alloc = max_int(high - pcp->count - base_batch, base_batch);

		if (batch <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min_int(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max_int(batch >> order, 2);
	return batch;
}

/*
 * 6.7 __rmqueue_pcplist: a block off list, refilled first if empty
 * (nr_pcp_alloc blocks in one zone->lock hold). NULL when the zone had
 * none. cpu->lock held.
 */
struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
			       unsigned int alloc_flags, struct per_cpu_pages *pcp, struct list_head *list)
{
	if (unlikely(list_empty(list))) {
		int got;

		int nr;

		pcp_decay_if_due(zone, pcp);
		nr = nr_pcp_alloc(pcp, zone, order);
		/* orders above 0: this CPU's reserve first, without zone->lock (pcp_reserve.c) */
		if (order && __pcp_reserve_refill(zone, pcp, (int)(list - pcp->lists), nr))
			return list_first_entry(list, struct page, lru);
		got = rmqueue_bulk(zone, order, nr, list, migratetype, alloc_flags);
		if (!got)
			return NULL;
		pcp->count += got << order;
		/* the CPU whose lists these are: pcp's index in the zone's array */
		__count_vm_events(&buddy.cpus[pcp - zone->per_cpu_pageset], PCP_REFILL, 1);
	}
	return list_first_entry(list, struct page, lru);
}

struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone, unsigned int order,
			     int migratetype, gfp_t gfp, unsigned int alloc_flags)
{
	struct buddy_cpu *cpu = pcp_lock_this_cpu();
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu->id];
	struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
	struct page *page;

	if (unlikely(!__rmqueue_pcplist(zone, order, migratetype, alloc_flags, pcp, list))) {
		pcp_unlock_cpu(cpu);
		return NULL;
	}
	page = pcp_list_pick(list, gfp);
	__pcp_take(pcp, page, order);
	__zone_statistics(cpu, pcp, preferred_zone, zone, order, zone->node == cpu->node);
	pcp_unlock_cpu(cpu);
	return page;
}

/*
 * 6.7 nr_pcp_high: the high this free is measured against, adjusting
 * pcp->high on the way. free_high: shrink by PCP_BATCH_SCALE_MAX batches
 * and drain everything (0). Reclaim active: shrink by the run of frees and
 * keep at most four batches. Below the high watermark: shrink by the run
 * and drain down to high_min. Else a free that reaches high grows it to
 * hold the run of frees plus a batch (within high_max) rather than drain.
 * cpu->lock held.
 */
static int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone, int batch, bool free_high)
{
	int high_min = pcp->high_min, high_max = pcp->high_max;
	int high = pcp->high;
	unsigned long flags = __atomic_load_n(&zone->flags, __ATOMIC_RELAXED);

	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp->high = max_int(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	if (flags & (1UL << ZONE_RECLAIM_ACTIVE)) {
		pcp->high = max_int(high - max_int(pcp->free_count, batch), high_min);
		return min_int(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (flags & (1UL << ZONE_BELOW_HIGH)) {
		pcp->high = max_int(high - max_int(pcp->free_count, batch), high_min);
		high = max_int(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp_int(need_high, high_min, high_max);
	}
	return high;
}

/*
 * How much to give back past high (6.7 nr_pcp_free): after a run of
 * high-order frees (free_high) up to PCP_BATCH_SCALE_MAX batches; else the
 * run of frees itself, at least a batch, and never so much that fewer than
 * a batch stays.
 */
static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	if (unlikely(free_high))
		return min_int(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (unlikely(high < batch))
		return 1;
	return min_int(max_int(pcp->free_count, batch), high - batch);
}

/*
 * Free pages at or above the high watermark (the order-0 zone_watermark_ok
 * of 6.7's ZONE_BELOW_HIGH clearing: no ALLOC_CMA, no highatomic reserve,
 * ZONE_MOVABLE's lowmem_reserve). Read racily.
 */
static bool zone_above_high_wmark(struct zone *zone)
{
	long free = zone_page_state(zone, NR_FREE_PAGES) - (long)READ_ONCE(zone->nr_reserved_highatomic) -
		    zone_page_state(zone, NR_FREE_CMA_PAGES);

	return free > (long)(wmark_pages(zone, WMARK_HIGH) + READ_ONCE(zone->lowmem_reserve[ZONE_MOVABLE]));
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
			free_one_page(zone, page, pfn, order);
			return;
		}
	}
	free_unref_page_commit(pcp_lock_this_cpu(), zone, page, order, migratetype, cold);
}

/*
 * The rest of 6.7 free_unref_page_commit, once the block is parked: a free
 * of orders 1..3 in a run of them (free_count >= batch, the previous free
 * of such an order too) is free_high - unless PCPF_FREE_HIGH_BATCH lets the
 * lists keep a batch; nr_pcp_high then says what high this free meets, and
 * past it nr_pcp_free pages go back. A drain that brings the zone back
 * above its high watermark ends ZONE_BELOW_HIGH. Out of line, so the free
 * fast path reaches it by a tail call. cpu->lock held; released.
 */
static void __free_unref_page_tune(struct zone *zone, struct per_cpu_pages *pcp, struct buddy_cpu *cpu,
				   int pindex, unsigned int order)
{
	int batch = pcp->batch, nr = 1 << order, cap = batch << PCP_BATCH_SCALE_MAX;
	bool free_high = false, reserve;
	int high;

	/* the fast side counted this free already; the run stops at cap, as 6.7 stops counting there */
	if (pcp->free_count > cap)
		pcp->free_count = cap;
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count - nr >= batch && (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= (unsigned char)~PCPF_PREV_FREE_HIGH_ORDER;
	}
	/*
	 * Orders above 0 with a reserve (pcp_reserve.c, a deviation): free_high
	 * is not applied - the reserve is this deviation's answer to a run of
	 * high-order frees - and a free past high parks the block there; only
	 * what is still past high then drains.
	 */
	reserve = order && pcp_reserve_enabled(zone);
	high = nr_pcp_high(pcp, zone, batch, free_high && !reserve);
	if (pcp->count >= high && reserve)
		__pcp_reserve_park(zone, pcp, pindex);
	if (pcp->count >= high) {
		free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high, free_high), pcp, pindex);
		__count_vm_events(cpu, PCP_DRAIN, 1);
		if ((__atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & (1UL << ZONE_BELOW_HIGH)) &&
		    zone_above_high_wmark(zone))
			__atomic_fetch_and(&zone->flags, ~(1UL << ZONE_BELOW_HIGH), __ATOMIC_RELAXED);
	}
	pcp_decay_if_due(zone, pcp);
}

/* Out of line (LTO must not inline it): the free fast path reaches it by a tail call and saves no registers.
 */
__noinline void free_unref_page_tune(struct zone *zone, struct per_cpu_pages *pcp, struct buddy_cpu *cpu,
				     int pindex, unsigned int order)
{
	__free_unref_page_tune(zone, pcp, cpu, pindex, order);
	pcp_unlock_cpu(cpu);
}

/*
 * One block of a batched free (release_pages; 6.7 free_unref_page_list's
 * inner step): free_unref_page_commit's work with the lock kept for the
 * next block. cpu->lock held.
 */
void free_unref_page_locked(struct buddy_cpu *cpu, struct zone *zone, struct page *page, unsigned int order,
			    int migratetype)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu->id];
	int list_mt = migratetype >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : migratetype;
	int pindex = order_to_pindex(list_mt, order);
	bool over = __pcp_park(cpu, pcp, page, order, migratetype, pindex, false);

	if (over || order - 1 < PAGE_ALLOC_COSTLY_ORDER || zone_pcp_pressure(zone))
		__free_unref_page_tune(zone, pcp, cpu, pindex, order);
	else
		pcp_clear_prev_free_high_order(pcp);
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
