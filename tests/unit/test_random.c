/* SPDX-License-Identifier: MIT */
/*
 * Randomised model test: a long sequence of allocations and frees of random
 * orders, masks and free functions, checked against a model of what the test
 * owns. Each page of a block carries a pattern written at allocation and
 * verified at free, so overlapping blocks or stray writes are caught;
 * buddy_check() runs periodically and at the end.
 *
 * BUDDY_TEST_SEED=N replays a run; the seed is printed with every failure.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "test_util.h"

#define NR_OPS 12000
#define MAX_LIVE 400
#define CHECK_EVERY 1500

static unsigned long seed, rng_state;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond))                                                          \
			fail_msg("seed %lu (BUDDY_TEST_SEED=%lu to replay), op %d: %s", seed, seed, op, #cond); \
	} while (0)

struct live {
	struct page *page;
	unsigned int order;
	gfp_t gfp;
	unsigned long tag;
};

static const gfp_t masks[] = {
	GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_DMA, GFP_DMA32, GFP_KERNEL | __GFP_DMA32,
	GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE, GFP_TEMPORARY, GFP_USER | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_COMP, GFP_HIGHUSER_MOVABLE | __GFP_COMP, GFP_KERNEL | __GFP_ZERO,
	GFP_DMA32 | __GFP_ZERO | __GFP_COMP, GFP_KERNEL | __GFP_COLD,
};

/* Mostly small orders, now and then a large one. */
static unsigned int random_order(void)
{
	unsigned long r = rng() % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return (unsigned int)(1 + rng() % 3);
	if (r < 95)
		return (unsigned int)(4 + rng() % 5);
	return (unsigned int)(9 + rng() % 2);
}

/* Two words per page: at the start and at the end. */
static void write_pattern(const struct live *l)
{
	char *addr = page_address(l->page);

	for (unsigned long i = 0; i < (1UL << l->order); i++) {
		unsigned long *p = (unsigned long *)(addr + i * PAGE_SIZE);
		p[0] = l->tag ^ i;
		p[PAGE_SIZE / sizeof(long) - 1] = ~(l->tag ^ i);
	}
}

static bool pattern_intact(const struct live *l)
{
	const char *addr = page_address(l->page);

	for (unsigned long i = 0; i < (1UL << l->order); i++) {
		const unsigned long *p = (const unsigned long *)(addr + i * PAGE_SIZE);
		if (p[0] != (l->tag ^ i) || p[PAGE_SIZE / sizeof(long) - 1] != ~(l->tag ^ i))
			return false;
	}
	return true;
}

static bool zeroed(const struct live *l)
{
	const char *addr = page_address(l->page);

	for (unsigned long i = 0; i < (1UL << l->order); i++) {
		const unsigned long *p = (const unsigned long *)(addr + i * PAGE_SIZE);
		if (p[0] || p[1] || p[PAGE_SIZE / sizeof(long) / 2] || p[PAGE_SIZE / sizeof(long) - 1])
			return false;
	}
	return true;
}

/* Give a block back through one of the API's free functions. */
static void free_block(const struct live *l)
{
	bool compound = (l->gfp & __GFP_COMP) && l->order;

	switch (rng() % 5) {
	case 0:
		free_pages((unsigned long)page_address(l->page), l->order);
		break;
	case 1:
		/* put_page on any page of a compound, the head otherwise. */
		put_page(compound ? l->page + rng() % (1UL << l->order) : l->page);
		break;
	case 2:
		if (!compound && l->order) {
			split_page(l->page, l->order);
			for (unsigned long i = 1UL << l->order; i-- > 0;)
				__free_page(l->page + i);
			break;
		}
		/* fall through */
	default:
		__free_pages(l->page, l->order);
		break;
	}
}

static void test_random_alloc_free(void **state)
{
	(void)state;
	const char *env = getenv("BUDDY_TEST_SEED");
	int op = -1;

	seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL) ^ ((unsigned long)clock() << 20);
	if (!seed)
		seed = 1;
	rng_state = seed;
	print_message("test_random: seed %lu\n", seed);

	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M,highmem_start:48M,movablecore:8M");
	long full[MAX_NR_ZONES];
	for (int z = 0; z < MAX_NR_ZONES; z++)
		full[z] = zone_free((enum zone_type)z);

	struct live *live = calloc(MAX_LIVE, sizeof(*live));
	int nr_live = 0;
	unsigned long allocs = 0, failures = 0;

	for (op = 0; op < NR_OPS; op++) {
		bool do_alloc = nr_live == 0 || (nr_live < MAX_LIVE && rng() % 100 < 55);

		if (do_alloc) {
			struct live l = { .order = random_order(), .gfp = masks[rng() % ARRAY_SIZE(masks)],
					  .tag = rng() };
			l.page = alloc_pages(l.gfp | __GFP_NOWARN, l.order);
			if (!l.page) {
				failures++;
				continue;
			}
			allocs++;
			CHECK(page_to_pfn(l.page) % (1UL << l.order) == 0);
			CHECK(page_count(l.page) == 1);
			CHECK(page_zonenum(l.page) <= gfp_zone(l.gfp));
			CHECK(!(l.gfp & __GFP_ZERO) || zeroed(&l));
			write_pattern(&l);
			live[nr_live++] = l;
		} else {
			int i = (int)(rng() % (unsigned long)nr_live);
			CHECK(pattern_intact(&live[i]));
			CHECK(page_count(live[i].page) == 1);
			free_block(&live[i]);
			live[i] = live[--nr_live];
		}
		if (op % CHECK_EVERY == 0) {
			CHECK(buddy_check() == 0);
			if (rng() % 2)
				buddy_drain_all_pages();
		}
	}
	/* Everything still owned is intact; give it all back. */
	for (int i = 0; i < nr_live; i++) {
		CHECK(pattern_intact(&live[i]));
		free_block(&live[i]);
	}
	buddy_drain_all_pages();
	CHECK(buddy_check() == 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		CHECK(zone_free((enum zone_type)z) == full[z]);
	print_message("test_random: %lu allocations, %lu failed (NOWARN)\n", allocs, failures);
	CHECK(allocs > NR_OPS / 3);
	free(live);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_random_alloc_free, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
