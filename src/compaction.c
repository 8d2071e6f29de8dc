/* SPDX-License-Identifier: MIT */
/*
 * Compaction (Linux 6.1 mm/compaction.c): a migration scanner walks a zone
 * upwards from its start isolating movable pages, a free scanner walks it
 * downwards from its end isolating free pages, and the pages move from the
 * one to the other until the requested order is free or the scanners meet.
 * Around it: pageblock skip bits with the cached scanner positions,
 * compaction_suitable (watermarks and the fragmentation index),
 * compact_finished, capture of the freed block for a direct compaction,
 * deferral, kcompactd with proactive compaction, and the explicit triggers.
 * docs/compaction.md has the picture and what differs from the kernel.
 *
 * Locks: the migration scanner takes none (it reads page flags and takes a
 * reference, as the kernel does for non-LRU pages); the free scanner takes
 * zone->lock per pageblock; owners' callbacks run with no libbuddy lock held.
 */
#include <errno.h>

#include "compaction.h"
#include "debug_page_alloc.h"
#include "migrate.h"
#include "sched_mm.h"
#include "trace_compaction.h"

#define COMPACT_MAX_DEFER_SHIFT 6
#define COMPACTION_HPAGE_ORDER	pageblock_order /* the order proactive compaction scores */

struct compact_control {
	struct list_head freepages[MAX_ORDER]; /* isolated free blocks by order, through lru */
	unsigned long nr_freepages;	       /* pages on freepages */
	struct page *migratepages[COMPACT_CLUSTER_MAX];
	unsigned int nr_migratepages;	    /* entries of migratepages */
	unsigned long nr_migratepages_size; /* their size in pages */
	unsigned long free_pfn;		    /* where the free scanner goes on (downwards) */
	unsigned long migrate_pfn;	    /* where the migration scanner goes on (upwards) */
	unsigned long total_migrate_scanned;
	unsigned long total_free_scanned;
	struct zone *zone;
	int order; /* -1: compact everything (buddy_compact_memory) */
	int migratetype;
	gfp_t gfp_mask;
	unsigned int alloc_flags;
	int highest_zoneidx;
	enum migrate_mode mode;
	bool ignore_skip_hint;
	bool no_set_skip_hint;
	bool ignore_block_suitable;
	bool direct_compaction;
	bool proactive_compaction;
	bool whole_zone;
	bool contended;
};

static bool is_via_compact_memory(int order)
{
	return order == -1;
}

static unsigned long pageblock_start_pfn(unsigned long pfn)
{
	return pfn & ~(pageblock_nr_pages - 1);
}

static unsigned long pageblock_end_pfn(unsigned long pfn)
{
	return pageblock_start_pfn(pfn) + pageblock_nr_pages;
}

static bool pageblock_aligned(unsigned long pfn)
{
	return !(pfn & (pageblock_nr_pages - 1));
}

static int compaction_proactiveness(void)
{
	return READ_ONCE(buddy.settings.compaction_proactiveness);
}

/* ------------------------------------------------------------ deferral (6.1) */

/* Compaction failed for order: skip the next 1 << compact_defer_shift attempts. */
static void defer_compaction(struct zone *zone, int order)
{
	WRITE_ONCE(zone->compact_considered, 0);
	if (READ_ONCE(zone->compact_defer_shift) < COMPACT_MAX_DEFER_SHIFT)
		WRITE_ONCE(zone->compact_defer_shift, READ_ONCE(zone->compact_defer_shift) + 1);
	if (order < READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order);
	trace_mm_compaction_defer_compaction(zone, order);
}

/* Should this attempt be skipped? Counts the attempt. */
static bool compaction_deferred(struct zone *zone, int order)
{
	unsigned long defer_limit = 1UL << READ_ONCE(zone->compact_defer_shift);
	unsigned int considered = READ_ONCE(zone->compact_considered) + 1;

	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	if (considered >= defer_limit) {
		WRITE_ONCE(zone->compact_considered, (unsigned int)defer_limit);
		return false;
	}
	WRITE_ONCE(zone->compact_considered, considered);
	return true;
}

/* Compaction succeeded for order (and an allocation too when alloc_success). */
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success)
{
	if (alloc_success) {
		WRITE_ONCE(zone->compact_considered, 0);
		WRITE_ONCE(zone->compact_defer_shift, 0);
	}
	if (order >= READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order + 1);
}

/* Deferred the longest and still failing: the skip bits may be what is wrong. */
static bool compaction_restarting(struct zone *zone, int order)
{
	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	return READ_ONCE(zone->compact_defer_shift) == COMPACT_MAX_DEFER_SHIFT &&
	       READ_ONCE(zone->compact_considered) >= 1UL << COMPACT_MAX_DEFER_SHIFT;
}

/* ------------------------------------------------------------ skip bits and cached positions */

static void reset_cached_positions(struct zone *zone)
{
	WRITE_ONCE(zone->compact_cached_migrate_pfn[0], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_migrate_pfn[1], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_free_pfn, pageblock_start_pfn(zone_end_pfn(zone) - 1));
}

