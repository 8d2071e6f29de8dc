/* SPDX-License-Identifier: MIT */
/*
 * Compaction racing everything else: two owner threads keep adding and
 * freeing movable pages (checking each page's pattern under the owner's lock
 * before freeing it), an allocating thread asks for order-9 blocks through
 * direct compaction and for small unmovable ones, a compacting thread runs
 * buddy_compact_memory and wakes kcompactd, and kcompactd runs proactively
 * (proactiveness 100). Every page keeps its content and id, nothing leaks,
 * and the allocator is consistent at the end. Meant for TSan too.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_util.h"
#include "internal.h"
#include "compaction.h"
#include "movable_owner.h"

#define OWNER_THREADS 2
#define IDS_PER_OWNER 3000
#define OPS 20000

static atomic_int bad_content, owners_left = OWNER_THREADS;

static unsigned long lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

static void *owner_thread(void *arg)
{
	unsigned long first = (unsigned long)(uintptr_t)arg * IDS_PER_OWNER, seed = first + 1;
	struct owner *o = the_owner;

	for (int op = 0; op < OPS; op++) {
		unsigned long id = first + lcg(&seed) % IDS_PER_OWNER;

		pthread_mutex_lock(&o->lock);
		struct page *page = o->pages[id];
		if (page && (page_private(page) != id || !owner_content_ok(page, id, o->order[id])))
			atomic_fetch_add(&bad_content, 1);
		pthread_mutex_unlock(&o->lock);
		if (page)
			owner_remove(o, id);
		else
			owner_add(o, id, GFP_HIGHUSER_MOVABLE, (unsigned int)(lcg(&seed) % 3));
	}
	atomic_fetch_sub(&owners_left, 1);
	return NULL;
}

static void *allocating_thread(void *arg)
{
	unsigned long seed = 99;

	(void)arg;
	while (atomic_load(&owners_left)) {
		struct page *big = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9);
		struct page *small = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)(lcg(&seed) % 4));
		if (big)
			__free_pages(big, 9);
		if (small)
			__free_pages(small, small->alloc_order);
	}
	return NULL;
}

static void *compacting_thread(void *arg)
{
	(void)arg;
	while (atomic_load(&owners_left)) {
		buddy_compact_memory();
		wakeup_kcompactd(test_pgdat(0), 9, ZONE_NORMAL);
	}
	return NULL;
}

static void test_compaction_races_owners_and_allocators(void **state)
{
	pthread_t owners[OWNER_THREADS], alloc, compact;

	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,compaction_proactiveness:100");
	long free_before = free_after_drain(0, ZONE_NORMAL);
	struct owner *o = owner_new();

	test_watchdog_start(240, "compaction stress");
	for (uintptr_t i = 0; i < OWNER_THREADS; i++)
		pthread_create(&owners[i], NULL, owner_thread, (void *)i);
	pthread_create(&alloc, NULL, allocating_thread, NULL);
	pthread_create(&compact, NULL, compacting_thread, NULL);
	for (int i = 0; i < OWNER_THREADS; i++)
		pthread_join(owners[i], NULL);
	pthread_join(alloc, NULL);
	pthread_join(compact, NULL);
	/* kcompactd may still be moving pages: one more run after this wake-up, then it is idle */
	kthread_wake_and_wait(test_kcompactd(0));
	test_watchdog_stop();

	assert_int_equal(atomic_load(&bad_content), 0);
	assert_int_equal(owner_verify(o), 0);
	assert_consistent();
	owner_free_all(o);
	assert_int_equal(free_after_drain(0, ZONE_NORMAL), free_before);
	test_check_and_exit();
}

static atomic_int keep_compacting;

static void *compact_loop(void *arg)
{
	(void)arg;
	while (atomic_load(&keep_compacting))
		buddy_compact_memory();
	return NULL;
}

/* In the child: no page may be left isolated by the parent's compacting thread. */
static int child_check(struct owner *o)
{
	for (unsigned long id = 0; id < OWNER_MAX_PAGES; id++)
		if (o->pages[id] && (PageIsolated(o->pages[id]) || !PageMovable(o->pages[id])))
			return 1;
	if (owner_verify(o) || buddy_check())
		return 2;
	/* and compaction works in the child (a new kcompactd would start on demand) */
	buddy_compact_memory();
	return owner_verify(o) || buddy_check() ? 3 : 0;
}

/* fork() while another thread compacts: the child inherits no isolated page. */
static void test_fork_while_compacting(void **state)
{
	pthread_t compactor;

	(void)state;
	test_init("arena_size:64M,dma_limit:0,dma32_limit:0,compaction_proactiveness:0");
	struct owner *o = owner_new();
	for (unsigned long id = 0; id < 6000; id++)
		owner_add(o, id, GFP_HIGHUSER_MOVABLE, (unsigned int)(id % 2));
	for (unsigned long id = 0; id < 6000; id += 2)
		owner_remove(o, id);

	test_watchdog_start(120, "fork while compacting");
	atomic_store(&keep_compacting, 1);
	pthread_create(&compactor, NULL, compact_loop, NULL);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(child_check(o));
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	atomic_store(&keep_compacting, 0);
	pthread_join(compactor, NULL);
	test_watchdog_stop();
	assert_int_equal(owner_verify(o), 0);
	owner_free_all(o);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_compaction_races_owners_and_allocators, test_teardown_exit),
		cmocka_unit_test_teardown(test_fork_while_compacting, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
