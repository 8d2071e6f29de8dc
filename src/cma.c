/* SPDX-License-Identifier: MIT */
/*
 * The contiguous memory allocator (Linux 6.1 mm/cma.c semantics, one area
 * per node): BUDDY_CONF cma:SIZE sets aside SIZE (rounded up to pageblocks)
 * at the top of each node's highest zone below ZONE_MOVABLE (ZONE_NORMAL
 * when the node has one) as MIGRATE_CMA pageblocks. While
 * free they serve movable allocations only (ALLOC_CMA; no fallback table
 * lists CMA); buddy_cma_alloc() takes a physically contiguous run out of the
 * area with alloc_contig_range(..., MIGRATE_CMA), and buddy_cma_release()
 * gives it back. A bitmap per area (one bit per page) records the runs
 * handed out, so two callers never race for the same pages.
 *
 * Without migration (compaction arrives later), a run with an in-use movable
 * page in it cannot be taken: buddy_cma_alloc moves on to the next aligned
 * candidate past that page and returns NULL when none is left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct cma {
	unsigned long base_pfn;
	unsigned long count;   /* pages */
	unsigned long *bitmap; /* one bit per page: handed out */
	pthread_mutex_t lock;  /* guards bitmap */
	int nid;
};

/*
 * The areas are the allocator's (buddy.cma_areas). One alloc_contig_range at
 * a time, as the kernel's cma_mutex: runs of two callers may share a
 * pageblock, and the second isolation would fail. Static, like every lock
 * that has to exist while no allocator does (buddy_state is zeroed then).
 */
static pthread_mutex_t cma_mutex = PTHREAD_MUTEX_INITIALIZER;

#define BITS_PER_LONG (8 * sizeof(unsigned long))

static bool cma_bit(const struct cma *cma, unsigned long i)
{
	return (cma->bitmap[i / BITS_PER_LONG] >> (i % BITS_PER_LONG)) & 1;
}

static void cma_set_bits(struct cma *cma, unsigned long first, unsigned long nr, bool on)
{
	for (unsigned long i = first; i < first + nr; i++) {
		unsigned long bit = 1UL << (i % BITS_PER_LONG);
		if (on)
			cma->bitmap[i / BITS_PER_LONG] |= bit;
		else
			cma->bitmap[i / BITS_PER_LONG] &= ~bit;
	}
}

/*
 * Turn the pageblocks of [start, end) of zone into MIGRATE_CMA with their
 * free pages on the CMA lists (counted in NR_FREE_CMA_PAGES), merged again
 * where blocks meet. Only the deferred blocks under the area are initialised
 * (from the top of the zone down), so this costs the area's size, not the
 * zone's. zone->lock held.
 */
static void __init_cma_reserved_pageblocks(struct zone *zone, unsigned long start, unsigned long end)
{
	deferred_init_range(zone, start, end);
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages) {
		__split_free_block_over_pageblock(zone, pfn);
		set_pfnblock_migratetype(zone, pfn, MIGRATE_CMA);
		move_freepages_block(zone, pfn_to_page_fast(pfn), MIGRATE_CMA, NULL);
	}
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages)
		__remerge_pageblock(zone, pfn);
	zone->cma_pages += end - start;
}

/*
 * Where a node's area goes: the top of its highest zone below ZONE_MOVABLE
 * (the kernel reserves CMA top-down from memblock, outside ZONE_MOVABLE), so
 * Normal on a big node, DMA32 on a small arena that has no Normal.
 */
static struct zone *cma_zone(int nid)
{
	for (int z = ZONE_HIGHMEM; z > ZONE_DMA; z--)
		if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
			return &NODE_DATA(nid)->node_zones[z];
	return &NODE_DATA(nid)->node_zones[ZONE_DMA];
}

static int cma_declare_node(int nid, unsigned long nr_pages)
{
	struct zone *zone = cma_zone(nid);
	struct cma *cma = &buddy.cma_areas[buddy.cma_area_count];

	if (zone->spanned_pages < nr_pages) {
		fprintf(stderr, "libbuddy: cma: %lu MiB does not fit in node %d's %s zone (%lu MiB)\n",
			nr_pages >> (20 - PAGE_SHIFT), nid, zone->name,
			zone->spanned_pages >> (20 - PAGE_SHIFT));
		return -EINVAL;
	}
	cma->bitmap = calloc(nr_pages / BITS_PER_LONG + 1, sizeof(unsigned long));
	if (!cma->bitmap)
		return -ENOMEM;
	cma->base_pfn = zone_end_pfn(zone) - nr_pages;
	cma->count = nr_pages;
	cma->nid = nid;
	pthread_mutex_init(&cma->lock, NULL);
	buddy.cma_area_count++;

	zone_lock(zone);
	__init_cma_reserved_pageblocks(zone, cma->base_pfn, cma->base_pfn + nr_pages);
	zone_unlock(zone);
	return 0;
}