/* 6.1 __reset_isolation_suitable: forget every skip bit and start the scanners afresh. */
static void __reset_isolation_suitable(struct zone *zone)
{
	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn = pageblock_end_pfn(pfn))
		set_pfnblock_skip(zone, pfn, false);
	WRITE_ONCE(zone->compact_init_migrate_pfn, zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_init_free_pfn, pageblock_start_pfn(zone_end_pfn(zone) - 1));
	reset_cached_positions(zone);
	WRITE_ONCE(zone->compact_blockskip_flush, false);
}

/* kcompactd and kswapd: clear the bits once a direct compaction has scanned a whole zone. */
static void reset_isolation_suitable(pg_data_t *pgdat)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		if (populated_zone(zone) && READ_ONCE(zone->compact_blockskip_flush))
			__reset_isolation_suitable(zone);
	}
}

static bool isolation_suitable(struct compact_control *cc, unsigned long pfn)
{
	return cc->ignore_skip_hint || !get_pfnblock_skip(cc->zone, pfn);
}

static void update_pageblock_skip(struct compact_control *cc, unsigned long pfn)
{
	if (!cc->no_set_skip_hint)
		set_pfnblock_skip(cc->zone, pfn, true);
}

/* The migration scanner moved past pfn: later compactions of this mode start there. */
static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct zone *zone = cc->zone;
	unsigned long *cached = zone->compact_cached_migrate_pfn;

	if (cc->no_set_skip_hint)
		return;
	pfn = pageblock_end_pfn(pfn - 1);
	if (pfn > READ_ONCE(cached[0]))
		WRITE_ONCE(cached[0], pfn);
	if (cc->mode != MIGRATE_ASYNC && pfn > READ_ONCE(cached[1]))
		WRITE_ONCE(cached[1], pfn);
}

/* ------------------------------------------------------------ suitability (6.1) */

/* 6.1 fill_contig_page_info, from the racy per-order counts. */
struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

static void fill_contig_page_info(struct zone *zone, unsigned int order, struct contig_page_info *info)
{
	*info = (struct contig_page_info){0};
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long blocks = READ_ONCE(zone->free_area[o].nr_free);

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= order)
			info->free_blocks_suitable += blocks << (o - order);
	}
}

/*
 * 6.1 fragmentation_index: towards 0 a failure would be for lack of memory,
 * towards 1000 for fragmentation; -1000 when a block of the order is free.
 */
static int fragmentation_index(struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(zone, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info.free_pages * 1000 / (1UL << order)) / info.free_blocks_total);
}

/* 6.1 extfrag_for_order: percent of free memory not in blocks of at least order. */
static unsigned int extfrag_for_order(struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(zone, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned int)((info.free_pages - (info.free_blocks_suitable << order)) * 100 /
			      info.free_pages);
}

