/* SPDX-License-Identifier: MIT */
/*
 * The buddy core: splitting (expand) and merging (__free_one_page) at every
 * order, exhaustion and full coalescing seen through buddyinfo, alignment of
 * every order, and the 4.x tail-placement heuristic.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

/* One NORMAL zone of 16 max-order blocks starting at pfn 0. */
#define ONE_ZONE "arena_size:64M,dma_limit:0,dma32_limit:0"
#define ONE_ZONE_BLOCKS 16UL

/* Parse buddy_dump(..., "buddyinfo") for node 0's zone zname. */
static void buddyinfo(const char *zname, unsigned long counts[MAX_ORDER])
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool found = false;

	assert_non_null(f);
	assert_int_equal(buddy_dump(f, "buddyinfo"), 0);
	fclose(f);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int nid, pos = 0;
		char name[16];

		if (sscanf(line, "Node %d, zone %15s%n", &nid, name, &pos) != 2 || nid != 0 || strcmp(name, zname))
			continue;
		char *p = line + pos;
		for (int o = 0; o < MAX_ORDER; o++)
			counts[o] = strtoul(p, &p, 10);
		found = true;
	}
	free(text);
	assert_true(found);
}

/* buddyinfo of the NORMAL zone equals expect[]. */
static void assert_buddyinfo(const unsigned long expect[MAX_ORDER])
{
	unsigned long got[MAX_ORDER];

	buddyinfo("Normal", got);
	for (int o = 0; o < MAX_ORDER; o++)
		if (got[o] != expect[o])
			fail_msg("buddyinfo order %d: %lu free blocks, expected %lu", o, got[o], expect[o]);
}

static void assert_all_max_order(unsigned long blocks)
{
	unsigned long expect[MAX_ORDER] = { 0 };

	expect[MAX_ORDER - 1] = blocks;
	assert_buddyinfo(expect);
}

/* After taking one order-n block out of a fresh zone: one block at each of n..9. */
static void assert_split_from_fresh(unsigned int order)
{
	unsigned long expect[MAX_ORDER] = { 0 };

	for (unsigned int o = order; o < MAX_ORDER - 1; o++)
		expect[o] = 1;
	expect[MAX_ORDER - 1] = ONE_ZONE_BLOCKS - 1;
	assert_buddyinfo(expect);
}

/* Raw buddy operations, below the pcp lists and watermarks. */
static struct page *take(struct zone *zone, unsigned int order)
{
	test_zone_lock(zone);
	struct page *page = __rmqueue_smallest(zone, order, MIGRATE_MOVABLE);
	test_zone_unlock(zone);
	assert_non_null(page);
	return page;
}

static void give(struct zone *zone, unsigned long pfn, unsigned int order)
{
	free_one_page(zone, pfn_to_page_fast(pfn), pfn, order); /* a movable block: its type */
}

static void test_split_merge_every_order_raw(void **state)
{
	(void)state;
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		test_init(ONE_ZONE);
		struct zone *zone = normal_zone();
		assert_all_max_order(ONE_ZONE_BLOCKS);

		struct page *page = take(zone, order);
		unsigned long pfn = page_to_pfn_fast(page);
		assert_int_equal(pfn % (1UL << order), 0);
		assert_split_from_fresh(order);
		assert_int_equal(zone_free(ZONE_NORMAL), (long)(ONE_ZONE_BLOCKS << (MAX_ORDER - 1)) - (1L << order));
		assert_consistent();

		give(zone, pfn, order);
		assert_all_max_order(ONE_ZONE_BLOCKS);
		test_check_and_exit();
	}
}

/* The same through the API: the pcp lists drained, only the allocation stays out. */
static void split_merge_via_api(gfp_t gfp)
{
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		test_init(ONE_ZONE);
		struct page *page = alloc_pages(gfp, order);
		assert_non_null(page);
		buddy_drain_all_pages();
		assert_split_from_fresh(order);
		assert_consistent();

		__free_pages(page, order);
		buddy_drain_all_pages();
		assert_all_max_order(ONE_ZONE_BLOCKS);
		test_check_and_exit();
	}
}

