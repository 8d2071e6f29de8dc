/* SPDX-License-Identifier: MIT */
/*
 * Pageblock isolation and physically contiguous ranges, with the semantics
 * of Linux 6.1 (mm/page_isolation.c, alloc_contig_range/alloc_contig_pages):
 *
 * - start_isolate_page_range() turns every pageblock touching [start, end)
 *   into MIGRATE_ISOLATE, or none of them (-EBUSY). Free pages there leave
 *   NR_FREE_PAGES and can no longer be allocated; pages freed there later
 *   stay on the ISOLATE lists (pcp.c and free_one_page send them straight to
 *   the buddy lists with the block's type).
 * - undo_isolate_page_range() gives the blocks the type the caller names
 *   (not necessarily the one they had, as in the kernel) and their free pages
 *   back to the allocator, merged again with their neighbours.
 * - alloc_contig_range() isolates, drains the pcp lists, migrates the
 *   movable pages out of the range (MIGRATE_SYNC, up to five rounds, as 6.1
 *   __alloc_contig_migrate_range), checks that every page of the range is
 *   free, takes the range as order-0 pages with one reference each, and
 *   undoes the isolation. A pinned page (in use and never marked movable
 *   with __SetPageMovable) in the range is -EBUSY, and everything is rolled
 *   back. The owners' callbacks run in the caller's thread, with no
 *   libbuddy lock held except, for buddy_cma_alloc, cma.c's cma_mutex (the
 *   kernel holds its cma_mutex the same way).
 *
 * Differences from the kernel: a range must lie in one zone (-EINVAL) and is
 * isolated under one zone->lock hold, so it is all-or-nothing at once; CMA
 * blocks are isolated only for MIGRATE_CMA and MIGRATE_CMA only isolates CMA
 * blocks (so undo cannot turn ordinary blocks into CMA); isolating a
 * highatomic block gives its reserve up.
 */
#include <errno.h>
#include <string.h>

#include "debug_page_alloc.h"
#include "migrate.h"

static bool isolatable_migratetype(int mt)
{
	return mt == MIGRATE_UNMOVABLE || mt == MIGRATE_MOVABLE || mt == MIGRATE_RECLAIMABLE ||
	       mt == MIGRATE_CMA;
}

/* The zone holding [start, end), or NULL when there is none or it spans two. */
static struct zone *range_zone(unsigned long start, unsigned long end)
{
	struct zone *zone;

	if (!buddy_initialized() || start >= end || !pfn_valid(start) || !pfn_valid(end - 1))
		return NULL;
	zone = pfn_to_zone(start);
	if (!zone || !zone_spans_pfn(zone, end - 1))
		return NULL;
	return zone;
}

static unsigned long block_start(unsigned long pfn)
{
	return pfn & ~(pageblock_nr_pages - 1);
}

/*
 * The first page of [start, end) - one pageblock - that isolation for
 * migratetype must not cover, as the kernel's
 * has_unmovable_pages judges it: reserved pages, and in-use pages neither
 * allocated as movable nor marked movable (a movable allocation its owner
 * never marked is pinned: alloc_contig_range fails on it after isolating).
 * ZONE_MOVABLE holds nothing unmovable. Returns end when there is none.
 * zone->lock held.
 */
static unsigned long first_unmovable_page(struct zone *zone, unsigned long start, unsigned long end,
					  int migratetype)
{
	int block_mt = get_pfnblock_migratetype(zone, start);

	if (block_mt == MIGRATE_CMA || migratetype == MIGRATE_CMA)
		return block_mt == migratetype ? end : start;
	if (zone->idx == ZONE_MOVABLE)
		return end;
	for (unsigned long pfn = start; pfn < end;) {
		struct page *page = pfn_to_page_fast(pfn);

		if (page_flag(page, PG_reserved))
			return pfn;
		if (PageBuddy(page)) {
			pfn += 1UL << buddy_order(page);
			continue;
		}
		if (page_ref_count(page) > 0 && !PageTail(page)) {
			/* allocated as movable or marked so: migration may move it (a pinned one fails later)
			 */
			if (READ_ONCE(page->index) != MIGRATE_MOVABLE && !__PageMovable(page))
				return pfn;
			pfn += 1UL << READ_ONCE(page->alloc_order);
			continue;
		}
		pfn++;
	}
	return end;
}

