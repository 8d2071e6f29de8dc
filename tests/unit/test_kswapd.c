/* SPDX-License-Identifier: MIT */
/*
 * kswapd (src/vmscan.c, 6.1): woken below the low mark, it reclaims through
 * the shrinkers until the node is above its high mark, with no allocating
 * thread blocked; MAX_RECLAIM_RETRIES fruitless runs make the node
 * unreclaimable until a free reaches the buddy lists; a fragmenting
 * fallback boosts the marks and kswapd takes the boost back; kswapd:off;
 * the zoneinfo lines; buddy_exit while kswapd is inside a shrinker.
 *
 * Deterministic: each scenario wakes kswapd (wakeup_kswapd, or a boost) and
 * waits until it is idle again before asserting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/sched_mm.h>
#include <buddy/shrinker.h>

#include "test_util.h"
#include "internal.h"
#include "vmscan.h"

/* One zone: NORMAL 16384 pages, min 256, low 320, high 384 (test_alloc_flags). */
#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0"

struct page_cache {
	struct shrinker s;
	struct page *pages[16384];
	unsigned long nr;
	bool refuse; /* count what it holds, free nothing */
	unsigned long scans;
	bool outside_scope; /* a scan ran outside the noreclaim scope */
};

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)sc;
	return ((struct page_cache *)s)->nr;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct page_cache *c = (struct page_cache *)s;
	unsigned long freed = 0;

	c->scans++;
	unsigned int old = memalloc_noreclaim_save();
	memalloc_noreclaim_restore(old);
	if (!(old & PF_MEMALLOC))
		c->outside_scope = true;
	if (c->refuse)
		return 0;
	while (freed < sc->nr_to_scan && c->nr) {
		__free_page(c->pages[--c->nr]);
		freed++;
	}
	return freed;
}

static struct page_cache cache;
static bool cache_registered;

static void cache_register(void)
{
	assert_int_equal(register_shrinker(&cache.s), 0);
	cache_registered = true;
}

static void cache_unregister(void)
{
	unregister_shrinker(&cache.s);
	cache_registered = false;
}

/* A failed scenario leaves nothing registered for the next one. */
static int teardown(void **state)
{
	if (cache_registered)
		cache_unregister();
	return test_teardown_exit(state);
}

static void cache_setup(bool refuse)
{
	memset(&cache, 0, sizeof(cache));
	cache.s.count_objects = cache_count;
	cache.s.scan_objects = cache_scan;
	cache.s.seeks = DEFAULT_SEEKS;
	cache.refuse = refuse;
}

/* Fill the cache until the zone is below its low mark. */
static void cache_fill_below_low(void)
{
	struct zone *zone = normal_zone();

	while (zone_page_state(zone, NR_FREE_PAGES) >= (long)wmark_pages(zone, WMARK_LOW)) {
		struct page *p = alloc_page(GFP_KERNEL);
		assert_non_null(p);
		cache.pages[cache.nr++] = p;
	}
}

static void cache_release(void)
{
	while (cache.nr)
		__free_page(cache.pages[--cache.nr]);
}

static void wake_and_wait(void)
{
	wakeup_kswapd(normal_zone(), GFP_KERNEL, 0, ZONE_NORMAL);
	test_kswapd_wait_idle(0);
}

static void test_kswapd_balances_through_shrinker(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();

	cache_setup(false);
	assert_false(test_kswapd_started(0));
	cache_register(); /* the first registration starts it */
	test_kswapd_wait_idle(0);
	assert_true(test_kswapd_started(0));
	cache_fill_below_low();
	assert_true(zone_page_state(zone, NR_FREE_PAGES) < (long)wmark_pages(zone, WMARK_LOW));

	unsigned long stall0 = sum_vm_event(ALLOCSTALL_NORMAL), steal0 = sum_vm_event(PGSTEAL_KSWAPD);
	unsigned long scan0 = sum_vm_event(PGSCAN_KSWAPD), runs0 = sum_vm_event(PAGEOUTRUN);
	unsigned long held = cache.nr;
	wake_and_wait();
	assert_true(zone_page_state(zone, NR_FREE_PAGES) > (long)wmark_pages(zone, WMARK_HIGH));
	assert_true(cache.nr < held);
	assert_int_equal(sum_vm_event(PGSTEAL_KSWAPD) - steal0, held - cache.nr);
	assert_true(sum_vm_event(PGSCAN_KSWAPD) - scan0 >= held - cache.nr);
	assert_true(sum_vm_event(PAGEOUTRUN) > runs0);
	assert_int_equal(sum_vm_event(ALLOCSTALL_NORMAL), stall0); /* nobody reclaimed directly */
	assert_false(test_node_unreclaimable(0));
	assert_false(cache.outside_scope); /* kswapd runs as the kernel's PF_MEMALLOC */

	/* balanced now: a further wake-up does not run it */
	unsigned long runs = test_kswapd_runs(0);
	wake_and_wait();
	assert_int_equal(test_kswapd_runs(0), runs);

	cache_unregister();
	cache_release();
	test_check_and_exit();
}

