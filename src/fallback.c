/* SPDX-License-Identifier: MIT */
/*
 * Taking a block under zone->lock (__rmqueue) and, when the migratetype has
 * none, the fallback path that lets one migratetype take memory from another.
 * Built on free_area.c's lists; called by page_alloc.c and pcp.c.
 *
 * Fallback and stealing follow Linux 6.1: the fallbacks[] table, search from
 * the largest order down, can_steal_fallback, steal_suitable_fallback with its
 * "half the block is free or alike" claim rule, and __rmqueue's retry after
 * a fallback.
 */
#include "internal.h"
#include "trace.h"

/* Where each migratetype may borrow from, in order of preference (6.1). */
static const int fallbacks[MIGRATE_TYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
	[MIGRATE_MOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
	[MIGRATE_RECLAIMABLE] = {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},
};

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE || buddy.page_group_by_mobility_disabled;
}

/*
 * Retype every pageblock of a free block of pageblock order or more. A
 * reserved block inside it - the head's block is never one here, but a
 * pcp drain with a migratetype cached before the reservation can merge a
 * reserved block in behind another - gives its count back with its type,
 * as 6.10 does for multi-block buddies; else nr_reserved_highatomic would
 * count a reserve that no longer exists.
 */
static void change_pageblock_range(struct zone *zone, struct page *page, unsigned int order, int mt)
{
	int nr_blocks = 1 << (order - pageblock_order);

	while (nr_blocks--) {
		if (get_pfnblock_migratetype(zone, page_to_pfn_fast(page)) == MIGRATE_HIGHATOMIC)
			highatomic_block_retyped(zone);
		set_pageblock_migratetype(page, mt);
		page += pageblock_nr_pages;
	}
}

/*
 * Take a block of another type for start_type: claim its whole pageblock when
 * allowed and at least half of it is free or alike, else move only this block.
 */
static void steal_suitable_fallback(struct zone *zone, struct page *page, unsigned int current_order,
				    int start_type, unsigned int alloc_flags, bool whole_block)
{
	int old_block_type = get_pfnblock_migratetype(zone, page_to_pfn_fast(page));
	int free_pages, movable_pages, alike_pages;

	if (old_block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= pageblock_order) {
		change_pageblock_range(zone, page, current_order, start_type);
		goto single_page;
	}
	/*
	 * A pageblock is about to mix types: raise the marks so that kswapd
	 * reclaims and later requests find whole blocks (6.1). The node may look
	 * balanced, so the allocator wakes kswapd itself (rmqueue's
	 * wakeup_kswapd_if_boosted) when the request may wake it.
	 */
	if (boost_watermark(zone) && (alloc_flags & ALLOC_KSWAPD))
		__atomic_fetch_or(&zone->flags, 1UL << ZONE_BOOSTED_WATERMARK, __ATOMIC_RELAXED);
	if (!whole_block)
		goto single_page;

	free_pages = move_freepages_block(zone, page, start_type, &movable_pages);
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (!free_pages)
		goto single_page;
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1)) || buddy.page_group_by_mobility_disabled)
		set_pageblock_migratetype(page, start_type);
	return;

single_page:
	__move_to_free_list(page, zone, current_order, start_type);
}

/* The first fallback type with a free block at this order, or -1. */
static int find_suitable_fallback(struct free_area *area, unsigned int order, int migratetype,
				  bool *can_steal)
{
	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fallback_mt = fallbacks[migratetype][i];
		if (!area->nr_free_mt[fallback_mt])
			continue;
		*can_steal = can_steal_fallback(order, migratetype);
		return fallback_mt;
	}
	return -1;
}

/*
 * Move a block of another migratetype onto start_migratetype's lists so the
 * caller's retry of __rmqueue_smallest succeeds. Largest orders first, to
 * take whole pageblocks and keep the types apart; a movable request that may
 * not steal takes the smallest block instead, to split as little as possible.
 * zone->lock held.
 */
bool __rmqueue_fallback(struct zone *zone, int order, int start_migratetype, unsigned int alloc_flags)
{
	int current_order, fallback_mt = -1;
	int min_order = order;
	bool can_steal = false;
	struct page *page;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;

	for (current_order = MAX_ORDER - 1; current_order >= min_order; current_order--) {
		fallback_mt = find_suitable_fallback(&zone->free_area[current_order], (unsigned)current_order,
						     start_migratetype, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_migratetype == MIGRATE_MOVABLE && current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = order; current_order < MAX_ORDER; current_order++) {
		fallback_mt = find_suitable_fallback(&zone->free_area[current_order], (unsigned)current_order,
						     start_migratetype, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (fallback_mt == -1)
		return false;

do_steal:
	page = __get_page_from_free_area(zone, (unsigned)current_order, fallback_mt);
	if (!page)
		return false;
	/*
	 * zone->lock is held, and maybe this CPU's lock (pcp refill): taking the
	 * CPU lock here would deadlock. Only this site counts the event, with an
	 * atomic add, so no update is lost.
	 */
	if (current_order < pageblock_order)
		count_vm_events_nolock(EXTFRAG_EVENTS, 1);
	steal_suitable_fallback(zone, page, (unsigned)current_order, start_migratetype, alloc_flags,
				can_steal);
	trace_mm_page_alloc_extfrag(zone, page, order, current_order, start_migratetype, fallback_mt);
	return true;
}

static struct page *__rmqueue_cma_fallback(struct zone *zone, unsigned int order)
{
	return __rmqueue_smallest(zone, order, MIGRATE_CMA);
}

/* A block of this order for migratetype, borrowing if need be. zone->lock held. */
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype, unsigned int alloc_flags)
{
	struct page *page;

	/* Use CMA when it holds more than half the free memory (6.1). */
	if ((alloc_flags & ALLOC_CMA) && zone->cma_pages &&
	    zone_page_state(zone, NR_FREE_CMA_PAGES) > zone_page_state(zone, NR_FREE_PAGES) / 2) {
		page = __rmqueue_cma_fallback(zone, order);
		if (page)
			return page;
	}
retry:
	page = __rmqueue_smallest(zone, order, migratetype);
	if (unlikely(!page)) {
		if (alloc_flags & ALLOC_CMA)
			page = __rmqueue_cma_fallback(zone, order);
		if (!page && __rmqueue_fallback(zone, (int)order, migratetype, alloc_flags))
			goto retry;
	}
	return page;
}
