/* SPDX-License-Identifier: MIT */
/*
 * Highatomic reserves (Linux 6.1 rules): a high-order allocation that got
 * through with ALLOC_HARDER marks its pageblock MIGRATE_HIGHATOMIC, so later
 * ALLOC_HARDER requests of order > 0 find free memory there first
 * (rmqueue_buddy) while ordinary requests cannot take it (the watermark check
 * leaves nr_reserved_highatomic out of their free pages, and no fallback
 * table lists the type). At most managed/100 + one pageblock per zone. Before
 * an allocation fails, the slow path gives reserves back.
 */
#include "internal.h"

/* Only blocks that merge with others (the three pcp types) may be reserved. */
static bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/* Reserve the pageblock of a successful order > 0 ALLOC_HARDER allocation. */
void reserve_highatomic_pageblock(struct page *page, struct zone *zone, unsigned int order)
{
	unsigned long max_managed = zone->managed_pages / 100 + pageblock_nr_pages;
	unsigned long pfn = page_to_pfn_fast(page);

	(void)order;
	/* Racy peek first: nearly always the cap is reached or not needed. */
	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;
	zone_lock(zone);
	if (zone->nr_reserved_highatomic < max_managed &&
	    migratetype_is_mergeable(get_pfnblock_migratetype(zone, pfn))) {
		WRITE_ONCE(zone->nr_reserved_highatomic, zone->nr_reserved_highatomic + pageblock_nr_pages);
		set_pfnblock_migratetype(zone, pfn, MIGRATE_HIGHATOMIC);
		move_freepages_block(zone, page, MIGRATE_HIGHATOMIC, NULL);
	}
	zone_unlock(zone);
}

void highatomic_block_retyped(struct zone *zone)
{
	unsigned long nr = zone->nr_reserved_highatomic;

	WRITE_ONCE(zone->nr_reserved_highatomic, nr - (nr < pageblock_nr_pages ? nr : pageblock_nr_pages));
}

/*
 * Give one reserved pageblock that has free pages back to ac->migratetype, in
 * the first zone of the zonelist that has one. Unless forced, each zone
 * keeps one pageblock. Returns true when free pages were released.
 */
bool unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force)
{
	int target = ac->migratetype < MIGRATE_PCPTYPES ? ac->migratetype : MIGRATE_MOVABLE;

	for (struct zoneref *z = ac->zonelist->_zonerefs; z->zone; z++) {
		struct zone *zone = z->zone;

		if (z->zone_idx > (int)ac->highest_zoneidx)
			continue;
		if (ac->nodemask && !node_isset(zone->node, ac->nodemask))
			continue;
		if (!force && READ_ONCE(zone->nr_reserved_highatomic) <= pageblock_nr_pages)
			continue;
		zone_lock(zone);
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			struct list_head *list = &zone->free_area[order].free_list[MIGRATE_HIGHATOMIC];

			if (list_empty(list))
				continue;
			struct page *page = list_first_entry(list, struct page, lru);
			unsigned long pfn = page_to_pfn_fast(page);

			/*
			 * A free page can sit on the highatomic list of a block
			 * that changed type since it was freed: only a block
			 * that is still reserved gives back its count.
			 */
			if (get_pfnblock_migratetype(zone, pfn) == MIGRATE_HIGHATOMIC)
				highatomic_block_retyped(zone);
			/*
			 * Straight to the caller's type, not through the stealing
			 * heuristics: the caller needs the pages now.
			 */
			__split_free_block_over_pageblock(zone, pfn);
			set_pageblock_migratetype(page, target);
			if (move_freepages_block(zone, page, get_pfnblock_migratetype(zone, pfn), NULL)) {
				__remerge_pageblock(zone, pfn);
				zone_unlock(zone);
				return true;
			}
		}
		zone_unlock(zone);
	}
	return false;
}
