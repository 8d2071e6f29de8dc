/* SPDX-License-Identifier: MIT */
/*
 * kswapd under fire: allocating threads filling a shrinkable cache, kswapd
 * woken below the low mark, direct reclaim from the allocators, and a thread
 * registering and unregistering a second shrinker, all racing (run under
 * TSan); buddy_exit while kswapd is inside a shrinker (no deadlock); fork
 * with kswapd running (the child has no kswapd until it needs one).
 *
 * Bounded by operation counts, not time. BUDDY_STRESS_OPS=N for a longer run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <buddy/shrinker.h>

#include "test_util.h"
#include "internal.h"
#include "vmscan.h"

#define CONF	      "arena_size:64M,dma_limit:0,dma32_limit:0"
#define NR_ALLOCATORS 3
#define CACHE_MAX     20000

/* The owner's cache: its own lock, never held by libbuddy. */
static struct {
	pthread_mutex_t lock;
	struct page *pages[CACHE_MAX];
	unsigned long nr;
	_Atomic unsigned long scans;
	_Atomic int inside; /* a scan is running (buddy_exit scenario) */
	_Atomic int slow;   /* scans free one page at a time, yielding */
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	pthread_mutex_lock(&cache.lock);
	unsigned long n = cache.nr;
	pthread_mutex_unlock(&cache.lock);
	return n;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;
	(void)s;

	cache.scans++;
	cache.inside = 1;
	while (freed < sc->nr_to_scan) {
		struct page *p = NULL;
		pthread_mutex_lock(&cache.lock);
		if (cache.nr)
			p = cache.pages[--cache.nr];
		pthread_mutex_unlock(&cache.lock);
		if (!p)
			break;
		__free_page(p);
		freed++;
		if (cache.slow) {
			sched_yield();
			break;
		}
	}
	return freed;
}

static struct shrinker cache_shrinker = {
	.count_objects = cache_count,
	.scan_objects = cache_scan,
	.seeks = DEFAULT_SEEKS,
};

static bool cache_add(struct page *p)
{
	bool added = false;

	pthread_mutex_lock(&cache.lock);
	if (cache.nr < CACHE_MAX) {
		cache.pages[cache.nr++] = p;
		added = true;
	}
	pthread_mutex_unlock(&cache.lock);
	return added;
}

static void cache_drop_all(void)
{
	pthread_mutex_lock(&cache.lock);
	while (cache.nr)
		__free_page(cache.pages[--cache.nr]);
	pthread_mutex_unlock(&cache.lock);
}

static long ops_per_thread(void)
{
	const char *env = getenv("BUDDY_STRESS_OPS");
	return env ? atol(env) : 20000;
}

/* ------------------------------------------------------------ the race */

static _Atomic int stop;

/* Fill the cache; below the low mark wake kswapd (what the slow path does), now and then reclaim directly. */
static void *allocator(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	struct zone *zone = normal_zone();

	for (long i = 0; i < ops_per_thread(); i++) {
		struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!p || zone_page_state(zone, NR_FREE_PAGES) < (long)wmark_pages(zone, WMARK_LOW))
			wakeup_kswapd(zone, GFP_KERNEL, 0, ZONE_NORMAL);
		if (!p) {
			if (rand_r(&seed) % 4 == 0)
				try_to_free_pages(test_zonelist(0, ZONELIST_FALLBACK), 0, GFP_KERNEL, NULL);
			continue;
		}
		if (rand_r(&seed) % 8 == 0 || !cache_add(p))
			__free_page(p);
	}
	return NULL;
}

static unsigned long other_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	return 64;
}

static unsigned long other_scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	/* allocate inside the callback: no recursion into reclaim */
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	if (p)
		__free_page(p);
	return sc->nr_to_scan / 2;
}

static void *registrar(void *arg)
{
	struct shrinker other = {.count_objects = other_count, .scan_objects = other_scan, .seeks = 0};
	(void)arg;

	while (!stop) {
		assert_int_equal(register_shrinker(&other), 0);
		sched_yield();
		unregister_shrinker(&other); /* waits out calls on kswapd's and the allocators' threads */
	}
	return NULL;
}

