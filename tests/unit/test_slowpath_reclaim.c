/* SPDX-License-Identifier: MIT */
/*
 * The slow path with reclaim behind it (shrinkers, try_to_free_pages):
 * GFP_KERNEL reclaims a registered cache where GFP_NOWAIT fails;
 * __GFP_NORETRY gives up after one reclaim round where GFP_KERNEL and
 * __GFP_RETRY_MAYFAIL go round MAX_RECLAIM_RETRIES + 1 times; inside a
 * memalloc_nofs scope only shrinkers flagged safe there are called. kswapd
 * is off, so every page reclaimed is the allocating thread's doing.
 */
#include <stdlib.h>
#include <string.h>

#include <buddy/shrinker.h>

#include "internal.h"
#include "test_util.h"
#include "vmscan.h"

#define CONF "arena_size:16M,dma_limit:0,dma32_limit:0,kswapd:off"

/* Take every page the mask gets without reclaim, draining between rounds. */
static void take_all(gfp_t gfp, struct page_stack *s)
{
	struct page *p;

	do {
		while ((p = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL)
			page_stack_push(s, p);
		buddy_drain_all_pages();
		p = alloc_pages(gfp | __GFP_NOWARN, 0);
		if (p)
			page_stack_push(s, p);
	} while (p);
}

/* A cache of pages behind a shrinker; stubborn ones count pages but free none. */
struct cache {
	struct shrinker shrinker;
	struct page_stack pages;
	bool stubborn;
	unsigned long claimed; /* what a stubborn one says it holds */
	int scans;
};

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	struct cache *c = (struct cache *)s;
	(void)sc;
	return c->stubborn ? c->claimed : c->pages.nr;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct cache *c = (struct cache *)s;
	unsigned long freed = 0;

	c->scans++;
	if (c->stubborn)
		return 0;
	while (freed < sc->nr_to_scan && c->pages.nr) {
		__free_pages(c->pages.pages[--c->pages.nr], 0);
		freed++;
	}
	return freed;
}

static void cache_fill(struct cache *c, int pages, unsigned long flags)
{
	c->shrinker = (struct shrinker){.count_objects = cache_count, .scan_objects = cache_scan,
					.seeks = DEFAULT_SEEKS, .flags = flags};
	for (int i = 0; i < pages; i++)
		page_stack_push(&c->pages, alloc_page(GFP_KERNEL));
	assert_int_equal(register_shrinker(&c->shrinker), 0);
}

static void cache_drop(struct cache *c)
{
	unregister_shrinker(&c->shrinker);
	page_stack_free_all(&c->pages);
}

static void test_kernel_reclaims_where_nowait_fails(void **state)
{
	struct page_stack s = {0};
	struct cache c = {0};
	(void)state;

	test_init(CONF);
	cache_fill(&c, 256, 0);
	take_all(GFP_NOWAIT, &s);
	assert_null(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0));
	assert_int_equal(c.pages.nr, 256);
	assert_int_equal(c.scans, 0);
	unsigned long stolen = sum_vm_event(PGSTEAL_DIRECT);

	struct page *p = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(p);
	assert_true(c.scans > 0);
	assert_true(c.pages.nr < 256);
	assert_int_equal(sum_vm_event(PGSTEAL_DIRECT) - stolen, 256 - c.pages.nr);
	assert_int_equal(sum_vm_event(ALLOCSTALL_NORMAL), 1);
	page_stack_push(&s, p);

	/* GFP_KERNEL goes on until the cache is gone */
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL && c.pages.nr)
		page_stack_push(&s, p);
	if (p)
		page_stack_push(&s, p);
	assert_int_equal(c.pages.nr, 0);
	cache_drop(&c);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * A shrinker that claims 1000 pages and frees none: __GFP_NORETRY stops
 * after one try_to_free_pages; GFP_KERNEL | __GFP_RETRY_MAYFAIL retries
 * while the estimate (free + reclaimable) clears the min mark, giving up
 * after MAX_RECLAIM_RETRIES rounds without progress: 17 in all.
 */
static void test_noretry_gives_up_after_one_round(void **state)
{
	struct page_stack s = {0};
	struct cache c = {.stubborn = true, .claimed = 1000};
	static const struct {
		gfp_t gfp;
		unsigned long rounds;
	} cases[] = {
		{GFP_KERNEL | __GFP_NORETRY, 1},
		{GFP_KERNEL | __GFP_RETRY_MAYFAIL, MAX_RECLAIM_RETRIES + 1},
		{GFP_KERNEL, MAX_RECLAIM_RETRIES + 1},
	};
	(void)state;

	test_init(CONF);
	cache_fill(&c, 0, 0);
	take_all(GFP_NOWAIT, &s);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long before = sum_vm_event(ALLOCSTALL_NORMAL);
		stderr_capture_begin();
		struct page *p = alloc_pages(cases[i].gfp | __GFP_NOWARN, 0);
		free(stderr_capture_end());
		assert_null(p);
		if (sum_vm_event(ALLOCSTALL_NORMAL) - before != cases[i].rounds)
			fail_msg("mask %#x: %lu reclaim rounds, want %lu", cases[i].gfp,
				 sum_vm_event(ALLOCSTALL_NORMAL) - before, cases[i].rounds);
	}
	assert_true(c.scans > 0);
	cache_drop(&c);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/*
 * Inside memalloc_nofs_save, GFP_KERNEL is GFP_NOFS: the cache that needs
 * __GFP_FS is left alone and the one flagged SHRINKER_NOFS_SAFE gives its
 * pages; out of the scope both are used.
 */
static void test_fs_shrinker_skipped_inside_nofs(void **state)
{
	struct page_stack s = {0};
	struct cache fs = {0}, safe = {0};
	(void)state;

	test_init(CONF);
	cache_fill(&fs, 128, 0);
	cache_fill(&safe, 128, SHRINKER_NOFS_SAFE);
	take_all(GFP_NOWAIT, &s);

	unsigned int flags = memalloc_nofs_save();
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	memalloc_nofs_restore(flags);
	assert_non_null(p);
	page_stack_push(&s, p);
	assert_int_equal(fs.scans, 0);
	assert_int_equal(fs.pages.nr, 128);
	assert_true(safe.pages.nr < 128);

	/* out of the scope, once the pages reclaimed so far are used up, GFP_KERNEL turns to both */
	while (fs.scans == 0) {
		p = alloc_pages(GFP_KERNEL, 0);
		assert_non_null(p);
		page_stack_push(&s, p);
	}
	assert_true(fs.pages.nr < 128);
	cache_drop(&fs);
	cache_drop(&safe);
	page_stack_free_all(&s);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_kernel_reclaims_where_nowait_fails, test_teardown_exit),
		cmocka_unit_test_teardown(test_noretry_gives_up_after_one_round, test_teardown_exit),
		cmocka_unit_test_teardown(test_fs_shrinker_skipped_inside_nofs, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
