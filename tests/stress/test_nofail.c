/* SPDX-License-Identifier: MIT */
/*
 * __GFP_NOFAIL never returns NULL: with the zone empty it waits until
 * another thread frees a page, then returns that page. Then a crowd of
 * NOFAIL waiters and freeing threads racing over an empty zone (TSan
 * clean): every waiter gets every page it asked for, nothing is lost.
 *
 * BUDDY_STRESS_ROUNDS=N for a longer run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "internal.h"
#include "nofail.h"
#include "test_util.h"

#define CONF "arena_size:16M,dma_limit:0,dma32_limit:0"

/* Every page the allocator has, taken without reclaim: the zone is empty afterwards. */
static void take_everything(struct page_stack *s)
{
	struct page *p;

	do {
		while ((p = alloc_pages(__GFP_MEMALLOC | __GFP_NOWARN, 0)) != NULL)
			page_stack_push(s, p);
		buddy_drain_all_pages();
		p = alloc_pages(__GFP_MEMALLOC | __GFP_NOWARN, 0);
		if (p)
			page_stack_push(s, p);
	} while (p);
}

static struct page *handed_back;

/* Waits until the main thread sleeps as a NOFAIL waiter, then frees one page. */
static void *free_one_when_waited_for(void *arg)
{
	struct page_stack *s = arg;

	while (atomic_load(&nofail_waiters) == 0)
		sched_yield();
	handed_back = s->pages[--s->nr];
	__free_pages(handed_back, 0);
	return NULL;
}

static void test_nofail_gets_the_page_another_thread_frees(void **state)
{
	struct page_stack s = {0};
	pthread_t t;
	(void)state;

	test_init(CONF);
	take_everything(&s);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), 0);
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));

	test_watchdog_start(60, "a __GFP_NOFAIL allocation");
	assert_int_equal(pthread_create(&t, NULL, free_one_when_waited_for, &s), 0);
	stderr_capture_begin();
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	free(stderr_capture_end());
	pthread_join(t, NULL);
	test_watchdog_stop();
	assert_non_null(p);
	assert_ptr_equal(p, handed_back);
	assert_int_equal(atomic_load(&nofail_waiters), 0);
	__free_pages(p, 0);
	page_stack_free_all(&s);
	test_check_and_exit();
}

/* ---- many waiters, many freers */

#define WAITERS	      4
#define FREERS	      2
#define PAGES_EACH    64

static struct page_stack pool;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct page *got[WAITERS][PAGES_EACH];

static void *nofail_waiter(void *arg)
{
	long w = (long)arg;

	for (int i = 0; i < PAGES_EACH; i++) {
		gfp_t gfp = (i & 1) ? GFP_NOFS | __GFP_NOFAIL : GFP_KERNEL | __GFP_NOFAIL;
		got[w][i] = alloc_pages(gfp | __GFP_NOWARN, 0);
	}
	return NULL;
}

/* Free the pool a page at a time, half of them the cold way, until it is empty. */
static void *pool_freer(void *arg)
{
	(void)arg;
	for (;;) {
		struct page *p = NULL;

		pthread_mutex_lock(&pool_lock);
		if (pool.nr)
			p = pool.pages[--pool.nr];
		pthread_mutex_unlock(&pool_lock);
		if (!p)
			return NULL;
		if ((unsigned long)p & 64)
			free_hot_cold_page(p, true);
		else
			__free_pages(p, 0);
		sched_yield();
	}
}

static void test_waiters_and_freers_race(void **state)
{
	pthread_t w[WAITERS], f[FREERS];
	struct page_stack rest = {0};
	int rounds = getenv("BUDDY_STRESS_ROUNDS") ? atoi(getenv("BUDDY_STRESS_ROUNDS")) : 3;
	(void)state;

	test_init(CONF);
	oom_report_set_ratelimit(5000, 1, NULL);
	for (int round = 0; round < rounds; round++) {
		take_everything(&pool);
		/* the pool holds exactly what the waiters need; the rest stays taken */
		while (pool.nr > WAITERS * PAGES_EACH)
			page_stack_push(&rest, pool.pages[--pool.nr]);
		test_watchdog_start(120, "__GFP_NOFAIL waiters and freers");
		stderr_capture_begin();
		for (long i = 0; i < WAITERS; i++)
			assert_int_equal(pthread_create(&w[i], NULL, nofail_waiter, (void *)i), 0);
		for (int i = 0; i < FREERS; i++)
			assert_int_equal(pthread_create(&f[i], NULL, pool_freer, NULL), 0);
		for (int i = 0; i < FREERS; i++)
			pthread_join(f[i], NULL);
		for (int i = 0; i < WAITERS; i++)
			pthread_join(w[i], NULL);
		free(stderr_capture_end());
		test_watchdog_stop();
		for (int i = 0; i < WAITERS; i++)
			for (int j = 0; j < PAGES_EACH; j++) {
				assert_non_null(got[i][j]);
				__free_pages(got[i][j], 0);
			}
		assert_int_equal(atomic_load(&nofail_waiters), 0);
		page_stack_free_all(&rest);
		assert_consistent();
	}
	free(pool.pages);
	pool = (struct page_stack){0};
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_nofail_gets_the_page_another_thread_frees, test_teardown_exit),
		cmocka_unit_test_teardown(test_waiters_and_freers_race, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
