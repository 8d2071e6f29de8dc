/* SPDX-License-Identifier: MIT */
/*
 * Every <buddy/gfp.h> allocation, freeing, translation and reference-count
 * function, each checked for what it promises: the zone and node it serves,
 * zeroing, exact sizes, splitting, compound pages and migratetype placement.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

#define CONF "arena_size:64M,dma_limit:2M,dma32_limit:10M"

/* Free pages of a zone once the pcp lists are empty. */
static bool all_zero(const void *addr, size_t len)
{
	const unsigned char *p = addr;

	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void test_alloc_and_free_variants(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);

	struct page *p1 = alloc_pages(GFP_KERNEL, 2);
	struct page *p2 = alloc_page(GFP_KERNEL);
	struct page *p3 = alloc_pages_node(0, GFP_KERNEL, 1);
	struct page *p4 = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 0);
	struct page *p5 = __alloc_pages_nodemask(GFP_KERNEL, 3, 0, NULL);
	unsigned long a1 = __get_free_pages(GFP_KERNEL, 4);
	unsigned long a2 = __get_free_page(GFP_KERNEL);
	assert_non_null(p1);
	assert_non_null(p2);
	assert_non_null(p3);
	assert_non_null(p4);
	assert_non_null(p5);
	assert_true(a1 && a2);
	assert_int_equal(a1 % (PAGE_SIZE << 4), 0);
	assert_int_equal(a2 % PAGE_SIZE, 0);
	assert_int_equal(page_count(virt_to_page((void *)a1)), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - (4 + 1 + 2 + 1 + 8 + 16 + 1));
	assert_consistent();

	__free_pages(p1, 2);
	__free_page(p2);
	__free_pages(p3, 1);
	__free_page(p4);
	__free_pages(p5, 3);
	free_pages(a1, 4);
	free_page(a2);
	free_pages(0, 3);	/* a no-op, as in the kernel */
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_get_dma_pages_lands_in_dma(void **state)
{
	(void)state;
	test_init(CONF);
	unsigned long addr = __get_dma_pages(GFP_KERNEL, 1);
	assert_true(addr != 0);
	assert_int_equal(page_zonenum(virt_to_page((void *)addr)), ZONE_DMA);
	free_pages(addr, 1);
	test_check_and_exit();
}

/* Dirty every page of the DMA zone, free them: zeroed requests must come back clean. */
static void test_zeroing(void **state)
{
	(void)state;
	test_init(CONF);
	/* One CPU throughout: a migration mid-loop would leave pages on the
	 * first CPU's pcp list, which GFP_DMA (no direct reclaim, so no
	 * drain_all_pages) cannot reach, and the count would come up short. */
	assert_int_equal(pin_to_cpu(0), 0);
	size_t n = 0;
	unsigned long addrs[512];
	unsigned long addr;

	while ((addr = __get_free_page(GFP_DMA | __GFP_MEMALLOC | __GFP_NOWARN))) {
		assert_true(n < ARRAY_SIZE(addrs));
		memset((void *)addr, 0xa5, PAGE_SIZE);
		addrs[n++] = addr;
	}
	assert_int_equal(n, 512);
	for (size_t i = 0; i < n; i++)
		free_page(addrs[i]);

	addr = get_zeroed_page(GFP_DMA);
	assert_true(addr != 0);
	assert_true(all_zero((void *)addr, PAGE_SIZE));
	struct page *page = alloc_pages(GFP_DMA | __GFP_ZERO, 3);
	assert_non_null(page);
	assert_true(all_zero(page_address(page), PAGE_SIZE << 3));
	/* Without __GFP_ZERO the old contents are still there. */
	struct page *dirty = alloc_pages(GFP_DMA, 0);
	assert_non_null(dirty);
	assert_int_equal(*(unsigned char *)page_address(dirty), 0xa5);
	free_page(addr);
	__free_pages(page, 3);
	__free_page(dirty);
	unpin();
	test_check_and_exit();
}