static void test_split_merge_every_order_unmovable(void **state)
{
	(void)state;
	split_merge_via_api(GFP_KERNEL);
}

static void test_split_merge_every_order_movable(void **state)
{
	(void)state;
	split_merge_via_api(GFP_HIGHUSER_MOVABLE);
}

struct block {
	struct page *page;
	unsigned int order;
};

/* A tiny deterministic generator, so a failure can be replayed. */
static unsigned long rng_state = 88172645463325252UL;
static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_exhaust_then_coalesce(void **state)
{
	(void)state;
	test_init(ONE_ZONE);
	size_t max = ONE_ZONE_BLOCKS << (MAX_ORDER - 1), n = 0;
	struct block *blocks = calloc(max, sizeof(*blocks));
	const gfp_t gfp = GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOWARN;
	unsigned long taken = 0;

	/* Random orders until not even one page is left. */
	for (;;) {
		unsigned int order = (unsigned int)(rng() % MAX_ORDER);
		struct page *page = NULL;

		while (!(page = alloc_pages(gfp, order)) && order > 0)
			order--;
		if (!page)
			break;
		assert_true(n < max);
		blocks[n++] = (struct block){ page, order };
		taken += 1UL << order;
	}
	assert_int_equal(taken, max);
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), 0);
	assert_all_max_order(0);
	assert_consistent();

	/* Free in a shuffled order: everything merges back to max-order blocks. */
	for (size_t i = n; i > 1; i--) {
		size_t j = rng() % i;
		struct block t = blocks[i - 1];
		blocks[i - 1] = blocks[j];
		blocks[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		__free_pages(blocks[i].page, blocks[i].order);
	buddy_drain_all_pages();
	assert_all_max_order(ONE_ZONE_BLOCKS);
	assert_int_equal(zone_free(ZONE_NORMAL), (long)max);
	free(blocks);
	test_check_and_exit();
}

/* Every order, several blocks, in zones whose edges are not max-order aligned. */
static void test_alignment_every_order(void **state)
{
	(void)state;
	static const gfp_t masks[] = { GFP_DMA, GFP_DMA32, GFP_KERNEL, GFP_HIGHUSER_MOVABLE };
	test_init("arena_size:64M,dma_limit:2M,dma32_limit:8M");
	for (size_t m = 0; m < ARRAY_SIZE(masks); m++) {
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			struct page *pages[3];
			int got = 0;

			for (int i = 0; i < 3; i++) {
				pages[i] = alloc_pages(masks[m] | __GFP_NOWARN, order);
				if (!pages[i])
					break;
				got++;
				uintptr_t addr = (uintptr_t)page_address(pages[i]);
				if (addr % (PAGE_SIZE << order))
					fail_msg("mask %#x order %u: address %#lx not aligned", masks[m], order,
						 (unsigned long)addr);
				assert_int_equal(page_to_pfn(pages[i]) % (1UL << order), 0);
			}
			/* The 2M DMA zone has one order-9 block, kept by the watermark. */
			if (masks[m] != GFP_DMA || order < pageblock_order)
				assert_true(got > 0);
			for (int i = 0; i < got; i++)
				__free_pages(pages[i], order);
			/* masks that may not reclaim never drain the pcp lists themselves (6.1) */
			buddy_drain_all_pages();
		}
	}
	test_check_and_exit();
}

/*
 * Tail placement (4.x __free_one_page): a freed block that cannot merge but
 * whose parent's buddy is free goes to the tail of its list, so it stays free
 * and is likely to merge soon. Pfn 1 has pfn 0 as its buddy, an edge case.
 */