/* 6.1 __compaction_suitable, with the free pages to judge by. */
static enum compact_result __compaction_suitable(struct zone *zone, int order, unsigned int alloc_flags,
						 int highest_zoneidx, long wmark_target)
{
	unsigned long watermark;

	if (is_via_compact_memory(order))
		return COMPACT_CONTINUE;
	watermark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);
	if (zone_watermark_ok(zone, (unsigned int)order, watermark, highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	/* Room to migrate into: the order-0 mark plus twice the request (compact_gap). */
	watermark =
		order > PAGE_ALLOC_COSTLY_ORDER ? wmark_pages(zone, WMARK_LOW) : wmark_pages(zone, WMARK_MIN);
	watermark += 2UL << order;
	if (!__zone_watermark_ok(zone, 0, watermark, highest_zoneidx, ALLOC_CMA, wmark_target))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

/*
 * 6.1 compaction_suitable: for a costly order, a fragmentation index at or
 * below extfrag_threshold says the failure is for lack of memory, which
 * compaction cannot help.
 */
static enum compact_result compaction_suitable(struct zone *zone, int order, unsigned int alloc_flags,
					       int highest_zoneidx)
{
	enum compact_result ret = __compaction_suitable(zone, order, alloc_flags, highest_zoneidx,
							zone_page_state(zone, NR_FREE_PAGES));

	if (ret == COMPACT_CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = fragmentation_index(zone, (unsigned int)order);
		if (fragindex >= 0 && fragindex <= READ_ONCE(buddy.settings.extfrag_threshold))
			ret = COMPACT_SKIPPED;
	}
	return ret;
}

/* ------------------------------------------------------------ the free scanner */

/* A free block taken for migration: an allocation of its order, recorded movable, on cc's list. */
static void add_isolated_freepage(struct compact_control *cc, struct page *page, unsigned int order)
{
	set_page_links(page, cc->zone);
	page->private = 0;
	WRITE_ONCE(page->alloc_order, order);
	WRITE_ONCE(page->index, MIGRATE_MOVABLE);
	set_page_count(page, 1);
	list_add_tail(&page->lru, &cc->freepages[order]);
	cc->nr_freepages += 1UL << order;
}

/* 6.1 suitable_migration_target, for the block's type: movable pages go to movable blocks. */
static bool suitable_migration_target(struct compact_control *cc, int block_mt)
{
	if (block_mt == MIGRATE_ISOLATE || block_mt == MIGRATE_HIGHATOMIC)
		return false;
	return cc->ignore_block_suitable || block_mt == MIGRATE_MOVABLE || block_mt == MIGRATE_CMA;
}

/* A lock the async mode does not wait for (6.1 compact_lock_irqsave): false when contended. */
static bool compact_zone_lock(struct compact_control *cc)
{
	if (cc->mode == MIGRATE_ASYNC) {
		if (pthread_mutex_trylock(&cc->zone->lock)) {
			cc->contended = true;
			return false;
		}
		zone_lock_acquired(cc->zone);
		return true;
	}
	zone_lock(cc->zone);
	return true;
}

/*
 * 6.1 isolate_freepages_block: take the free blocks of [*start, end) while
 * the zone stays above its min mark, until there is room for what the
 * migration scanner isolated. *start: where it stopped. zone->lock taken.
 */
static unsigned long isolate_freepages_block(struct compact_control *cc, unsigned long *start,
					     unsigned long end, bool *whole_free)
{
	struct zone *zone = cc->zone;
	unsigned long pfn = *start, nr_scanned = 0, nr_isolated = 0;

	*whole_free = false;
	if (!compact_zone_lock(cc))
		return 0;
	/*
	 * A block that is one free block (or not yet initialised, which is the
	 * same) is what compaction makes: leave it, without a skip bit.
	 */
	struct page *first = pfn_to_page_fast(pageblock_start_pfn(pfn));
	if ((zone->nr_deferred && pfn < zone_deferred_end(zone) && end > zone->deferred_pfn) ||
	    (PageBuddy(first) && buddy_order(first) >= pageblock_order)) {
		*whole_free = true;
		pfn = end;
	}
	for (; pfn < end; pfn++) {
		struct page *page = pfn_to_page_fast(pfn);

		nr_scanned++;
		if (!PageBuddy(page))
			continue;
		unsigned int order = buddy_order(page);
		unsigned long mark = wmark_pages(zone, WMARK_MIN) + (1UL << order);
		if (!zone_watermark_ok(zone, 0, mark, 0, ALLOC_CMA))
			break;
		__del_page_from_free_list(page, zone, order);
		add_isolated_freepage(cc, page, order);
		nr_isolated += 1UL << order;
		pfn += (1UL << order) - 1;
		if (cc->nr_freepages >= cc->nr_migratepages_size) {
			pfn++;
			break;
		}
	}
	zone_unlock(zone);
	*start = pfn < end ? pfn : end;
	cc->total_free_scanned += nr_scanned;
	if (nr_isolated)
		count_vm_events(COMPACTISOLATED, nr_isolated);
	return nr_isolated;
}

/*
 * 6.1 isolate_freepages: from cc->free_pfn down to the block after the
 * migration scanner's, one pageblock at a time, until there is room for
 * every isolated page. A block scanned to its end gets its skip bit.
 */
static void isolate_freepages(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long low_pfn = pageblock_end_pfn(cc->migrate_pfn);
	unsigned long isolate_start = cc->free_pfn;
	unsigned long block_start = pageblock_start_pfn(isolate_start);
	unsigned long block_end = block_start + pageblock_nr_pages;

	if (block_end > zone_end_pfn(zone))
		block_end = zone_end_pfn(zone);
	for (; block_start >= low_pfn && block_start >= zone->zone_start_pfn;
	     block_end = block_start, block_start -= pageblock_nr_pages, isolate_start = block_start) {
		if (!suitable_migration_target(cc, get_pfnblock_migratetype(zone, block_start)))
			continue;
		if (!isolation_suitable(cc, block_start))
			continue;
		bool whole_free;
		isolate_freepages_block(cc, &isolate_start, block_end, &whole_free);
		if (isolate_start == block_end && !whole_free)
			update_pageblock_skip(cc, block_start);
		if (cc->contended)
			break;
		if (cc->nr_freepages >= cc->nr_migratepages_size) {
			/* go on below this block next time if it is used up */
			if (isolate_start >= block_end)
				isolate_start = block_start >= pageblock_nr_pages
							? block_start - pageblock_nr_pages
							: 0;
			break;
		}
		if (isolate_start < block_end)
			break; /* stopped early: the zone is at its min mark */
		if (block_start < pageblock_nr_pages)
			break; /* pfn 0's block: nothing below */
	}
	/* past the loop isolate_start is the block below low_pfn: the scanners met */
	cc->free_pfn = isolate_start;
}

/* The smallest isolated free block of at least order, or NULL. */
static struct page *take_freepage(struct compact_control *cc, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct page *page;

		if (list_empty(&cc->freepages[o]))
			continue;
		page = list_first_entry(&cc->freepages[o], struct page, lru);
		list_del(&page->lru);
		cc->nr_freepages -= 1UL << o;
		/* keep the upper halves for later targets */
		while (o > order) {
			o--;
			add_isolated_freepage(cc, page + (1UL << o), o);
		}
		WRITE_ONCE(page->alloc_order, order);
		return page;
	}
	return NULL;
}

/* migrate_pages' new_page_t: a target from the free scanner (6.1 compaction_alloc). */
static struct page *compaction_alloc(unsigned int order, void *priv)
{
	struct compact_control *cc = priv;

	for (;;) {
		struct page *page = take_freepage(cc, order);
		unsigned long free_pfn = cc->free_pfn, nr_freepages = cc->nr_freepages;

		if (page || cc->contended)
			return page;
		if (cc->free_pfn < pageblock_end_pfn(cc->migrate_pfn))
			return NULL; /* the scanners met */
		isolate_freepages(cc);
		if (cc->free_pfn == free_pfn && cc->nr_freepages == nr_freepages)
			return NULL; /* no progress: the zone is at its min mark */
	}
}

/* migrate_pages' free_page_t: an unused target back on cc's list (6.1 compaction_free). */
static void compaction_free(struct page *page, void *priv)
{
	struct compact_control *cc = priv;
	unsigned int order = READ_ONCE(page->alloc_order);

	list_add(&page->lru, &cc->freepages[order]);
	cc->nr_freepages += 1UL << order;
}

/* The unused free pages back to the allocator; returns the highest pfn among them. */
static unsigned long release_freepages(struct compact_control *cc)
{
	unsigned long high_pfn = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		while (!list_empty(&cc->freepages[o])) {
			struct page *page = list_first_entry(&cc->freepages[o], struct page, lru);
			unsigned long pfn = page_to_pfn_fast(page);

			list_del(&page->lru);
			if (pfn > high_pfn)
				high_pfn = pfn;
			/* never handed out: straight back to the buddy lists */
			set_page_count(page, 0);
			clear_page_flag(page, PG_free_hooks);
			debug_refree_pages(page, o); /* a target may have been mapped and written */
			poison_pages(pfn_to_virt(pfn), PAGE_SIZE << o);
			free_one_page(cc->zone, page, pfn, o);
		}
	cc->nr_freepages = 0;
	return high_pfn;
}

/* ------------------------------------------------------------ the migration scanner */

static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> pageblock_order) <= (cc->migrate_pfn >> pageblock_order);
}