/*
 * One pageblock into MIGRATE_ISOLATE. The whole block is checked, also when
 * the range covers only part of it (6.1's isolate_single_pageblock does the
 * same): undo hands the block to the caller's migratetype, which must not
 * happen to a block holding unmovable pages. zone->lock held.
 */
static int set_migratetype_isolate(struct zone *zone, unsigned long pfn, int migratetype,
				   unsigned long *busy_pfn)
{
	unsigned long bs = block_start(pfn), be = bs + pageblock_nr_pages;
	int mt = get_pfnblock_migratetype(zone, bs);
	unsigned long bad;

	if (mt == MIGRATE_ISOLATE) {
		*busy_pfn = bs; /* someone else holds it */
		return -EBUSY;
	}
	bad = first_unmovable_page(zone, bs, be, migratetype);
	if (bad < be) {
		*busy_pfn = bad;
		return -EBUSY;
	}
	if (mt == MIGRATE_HIGHATOMIC)
		highatomic_block_retyped(zone);
	__split_free_block_over_pageblock(zone, bs);
	set_pfnblock_migratetype(zone, bs, MIGRATE_ISOLATE);
	zone->nr_isolate_pageblock++;
	move_freepages_block(zone, pfn_to_page_fast(bs), MIGRATE_ISOLATE, NULL);
	return 0;
}

/* One pageblock back from MIGRATE_ISOLATE to migratetype. zone->lock held. */
static void unset_migratetype_isolate(struct zone *zone, unsigned long pfn, int migratetype)
{
	unsigned long bs = block_start(pfn);
	struct page *page = pfn_to_page_fast(bs);

	if (get_pfnblock_migratetype(zone, bs) != MIGRATE_ISOLATE)
		return;
	__split_free_block_over_pageblock(zone, bs);
	set_pageblock_migratetype(page, migratetype);
	zone->nr_isolate_pageblock--;
	move_freepages_block(zone, page, get_pfnblock_migratetype(zone, bs), NULL);
	__remerge_pageblock(zone, bs);
}

/* zone->lock held. */
static void __undo_isolate_page_range(struct zone *zone, unsigned long start, unsigned long end,
				      int migratetype)
{
	for (unsigned long pfn = block_start(start); pfn < end; pfn += pageblock_nr_pages)
		unset_migratetype_isolate(zone, pfn, migratetype);
}

/* All pageblocks touching [start, end), or none. zone->lock held. */
static int __start_isolate_page_range(struct zone *zone, unsigned long start, unsigned long end,
				      int migratetype, unsigned long *busy_pfn)
{
	/* Retyping reaches blocks that may still be deferred: those, not the zone's. */
	deferred_init_range(zone, block_start(start), end);
	for (unsigned long pfn = block_start(start); pfn < end; pfn += pageblock_nr_pages) {
		int rc = set_migratetype_isolate(zone, pfn, migratetype, busy_pfn);
		if (rc) {
			if (pfn > block_start(start))
				__undo_isolate_page_range(zone, start, pfn, migratetype);
			return rc;
		}
	}
	return 0;
}

int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype)
{
	struct zone *zone = range_zone(start_pfn, end_pfn);
	unsigned long busy;
	int rc;

	if (!zone || !isolatable_migratetype(migratetype))
		return -EINVAL;
	zone_lock(zone);
	rc = __start_isolate_page_range(zone, start_pfn, end_pfn, migratetype, &busy);
	zone_unlock(zone);
	return rc;
}

void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype)
{
	struct zone *zone = range_zone(start_pfn, end_pfn);

	if (!zone || !isolatable_migratetype(migratetype))
		return;
	zone_lock(zone);
	__undo_isolate_page_range(zone, start_pfn, end_pfn, migratetype);
	zone_unlock(zone);
}

