/* SPDX-License-Identifier: MIT */
/*
 * The library as a program sees it: only <buddy/gfp.h> and <buddy/buddy.h>,
 * linked against libbuddy.so. Set-up, every allocation and free entry point,
 * the buddyinfo view, the checker, and tear-down followed by a fresh start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "HighMem", "Movable" };

/* Free blocks per order of node 0's zone z, read from the buddyinfo view; false if not listed. */
static bool buddyinfo(enum zone_type z, unsigned long counts[MAX_ORDER])
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	char prefix[64];
	bool found = false;

	assert_int_equal(buddy_dump(f, "buddyinfo"), 0);
	fclose(f);
	snprintf(prefix, sizeof(prefix), "Node 0, zone %8s ", zone_names[z]);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		char *p = line + strlen(prefix);
		for (int o = 0; o < MAX_ORDER; o++)
			counts[o] = strtoul(p, &p, 10);
		found = true;
	}
	free(text);
	return found;
}

static unsigned long buddyinfo_pages(enum zone_type z)
{
	unsigned long counts[MAX_ORDER], pages = 0;

	assert_true(buddyinfo(z, counts));
	for (int o = 0; o < MAX_ORDER; o++)
		pages += counts[o] << o;
	return pages;
}

static void init(const char *conf)
{
	struct buddy_config cfg = { .conf = conf };
	assert_int_equal(buddy_init(&cfg), 0);
	assert_true(buddy_initialized());
}

static void check_and_exit(void)
{
	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
	assert_false(buddy_initialized());
}

static void test_life_cycle_and_views(void **state)
{
	(void)state;
	init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	assert_int_equal(buddy_nr_nodes(), 1);
	assert_int_equal(buddy_init(NULL), -EBUSY);

	/* A fresh allocator: DMA 4M, DMA32 16M, Normal 44M, all in max-order blocks. */
	unsigned long counts[MAX_ORDER];
	assert_true(buddyinfo(ZONE_DMA, counts));
	assert_int_equal(counts[MAX_ORDER - 1], 1);
	assert_true(buddyinfo(ZONE_DMA32, counts));
	assert_int_equal(counts[MAX_ORDER - 1], 4);
	assert_true(buddyinfo(ZONE_NORMAL, counts));
	assert_int_equal(counts[MAX_ORDER - 1], 11);
	assert_false(buddyinfo(ZONE_HIGHMEM, counts));	/* empty zones are not listed */
	assert_int_equal(buddy_zone_free_pages(0, ZONE_NORMAL), 11 * 1024);
	assert_int_equal(buddy_zone_free_pages(0, ZONE_HIGHMEM), 0);
	assert_int_equal(buddy_zone_free_pages(1, ZONE_NORMAL), -1);
	assert_int_equal(buddy_dump(stdout, "no-such-view"), -EINVAL);
	check_and_exit();

	/* Fresh again after exit, with a different layout. */
	init("arena_size:32M,dma_limit:0,dma32_limit:8M");
	assert_false(buddyinfo(ZONE_DMA, counts));
	assert_int_equal(buddyinfo_pages(ZONE_DMA32), 2048);
	assert_int_equal(buddyinfo_pages(ZONE_NORMAL), 6144);
	check_and_exit();
}