/* Only masks with __GFP_KSWAPD_RECLAIM wake it (the first wake-up would start it). */
static void test_wakeup_needs_kswapd_reclaim(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *p[64];
	struct zone *zone = normal_zone();
	int n = 0;

	while (n < 64 && zone_page_state(zone, NR_FREE_PAGES) >= (long)wmark_pages(zone, WMARK_LOW))
		/* a mask that wakes nothing itself: the slow path wakes kswapd for __GFP_KSWAPD_RECLAIM */
		assert_non_null(p[n++] = alloc_pages(GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM, 8));
	assert_true(zone_page_state(zone, NR_FREE_PAGES) < (long)wmark_pages(zone, WMARK_LOW));
	wakeup_kswapd(zone, GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM, 0, ZONE_NORMAL);
	assert_false(test_kswapd_started(0));
	wakeup_kswapd(zone, GFP_KERNEL, 0, ZONE_NORMAL);
	test_kswapd_wait_idle(0);
	assert_true(test_kswapd_started(0));
	while (n)
		__free_pages(p[--n], 8);
	test_check_and_exit();
}

static bool zoneinfo_says(const char *line)
{
	char *text;
	bool found;

	stderr_capture_begin();
	buddy_dump(stderr, "zoneinfo");
	text = stderr_capture_end();
	found = strstr(text, line) != NULL;
	free(text);
	return found;
}