/* 6.1 suitable_migration_source: async direct compaction only empties blocks of its own kind. */
static bool suitable_migration_source(struct compact_control *cc, unsigned long pfn)
{
	int block_mt = get_pfnblock_migratetype(cc->zone, pfn);

	if (block_mt == MIGRATE_ISOLATE)
		return false; /* alloc_contig_range's */
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	if (cc->migratetype == MIGRATE_MOVABLE)
		return block_mt == MIGRATE_MOVABLE || block_mt == MIGRATE_CMA;
	return block_mt == cc->migratetype;
}

/*
 * Is this in-use page one to isolate? Movable (its owner registered ops),
 * and no larger than what moving it could help: a page of the requested
 * order or more, or a whole pageblock, stays. Read without a lock: the
 * isolation rechecks under its own reference.
 */
static bool migrate_candidate(const struct compact_control *cc, const struct page *page, unsigned int *order)
{
	unsigned long flags = page_flags(page);

	if (!(flags & (1UL << PG_movable)) || (flags & ((1UL << PG_tail) | (1UL << PG_isolated))))
		return false;
	if (page_ref_count((struct page *)page) <= 0)
		return false;
	*order = READ_ONCE(page->alloc_order);
	if (*order >= pageblock_order || *order >= MAX_ORDER)
		return false;
	return cc->order <= 0 || *order < (unsigned int)cc->order;
}

/*
 * 6.1 isolate_migratepages_block for non-LRU movable pages: isolate the
 * movable pages of [low_pfn, end_pfn) until a batch is full. No lock is
 * held; owners' isolate_page callbacks run from here. A block scanned to
 * its end without isolating anything gets its skip bit.
 */
static void isolate_migratepages_block(struct compact_control *cc, unsigned long low_pfn,
				       unsigned long end_pfn)
{
	isolate_mode_t mode = cc->mode == MIGRATE_ASYNC ? ISOLATE_ASYNC_MIGRATE : 0;
	unsigned long nr_scanned = 0, nr_isolated = 0, block = pageblock_start_pfn(low_pfn);

	for (; low_pfn < end_pfn; low_pfn++) {
		struct page *page = pfn_to_page_fast(low_pfn);
		unsigned int order;

		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX)
			break;
		nr_scanned++;
		if (!migrate_candidate(cc, page, &order) || isolate_movable_page(page, mode))
			continue;
		/* ours now: its order cannot change */
		order = page->alloc_order;
		cc->migratepages[cc->nr_migratepages++] = page;
		cc->nr_migratepages_size += 1UL << order;
		nr_isolated += 1UL << order;
		low_pfn += (1UL << order) - 1;
	}
	cc->total_migrate_scanned += nr_scanned;
	if (nr_isolated)
		count_vm_events(COMPACTISOLATED, nr_isolated);
	if (low_pfn >= end_pfn && !nr_isolated) {
		update_pageblock_skip(cc, block);
		update_cached_migrate(cc, low_pfn);
	}
	cc->migrate_pfn = low_pfn;
}

