/* SPDX-License-Identifier: MIT */
/*
 * Pageblocks: each pageblock_nr_pages-aligned block carries a migratetype in
 * a compact per-zone bitmap (NR_PAGEBLOCK_BITS per block: three migratetype
 * bits plus the compaction skip bit, as the kernel lays them out), and the
 * fallback path that lets one migratetype take memory from another.
 *
 * Fallback and stealing follow Linux 6.1: the fallbacks[] table, search from
 * the largest order down, can_steal_fallback, steal_suitable_fallback with its
 * "half the block is free or alike" claim rule.
 *
 * The free-list helpers keep the zone counters (account_freepages): moving
 * free pages between lists needs no counting here.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "trace.h"

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

unsigned long *alloc_pageblock_flags(unsigned long spanned_pages)
{
	unsigned long blocks = (spanned_pages + pageblock_nr_pages - 1) / pageblock_nr_pages;
	unsigned long words = (blocks + BLOCKS_PER_WORD - 1) / BLOCKS_PER_WORD + 1;
	unsigned long *bits = malloc(words * sizeof(unsigned long));
	unsigned long all_movable = 0;

	if (!bits)
		return NULL;
	/* Every block starts MOVABLE, as the kernel's memmap_init leaves them. */
	for (unsigned long i = 0; i < BLOCKS_PER_WORD; i++)
		all_movable |= (unsigned long)MIGRATE_MOVABLE << (i * NR_PAGEBLOCK_BITS);
	for (unsigned long w = 0; w < words; w++)
		bits[w] = all_movable;
	return bits;
}

static unsigned long *block_word(const struct zone *zone, unsigned long pfn, unsigned int *shift)
{
	unsigned long block = (pfn - zone->zone_start_pfn) >> pageblock_order;

	*shift = (unsigned int)(block % BLOCKS_PER_WORD) * NR_PAGEBLOCK_BITS;
	return &zone->pageblock_flags[block / BLOCKS_PER_WORD];
}

/* Lock-free: blocks sharing a word may be retyped concurrently. */
void set_pfnblock_migratetype(struct zone *zone, unsigned long pfn, int mt)
{
	unsigned int shift;
	unsigned long *word = block_word(zone, pfn, &shift);
	unsigned long old = __atomic_load_n(word, __ATOMIC_RELAXED), new;

	do {
		new = (old & ~(MIGRATETYPE_MASK << shift)) | ((unsigned long)mt << shift);
	} while (!__atomic_compare_exchange_n(word, &old, new, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

int get_pageblock_migratetype(const struct page *page)
{
	unsigned long pfn = page_to_pfn_fast(page);
	return get_pfnblock_migratetype(pfn_to_zone(pfn), pfn);
}

void set_pageblock_migratetype(struct page *page, int migratetype)
{
	unsigned long pfn = page_to_pfn_fast(page);
	if (buddy.page_group_by_mobility_disabled && migratetype < MIGRATE_PCPTYPES)
		migratetype = MIGRATE_UNMOVABLE;
	set_pfnblock_migratetype(pfn_to_zone(pfn), pfn, migratetype);
}

/* Where each migratetype may borrow from, in order of preference (6.1). */
static const int fallbacks[MIGRATE_TYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/*
 * Move the free blocks of the pageblock holding page to migratetype's lists.
 * Returns the free pages moved; *num_movable counts in-use pages that were
 * allocated as movable. zone->lock held.
 */
int move_freepages_block(struct zone *zone, struct page *page, int migratetype, int *num_movable)
{
	unsigned long start = page_to_pfn_fast(page) & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages;
	int moved = 0;

	if (num_movable)
		*num_movable = 0;
	if (start < zone->zone_start_pfn || end > zone_end_pfn(zone))
		return 0;
	for (unsigned long pfn = start; pfn < end;) {
		struct page *p = pfn_to_page_fast(pfn);

		if (PageBuddy(p)) {
			unsigned int order = buddy_order(p);

			__move_to_free_list(p, zone, order, migratetype);
			pfn += 1UL << order;
			moved += 1 << order;
		} else if (page_ref_count(p) > 0 && !PageTail(p)) {
			/* An allocation's head: skip the whole allocation. */
			unsigned long nr = 1UL << READ_ONCE(p->alloc_order);
			if (num_movable && READ_ONCE(p->index) == MIGRATE_MOVABLE)
				*num_movable += (int)nr;
			pfn += nr;
		} else {
			pfn++;
		}
	}
	return moved;
}

/*
 * Before one pageblock changes type alone, a free block larger than a
 * pageblock that covers it is cut into pageblock-sized blocks, each left on
 * the same list; otherwise moving "the block's free pages" would drag its
 * neighbour's pages along (the kernel's split_free_page does this for
 * isolation boundaries). zone->lock held.
 */
void __split_free_block_over_pageblock(struct zone *zone, unsigned long pfn)
{
	unsigned long block = pfn & ~(pageblock_nr_pages - 1);

	for (unsigned int order = pageblock_order + 1; order < MAX_ORDER; order++) {
		unsigned long head = block & ~((1UL << order) - 1);
		struct page *page = pfn_to_page_fast(head);

		if (head < zone->zone_start_pfn)
			return;
		if (!PageBuddy(page) || buddy_order(page) != order)
			continue;
		int mt = (int)page->index;
		__del_page_from_free_list(page, zone, order);
		for (unsigned long p = head; p < head + (1UL << order); p += pageblock_nr_pages) {
			struct page *piece = pfn_to_page_fast(p);
			set_page_links(piece, zone);
			set_page_flag(piece, PG_buddy);
			piece->private = pageblock_order;
			__add_to_free_list(piece, zone, pageblock_order, mt, true);
		}
		return;
	}
}

/*
 * After a pageblock changed type, a free block filling it may now merge
 * with its neighbour: free it again so __free_one_page can. zone->lock held.
 */
void __remerge_pageblock(struct zone *zone, unsigned long pfn)
{
	unsigned long start = pfn & ~(pageblock_nr_pages - 1);
	struct page *page = pfn_to_page_fast(start);

	if (!PageBuddy(page) || buddy_order(page) < pageblock_order || buddy_order(page) >= MAX_ORDER - 1)
		return;
	unsigned int order = buddy_order(page);
	int mt = (int)page->index;

	__del_page_from_free_list(page, zone, order);
	__free_one_page(page, start, zone, order, mt);
}

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE || buddy.page_group_by_mobility_disabled;
}

static void change_pageblock_range(struct page *page, unsigned int order, int mt)
{
	int nr_blocks = 1 << (order - pageblock_order);

	while (nr_blocks--) {
		set_pageblock_migratetype(page, mt);
		page += pageblock_nr_pages;
	}
}

/*
 * Take a block of another type for start_type: claim its whole pageblock when
 * allowed and at least half of it is free or alike, else move only this block.
 */
static void steal_suitable_fallback(struct zone *zone, struct page *page, unsigned int current_order,
				    int start_type, bool whole_block)
{
	int old_block_type = get_pfnblock_migratetype(zone, page_to_pfn_fast(page));
	int free_pages, movable_pages, alike_pages;

	if (old_block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= pageblock_order) {
		change_pageblock_range(page, current_order, start_type);
		goto single_page;
	}
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
	steal_suitable_fallback(zone, page, (unsigned)current_order, start_migratetype, can_steal);
	trace_mm_page_alloc_extfrag(zone, page, order, current_order, start_migratetype, fallback_mt);
	return true;
}
