/* SPDX-License-Identifier: MIT */
/*
 * Fallback and stealing (6.1): the fallbacks[] order, largest order first,
 * the smallest block for a movable request that cannot steal, claiming a
 * whole free pageblock, the half-block claim rule, extfrag events.
 *
 * Each scenario starts from a zone whose every page the test holds (as
 * order-9 movable allocations, each a whole MOVABLE pageblock), then gives
 * back exactly the free memory it wants the allocator to choose from.
 */
#include "test_util.h"
#include "internal.h"

#define HELD_MAX 20000

static struct {
	struct page *page;
	unsigned int order;
} held[HELD_MAX];
static int nheld;

/* Take every free page of the zone, whole pageblocks first. */
static void hold_everything(void)
{
	nheld = 0;
	do {
		for (int order = pageblock_order; order >= 0; order--) {
			struct page *p;
			while ((p = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_MEMALLOC,
						(unsigned int)order))) {
				assert_true(nheld < HELD_MAX);
				held[nheld].page = p;
				held[nheld++].order = (unsigned int)order;
			}
		}
		buddy_drain_all_pages();
	} while (zone_free(ZONE_NORMAL) > 0);
}

/* Give everything still held back. */
static void release_everything(void)
{
	for (int i = 0; i < nheld; i++)
		if (held[i].page)
			__free_pages(held[i].page, held[i].order);
	nheld = 0;
}

/* A held whole pageblock, not in the same max-order block as avoid's (so no buddy of it). */
static struct page *take_held_block(struct page *avoid)
{
	for (int i = 0; i < nheld; i++) {
		if (!held[i].page || held[i].order != pageblock_order)
			continue;
		if (avoid && page_to_pfn(held[i].page) / MAX_ORDER_NR_PAGES == page_to_pfn(avoid) / MAX_ORDER_NR_PAGES)
			continue;
		struct page *p = held[i].page;
		held[i].page = NULL;
		return p;
	}
	fail_msg("no held pageblock left");
	return NULL;
}

static void set_block_type(struct page *page, int mt)
{
	zone_lock(normal_zone());
	set_pageblock_migratetype(page, mt);
	zone_unlock(normal_zone());
}

static bool in_block(struct page *page, struct page *block)
{
	return page_to_pfn(page) / pageblock_nr_pages == page_to_pfn(block) / pageblock_nr_pages;
}

/*
 * The scenarios leave only a few free pages, far below the watermarks:
 * __GFP_MEMALLOC lets the requests through (same lists, same fallback).
 */
#define NOWMARK (__GFP_MEMALLOC | __GFP_NOWARN)

static const gfp_t gfp_of[MIGRATE_PCPTYPES] = {
	[MIGRATE_UNMOVABLE] = GFP_KERNEL | NOWMARK,
	[MIGRATE_MOVABLE] = GFP_HIGHUSER_MOVABLE | NOWMARK,
	[MIGRATE_RECLAIMABLE] = GFP_KERNEL | __GFP_RECLAIMABLE | NOWMARK,
};

/*
 * Two free pageblocks of types first and second (not buddies, so they stay
 * apart); a request of type want must take first's, the table's
 * earlier entry, and claim it whole.
 */
static void check_table_order(int want, int first, int second)
{
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	hold_everything();
	struct page *a = take_held_block(NULL);
	struct page *b = take_held_block(a);
	set_block_type(a, first);
	set_block_type(b, second);
	__free_pages(a, pageblock_order);
	__free_pages(b, pageblock_order);
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), 2 * pageblock_nr_pages);

	struct page *p = alloc_pages(gfp_of[want], 0);
	assert_non_null(p);
	assert_true(in_block(p, a));
	assert_int_equal(get_pageblock_migratetype(a), want);
	assert_int_equal(get_pageblock_migratetype(b), second);
	__free_pages(p, 0);
	release_everything();
	test_check_and_exit();
}

static void test_fallback_table_order(void **state)
{
	(void)state;
	check_table_order(MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE);
	check_table_order(MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE);
	check_table_order(MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_MOVABLE);
}

/* Split a held order-9 block into pages and free [from, to) of it. */
static void free_part_of_block(struct page *block, unsigned long from, unsigned long to)
{
	split_page(block, pageblock_order);
	for (unsigned long i = from; i < to; i++)
		__free_pages(block + i, 0);
}

static void free_rest_of_block(struct page *block, unsigned long from, unsigned long to)
{
	for (unsigned long i = 0; i < pageblock_nr_pages; i++)
		if (i < from || i >= to)
			__free_pages(block + i, 0);
}

/* The largest free block wins over the table's preference. */
static void test_fallback_largest_order_first(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	hold_everything();
	struct page *rec = take_held_block(NULL);
	struct page *mov = take_held_block(rec);
	set_block_type(rec, MIGRATE_RECLAIMABLE);
	free_part_of_block(rec, 0, 8);		/* an order-3 block, RECLAIMABLE */
	__free_pages(mov, pageblock_order);	/* an order-9 block, MOVABLE */
	buddy_drain_all_pages();

	struct page *p = alloc_pages(GFP_KERNEL | NOWMARK, 0);
	assert_non_null(p);
	assert_true(in_block(p, mov));
	assert_int_equal(get_pageblock_migratetype(mov), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pageblock_migratetype(rec), MIGRATE_RECLAIMABLE);
	__free_pages(p, 0);
	free_rest_of_block(rec, 0, 8);
	release_everything();
	test_check_and_exit();
}