static void tail_placement_at(unsigned int base_block)
{
	test_init(ONE_ZONE);
	struct zone *zone = normal_zone();
	struct list_head *list0 = test_free_list(zone, 0, MIGRATE_MOVABLE);

	/* Walk the deferred blocks so that block base_block is the next one split. */
	struct page *skipped[ONE_ZONE_BLOCKS];
	for (unsigned int i = 0; i < base_block; i++)
		skipped[i] = take(zone, MAX_ORDER - 1);
	unsigned long p = page_to_pfn_fast(take(zone, 0));
	assert_int_equal(p % MAX_ORDER_NR_PAGES, 0);
	assert_int_equal(page_to_pfn_fast(take(zone, 0)), p + 1);
	/* p+2 is now a free order-1 block. Make an unrelated order-0 free block x. */
	unsigned long x = page_to_pfn_fast(take(zone, MAX_ORDER - 1));
	give(zone, x + 1, 0);
	assert_ptr_equal(list_first_entry(list0, struct page, lru), pfn_to_page_fast(x + 1));

	/* p+1's buddy p is in use, but p's order-1 buddy p+2 is free: tail. */
	give(zone, p + 1, 0);
	assert_ptr_equal(list_first_entry(list0, struct page, lru), pfn_to_page_fast(x + 1));
	assert_ptr_equal(list_last_entry(list0, struct page, lru), pfn_to_page_fast(p + 1));

	/* The next order-0 request takes x+1, not the block parked at the tail. */
	struct page *x2 = take(zone, 0);
	assert_ptr_equal(x2, pfn_to_page_fast(x + 1));
	assert_consistent();

	/* Put everything back. */
	give(zone, x + 1, 0);
	give(zone, p, 0);
	for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
		give(zone, x + (o ? 1UL << o : 0), o);
	for (unsigned int i = 0; i < base_block; i++)
		give(zone, page_to_pfn_fast(skipped[i]), MAX_ORDER - 1);
	assert_all_max_order(ONE_ZONE_BLOCKS);
	test_check_and_exit();
}

static void test_tail_placement_pfn0(void **state)
{
	(void)state;
	tail_placement_at(0);
}

static void test_tail_placement_later_block(void **state)
{
	(void)state;
	tail_placement_at(3);
}

/*
 * A pcp refill (CPU lock held) that has to borrow a small block of another
 * migratetype: the fallback counts an external-fragmentation event, which
 * once took the CPU lock again and deadlocked.
 */
static void test_small_fallback_under_pcp_refill(void **state)
{
	(void)state;
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	size_t max = 4096, n = 0;
	struct page **pages = calloc(max, sizeof(*pages));
	struct page *page;

	while ((page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_MEMALLOC | __GFP_NOWARN, 0))) {
		assert_true(n < max);
		pages[n++] = page;
	}
	assert_int_equal(n, max);
	__free_page(pages[--n]);
	buddy_drain_all_pages();	/* one free order-0 page, on the MOVABLE list */
	unsigned long events = sum_vm_event(EXTFRAG_EVENTS);

	page = alloc_pages(GFP_KERNEL | __GFP_MEMALLOC, 0);
	assert_non_null(page);
	assert_int_equal(sum_vm_event(EXTFRAG_EVENTS), events + 1);
	assert_int_equal(page->index, MIGRATE_UNMOVABLE);
	__free_page(page);
	while (n)
		__free_page(pages[--n]);
	free(pages);
	test_check_and_exit();
}

/* A failed test must not leave the allocator initialised for the next. */
#define T(fn) cmocka_unit_test_teardown(fn, test_teardown_exit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_split_merge_every_order_raw),
		T(test_split_merge_every_order_unmovable),
		T(test_split_merge_every_order_movable),
		T(test_exhaust_then_coalesce),
		T(test_alignment_every_order),
		T(test_tail_placement_pfn0),
		T(test_tail_placement_later_block),
		T(test_small_fallback_under_pcp_refill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
