/* SPDX-License-Identifier: MIT */
/*
 * The buddy lists of a zone: free_area[order].free_list[migratetype], the
 * helpers that list and unlist a block and keep every free-page count
 * (account_freepages), split (expand) and merge (__free_one_page),
 * __rmqueue_smallest, moving a pageblock's free pages to another list, and
 * the deferred max-order blocks of start-up. Everything here runs under
 * zone->lock; it calls nothing above it (fallback.c, pcp.c and page_alloc.c
 * call down into it).
 *
 * Shapes follow Linux 6.x (account_freepages in the list helpers, 6.10), the
 * tail-placement heuristic of 4.x __free_one_page, and the kernel's deferred
 * struct page init, done on demand instead of by a kthread.
 */
#include "debug_page_alloc.h"
#include "internal.h"
#include "nofail.h"
#include "page_reporting.h"
#include "trace.h"

/* ------------------------------------------------------------ free lists */

/* page becomes the head of a free block of this order. */
static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_flags(page, 1UL << PG_buddy);
	page->private = order;
}

/*
 * The free-page counters of nr_pages entering (or, negative, leaving) the
 * lists of migratetype (Linux 6.10 account_freepages): isolated pages are
 * not free to allocate, so NR_FREE_PAGES leaves them out; CMA pages are also
 * in NR_FREE_CMA_PAGES. Only the list helpers below call it, so every list
 * change keeps the counts. zone->lock held.
 */
static inline void account_freepages(struct zone *zone, long nr_pages, int migratetype)
{
	if (migratetype == MIGRATE_ISOLATE)
		return;
	__mod_zone_page_state(zone, NR_FREE_PAGES, nr_pages);
	if (migratetype == MIGRATE_CMA)
		__mod_zone_page_state(zone, NR_FREE_CMA_PAGES, nr_pages);
}

/* Whether free_area[order] has a block on a list of a pcp type (what pcptype_free_orders caches). */
bool free_area_has_pcptype_block(const struct free_area *area)
{
	unsigned long any = 0;

	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
		any |= area->nr_free_mt[mt];
	return any != 0;
}

/* Keep order's bit of zone->pcptype_free_orders in step with the counts. zone->lock held. */
static inline void account_pcptype_free_orders(struct zone *zone, unsigned int order)
{
	unsigned long orders = zone->pcptype_free_orders, bit = 1UL << order;
	unsigned long now =
		free_area_has_pcptype_block(&zone->free_area[order]) ? orders | bit : orders & ~bit;

	if (now != orders)
		WRITE_ONCE(zone->pcptype_free_orders, now);
}

/* nr blocks of this order (negative: leaving) counted on migratetype's list. zone->lock held. */
static inline void account_free_blocks(struct zone *zone, unsigned int order, int migratetype, long nr)
{
	struct free_area *area = &zone->free_area[order];

	WRITE_ONCE(area->nr_free_mt[migratetype], area->nr_free_mt[migratetype] + (unsigned long)nr);
	WRITE_ONCE(area->nr_free, area->nr_free + (unsigned long)nr);
	if (migratetype < MIGRATE_PCPTYPES)
		account_pcptype_free_orders(zone, order);
	account_freepages(zone, nr * (1L << order), migratetype);
}

/* zone->lock held for all the list helpers below; they keep every free-page count. */
void __add_to_free_list(struct page *page, struct zone *zone, unsigned int order, int migratetype, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	lockdep_assert_zone_held(zone);
	VM_BUG_ON_PAGE(order >= MAX_ORDER || migratetype < 0 || migratetype >= MIGRATE_TYPES, page);
	VM_BUG_ON_PAGE(!PageBuddy(page) || buddy_order(page) != order || PagePcp(page) ||
			       page_ref_count(page),
		       page);
	VM_BUG_ON_PAGE(page_on_list(page), page);
	VM_BUG_ON_PAGE(bad_range(zone, page, order) || (page_to_pfn_fast(page) & ((1UL << order) - 1)), page);
	if (tail)
		list_add_tail(&page->lru, &area->free_list[migratetype]);
	else
		list_add(&page->lru, &area->free_list[migratetype]);
	page->index = (unsigned long)migratetype;
	account_free_blocks(zone, order, migratetype, 1);
}