enum isolate_migrate_t { ISOLATE_ABORT, ISOLATE_NONE, ISOLATE_SUCCESS };

/*
 * 6.1 isolate_migratepages: from cc->migrate_pfn up to the free scanner,
 * the first suitable pageblock that has movable pages gives a batch.
 */
static enum isolate_migrate_t isolate_migratepages(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long low_pfn = cc->migrate_pfn;
	unsigned long block_start = pageblock_start_pfn(low_pfn);
	unsigned long block_end = pageblock_end_pfn(low_pfn);

	if (block_start < zone->zone_start_pfn)
		block_start = zone->zone_start_pfn;
	for (; block_end <= cc->free_pfn; cc->migrate_pfn = low_pfn = block_end, block_start = block_end,
					  block_end += pageblock_nr_pages) {
		if (block_end > zone_end_pfn(zone))
			break;
		/* a skip bit counts only when the block is entered at its start */
		if ((pageblock_aligned(low_pfn) || low_pfn == zone->zone_start_pfn) &&
		    !isolation_suitable(cc, block_start))
			continue;
		if (!suitable_migration_source(cc, block_start)) {
			update_cached_migrate(cc, block_end);
			continue;
		}
		isolate_migratepages_block(cc, low_pfn, block_end);
		if (cc->nr_migratepages || cc->contended)
			break;
	}
	if (cc->contended)
		return ISOLATE_ABORT;
	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/* ------------------------------------------------------------ one zone */

/* 6.1 fragmentation_score_zone_weighted: the zone's share of its node's score. */
static unsigned long fragmentation_score_zone_weighted(struct zone *zone)
{
	pg_data_t *pgdat = zone->zone_pgdat;
	unsigned long node_present = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		node_present += pgdat->node_zones[z].present_pages;
	return zone->present_pages * extfrag_for_order(zone, COMPACTION_HPAGE_ORDER) / (node_present + 1);
}

/* 6.1 fragmentation_score_node: 0 (none) to 100 (all free memory in small blocks). */
static unsigned long fragmentation_score_node(pg_data_t *pgdat)
{
	unsigned long score = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			score += fragmentation_score_zone_weighted(&pgdat->node_zones[z]);
	return score;
}

/* 6.1 fragmentation_score_wmark: compact above the high mark, stop at the low one. */
static unsigned int fragmentation_score_wmark(bool low)
{
	unsigned int proactiveness = (unsigned int)compaction_proactiveness();
	unsigned int wmark_low = 100U - proactiveness > 5U ? 100U - proactiveness : 5U;

	return low ? wmark_low : (wmark_low + 10 < 100U ? wmark_low + 10 : 100U);
}

/* 6.1's fallbacks, for the free-list test of compact_finished. */
static bool free_fallback_available(struct zone *zone, unsigned int order, int migratetype)
{
	static const int fallbacks[MIGRATE_PCPTYPES][2] = {
		[MIGRATE_UNMOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
		[MIGRATE_MOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
		[MIGRATE_RECLAIMABLE] = {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},
	};
	bool can_steal = order >= pageblock_order / 2 || migratetype != MIGRATE_MOVABLE ||
			 buddy.page_group_by_mobility_disabled;

	if (!can_steal || migratetype >= MIGRATE_PCPTYPES)
		return false;
	for (int i = 0; i < 2; i++)
		if (READ_ONCE(zone->free_area[order].nr_free_mt[fallbacks[migratetype][i]]))
			return true;
	return false;
}

/* 6.1 __compact_finished. */
static enum compact_result __compact_finished(struct compact_control *cc)
{
	struct zone *zone = cc->zone;

	if (cc->contended)
		return COMPACT_CONTENDED;
	if (compact_scanners_met(cc)) {
		reset_cached_positions(zone);
		/* the next kcompactd or kswapd run clears the skip bits */
		if (cc->direct_compaction)
			WRITE_ONCE(zone->compact_blockskip_flush, true);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction) {
		unsigned int score =
			extfrag_for_order(zone, COMPACTION_HPAGE_ORDER); /* 6.1 fragmentation_score_zone */
		return score > fragmentation_score_wmark(true) ? COMPACT_CONTINUE : COMPACT_SUCCESS;
	}
	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;
	/* Finish the pageblock: fewer mixed blocks for the fallbacks to come. */
	if (!pageblock_aligned(cc->migrate_pfn))
		return COMPACT_CONTINUE;
	for (unsigned int order = (unsigned int)cc->order; order < MAX_ORDER; order++) {
		const struct free_area *area = &zone->free_area[order];

		if (READ_ONCE(area->nr_free_mt[cc->migratetype]))
			return COMPACT_SUCCESS;
		if (cc->migratetype == MIGRATE_MOVABLE && READ_ONCE(area->nr_free_mt[MIGRATE_CMA]))
			return COMPACT_SUCCESS;
		if (free_fallback_available(zone, order, cc->migratetype))
			return COMPACT_SUCCESS;
	}
	return COMPACT_CONTINUE;
}

/* Where the scanners start: the cached positions, or the zone's ends when they are off. */
static void compact_zone_start(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long start = zone->zone_start_pfn, end = zone_end_pfn(zone);
	bool sync = cc->mode != MIGRATE_ASYNC;

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		INIT_LIST_HEAD(&cc->freepages[o]);
	cc->nr_freepages = 0;
	cc->nr_migratepages = 0;
	cc->nr_migratepages_size = 0;
	cc->total_migrate_scanned = 0;
	cc->total_free_scanned = 0;
	cc->contended = false;
	if (!is_via_compact_memory(cc->order) && compaction_restarting(zone, cc->order))
		__reset_isolation_suitable(zone);
	if (cc->whole_zone) {
		cc->migrate_pfn = start;
		cc->free_pfn = pageblock_start_pfn(end - 1);
		return;
	}
	cc->migrate_pfn = READ_ONCE(zone->compact_cached_migrate_pfn[sync]);
	cc->free_pfn = READ_ONCE(zone->compact_cached_free_pfn);
	/* <= start: a zone never compacted has 0 there */
	if (cc->free_pfn <= start || cc->free_pfn >= end) {
		cc->free_pfn = pageblock_start_pfn(end - 1);
		WRITE_ONCE(zone->compact_cached_free_pfn, cc->free_pfn);
	}
	if (cc->migrate_pfn < start || cc->migrate_pfn >= end) {
		cc->migrate_pfn = start;
		WRITE_ONCE(zone->compact_cached_migrate_pfn[0], start);
		WRITE_ONCE(zone->compact_cached_migrate_pfn[1], start);
	}
	if (cc->migrate_pfn <= READ_ONCE(zone->compact_init_migrate_pfn))
		cc->whole_zone = true;
}

/* One batch: move the isolated pages to free ones; the ones that stay go back to their owners. */
static int compact_migrate_batch(struct compact_control *cc)
{
	unsigned int nr = cc->nr_migratepages, nr_succeeded = 0;
	int err;

	err = migrate_pages(cc->migratepages, &nr, compaction_alloc, compaction_free, cc, cc->mode,
			    MR_COMPACTION, &nr_succeeded);
	trace_mm_compaction_migratepages(nr_succeeded, nr);
	putback_movable_pages(cc->migratepages, nr);
	cc->nr_migratepages = 0;
	cc->nr_migratepages_size = 0;
	return err > 0 ? -EAGAIN : err;
}

/*
 * 6.1 compact_zone: run the scanners until compact_finished says stop.
 * capc, for a direct compaction, is where __free_one_page puts the block
 * it captures.
 */
static enum compact_result compact_zone(struct compact_control *cc, struct capture_control *capc)
{
	struct zone *zone = cc->zone;
	unsigned long last_migrated_pfn = 0;
	enum compact_result ret;
	bool sync = cc->mode != MIGRATE_ASYNC;

	if (!is_via_compact_memory(cc->order)) {
		ret = compaction_suitable(zone, cc->order, cc->alloc_flags, cc->highest_zoneidx);
		if (ret == COMPACT_SUCCESS || ret == COMPACT_SKIPPED)
			return ret;
	}
	compact_zone_start(cc);
	trace_mm_compaction_begin(zone->zone_start_pfn, cc->migrate_pfn, cc->free_pfn, zone_end_pfn(zone),
				  sync);

	while ((ret = __compact_finished(cc)) == COMPACT_CONTINUE) {
		unsigned long iteration_start = cc->migrate_pfn;
		enum isolate_migrate_t isolated;

		migrate_isolation_begin();
		isolated = isolate_migratepages(cc);
		if (isolated == ISOLATE_SUCCESS) {
			last_migrated_pfn = iteration_start;
			int err = compact_migrate_batch(cc);
			if (err == -ENOMEM && !compact_scanners_met(cc)) {
				migrate_isolation_end();
				ret = COMPACT_CONTENDED;
				break;
			}
			if (err && cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
				/* async: give up on this block rather than wait for it */
				cc->migrate_pfn = pageblock_end_pfn(cc->migrate_pfn - 1);
				last_migrated_pfn = 0;
			}
		} else if (isolated == ISOLATE_ABORT) {
			putback_movable_pages(cc->migratepages, cc->nr_migratepages);
			cc->nr_migratepages = 0;
			migrate_isolation_end();
			ret = COMPACT_CONTENDED;
			break;
		}
		migrate_isolation_end();
		/*
		 * The old pages of a finished pageblock sit on this CPU's pcp
		 * lists: drain them, so they merge (and can be captured).
		 */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn < pageblock_start_pfn(cc->migrate_pfn)) {
			drain_zone_pages_cpu(zone, pcp_cpu_id());
			last_migrated_pfn = 0;
		}
		if (capc && capc->page) {
			ret = COMPACT_SUCCESS;
			break;
		}
	}
	if (cc->nr_freepages) {
		unsigned long free_pfn = pageblock_start_pfn(release_freepages(cc));
		if (free_pfn > READ_ONCE(zone->compact_cached_free_pfn))
			WRITE_ONCE(zone->compact_cached_free_pfn, free_pfn);
	}
	count_vm_events(COMPACTMIGRATE_SCANNED, cc->total_migrate_scanned);
	count_vm_events(COMPACTFREE_SCANNED, cc->total_free_scanned);
	trace_mm_compaction_end(zone->zone_start_pfn, cc->migrate_pfn, cc->free_pfn, zone_end_pfn(zone), sync,
				ret);
	return ret;
}

/* ------------------------------------------------------------ direct compaction */

/* 6.1 compact_zone_order: one zone for a direct compaction at prio, capturing the block. */
static enum compact_result compact_zone_order(struct zone *zone, int order, gfp_t gfp_mask,
					      enum compact_priority prio, unsigned int alloc_flags,
					      int highest_zoneidx, struct page **capture)
{
	struct compact_control cc = {
		.order = order,
		.gfp_mask = gfp_mask,
		.zone = zone,
		.migratetype = gfp_migratetype(gfp_mask),
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
		.alloc_flags = alloc_flags,
		.highest_zoneidx = highest_zoneidx,
		.direct_compaction = true,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
	};
	struct capture_control capc = {.zone = zone, .order = order, .migratetype = cc.migratetype};
	enum compact_result ret;

	current_capture_control = &capc;
	ret = compact_zone(&cc, &capc);
	current_capture_control = NULL;
	*capture = capc.page;
	return capc.page ? COMPACT_SUCCESS : ret;
}

static enum compact_result max_result(enum compact_result a, enum compact_result b)
{
	return a > b ? a : b;
}

/* 6.1 try_to_compact_pages: the zonelist's zones in turn, until one gives a page. */
enum compact_result try_to_compact_pages(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
					 const struct alloc_context *ac, enum compact_priority prio,
					 struct page **capture)
{
	enum compact_result rc = COMPACT_SKIPPED;

	if (!(gfp_mask & __GFP_IO))
		return COMPACT_SKIPPED; /* the kernel's may_perform_io */
	for (struct zoneref *z = ac->preferred_zoneref; z->zone; z++) {
		struct zone *zone = z->zone;
		enum compact_result status;

		if (z->zone_idx > (int)ac->highest_zoneidx ||
		    (ac->nodemask && !node_isset(zone->node, ac->nodemask)) || !populated_zone(zone))
			continue;
		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(zone, (int)order)) {
			rc = max_result(COMPACT_DEFERRED, rc);
			continue;
		}
		status = compact_zone_order(zone, (int)order, gfp_mask, prio, alloc_flags,
					    (int)ac->highest_zoneidx, capture);
		rc = max_result(status, rc);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(zone, (int)order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(zone, (int)order);
	}
	return rc;
}

/*
 * 6.1 compaction_zonelist_suitable, without zone_reclaimable_pages (the
 * reclaimable estimate is vmscan's, which calls into this file): would
 * compaction have room to work in some zone?
 */
bool compaction_zonelist_suitable(struct alloc_context *ac, int order, unsigned int alloc_flags)
{
	for (struct zoneref *z = ac->preferred_zoneref; z->zone; z++) {
		struct zone *zone = z->zone;

		if (z->zone_idx > (int)ac->highest_zoneidx ||
		    (ac->nodemask && !node_isset(zone->node, ac->nodemask)))
			continue;
		if (__compaction_suitable(zone, order, alloc_flags, (int)ac->highest_zoneidx,
					  zone_page_state(zone, NR_FREE_PAGES)) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------ kcompactd and the explicit triggers */

/* 6.1 compact_node / proactive_compact_node: every populated zone of the node, whole. */
static void compact_node_zones(pg_data_t *pgdat, enum migrate_mode mode, bool proactive)
{
	unsigned int noreclaim = memalloc_noreclaim_save();

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct compact_control cc = {
			.order = -1,
			.mode = mode,
			.ignore_skip_hint = true,
			.whole_zone = true,
			.gfp_mask = GFP_KERNEL,
			.proactive_compaction = proactive,
			.zone = &pgdat->node_zones[z],
		};
		if (!populated_zone(cc.zone))
			continue;
		compact_zone(&cc, NULL);
		if (proactive) {
			count_vm_events(KCOMPACTD_MIGRATE_SCANNED, cc.total_migrate_scanned);
			count_vm_events(KCOMPACTD_FREE_SCANNED, cc.total_free_scanned);
		}
	}
	memalloc_noreclaim_restore(noreclaim);
}

/* 6.1 kcompactd_node_suitable: some zone where compaction for the asked order could help. */
static bool kcompactd_node_suitable(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	for (int z = 0; z <= highest_zoneidx && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		if (populated_zone(zone) && compaction_suitable(zone, order, 0, z) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* 6.1 kcompactd_do_work: compact the node's zones for what wakeup_kcompactd asked. */
static void kcompactd_do_work(pg_data_t *pgdat, struct buddy_kthread *kt)
{
	int order = READ_ONCE(pgdat->kcompactd_max_order);
	int highest = READ_ONCE(pgdat->kcompactd_highest_zoneidx);

	count_vm_events(KCOMPACTD_WAKE, 1);
	for (int z = 0; z <= highest && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		struct compact_control cc = {
			.order = order,
			.highest_zoneidx = highest,
			.mode = MIGRATE_SYNC_LIGHT,
			.gfp_mask = GFP_KERNEL,
			.migratetype = MIGRATE_MOVABLE,
			.zone = zone,
		};
		enum compact_result status;

		if (!populated_zone(zone) || compaction_deferred(zone, order) ||
		    compaction_suitable(zone, order, 0, z) != COMPACT_CONTINUE)
			continue;
		if (kthread_should_stop(kt))
			return;
		status = compact_zone(&cc, NULL);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(zone, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			buddy_drain_all_pages(); /* pages on pcp lists may complete a block */
			defer_compaction(zone, order);
		}
		count_vm_events(KCOMPACTD_MIGRATE_SCANNED, cc.total_migrate_scanned);
		count_vm_events(KCOMPACTD_FREE_SCANNED, cc.total_free_scanned);
	}
	/* a larger request that came meanwhile stays for the next run */
	if (READ_ONCE(pgdat->kcompactd_max_order) <= order)
		WRITE_ONCE(pgdat->kcompactd_max_order, 0);
	if (READ_ONCE(pgdat->kcompactd_highest_zoneidx) >= highest)
		WRITE_ONCE(pgdat->kcompactd_highest_zoneidx, pgdat->nr_zones - 1);
}

/* 6.1 should_proactive_compact_node (kswapd's activity is not looked at here). */
static bool should_proactive_compact_node(pg_data_t *pgdat)
{
	if (!compaction_proactiveness())
		return false;
	return fragmentation_score_node(pgdat) > fragmentation_score_wmark(false);
}

/*
 * The kcompactd loop body: a wake-up with an order asked for compacts for
 * it; a timeout (every KCOMPACTD_TIMEOUT_MS) tries proactive compaction.
 */
void kcompactd_work(struct buddy_kthread *kt)
{
	pg_data_t *pgdat = kt->data;

	if (!buddy_initialized())
		return;
	if (READ_ONCE(pgdat->kcompactd_max_order) > 0) {
		unsigned int noreclaim = memalloc_noreclaim_save();
		reset_isolation_suitable(pgdat);
		kcompactd_do_work(pgdat, kt);
		memalloc_noreclaim_restore(noreclaim);
		return;
	}
	if (should_proactive_compact_node(pgdat))
		compact_node_zones(pgdat, MIGRATE_SYNC_LIGHT, true);
}

void wakeup_kcompactd(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	if (!order)
		return;
	/* no request pending: the zone index starts from this one (the kernel starts from the top) */
	if (!READ_ONCE(pgdat->kcompactd_max_order) ||
	    READ_ONCE(pgdat->kcompactd_highest_zoneidx) > highest_zoneidx)
		WRITE_ONCE(pgdat->kcompactd_highest_zoneidx, highest_zoneidx);
	if (READ_ONCE(pgdat->kcompactd_max_order) < order)
		WRITE_ONCE(pgdat->kcompactd_max_order, order);
	if (!kcompactd_node_suitable(pgdat, order, highest_zoneidx))
		return;
	kthread_wake(&pgdat->kcompactd);
}

void buddy_compact_memory(void)
{
	if (!buddy_initialized())
		return;
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		buddy_compact_node(nid);
}

int buddy_compact_node(int nid)
{
	if (!buddy_initialized() || nid < 0 || nid >= buddy.nr_node_ids)
		return -EINVAL;
	/* pages parked on pcp lists are free memory the scanners would not see */
	buddy_drain_all_pages();
	compact_node_zones(NODE_DATA(nid), MIGRATE_SYNC, false);
	buddy_drain_all_pages();
	return 0;
}

/* ------------------------------------------------------------ tunables */

int buddy_set_compaction_proactiveness(int proactiveness)
{
	if (buddy_setting_check("compaction_proactiveness", proactiveness))
		return -EINVAL;
	buddy_ensure_init();
	if (!buddy_initialized())
		return -ENODEV;
	WRITE_ONCE(buddy.settings.compaction_proactiveness, proactiveness);
	return 0;
}

int buddy_set_extfrag_threshold(int threshold)
{
	if (buddy_setting_check("extfrag_threshold", threshold))
		return -EINVAL;
	buddy_ensure_init();
	if (!buddy_initialized())
		return -ENODEV;
	WRITE_ONCE(buddy.settings.extfrag_threshold, threshold);
	return 0;
}
