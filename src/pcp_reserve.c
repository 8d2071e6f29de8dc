/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU reserves of high-order blocks: a documented deviation from the
 * kernel (BUDDY_CONF pcp_reserve_fraction; 0 restores 6.1's behaviour).
 *
 * In the kernel a free that takes a pcp past high gives a batch back under
 * zone->lock, and an empty list refills under it. For orders 1-3 and
 * pageblock_order a batch is a few blocks, so a loop that allocates many
 * such blocks and then frees them takes zone->lock about once per block,
 * and two CPUs doing so serialise on it and bounce the zone's lines.
 * Here a free past high parks the block on this CPU's reserve list instead
 * (while the reserve has room), and an allocation that finds its list empty
 * takes the reserve's first block (the fast path) or refills the list from
 * the reserve (the full path) before it goes to the zone: like LLFree's
 * per-core reservations, a CPU
 * keeps reusing the memory it freed without touching shared state.
 *
 * Room: all CPUs together may keep 1/pcp_reserve_fraction of the zone
 * (zone->pcp_reserve_total). A CPU claims it in chunks of RESERVE_CHUNK
 * pageblocks from zone->pcp_reserve_budget (one compare-and-swap per chunk,
 * so the shared line moves once per 16 pageblocks parked, not per block),
 * gives a chunk back when it holds two unused and the budget is exhausted,
 * and everything back when it is drained. So one busy CPU may use the whole,
 * and a drained CPU holds none.
 *
 * The cost: up to that 1/N of each zone can sit in reserves, uncounted in
 * NR_FREE_PAGES like the kernel's pcp pages, and cannot merge with its
 * buddies there. Everything that drains the pcp lists drains the reserves
 * too (drain_zone_pages_cpu: the allocator before it fails, compaction,
 * isolation, alloc_contig_range, CMA), and buddy_check walks them. Order 0
 * never uses a reserve: its fast path is unchanged. The functions with "__"
 * run under the CPU's pcp lock.
 */
#include "internal.h"

#define RESERVE_CHUNK 16 /* pageblocks claimed at a time */

static inline long reserve_chunk(void)
{
	return RESERVE_CHUNK * (long)pageblock_nr_pages;
}

/*
 * zone_pcp_update, before it flushes every CPU: the reserves' new total
 * (1/fraction of the zone in whole chunks, none below one chunk per CPU). The
 * budget moves by the change, so claims made meanwhile stay counted. Under
 * the tunables' lock (or at start-up), so there is one writer.
 */
void pcp_reserve_set_total(struct zone *zone, int nr_cpus)
{
	int fraction = buddy.settings.pcp_reserve_fraction;
	long total = 0;

	if (fraction > 0 && nr_cpus > 0) {
		total = (long)(zone->managed_pages / (unsigned long)fraction);
		total -= total % reserve_chunk();
		if (total < nr_cpus * reserve_chunk())
			total = 0; /* a small zone keeps the kernel's behaviour */
	}
	long old = atomic_load_explicit(&zone->pcp_reserve_total, memory_order_relaxed);

	/* in the order that keeps budget <= total for a racing buddy_check */
	if (total > old)
		atomic_store_explicit(&zone->pcp_reserve_total, total, memory_order_relaxed);
	atomic_fetch_add_explicit(&zone->pcp_reserve_budget, total - old, memory_order_relaxed);
	if (total <= old)
		atomic_store_explicit(&zone->pcp_reserve_total, total, memory_order_relaxed);
}

/* Whether the zone has reserves at all (read racily: a stale answer only parks or drains once more). */
bool pcp_reserve_enabled(struct zone *zone)
{
	return atomic_load_explicit(&zone->pcp_reserve_total, memory_order_relaxed) != 0;
}

/* One more chunk of room for this CPU, if the budget has it. */
static bool reserve_claim(struct zone *zone, struct per_cpu_pages *pcp)
{
	long chunk = reserve_chunk();
	long budget = atomic_load_explicit(&zone->pcp_reserve_budget, memory_order_relaxed);

	while (budget >= chunk)
		if (atomic_compare_exchange_weak_explicit(&zone->pcp_reserve_budget, &budget, budget - chunk,
							  memory_order_relaxed, memory_order_relaxed)) {
			pcp->reserve_claimed += (int)chunk;
			return true;
		}
	return false;
}

static void reserve_unclaim(struct zone *zone, struct per_cpu_pages *pcp, long pages)
{
	pcp->reserve_claimed -= (int)pages;
	atomic_fetch_add_explicit(&zone->pcp_reserve_budget, pages, memory_order_relaxed);
}

/*
 * A free took the CPU's lists past high, last onto the list at pindex: keep
 * that list's hot block in reserve instead of draining, when the order is
 * above 0 and there is room. Returns whether it did (then count is back
 * under high). cpu->lock held.
 */
bool __pcp_reserve_park(struct zone *zone, struct per_cpu_pages *pcp, int pindex)
{
	unsigned int order = pindex_to_order(pindex);
	struct list_head *list = &pcp->lists[pindex];

	if (!order || list_empty(list))
		return false;
	if (pcp->reserve_count + (1 << order) > pcp->reserve_claimed && !reserve_claim(zone, pcp))
		return false;
	list_move(list->next, &pcp->reserve[pindex]);
	pcp->count -= 1 << order;
	pcp->reserve_count += 1 << order;
	return true;
}

/*
 * When the budget has run out, room two chunks beyond what the reserve holds
 * goes back to it, for the other CPUs; while it lasts, a CPU keeps what it
 * claimed, so a loop that fills and empties its reserve does not claim and
 * give back (a write to the shared line) on every pass. cpu->lock held.
 */
static void reserve_give_back_unused(struct zone *zone, struct per_cpu_pages *pcp)
{
	if (pcp->reserve_claimed - pcp->reserve_count >= 2 * reserve_chunk() &&
	    atomic_load_explicit(&zone->pcp_reserve_budget, memory_order_relaxed) < reserve_chunk())
		reserve_unclaim(zone, pcp, reserve_chunk());
}

/*
 * Move up to nr blocks from the reserve to the (empty) list at pindex and
 * count them there (the full path's refill). Returns how many moved.
 * cpu->lock held.
 */
int __pcp_reserve_refill(struct zone *zone, struct per_cpu_pages *pcp, int pindex, int nr)
{
	struct list_head *reserve = &pcp->reserve[pindex];
	unsigned int order = pindex_to_order(pindex);
	int i;

	for (i = 0; i < nr && !list_empty(reserve); i++)
		list_move_tail(reserve->next, &pcp->lists[pindex]);
	pcp->reserve_count -= i << order;
	pcp->count += i << order;
	reserve_give_back_unused(zone, pcp);
	return i;
}

/*
 * The fast path's allocation when the list at pindex is empty and its
 * reserve is not: the reserve's first block, taken where it lies. Moving a
 * batch to the list first walks the reserve, a dependent cache miss on each
 * 2 MiB block's descriptor; taking the first block touches only that one,
 * whose line the previous take already asked for (it wrote its prev
 * pointer). NULL, with nothing changed, when the block is not free after all
 * (the full path reports it). cpu->lock held.
 */
struct page *__pcp_reserve_take(struct zone *zone, struct per_cpu_pages *pcp, int pindex)
{
	struct page *page = list_first_entry(&pcp->reserve[pindex], struct page, lru);

	if (unlikely(page_ref_count(page) != 0))
		return NULL;
	__pcp_unlink(pcp, page);
	pcp->reserve_count -= 1 << pindex_to_order(pindex);
	__pcp_count_allocation(pcp);
	reserve_give_back_unused(zone, pcp);
	return page;
}

/*
 * Put every reserved block back on its list, counted there, so that the
 * drain which follows returns it to the buddy lists, and give the room
 * back. cpu->lock held.
 */
void __pcp_reserve_flush(struct zone *zone, struct per_cpu_pages *pcp)
{
	for (int i = 0; pcp->reserve_count && i < NR_PCP_LISTS; i++)
		while (!list_empty(&pcp->reserve[i]))
			list_move_tail(pcp->reserve[i].next, &pcp->lists[i]);
	pcp->count += pcp->reserve_count;
	pcp->reserve_count = 0;
	if (pcp->reserve_claimed)
		reserve_unclaim(zone, pcp, pcp->reserve_claimed);
}