void __move_to_free_list(struct page *page, struct zone *zone, unsigned int order, int migratetype)
{
	struct free_area *area = &zone->free_area[order];
	int old = (int)page->index;

	lockdep_assert_zone_held(zone);
	VM_BUG_ON_PAGE(order >= MAX_ORDER || migratetype < 0 || migratetype >= MIGRATE_TYPES, page);
	VM_BUG_ON_PAGE(!PageBuddy(page) || buddy_order(page) != order || old >= MIGRATE_TYPES, page);
	VM_BUG_ON_PAGE(!page_on_list(page) || bad_range(zone, page, order), page);
	list_move_tail(&page->lru, &area->free_list[migratetype]);
	page->index = (unsigned long)migratetype;
	if (old != migratetype) {
		account_free_blocks(zone, order, old, -1);
		account_free_blocks(zone, order, migratetype, 1);
	}
}

void __del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	int mt = (int)page->index;

	lockdep_assert_zone_held(zone);
	VM_BUG_ON_PAGE(order >= MAX_ORDER || mt < 0 || mt >= MIGRATE_TYPES, page);
	VM_BUG_ON_PAGE(!PageBuddy(page) || buddy_order(page) != order, page);
	VM_BUG_ON_PAGE(!page_on_list(page) || bad_range(zone, page, order), page);
	list_del(&page->lru);
	__clear_page_reported(zone, page, order); /* 6.1: leaving the lists ends the report */
	clear_page_flag(page, PG_buddy);
	page->private = 0;
	account_free_blocks(zone, order, mt, -1);
}

/*
 * The first block on a free list, or NULL. A MOVABLE max-order list may be
 * empty while its count says otherwise: those blocks are deferred, and one
 * is initialised now.
 */
struct page *__get_page_from_free_area(struct zone *zone, unsigned int order, int migratetype)
{
	struct free_area *area = &zone->free_area[order];
	struct list_head *list = &area->free_list[migratetype];

	lockdep_assert_zone_held(zone);
	if (unlikely(list_empty(list))) {
		if (order != MAX_ORDER - 1 || migratetype != MIGRATE_MOVABLE || !zone->nr_deferred)
			return NULL;
		deferred_grow_zone(zone);
	}
	return list_first_entry(list, struct page, lru);
}

/* ------------------------------------------------------------ split/merge */

/*
 * Split a block of order high down to low, freeing the upper halves; a half
 * below debug_guardpage_minorder becomes a guard page instead (6.1).
 */
void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high, int migratetype)
{
	unsigned long size = 1UL << high;

	lockdep_assert_zone_held(zone);
	VM_BUG_ON_PAGE(low > high || high >= MAX_ORDER || bad_range(zone, page, high) || PageBuddy(page),
		       page);
	while (high > low) {
		high--;
		size >>= 1;
		if (set_page_guard(zone, &page[size], high))
			continue;
		set_buddy_order(&page[size], high);
		__add_to_free_list(&page[size], zone, high, migratetype, false);
	}
}

/* Take the smallest free block of this migratetype that fits. zone->lock held. */
struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	for (unsigned int current_order = order; current_order < MAX_ORDER; current_order++) {
		struct page *page = __get_page_from_free_area(zone, current_order, migratetype);
		if (!page)
			continue;
		bool reported = PageReported(page);
		__del_page_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order, migratetype);
		if (unlikely(reported))
			__page_reporting_split(zone, page, order, current_order);
		page->index = (unsigned long)migratetype;
		trace_mm_page_alloc_zone_locked(page, order, migratetype,
						pcp_allowed_order(order) && migratetype < MIGRATE_PCPTYPES);
		return page;
	}
	return NULL;
}

/* A free block of this order, or a guard page of it (6.1): either merges. */
static inline bool page_is_buddy(const struct zone *zone, const struct page *buddy_page,
				 unsigned long buddy_pfn, unsigned int order)
{
	return zone_spans_pfn(zone, buddy_pfn) &&
	       (page_flags(buddy_page) & ((1UL << PG_buddy) | (1UL << PG_guard))) &&
	       buddy_order(buddy_page) == order;
}

/* Isolated, CMA and highatomic blocks keep their pages to themselves. */
static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/*
 * When the block's buddy at the next order up is free, this block is likely
 * to merge soon: put it at the tail so it is not handed out first (4.x).
 */
static bool buddy_merge_likely(const struct zone *zone, unsigned long pfn, unsigned long buddy_pfn,
			       unsigned int order)
{
	unsigned long higher_pfn = buddy_pfn & pfn;
	unsigned long higher_buddy_pfn = higher_pfn ^ (1UL << (order + 1));

	return page_is_buddy(zone, pfn_to_page_fast(higher_buddy_pfn), higher_buddy_pfn, order + 1);
}