static void test_alloc_pages_exact(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	size_t size = 5 * PAGE_SIZE - 100;	/* five pages; the order-3 block's last three go back */

	void *virt = alloc_pages_exact(size, GFP_KERNEL);
	assert_non_null(virt);
	assert_int_equal((uintptr_t)virt % (PAGE_SIZE << 3), 0);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 5);
	struct page *page = virt_to_page(virt);
	for (int i = 0; i < 8; i++)
		assert_int_equal(page_count(page + i), i < 5 ? 1 : 0);
	memset(virt, 1, size);
	free_pages_exact(virt, size);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);

	/* A power of two is one whole block. */
	virt = alloc_pages_exact(4 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	assert_non_null(virt);
	assert_true(all_zero(virt, 4 * PAGE_SIZE));
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 4);
	free_pages_exact(virt, 4 * PAGE_SIZE);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_split_page(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *page = alloc_pages(GFP_KERNEL, 3);

	assert_non_null(page);
	split_page(page, 3);
	for (int i = 0; i < 8; i++)
		assert_int_equal(page_count(page + i), 1);
	/* Free them one by one, out of order; each is an order-0 allocation now. */
	static const int order_of_free[8] = { 5, 0, 7, 2, 1, 6, 3, 4 };
	for (int i = 0; i < 8; i++) {
		__free_page(page + order_of_free[i]);
		assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 8 + i + 1);
	}
	test_check_and_exit();
}

static void test_translation_round_trips(void **state)
{
	(void)state;
	test_init(CONF);
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		assert_non_null(page);
		unsigned long pfn = page_to_pfn(page);
		char *addr = page_address(page);

		assert_ptr_equal(pfn_to_page(pfn), page);
		assert_ptr_equal(virt_to_page(addr), page);
		assert_ptr_equal(addr, test_arena_base() + (pfn << PAGE_SHIFT));
		for (unsigned long i = 0; i < (1UL << order); i += 1 + (1UL << order) / 4) {
			assert_ptr_equal(virt_to_page(addr + i * PAGE_SIZE + 123), page + i);
			assert_ptr_equal(page_address(pfn_to_page(pfn + i)), addr + i * PAGE_SIZE);
			assert_int_equal(page_to_pfn(virt_to_page(addr + i * PAGE_SIZE)), pfn + i);
		}
		assert_int_equal(page_to_nid(page), 0);
		__free_pages(page, order);
	}
	int on_stack;
	assert_null(virt_to_page(&on_stack));
	assert_null(virt_to_page(test_arena_base() + test_arena_bytes()));
	assert_null(pfn_to_page(test_nr_pages()));
	assert_ptr_equal(pfn_to_page(test_nr_pages() - 1), test_mem_map() + test_nr_pages() - 1);
	test_check_and_exit();
}

static void test_page_zonenum_and_nid(void **state)
{
	(void)state;
	test_init("arena_size:32M,dma_limit:2M,dma32_limit:6M,numa_fake:2");
	assert_int_equal(buddy_nr_nodes(), 2);
	for (int nid = 0; nid < 2; nid++) {
		static const gfp_t masks[] = { GFP_DMA, GFP_DMA32, GFP_KERNEL };
		for (int z = 0; z < 3; z++) {
			/* DMA (below 2M) and DMA32 (below 6M) lie in node 0 alone, as physical ranges do */
			int on = z == ZONE_NORMAL ? nid : 0;
			struct page *page = alloc_pages_node(nid, masks[z] | __GFP_THISNODE | __GFP_NOWARN, 0);
			if (on != nid) {
				assert_null(page);
				page = alloc_pages_node(nid, masks[z], 0);
			}
			assert_non_null(page);
			assert_int_equal(page_zonenum(page), z);
			assert_int_equal(page_to_nid(page), on);
			__free_page(page);
		}
		nodemask_t mask;
		nodes_clear(&mask);
		node_set(nid, &mask);
		struct page *page = __alloc_pages_nodemask(GFP_KERNEL, 2, 1 - nid, &mask);
		assert_non_null(page);
		assert_int_equal(page_to_nid(page), nid);
		__free_pages(page, 2);
	}
	test_check_and_exit();
}