/* The free block holding pfn, or NULL; *order gets its order. zone->lock held. */
static struct page *__find_free_block(struct zone *zone, unsigned long pfn, unsigned int *order)
{
	*order = 0;
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		struct page *page = pfn_to_page_fast(head);

		if (head < zone->zone_start_pfn)
			break;
		/* A free block of order >= o that starts here covers pfn. */
		if (PageBuddy(page) && buddy_order(page) >= o) {
			*order = buddy_order(page);
			return page;
		}
	}
	return NULL;
}

/* Is every page of [start, end) free on an ISOLATE list? zone->lock held. */
static int __test_pages_isolated(struct zone *zone, unsigned long start, unsigned long end,
				 unsigned long *busy_pfn)
{
	for (unsigned long pfn = start; pfn < end;) {
		unsigned int order;
		struct page *page = __find_free_block(zone, pfn, &order);

		if (!page || page->index != MIGRATE_ISOLATE) {
			*busy_pfn = pfn;
			return -EBUSY;
		}
		pfn = page_to_pfn_fast(page) + (1UL << order);
	}
	return 0;
}

int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn)
{
	struct zone *zone = range_zone(start_pfn, end_pfn);
	unsigned long busy;
	int rc;

	if (!zone)
		return -EINVAL;
	zone_lock(zone);
	rc = __test_pages_isolated(zone, start_pfn, end_pfn, &busy);
	zone_unlock(zone);
	return rc;
}

/* Free [pfn, end) of an isolated block as the largest aligned blocks. zone->lock held. */
static void __free_isolated_range(struct zone *zone, unsigned long pfn, unsigned long end)
{
	while (pfn < end) {
		unsigned int order = 0;

		while (order < MAX_ORDER - 1 && !(pfn & ((2UL << order) - 1)) && pfn + (2UL << order) <= end)
			order++;
		struct page *page = pfn_to_page_fast(pfn);
		set_page_links(page, zone);
		__free_one_page(page, pfn, zone, order, MIGRATE_ISOLATE);
		pfn += 1UL << order;
	}
}

/*
 * An order-0 page of a contiguous range, now the caller's. It is recorded
 * as unmovable: whoever holds a range holds it by pfn, nothing can move it.
 */
static void prep_contig_page(struct page *page, struct zone *zone)
{
	set_page_links(page, zone);
	page->private = 0;
	/* WRITE_ONCE: compaction's scanner reads them without a lock */
	WRITE_ONCE(page->index, MIGRATE_UNMOVABLE);
	WRITE_ONCE(page->alloc_order, 0);
	set_page_count(page, 1);
}

/*
 * Take [start, end), every page free on an ISOLATE list, off the lists; the
 * parts of the free blocks outside the range go back. zone->lock held.
 */
static void __take_isolated_range(struct zone *zone, unsigned long start, unsigned long end)
{
	for (unsigned long pfn = start; pfn < end;) {
		unsigned int order;
		struct page *page = __find_free_block(zone, pfn, &order);
		unsigned long head = page_to_pfn_fast(page), tail = head + (1UL << order);
		unsigned long stop = tail < end ? tail : end;

		__del_page_from_free_list(page, zone, order);
		for (unsigned long p = pfn; p < stop; p++)
			prep_contig_page(pfn_to_page_fast(p), zone);
		if (head < start)
			__free_isolated_range(zone, head, start);
		if (tail > end)
			__free_isolated_range(zone, end, tail);
		pfn = stop;
	}
}

static void drain_zone_pages_all_cpus(struct zone *zone)
{
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		drain_zone_pages_cpu(zone, c);
}

/* ------------------------------------------------------------ migrating the range's movable pages */

/* Targets outside the range: its blocks are isolated, so the allocator cannot hand them out. */
static struct page *contig_alloc_target(unsigned int order, void *priv)
{
	const int *nid = priv;

	return alloc_pages_node(*nid, (GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM) | __GFP_NOWARN, order);
}

static void contig_free_target(struct page *page, void *priv)
{
	(void)priv;
	__free_pages(page, READ_ONCE(page->alloc_order));
}