__thread struct capture_control *current_capture_control;

/*
 * 6.1 compaction_capture: the thread compacting this zone for an allocation
 * of this order takes the block as it forms, before it reaches a list where
 * another thread could take it. Never a CMA or isolated block, and a movable
 * block smaller than a pageblock only for a movable request (the pollution
 * rule). zone->lock held.
 */
static bool compaction_capture(struct zone *zone, struct page *page, unsigned int order, int migratetype)
{
	struct capture_control *capc = current_capture_control;

	if (capc->page || capc->zone != zone || (int)order != capc->order)
		return false;
	if (migratetype == MIGRATE_CMA || migratetype == MIGRATE_ISOLATE)
		return false;
	if (order < pageblock_order && migratetype == MIGRATE_MOVABLE && capc->migratetype != MIGRATE_MOVABLE)
		return false;
	capc->page = page;
	return true;
}

/* 6.1 fpi_t: how __free_one_page places the block and whom it tells. */
enum {
	FPI_NONE = 0,
	FPI_TO_TAIL = 1 << 0,		 /* the tail of its list: handed out last */
	FPI_SKIP_REPORT_NOTIFY = 1 << 1, /* page reporting's own put-back: no new request */
};

/* Free a block, merging it with free buddies as far as it goes. zone->lock held. */
static __always_inline void __free_one_page_fpi(struct page *page, unsigned long pfn, struct zone *zone,
						unsigned int order, int migratetype, int fpi_flags)
{
	bool to_tail = false;

	lockdep_assert_zone_held(zone);
	VM_BUG_ON_PAGE(page_to_pfn_fast(page) != pfn || (pfn & ((1UL << order) - 1)) ||
			       bad_range(zone, page, order),
		       page);
	VM_BUG_ON_PAGE(PageBuddy(page) || PagePcp(page) || page_ref_count(page) ||
			       migratetype >= MIGRATE_TYPES,
		       page);
	while (order < MAX_ORDER - 1) {
		if (unlikely(current_capture_control) && compaction_capture(zone, page, order, migratetype))
			return;
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy_page = page + ((long)buddy_pfn - (long)pfn);

		if (!page_is_buddy(zone, buddy_page, buddy_pfn, order))
			break;
		if (unlikely(order >= pageblock_order)) {
			int buddy_mt = get_pfnblock_migratetype(zone, buddy_pfn);
			if (migratetype != buddy_mt &&
			    (!migratetype_is_mergeable(migratetype) || !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		if (unlikely(PageGuard(buddy_page)))
			clear_page_guard(zone, buddy_page, order);
		else
			__del_page_from_free_list(buddy_page, zone, order);
		unsigned long combined_pfn = buddy_pfn & pfn;
		page += (long)combined_pfn - (long)pfn;
		pfn = combined_pfn;
		order++;
	}
	set_buddy_order(page, order);
	if (fpi_flags & FPI_TO_TAIL)
		to_tail = true;
	/* Pfn 0 is a valid buddy: test the order, not the buddy's pfn. */
	else if (order < MAX_ORDER - 2)
		to_tail = buddy_merge_likely(zone, pfn, pfn ^ (1UL << order), order);
	__add_to_free_list(page, zone, order, migratetype, to_tail);
	if (!(fpi_flags & FPI_SKIP_REPORT_NOTIFY))
		page_reporting_notify_free(order);
}

void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype)
{
	__free_one_page_fpi(page, pfn, zone, order, migratetype, FPI_NONE);
}

/*
 * 6.1 __putback_isolated_page: a block page reporting took off the lists
 * comes back, to the tail (unreported blocks are handed out first) and
 * without asking for another report. zone->lock held.
 */
void __putback_isolated_page(struct page *page, unsigned int order, int migratetype)
{
	struct zone *zone = page_zone(page);

	__free_one_page_fpi(page, page_to_pfn_fast(page), zone, order, migratetype,
			    FPI_TO_TAIL | FPI_SKIP_REPORT_NOTIFY);
}

void free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order)
{
	clear_kswapd_failures(zone->zone_pgdat); /* memory comes back: reclaim may work again */
	zone_lock(zone);
	/*
	 * The block's type is read under the lock (6.10; 6.1 passed one read
	 * before it and reread it only for isolation), as free_pcppages_bulk does.
	 */
	__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(zone, pfn));
	zone_unlock(zone);
	wake_nofail_waiters_if_any();
}