static void test_refcounting(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *page = alloc_pages(GFP_KERNEL, 1);

	assert_non_null(page);
	assert_int_equal(page_count(page), 1);
	get_page(page);
	get_page(page);
	assert_int_equal(page_count(page), 3);
	put_page(page);
	assert_int_equal(page_count(page), 2);
	__free_pages(page, 1);	/* drops a reference too */
	assert_int_equal(page_count(page), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 2);
	put_page(page);	/* the last reference frees the block */
	assert_int_equal(page_count(page), 0);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

static void test_compound_pages(void **state)
{
	(void)state;
	test_init(CONF);
	long before = free_after_drain(0, ZONE_NORMAL);
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 4);

	assert_non_null(head);
	assert_true(PageHead(head));
	for (int i = 1; i < 16; i++) {
		assert_true(PageTail(head + i));
		assert_ptr_equal(head[i].compound_head, head);
		assert_int_equal(head[i].compound_order, 4);
		assert_int_equal(page_count(head + i), 1);	/* reads the head's */
	}
	get_page(head + 7);
	assert_int_equal(page_count(head), 2);
	put_page(head + 9);
	assert_int_equal(page_count(head + 3), 1);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before - 16);
	put_page(head);	/* the last reference: the whole block goes */
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	assert_false(PageHead(head));
	for (int i = 1; i < 16; i++)
		assert_false(PageTail(head + i));

	/* __free_pages of the head with its order works too, also at pcp orders. */
	head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	assert_non_null(head);
	assert_true(PageTail(head + 3));
	__free_pages(head, 2);
	/* Order 0 with __GFP_COMP is a plain page. */
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, 0);
	assert_false(PageHead(page));
	put_page(page);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), before);
	test_check_and_exit();
}

/* The head of the free block that holds pfn, or NULL. */
static struct page *free_block_of(unsigned long pfn)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		struct page *head = pfn_to_page_fast(pfn & ~((1UL << o) - 1));
		if (PageBuddy(head) && buddy_order(head) >= o)
			return head;
	}
	return NULL;
}

static void test_migratetype_placement(void **state)
{
	(void)state;
	static const struct {
		gfp_t gfp;
		int mt;
	} cases[] = {
		{ GFP_KERNEL, MIGRATE_UNMOVABLE },
		{ GFP_HIGHUSER_MOVABLE, MIGRATE_MOVABLE },
		{ GFP_KERNEL | __GFP_RECLAIMABLE, MIGRATE_RECLAIMABLE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (unsigned int order = 0; order < MAX_ORDER; order += 3) {
			test_init(CONF);
			assert_int_equal(test_mobility_grouping_disabled(), 0);
			struct page *page = alloc_pages(cases[i].gfp, order);
			assert_non_null(page);
			unsigned long pfn = page_to_pfn(page);
			/* A fresh zone is all MOVABLE: other types claim the pageblock. */
			assert_int_equal(get_pageblock_migratetype(page), cases[i].mt);
			assert_int_equal(page->index, cases[i].mt);
			__free_pages(page, order);
			buddy_drain_all_pages();
			struct page *block = free_block_of(pfn);
			assert_non_null(block);
			assert_int_equal(block->index, cases[i].mt);	/* the free list it sits on */
			assert_int_equal(get_pageblock_migratetype(block), cases[i].mt);
			test_check_and_exit();
		}
	}
}

/* Mobility grouping off: every pageblock is UNMOVABLE and requests take any. */
static void test_mobility_grouping_off(void **state)
{
	(void)state;
	test_init(CONF ",mobility_grouping:off");
	assert_int_equal(test_mobility_grouping_disabled(), 1);
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	assert_int_equal(get_pageblock_migratetype(page), MIGRATE_UNMOVABLE);
	__free_page(page);
	test_check_and_exit();
}

/*
 * Zones under 32M compute a pcp batch of 0 (6.1 zone_batchsize); the kernel
 * raises it to 1. With 0, freed pages piled up on the pcp lists forever.
 */
static void test_pcp_bounded_in_small_zones(void **state)
{
	(void)state;
	test_init("arena_size:16M,dma_limit:2M,dma32_limit:6M");
	static struct page *pages[1000];
	for (int z = 0; z <= ZONE_NORMAL; z++)
		for (int c = 0; c < test_nr_cpus(); c++)
			assert_true(test_pcp_batch(zone_of(0, z), c) >= 1);
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		assert_non_null(pages[i] = alloc_page(GFP_KERNEL));
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
	for (int z = 0; z <= ZONE_NORMAL; z++)
		for (int c = 0; c < test_nr_cpus(); c++) {
			assert_true(test_pcp_count(zone_of(0, z), c) <= test_pcp_high(zone_of(0, z), c));
		}
	test_check_and_exit();
}

#define T(fn) cmocka_unit_test_teardown(fn, test_teardown_exit)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_alloc_and_free_variants),
		T(test_get_dma_pages_lands_in_dma),
		T(test_zeroing),
		T(test_alloc_pages_exact),
		T(test_split_page),
		T(test_translation_round_trips),
		T(test_page_zonenum_and_nid),
		T(test_refcounting),
		T(test_compound_pages),
		T(test_migratetype_placement),
		T(test_mobility_grouping_off),
		T(test_pcp_bounded_in_small_zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