/* Move one batch; returns how many moved. */
static unsigned int migrate_contig_batch(struct page **pages, unsigned int nr, int nid)
{
	unsigned int moved = 0;

	migrate_pages(pages, &nr, contig_alloc_target, contig_free_target, &nid, MIGRATE_SYNC,
		      MR_CONTIG_RANGE, &moved);
	putback_movable_pages(pages, nr);
	return moved;
}

/*
 * One round of 6.1 __alloc_contig_migrate_range: isolate the movable pages
 * of the range's pageblocks (an allocation may start before start) and
 * move them elsewhere, COMPACT_CLUSTER_MAX at a time. No lock held.
 */
static unsigned long migrate_contig_range(struct zone *zone, unsigned long start, unsigned long end)
{
	struct page *batch[COMPACT_CLUSTER_MAX];
	unsigned int nr = 0;
	unsigned long moved = 0;

	migrate_isolation_begin();
	for (unsigned long pfn = block_start(start); pfn < end; pfn++) {
		struct page *page = pfn_to_page_fast(pfn);

		if (!__PageMovable(page) || page_ref_count(page) <= 0 || isolate_movable_page(page, 0))
			continue;
		batch[nr++] = page;
		pfn += (1UL << page->alloc_order) - 1; /* ours now: the order holds */
		if (nr == COMPACT_CLUSTER_MAX) {
			moved += migrate_contig_batch(batch, nr, zone->node);
			nr = 0;
			migrate_isolation_end();
			migrate_isolation_begin();
		}
	}
	if (nr)
		moved += migrate_contig_batch(batch, nr, zone->node);
	migrate_isolation_end();
	return moved;
}

#define CONTIG_MIGRATE_TRIES 5 /* 6.1 __alloc_contig_migrate_range's tries for -EBUSY */

/* Until the whole range is free on the ISOLATE lists, or the tries are spent. */
static int migrate_until_isolated(struct zone *zone, unsigned long start, unsigned long end,
				  unsigned long *busy_pfn)
{
	int rc = -EBUSY;

	for (int tries = 0; tries < CONTIG_MIGRATE_TRIES; tries++) {
		zone_lock(zone);
		rc = __test_pages_isolated(zone, start, end, busy_pfn);
		zone_unlock(zone);
		if (!rc)
			return 0;
		if (!migrate_contig_range(zone, start, end) && tries)
			return rc; /* nothing moved twice over: pinned pages */
		/* the old pages wait on pcp lists only if they were outside isolated blocks */
		drain_zone_pages_all_cpus(zone);
	}
	return rc;
}

/*
 * alloc_contig_range that also says where it failed: *busy_pfn is the page
 * that made it -EBUSY, for the callers that scan for a range. Takes
 * zone->lock itself.
 */
int alloc_contig_range_busy(unsigned long start, unsigned long end, int migratetype, gfp_t gfp,
			    unsigned long *busy_pfn)
{
	struct zone *zone = range_zone(start, end);
	int rc;

	if (!zone || !isolatable_migratetype(migratetype))
		return -EINVAL;
	zone_lock(zone);
	rc = __start_isolate_page_range(zone, start, end, migratetype, busy_pfn);
	zone_unlock(zone);
	if (rc)
		return rc;

	/* Pages parked on pcp lists are free too: send them to the ISOLATE lists. */
	drain_zone_pages_all_cpus(zone);
	rc = migrate_until_isolated(zone, start, end, busy_pfn);

	zone_lock(zone);
	if (!rc)
		rc = __test_pages_isolated(zone, start, end, busy_pfn);
	if (!rc)
		__take_isolated_range(zone, start, end);
	__undo_isolate_page_range(zone, start, end, migratetype);
	zone_unlock(zone);
	if (rc)
		return rc;

	void *addr = pfn_to_virt(start);
	debug_alloc_contig_range(start, end);
	unpoison_pages(addr, (end - start) << PAGE_SHIFT);
	if (gfp & __GFP_ZERO)
		memset(addr, 0, (end - start) << PAGE_SHIFT);
	return 0;
}

int alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype, gfp_t gfp)
{
	unsigned long busy;

	return alloc_contig_range_busy(start_pfn, end_pfn, migratetype, gfp, &busy);
}

/* Give back a range from alloc_contig_range/alloc_contig_pages, page by page. */
void free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long still_used = 0;

	for (; nr_pages--; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!page) {
			bad_address(NULL, "free_contig_range: pfn outside the arena");
			return;
		}
		still_used += page_count(page) != 1;
		__free_pages(page, 0);
	}
	if (still_used)
		fprintf(stderr, "%s: free_contig_range: %lu pages are still in use!\n", buddy_progname(),
			still_used);
}

static unsigned long roundup_multiple(unsigned long x, unsigned long n)
{
	return (x + n - 1) / n * n;
}

/*
 * Where in [pfn, pfn + nr) a contiguous allocation cannot succeed now: the
 * first page that is neither free (pcp lists are drained beforehand) nor
 * movable, or the last page of a CMA or isolated block. pfn + nr when none.
 * zone->lock held. The kernel tries every candidate and lets migration sort
 * it out; this look-ahead spares isolating ranges pinned pages make fail.
 */
static unsigned long __first_busy_pfn(struct zone *zone, unsigned long pfn, unsigned long nr)
{
	unsigned long end = pfn + nr;

	for (unsigned long b = block_start(pfn); b < end; b += pageblock_nr_pages) {
		int mt = get_pfnblock_migratetype(zone, b);
		if (mt == MIGRATE_CMA || mt == MIGRATE_ISOLATE)
			return b + pageblock_nr_pages - 1;
	}
	while (pfn < end) {
		unsigned int order;
		struct page *page = __find_free_block(zone, pfn, &order);

		if (!page) {
			/* a movable allocation can be migrated out of the way */
			page = pfn_to_page_fast(pfn);
			if (page_ref_count(page) <= 0 || PageTail(page) || !__PageMovable(page))
				return pfn;
			pfn += 1UL << READ_ONCE(page->alloc_order);
			continue;
		}
		pfn = page_to_pfn_fast(page) + (1UL << order);
	}
	return end;
}

/*
 * nr_pages contiguous pages, aligned to nr_pages' multiple (so a power of two
 * is naturally aligned), from the first zone of the zonelist that has them.
 */
struct page *alloc_contig_pages(unsigned long nr_pages, gfp_t gfp, int nid, buddy_nodemask_t *nodemask)
{
	enum zone_type high = gfp_zone(gfp);

	buddy_ensure_init();
	if (!buddy_initialized() || !nr_pages || high == ZONE_BAD)
		return NULL;
	if (nid < 0 || nid >= buddy.nr_node_ids)
		nid = numa_node_id();
	struct zonelist *zl =
		&NODE_DATA(nid)
			 ->node_zonelists[(gfp & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK];
	buddy_drain_all_pages();
	for (struct zoneref *z = zl->_zonerefs; z->zone; z++) {
		struct zone *zone = z->zone;

		if (z->zone_idx > (int)high || (nodemask && !node_isset(zone->node, nodemask)))
			continue;
		if (!populated_zone(zone) || nr_pages > zone->spanned_pages)
			continue;
		zone_lock(zone);
		unsigned long pfn = roundup_multiple(zone->zone_start_pfn, nr_pages);
		while (pfn + nr_pages <= zone_end_pfn(zone)) {
			/* Deferred blocks as the scan reaches them: O(scanned), not O(zone). */
			deferred_init_range(zone, pfn, pfn + nr_pages);
			unsigned long busy = __first_busy_pfn(zone, pfn, nr_pages);

			if (busy == pfn + nr_pages) {
				zone_unlock(zone);
				int rc = alloc_contig_range_busy(pfn, pfn + nr_pages, MIGRATE_MOVABLE, gfp,
								 &busy);
				if (!rc)
					return pfn_to_page_fast(pfn);
				zone_lock(zone);
				if (rc != -EBUSY || busy < pfn)
					busy = pfn;
			}
			pfn = roundup_multiple(busy + 1, nr_pages);
		}
		zone_unlock(zone);
	}
	return NULL;
}