/* ------------------------------------------------------------ pageblocks */

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
		bool reported = PageReported(page);
		__del_page_from_free_list(page, zone, order);
		for (unsigned long p = head; p < head + (1UL << order); p += pageblock_nr_pages) {
			struct page *piece = pfn_to_page_fast(p);
			set_page_links(piece, zone);
			set_page_flag(piece, PG_buddy);
			piece->private = pageblock_order;
			__add_to_free_list(piece, zone, pageblock_order, mt, true);
			if (reported) /* the pieces' memory is still given back */
				__set_page_reported(zone, piece, pageblock_order);
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

/* ------------------------------------------------------------ deferred init */

/* The largest order whose block starts at pfn and ends by end. */
static unsigned int max_fit_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = MAX_ORDER - 1;

	while (order && ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end))
		order--;
	return order;
}

/* Put [pfn, end) on the free lists as the largest aligned blocks that fit. */
static void free_range_to_lists(struct zone *zone, unsigned long pfn, unsigned long end)
{
	while (pfn < end) {
		unsigned int order = max_fit_order(pfn, end);
		struct page *page = pfn_to_page_fast(pfn);

		set_page_links(page, zone);
		__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(zone, pfn));
		pfn += 1UL << order;
	}
}

/*
 * Start-up: the unaligned edges go on the lists now (at most a few blocks),
 * the aligned middle is deferred and only counted. zone->lock not needed:
 * nobody else sees the zone yet.
 */
void init_zone_free_area(struct zone *zone)
{
	unsigned long start = zone->zone_start_pfn, end = zone_end_pfn(zone);
	unsigned long mid_start = (start + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
	unsigned long mid_end = end & ~(MAX_ORDER_NR_PAGES - 1);

	if (mid_start >= mid_end) {
		free_range_to_lists(zone, start, end);
		return;
	}
	free_range_to_lists(zone, start, mid_start);
	free_range_to_lists(zone, mid_end, end);
	zone->deferred_pfn = mid_start;
	zone->nr_deferred = (mid_end - mid_start) >> (MAX_ORDER - 1);
	/* Counted free now (nr_free, nr_free_mt, NR_FREE_PAGES); listing one later changes no count. */
	account_free_blocks(zone, MAX_ORDER - 1, MIGRATE_MOVABLE, (long)zone->nr_deferred);
}

/*
 * Put the deferred max-order block at pfn on its free list. Its pageblocks
 * are still MOVABLE (anything that retypes a pageblock initialises it first),
 * and it is already counted in nr_free and NR_FREE_PAGES. zone->lock held.
 */
static void deferred_list_block(struct zone *zone, unsigned long pfn)
{
	struct page *page = pfn_to_page_fast(pfn);

	set_page_links(page, zone);
	page->private = MAX_ORDER - 1;
	page->index = MIGRATE_MOVABLE;
	set_page_flag(page, PG_buddy);
	list_add_tail(&page->lru, &zone->free_area[MAX_ORDER - 1].free_list[MIGRATE_MOVABLE]);
	zone->nr_deferred--;
}

/* The lowest deferred block onto its free list. zone->lock held. */
void deferred_grow_zone(struct zone *zone)
{
	unsigned long pfn = zone->deferred_pfn;

	lockdep_assert_zone_held(zone);
	zone->deferred_pfn += MAX_ORDER_NR_PAGES;
	deferred_list_block(zone, pfn);
}

/*
 * Initialise the deferred blocks that overlap [start, end), and as few others
 * as keeps the rest one run: from whichever end of the run is nearer, so a
 * range at the top of a zone (the CMA area) costs its own size, not the
 * zone's. zone->lock held.
 */
void deferred_init_range(struct zone *zone, unsigned long start, unsigned long end)
{
	lockdep_assert_zone_held(zone);
	if (!zone->nr_deferred || start >= zone_deferred_end(zone) || end <= zone->deferred_pfn)
		return;
	if (end - zone->deferred_pfn <= zone_deferred_end(zone) - start) {
		while (zone->nr_deferred && zone->deferred_pfn < end)
			deferred_grow_zone(zone);
	} else {
		while (zone->nr_deferred && zone_deferred_end(zone) > start)
			deferred_list_block(zone, zone_deferred_end(zone) - MAX_ORDER_NR_PAGES);
	}
}