static void test_node_unreclaimable_until_a_free(void **state)
{
	(void)state;
	test_init(CONF);

	cache_setup(true);
	cache_register();
	test_kswapd_wait_idle(0);
	struct page *big = alloc_pages(GFP_KERNEL, 4); /* freed later through free_one_page */
	assert_non_null(big);
	cache_fill_below_low();
	assert_false(test_node_unreclaimable(0));

	unsigned long quick0 = sum_vm_event(KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	wake_and_wait();
	assert_true(test_node_unreclaimable(0)); /* kswapd_failures reached MAX_RECLAIM_RETRIES */
	assert_true(cache.scans > 0);
	/* each fruitless run but the last found the node unbalanced right away */
	assert_true(sum_vm_event(KSWAPD_HIGH_WMARK_HIT_QUICKLY) - quick0 >= MAX_RECLAIM_RETRIES - 1);
	assert_true(zoneinfo_says("node_unreclaimable:  1"));

	/* hopeless: wake-ups are ignored */
	unsigned long runs = test_kswapd_runs(0);
	wake_and_wait();
	assert_int_equal(test_kswapd_runs(0), runs);

	__free_pages(big, 4);
	assert_false(test_node_unreclaimable(0));
	assert_true(zoneinfo_says("node_unreclaimable:  0"));

	cache_unregister();
	cache_release();
	test_check_and_exit();
}

/* Order-0 frees reach the buddy lists through a pcp drain: that ends it too. */
static void test_node_unreclaimable_cleared_by_pcp_drain(void **state)
{
	(void)state;
	test_init(CONF);

	cache_setup(true);
	cache_register();
	cache_fill_below_low();
	wake_and_wait();
	assert_true(test_node_unreclaimable(0));
	__free_page(cache.pages[--cache.nr]); /* onto this CPU's list: no change yet */
	buddy_drain_all_pages();
	assert_false(test_node_unreclaimable(0));
	cache_unregister();
	cache_release();
	test_check_and_exit();
}

/* ------------------------------------------------------------ boost */

static struct page *held[20000];
static int nheld;

/* Every free page of the zone, as order-0 movable allocations. */
static void hold_everything(void)
{
	struct page *p;

	nheld = 0;
	do {
		/* no __GFP_KSWAPD_RECLAIM: the slow path would wake kswapd (merge with w2-slowpath) */
		while ((p = alloc_page((GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM) | __GFP_NOWARN |
				       __GFP_MEMALLOC))) {
			assert_true(nheld < (int)ARRAY_SIZE(held));
			held[nheld++] = p;
		}
		buddy_drain_all_pages();
	} while (zone_free(ZONE_NORMAL) > 0);
}

static void release_everything(void)
{
	for (int i = 0; i < nheld; i++)
		if (held[i])
			__free_page(held[i]);
	nheld = 0;
}

/* Give back the 8 held pages from pfn (8-aligned): one order-3 block on a MOVABLE list. */
static void give_back_order3(unsigned long pfn)
{
	for (int i = 0; i < nheld; i++) {
		unsigned long p = held[i] ? page_to_pfn(held[i]) : 0;
		if (held[i] && p >= pfn && p < pfn + 8) {
			__free_page(held[i]);
			held[i] = NULL;
		}
	}
	buddy_drain_all_pages();
	assert_int_equal(zone_free(ZONE_NORMAL), 8);
}

#define NOWMARK (__GFP_MEMALLOC | __GFP_NOWARN)

/*
 * An unmovable request that must take a MOVABLE order-3 block falls back
 * below pageblock_order: the marks rise by a pageblock (512), within
 * high * 15000 / 10000 = 576. Without __GFP_KSWAPD_RECLAIM nobody is woken;
 * kswapd, once woken, takes the boost back.
 */
static void test_boost_set_by_fallback_and_cleared_by_kswapd(void **state)
{
	(void)state;
	test_init(CONF);
	struct zone *zone = normal_zone();
	unsigned long low = test_zone_watermark(zone, WMARK_LOW);

	hold_everything();
	give_back_order3(test_zone_start_pfn(zone) + 8 * 100);
	struct page *p = alloc_page((GFP_KERNEL & ~__GFP_RECLAIM) | NOWMARK);
	assert_non_null(p);
	assert_int_equal(test_zone_watermark_boost(zone), 512);
	assert_int_equal(wmark_pages(zone, WMARK_LOW), low + 512);
	assert_true(zoneinfo_says("boost    512"));
	assert_false(test_kswapd_started(0));

	wakeup_kswapd(zone, GFP_KERNEL, 0, ZONE_NORMAL);
	test_kswapd_wait_idle(0);
	assert_int_equal(test_zone_watermark_boost(zone), 0);
	assert_true(zoneinfo_says("boost    0"));

	/* with __GFP_KSWAPD_RECLAIM the allocation wakes kswapd itself (ZONE_BOOSTED_WATERMARK) */
	unsigned long runs0 = sum_vm_event(PAGEOUTRUN);
	buddy_drain_all_pages();
	/*
	 * Straight to get_page_from_freelist, as the slow path's reserve retry
	 * would call it (6.1 keeps ALLOC_KSWAPD there): a reclaimable request
	 * takes from the UNMOVABLE leftovers, another fragmenting fallback.
	 */
	struct alloc_context ac = {0};
	ac.zonelist = test_zonelist(0, ZONELIST_FALLBACK);
	ac.preferred_zoneref = test_zonelist_refs(ac.zonelist);
	ac.highest_zoneidx = ZONE_NORMAL;
	ac.migratetype = MIGRATE_RECLAIMABLE;
	struct page *r = get_page_from_freelist(GFP_KERNEL | __GFP_RECLAIMABLE, 0,
						ALLOC_NO_WATERMARKS | ALLOC_KSWAPD, &ac);
	assert_non_null(r);
	test_kswapd_wait_idle(0);
	assert_true(sum_vm_event(PAGEOUTRUN) > runs0);
	assert_int_equal(test_zone_watermark_boost(zone), 0);

	__free_page(p);
	__free_page(r);
	release_everything();
	test_check_and_exit();
}

/* watermark_boost_factor:0, or kswapd:off: no boost at all. */
static void check_no_boost(const char *conf)
{
	test_init(conf);
	struct zone *zone = normal_zone();

	hold_everything();
	give_back_order3(test_zone_start_pfn(zone) + 8 * 100);
	struct page *p = alloc_page(GFP_KERNEL | NOWMARK);
	assert_non_null(p);
	assert_int_equal(test_zone_watermark_boost(zone), 0);
	__free_page(p);
	release_everything();
	test_check_and_exit();
}

static void test_boost_factor_zero(void **state)
{
	(void)state;
	check_no_boost(CONF ",watermark_boost_factor:0");
}

static void test_kswapd_off(void **state)
{
	(void)state;
	check_no_boost(CONF ",kswapd:off");
	test_init(CONF ",kswapd:off");
	cache_setup(false);
	cache_register();
	cache_fill_below_low();
	wakeup_kswapd(normal_zone(), GFP_KERNEL, 0, ZONE_NORMAL);
	assert_false(test_kswapd_started(0));
	cache_unregister();
	cache_release();
	test_check_and_exit();
}

/* The run-time setter takes the key's range (0 .. INT_MAX). */
static void test_boost_factor_setter(void **state)
{
	(void)state;
	test_init(CONF);
	assert_int_equal(buddy_set_watermark_boost_factor(-1), -EINVAL);
	assert_int_equal(buddy_set_watermark_boost_factor(0), 0);
	assert_int_equal(test_settings_watermark_boost_factor(), 0);
	assert_int_equal(buddy_set_watermark_boost_factor(15000), 0);
	assert_int_equal(test_settings_watermark_boost_factor(), 15000);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_kswapd_balances_through_shrinker, teardown),
		cmocka_unit_test_teardown(test_wakeup_needs_kswapd_reclaim, teardown),
		cmocka_unit_test_teardown(test_node_unreclaimable_until_a_free, teardown),
		cmocka_unit_test_teardown(test_node_unreclaimable_cleared_by_pcp_drain, teardown),
		cmocka_unit_test_teardown(test_boost_set_by_fallback_and_cleared_by_kswapd, teardown),
		cmocka_unit_test_teardown(test_boost_factor_zero, teardown),
		cmocka_unit_test_teardown(test_kswapd_off, teardown),
		cmocka_unit_test_teardown(test_boost_factor_setter, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
