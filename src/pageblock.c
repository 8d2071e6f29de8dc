/* SPDX-License-Identifier: MIT */
/*
 * Pageblocks: each pageblock_nr_pages-aligned block carries a migratetype in
 * a compact per-zone bitmap (NR_PAGEBLOCK_BITS per block: three migratetype
 * bits plus the compaction skip bit, as the kernel lays them out). The bitmap
 * only: moving a block's free pages is free_area.c's, stealing fallback.c's.
 */
#include <stdlib.h>

#include "internal.h"

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

/*
 * Compaction's skip bit (6.1 get/set_pageblock_skip): a hint that the last
 * scan found nothing to isolate in the block. Lock-free like the type.
 */
bool get_pfnblock_skip(const struct zone *zone, unsigned long pfn)
{
	unsigned int shift;
	unsigned long *word = block_word(zone, pfn, &shift);

	return (__atomic_load_n(word, __ATOMIC_RELAXED) >> (shift + PB_migrate_skip)) & 1;
}

void set_pfnblock_skip(struct zone *zone, unsigned long pfn, bool skip)
{
	unsigned int shift;
	unsigned long *word = block_word(zone, pfn, &shift);
	unsigned long bit = 1UL << (shift + PB_migrate_skip);

	if (skip)
		__atomic_fetch_or(word, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);
}