static void test_allocate_everything_the_api_offers(void **state)
{
	(void)state;
	init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	unsigned long normal = buddyinfo_pages(ZONE_NORMAL);

	struct page *pages[MAX_ORDER];
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		pages[order] = alloc_pages(GFP_KERNEL, order);
		assert_non_null(pages[order]);
		assert_int_equal((uintptr_t)page_address(pages[order]) % (PAGE_SIZE << order), 0);
		assert_int_equal(page_zonenum(pages[order]), ZONE_NORMAL);
		assert_int_equal(page_to_nid(pages[order]), 0);
		assert_ptr_equal(pfn_to_page(page_to_pfn(pages[order])), pages[order]);
		assert_ptr_equal(virt_to_page(page_address(pages[order])), pages[order]);
		memset(page_address(pages[order]), order, PAGE_SIZE << order);
	}
	buddy_drain_all_pages();
	assert_int_equal(buddyinfo_pages(ZONE_NORMAL), normal - ((1UL << MAX_ORDER) - 1));
	for (unsigned int order = 0; order < MAX_ORDER; order++)
		__free_pages(pages[order], order);
	buddy_drain_all_pages();
	assert_int_equal(buddyinfo_pages(ZONE_NORMAL), normal);

	struct page *p = alloc_page(GFP_DMA32);
	assert_int_equal(page_zonenum(p), ZONE_DMA32);
	__free_page(p);
	p = alloc_pages_node(0, GFP_KERNEL, 2);
	__free_pages(p, 2);
	nodemask_t nodes;
	nodes_clear(&nodes);
	node_set(0, &nodes);
	p = __alloc_pages_nodemask(GFP_KERNEL, 1, 0, &nodes);
	assert_non_null(p);
	__free_pages(p, 1);

	unsigned long addr = __get_free_pages(GFP_KERNEL, 3);
	assert_true(addr && addr % (PAGE_SIZE << 3) == 0);
	free_pages(addr, 3);
	addr = __get_free_page(GFP_KERNEL);
	free_page(addr);
	addr = __get_dma_pages(GFP_KERNEL, 0);
	assert_int_equal(page_zonenum(virt_to_page((void *)addr)), ZONE_DMA);
	free_page(addr);
	addr = get_zeroed_page(GFP_KERNEL);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)addr)[i], 0);
	free_page(addr);

	void *exact = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	assert_non_null(exact);
	assert_int_equal(page_count(virt_to_page((char *)exact + 3 * PAGE_SIZE)), 0);
	free_pages_exact(exact, 3 * PAGE_SIZE);

	p = alloc_pages(GFP_KERNEL, 2);
	split_page(p, 2);
	for (int i = 3; i >= 0; i--)
		__free_page(virt_to_page((char *)page_address(p) + (size_t)i * PAGE_SIZE));

	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	struct page *tail = virt_to_page((char *)page_address(p) + 5 * PAGE_SIZE);
	get_page(tail);
	assert_int_equal(page_count(p), 2);
	put_page(p);
	assert_int_equal(page_count(tail), 1);
	put_page(tail);

	assert_int_equal(gfp_zone(GFP_DMA32), ZONE_DMA32);
	assert_int_equal(gfpflags_to_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	assert_true(numa_node_id() >= 0);
	buddy_drain_local_pages();
	buddy_drain_all_pages();
	assert_int_equal(buddyinfo_pages(ZONE_NORMAL), normal);
	check_and_exit();
}

static void test_failures_are_reported_not_fatal(void **state)
{
	(void)state;
	init("arena_size:16M,dma_limit:0,dma32_limit:0");
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
	assert_null(alloc_pages(GFP_KERNEL | __GFP_DMA | __GFP_DMA32 | __GFP_NOWARN, 0));
	/* Exhaust, then everything comes back. */
	struct page *blocks[64];
	int n = 0;
	while (n < 64 && (blocks[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 8)))
		n++;
	assert_true(n > 0 && n < 64);
	assert_int_equal(buddy_check(), 0);
	while (n)
		__free_pages(blocks[--n], 8);
	buddy_drain_all_pages();
	assert_int_equal(buddyinfo_pages(ZONE_NORMAL), 4096);
	check_and_exit();
}

/* With no buddy_init(), the first allocation initialises from BUDDY_CONF. */
static void test_lazy_init(void **state)
{
	(void)state;
	setenv("BUDDY_CONF", "arena_size:16M,dma_limit:0,dma32_limit:0", 1);
	assert_false(buddy_initialized());
	unsigned long addr = __get_free_page(GFP_KERNEL);
	unsetenv("BUDDY_CONF");
	assert_true(addr != 0);
	assert_true(buddy_initialized());
	assert_int_equal(buddy_zone_free_pages(0, ZONE_DMA), 0);
	free_page(addr);
	check_and_exit();
}

static int teardown(void **state)
{
	(void)state;
	buddy_exit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_life_cycle_and_views, teardown),
		cmocka_unit_test_teardown(test_allocate_everything_the_api_offers, teardown),
		cmocka_unit_test_teardown(test_failures_are_reported_not_fatal, teardown),
		cmocka_unit_test_teardown(test_lazy_init, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