static void test_kswapd_shrinkers_and_allocators_race(void **state)
{
	(void)state;
	pthread_t alloc_threads[NR_ALLOCATORS], reg;

	test_init(CONF);
	stop = 0;
	cache.nr = 0;
	cache.slow = 0;
	assert_int_equal(register_shrinker(&cache_shrinker), 0);
	assert_int_equal(pthread_create(&reg, NULL, registrar, NULL), 0);
	for (long i = 0; i < NR_ALLOCATORS; i++)
		assert_int_equal(pthread_create(&alloc_threads[i], NULL, allocator, (void *)(i + 1)), 0);
	for (int i = 0; i < NR_ALLOCATORS; i++)
		pthread_join(alloc_threads[i], NULL);
	stop = 1;
	pthread_join(reg, NULL);
	test_kswapd_wait_idle(0);

	assert_true(cache.scans > 0);
	assert_true(sum_vm_event(PGSTEAL_KSWAPD) + sum_vm_event(PGSTEAL_DIRECT) > 0);
	unregister_shrinker(&cache_shrinker);
	cache_drop_all();
	test_check_and_exit();
}

/* ------------------------------------------------------------ buddy_exit */

static void fill_cache_below_low(void)
{
	struct zone *zone = normal_zone();

	while (zone_page_state(zone, NR_FREE_PAGES) >= (long)wmark_pages(zone, WMARK_LOW)) {
		struct page *p = alloc_page(GFP_KERNEL);
		assert_non_null(p);
		assert_true(cache_add(p));
	}
}

static void test_buddy_exit_with_kswapd_mid_reclaim(void **state)
{
	(void)state;
	test_init(CONF);
	cache.nr = 0;
	cache.inside = 0;
	cache.slow = 1; /* one page per call: kswapd stays inside for thousands of calls */
	assert_int_equal(register_shrinker(&cache_shrinker), 0);
	test_kswapd_wait_idle(0);
	fill_cache_below_low();
	wakeup_kswapd(normal_zone(), GFP_KERNEL, 0, ZONE_NORMAL);
	while (!cache.inside)
		sched_yield();

	test_watchdog_start(60, "buddy_exit with kswapd mid-reclaim");
	stderr_capture_begin(); /* the cache's pages are reported as leaked */
	buddy_exit();
	free(stderr_capture_end());
	test_watchdog_stop();
	assert_false(buddy_initialized());

	/* the allocator is gone with the pages; the registration outlives it */
	pthread_mutex_lock(&cache.lock);
	cache.nr = 0;
	pthread_mutex_unlock(&cache.lock);
	cache.slow = 0;
	unregister_shrinker(&cache_shrinker);
}

/* ------------------------------------------------------------ fork */

/* In the child: no kswapd was copied; the first wake-up starts one, which balances the node. */
static int child_main(void)
{
	alarm(30);
	if (test_kswapd_started(0))
		return 2;
#ifndef BUDDY_TSAN /* TSan does not support threads started after a multi-threaded fork */
	struct zone *zone = normal_zone();
	fill_cache_below_low();
	wakeup_kswapd(zone, GFP_KERNEL, 0, ZONE_NORMAL);
	test_kswapd_wait_idle(0);
	if (!test_kswapd_started(0))
		return 3;
	if (zone_page_state(zone, NR_FREE_PAGES) <= (long)wmark_pages(zone, WMARK_HIGH))
		return 4;
#endif
	unregister_shrinker(&cache_shrinker);
	cache_drop_all();
	buddy_drain_all_pages();
	return buddy_check() ? 5 : 0;
}

static void test_fork_with_kswapd_running(void **state)
{
	(void)state;
	int status;

	test_init(CONF);
	cache.nr = 0;
	cache.slow = 0;
	assert_int_equal(register_shrinker(&cache_shrinker), 0);
	test_kswapd_wait_idle(0);
	assert_true(test_kswapd_started(0));
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_main());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent's kswapd still works */
	fill_cache_below_low();
	wakeup_kswapd(normal_zone(), GFP_KERNEL, 0, ZONE_NORMAL);
	test_kswapd_wait_idle(0);
	assert_true(zone_page_state(normal_zone(), NR_FREE_PAGES) >
		    (long)wmark_pages(normal_zone(), WMARK_HIGH));
	unregister_shrinker(&cache_shrinker);
	cache_drop_all();
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_kswapd_shrinkers_and_allocators_race, test_teardown_exit),
		cmocka_unit_test_teardown(test_buddy_exit_with_kswapd_mid_reclaim, test_teardown_exit),
		cmocka_unit_test_teardown(test_fork_with_kswapd_running, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