/* A movable request that may not steal (order < pageblock_order / 2) splits the smallest block. */
static void test_movable_takes_smallest_when_it_cannot_steal(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	hold_everything();
	struct page *rec = take_held_block(NULL);
	struct page *unm = take_held_block(rec);
	set_block_type(rec, MIGRATE_RECLAIMABLE);
	set_block_type(unm, MIGRATE_UNMOVABLE);
	free_part_of_block(rec, 0, 8);		/* order 3, RECLAIMABLE */
	free_part_of_block(unm, 0, 2);		/* order 1, UNMOVABLE */
	buddy_drain_all_pages();

	unsigned long extfrag = sum_vm_event(EXTFRAG_EVENTS);
	struct page *p = alloc_pages(GFP_HIGHUSER_MOVABLE | NOWMARK, 0);
	assert_non_null(p);
	assert_true(in_block(p, unm));
	/* Nothing claimed: both blocks keep their type; one fragmenting fallback. */
	assert_int_equal(get_pageblock_migratetype(unm), MIGRATE_UNMOVABLE);
	assert_int_equal(get_pageblock_migratetype(rec), MIGRATE_RECLAIMABLE);
	assert_true(sum_vm_event(EXTFRAG_EVENTS) > extfrag);
	__free_pages(p, 0);
	free_rest_of_block(rec, 0, 8);
	free_rest_of_block(unm, 0, 2);
	release_everything();
	test_check_and_exit();
}

/*
 * An unmovable request stealing from a MOVABLE block: the block's free pages
 * move to UNMOVABLE lists either way, and the block changes type when free
 * plus compatible pages reach half of it. in_use_unmovable of the in-use
 * pages are marked as unmovable allocations (compatible ones).
 */
static void check_claim(unsigned long nr_free, unsigned long in_use_unmovable, bool claimed)
{
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0");
	hold_everything();
	struct page *blk = take_held_block(NULL);
	free_part_of_block(blk, 0, nr_free);
	for (unsigned long i = nr_free; i < nr_free + in_use_unmovable; i++)
		blk[i].index = MIGRATE_UNMOVABLE;
	buddy_drain_all_pages();

	unsigned long extfrag = sum_vm_event(EXTFRAG_EVENTS);
	struct page *p = alloc_pages(GFP_KERNEL | NOWMARK, 0);
	assert_non_null(p);
	assert_true(in_block(p, blk));
	assert_int_equal(get_pageblock_migratetype(blk), claimed ? MIGRATE_UNMOVABLE : MIGRATE_MOVABLE);
	assert_int_equal(sum_vm_event(EXTFRAG_EVENTS), extfrag + 1);
	/* Every free page left in the block is on an UNMOVABLE list now. */
	buddy_drain_all_pages();
	struct zone *zone = normal_zone();
	test_zone_lock(zone);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		assert_int_equal(test_nr_free_mt(zone, o, MIGRATE_MOVABLE), 0);
	test_zone_unlock(zone);

	__free_pages(p, 0);
	free_rest_of_block(blk, 0, nr_free);
	release_everything();
	test_check_and_exit();
}

static void test_claim_rule(void **state)
{
	(void)state;
	check_claim(300, 0, true);	/* 300 free >= 256 */
	check_claim(100, 0, false);	/* 100 free, the rest movable */
	check_claim(100, 200, true);	/* 100 free + 200 compatible */
	check_claim(255, 0, false);
	check_claim(256, 0, true);
}

/* With grouping off every steal claims the block (and it becomes UNMOVABLE). */
static void test_claim_always_without_grouping(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,mobility_grouping:off");
	hold_everything();
	struct page *blk = take_held_block(NULL);
	set_block_type(blk, MIGRATE_MOVABLE);	/* ignored: stays UNMOVABLE */
	free_part_of_block(blk, 0, 16);
	buddy_drain_all_pages();
	/* Everything is UNMOVABLE already, so rebuild one MOVABLE block by hand. */
	struct zone *zone = normal_zone();
	test_zone_lock(zone);
	set_pfnblock_migratetype(zone, page_to_pfn(blk), MIGRATE_MOVABLE);
	move_freepages_block(zone, blk, MIGRATE_MOVABLE, NULL);
	test_zone_unlock(zone);
	/* And make its in-use pages movable, so nothing counts as compatible. */
	for (unsigned long i = 16; i < pageblock_nr_pages; i++)
		blk[i].index = MIGRATE_MOVABLE;

	struct page *p = alloc_pages(GFP_HIGHUSER_MOVABLE | NOWMARK, 0);	/* asks for UNMOVABLE */
	assert_non_null(p);
	assert_true(in_block(p, blk));
	assert_int_equal(get_pageblock_migratetype(blk), MIGRATE_UNMOVABLE);
	__free_pages(p, 0);
	free_rest_of_block(blk, 0, 16);
	release_everything();
	test_check_and_exit();
}

/* A failed test leaves the allocator up: start each from nothing. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fallback_table_order, test_teardown_exit),
		cmocka_unit_test_setup(test_fallback_largest_order_first, test_teardown_exit),
		cmocka_unit_test_setup(test_movable_takes_smallest_when_it_cannot_steal, test_teardown_exit),
		cmocka_unit_test_setup(test_claim_rule, test_teardown_exit),
		cmocka_unit_test_setup(test_claim_always_without_grouping, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