/* At start-up, after the arena and its zones exist. */
int cma_init_reserved_areas(void)
{
	size_t bytes = buddy.settings.cma;
	unsigned long nr_pages;

	if (!bytes)
		return 0;
	buddy.cma_areas = calloc((size_t)buddy.nr_node_ids, sizeof(struct cma));
	if (!buddy.cma_areas)
		return -ENOMEM;
	nr_pages = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	nr_pages = (nr_pages + pageblock_nr_pages - 1) & ~(pageblock_nr_pages - 1);
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		int rc = cma_declare_node(nid, nr_pages);
		if (rc)
			return rc;
	}
	return 0;
}

void cma_exit(void)
{
	for (int i = 0; i < buddy.cma_area_count; i++) {
		free(buddy.cma_areas[i].bitmap);
		pthread_mutex_destroy(&buddy.cma_areas[i].lock);
	}
	free(buddy.cma_areas);
	buddy.cma_areas = NULL;
	buddy.cma_area_count = 0;
}

/*
 * The first index >= from of count clear bits whose pfn is aligned to
 * align_mask + 1, or cma->count when there is none. cma->lock held.
 */
static unsigned long cma_find_run(const struct cma *cma, unsigned long from, unsigned long count,
				  unsigned long align_mask)
{
	unsigned long i = ((cma->base_pfn + from + align_mask) & ~align_mask) - cma->base_pfn;

	while (i + count <= cma->count) {
		unsigned long j = 0;

		while (j < count && !cma_bit(cma, i + j))
			j++;
		if (j == count)
			return i;
		/* Past the set bit, at the next aligned pfn. */
		i = ((cma->base_pfn + i + j + 1 + align_mask) & ~align_mask) - cma->base_pfn;
	}
	return cma->count;
}

static struct page *cma_alloc_area(struct cma *cma, unsigned long count, unsigned long align_mask, int *ret)
{
	unsigned long from = 0;

	for (;;) {
		unsigned long busy, i;

		pthread_mutex_lock(&cma->lock);
		i = cma_find_run(cma, from, count, align_mask);
		if (i >= cma->count) {
			pthread_mutex_unlock(&cma->lock);
			return NULL;
		}
		cma_set_bits(cma, i, count, true);
		pthread_mutex_unlock(&cma->lock);

		unsigned long pfn = cma->base_pfn + i;
		pthread_mutex_lock(&cma_mutex);
		*ret = alloc_contig_range_busy(pfn, pfn + count, MIGRATE_CMA, GFP_KERNEL | __GFP_NOWARN,
					       &busy);
		pthread_mutex_unlock(&cma_mutex);
		if (!*ret)
			return pfn_to_page_fast(pfn);

		pthread_mutex_lock(&cma->lock);
		cma_set_bits(cma, i, count, false);
		pthread_mutex_unlock(&cma->lock);
		if (*ret != -EBUSY)
			return NULL;
		/* Try again past the page in the way. */
		from = (busy >= pfn && busy < pfn + count ? busy : pfn) + 1 - cma->base_pfn;
	}
}

struct page *buddy_cma_alloc(unsigned long count, unsigned int align_order)
{
	int ret = -ENOMEM;

	buddy_ensure_init();
	if (!buddy_initialized() || !count || !buddy.cma_area_count || align_order >= BITS_PER_LONG / 2)
		return NULL;
	/* The local node's area first, then the others in node order. */
	int first = numa_node_id();
	for (int k = 0; k < buddy.cma_area_count; k++) {
		struct cma *cma = &buddy.cma_areas[(first + k) % buddy.cma_area_count];
		struct page *page;

		if (count > cma->count)
			continue;
		page = cma_alloc_area(cma, count, (1UL << align_order) - 1, &ret);
		if (page)
			return page;
	}
	fprintf(stderr, "%s: cma_alloc: alloc failed, req-size: %lu pages, ret: %d\n", buddy_progname(),
		count, ret);
	return NULL;
}

bool buddy_cma_release(struct page *pages, unsigned long count)
{
	if (!pages || !buddy_initialized())
		return false;
	unsigned long pfn = page_to_pfn(pages);
	for (int k = 0; k < buddy.cma_area_count; k++) {
		struct cma *cma = &buddy.cma_areas[k];

		if (pfn < cma->base_pfn || pfn >= cma->base_pfn + cma->count)
			continue;
		if (pfn + count > cma->base_pfn + cma->count) {
			fprintf(stderr, "%s: cma_release: range runs past the CMA area\n", buddy_progname());
			return false;
		}
		free_contig_range(pfn, count);
		pthread_mutex_lock(&cma->lock);
		cma_set_bits(cma, pfn - cma->base_pfn, count, false);
		pthread_mutex_unlock(&cma->lock);
		return true;
	}
	return false;
}

/* cma_mutex before the areas' locks: the order alloc_contig_range users take them. */
void cma_fork_lock(void)
{
	pthread_mutex_lock(&cma_mutex);
	for (int i = 0; i < buddy.cma_area_count; i++)
		pthread_mutex_lock(&buddy.cma_areas[i].lock);
}

void cma_fork_unlock(bool child)
{
	for (int i = buddy.cma_area_count - 1; i >= 0; i--)
		fork_unlock_mutex(&buddy.cma_areas[i].lock, child);
	fork_unlock_mutex(&cma_mutex, child);
}
