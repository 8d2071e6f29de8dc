/* SPDX-License-Identifier: MIT */
/*
 * Free page reporting (page_reporting.c, Linux 6.1 mm/page_reporting.c):
 * free blocks of pageblock order and up go back to the OS with madvise,
 * once; splitting and merging keep or drop PageReported; __GFP_ZERO skips
 * the memset only where given-back memory reads as zero (MADV_DONTNEED on
 * anonymous memory), not with MADV_FREE nor a file behind the arena; the
 * worker starts on a large free after the delay, never when off, and again
 * in a forked child. Most tests run the report in their own thread
 * (page_reporting_run_now) with the worker's delay set to an hour.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "buddy_test.h"
#include "internal.h"
#include "obs_util.h"
#include "page_reporting.h"
#include "test_util.h"

/* ZONE_NORMAL must stay above its low mark by a batch of 32 order-9 blocks (64 MiB) to report. */
#define ARENA	   "arena_size:256M,dma_limit:4M,dma32_limit:20M"
#define CONF	   ARENA ",page_reporting:on,page_reporting_delay_ms:3600000"
#define NBLOCKS	   16 /* order-9 blocks: 32 MiB */
#define BLOCK_SIZE (PAGE_SIZE << pageblock_order)
#define MAX_BLOCK  (MAX_ORDER - 1)

static void *addrs[NBLOCKS];

/* Pages of [addr, addr + len) in memory (mincore): anonymous memory only. */
static size_t resident_pages(void *addr, size_t len)
{
	size_t n = len / PAGE_SIZE, resident = 0;
	unsigned char *vec = malloc(n);

	assert_non_null(vec);
	assert_int_equal(mincore(addr, len, vec), 0);
	for (size_t i = 0; i < n; i++)
		resident += vec[i] & 1;
	free(vec);
	return resident;
}

static bool all_zero(const void *addr, size_t len)
{
	const unsigned char *p = addr;

	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Allocate NBLOCKS order-9 movable blocks, write them, free them, drain the pcp lists. */
static void alloc_touch_free(void)
{
	struct page *pages[NBLOCKS];

	for (int i = 0; i < NBLOCKS; i++) {
		pages[i] = alloc_pages(GFP_HIGHUSER_MOVABLE, pageblock_order);
		assert_non_null(pages[i]);
		addrs[i] = page_address(pages[i]);
		memset(addrs[i], 0xa5, BLOCK_SIZE);
	}
	for (int i = 0; i < NBLOCKS; i++)
		__free_pages(pages[i], pageblock_order);
	buddy_drain_all_pages();
}

static size_t resident_in_blocks(void)
{
	size_t resident = 0;

	for (int i = 0; i < NBLOCKS; i++)
		resident += resident_pages(addrs[i], BLOCK_SIZE);
	return resident;
}

/* The blocks go back once: no longer resident, counted, and not reported again. */
static void test_reports_free_blocks_once(void **state)
{
	(void)state;
	test_init(CONF);
	alloc_touch_free();
	assert_int_equal(resident_in_blocks(), NBLOCKS << pageblock_order);
	long before = vmstat_now("buddy_page_reporting_reported");

	unsigned long pages = page_reporting_run_now();
	assert_true(pages >= (unsigned long)NBLOCKS << pageblock_order);
	assert_int_equal(resident_in_blocks(), 0);
	assert_true(test_zone_reported_pages(normal_zone()) >= (unsigned long)NBLOCKS << pageblock_order);
	assert_int_equal(vmstat_now("buddy_page_reporting_reported"), before + (long)pages);
	assert_consistent();
	assert_int_equal(page_reporting_run_now(), 0); /* PageReported: not twice */
	test_check_and_exit();
}

/* A reported block handed out with __GFP_ZERO is not cleared by hand, not faulted in, and reads zero. */
static void test_gfp_zero_skips_memset_after_dontneed(void **state)
{
	(void)state;
	test_init(CONF);
	alloc_touch_free();
	assert_true(page_reporting_run_now() > 0);
	long skipped = vmstat_now("buddy_page_reporting_zero_skipped");

	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, MAX_BLOCK);
	assert_non_null(page);
	void *addr = page_address(page);
	assert_int_equal(resident_pages(addr, PAGE_SIZE << MAX_BLOCK), 0);
	assert_int_equal(vmstat_now("buddy_page_reporting_zero_skipped"), skipped + (1L << MAX_BLOCK));
	assert_true(all_zero(addr, PAGE_SIZE << MAX_BLOCK));
	memset(addr, 0x5a, PAGE_SIZE << MAX_BLOCK);
	__free_pages(page, MAX_BLOCK);
	assert_consistent();
	/* The written block merged back unreported: reported again, and zero again when taken. */
	assert_true(page_reporting_run_now() >= 1UL << MAX_BLOCK);
	page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, MAX_BLOCK);
	assert_non_null(page);
	assert_true(all_zero(page_address(page), PAGE_SIZE << MAX_BLOCK));
	__free_pages(page, MAX_BLOCK);
	test_check_and_exit();
}

/*
 * Splitting keeps the halves reported (libbuddy); merging clears the
 * buddies' flag (6.1 del_page_from_free_list), so the merged block is
 * reported again as a whole.
 */
static void test_split_keeps_and_merge_clears_reported(void **state)
{
	(void)state;
	test_init(CONF);
	alloc_touch_free();
	page_reporting_run_now();
	unsigned long r0 = test_zone_reported_pages(normal_zone());
	const unsigned int order = pageblock_order - 1; /* not a pcp order: straight from the lists */

	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE, order);
	assert_non_null(page);
	assert_int_equal(test_zone_reported_pages(normal_zone()), r0 - (1UL << order));
	assert_consistent();
	__free_pages(page, order);
	assert_int_equal(test_zone_reported_pages(normal_zone()), r0 - (1UL << MAX_BLOCK));
	assert_consistent();
	assert_int_equal(page_reporting_run_now(), 1UL << MAX_BLOCK);
	assert_int_equal(test_zone_reported_pages(normal_zone()), r0);
	test_check_and_exit();
}

/* MADV_FREE may leave the old contents: __GFP_ZERO still clears by hand. */
static void test_madv_free_keeps_memset(void **state)
{
	(void)state;
	test_init(CONF ",page_reporting_advice:free");
	alloc_touch_free();
	assert_true(page_reporting_run_now() > 0);
	long skipped = vmstat_now("buddy_page_reporting_zero_skipped");

	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, MAX_BLOCK);
	assert_non_null(page);
	assert_true(all_zero(page_address(page), PAGE_SIZE << MAX_BLOCK));
	assert_int_equal(vmstat_now("buddy_page_reporting_zero_skipped"), skipped);
	__free_pages(page, MAX_BLOCK);
	test_check_and_exit();
}

/* A file behind the arena keeps its data after MADV_DONTNEED: __GFP_ZERO clears by hand. */
static void test_file_backing_keeps_memset(void **state)
{
	char conf[256];
	int fd = memfd_create("libbuddy-reporting", MFD_CLOEXEC);

	(void)state;
	assert_true(fd > 0);
	snprintf(conf, sizeof(conf), CONF ",arena_fd:%d,page_reporting_advice:free", fd);
	test_init(conf); /* MADV_FREE is refused on a file: MADV_DONTNEED is used */
	alloc_touch_free();
	assert_true(page_reporting_run_now() > 0);
	long skipped = vmstat_now("buddy_page_reporting_zero_skipped");

	/* the same memory as a block written before: still 0xa5 in the file until cleared */
	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, MAX_BLOCK);
	assert_non_null(page);
	assert_true(all_zero(page_address(page), PAGE_SIZE << MAX_BLOCK));
	assert_int_equal(vmstat_now("buddy_page_reporting_zero_skipped"), skipped);
	__free_pages(page, MAX_BLOCK);
	test_check_and_exit();
	close(fd);
}

/* Poll up to 10 s for the worker to report something in ZONE_NORMAL. */
static bool worker_reported(void)
{
	for (int i = 0; i < 1000; i++) {
		if (test_zone_reported_pages(normal_zone()))
			return true;
		usleep(10000);
	}
	return false;
}

/* Poll up to 10 s for a worker run after the runs counted before. */
static __attribute__((unused)) bool worker_ran_since(long runs)
{
	for (int i = 0; i < 1000; i++) {
		if (vmstat_now("buddy_page_reporting_runs") > runs)
			return true;
		usleep(10000);
	}
	return false;
}

/* On: a large free starts the worker, which reports after the delay. */
static void test_worker_reports_after_delay(void **state)
{
	(void)state;
	test_init(ARENA ",page_reporting:on,page_reporting_delay_ms:50");
	assert_false(test_page_reporting_started()); /* lazily: nothing freed yet */
	alloc_touch_free();
	assert_true(test_page_reporting_started());
	assert_true(worker_reported());
	assert_true(vmstat_now("buddy_page_reporting_runs") >= 1);
	test_check_and_exit();
}

/* Off (the default): no thread, nothing given back, the memory stays resident. */
static void test_off_reports_nothing(void **state)
{
	(void)state;
	test_init(ARENA ",page_reporting_delay_ms:50");
	alloc_touch_free();
	usleep(300 * 1000);
	assert_false(test_page_reporting_started());
	assert_int_equal(test_zone_reported_pages(normal_zone()), 0);
	assert_int_equal(vmstat_now("buddy_page_reporting_runs"), 0);
	assert_int_equal(resident_in_blocks(), NBLOCKS << pageblock_order);
	test_check_and_exit();
}

/* A forked child has no worker; its first large free starts its own. */
static void test_forked_child_starts_its_worker(void **state)
{
	(void)state;
	test_init(ARENA ",page_reporting:on,page_reporting_delay_ms:50");
	alloc_touch_free(); /* the parent's worker runs */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool ok = !test_page_reporting_started();
#ifndef BUDDY_TSAN /* TSan does not support threads started after a multi-threaded fork */
		long runs = vmstat_now("buddy_page_reporting_runs");
		struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE, MAX_BLOCK);
		ok = ok && page;
		if (page) {
			memset(page_address(page), 1, PAGE_SIZE << MAX_BLOCK);
			__free_pages(page, MAX_BLOCK);
		}
		ok = ok && test_page_reporting_started() && worker_ran_since(runs);
#endif
		ok = ok && buddy_check() == 0;
		buddy_exit();
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(worker_reported());
	test_check_and_exit();
}

/* buddy_ctl: page_reporting.order (the kernel's module parameter), .enabled and .delay_ms. */
static void test_ctl_names(void **state)
{
	int v = 0;
	size_t len = sizeof(v);

	(void)state;
	test_init(CONF);
	assert_int_equal(buddy_ctl("page_reporting.order", &v, &len, NULL, 0), 0);
	assert_int_equal(v, pageblock_order);
	v = MAX_BLOCK;
	assert_int_equal(buddy_ctl("page_reporting.order", NULL, NULL, &v, sizeof(v)), 0);
	v = MAX_ORDER;
	assert_int_equal(buddy_ctl("page_reporting.order", NULL, NULL, &v, sizeof(v)), -EINVAL);
	len = sizeof(v);
	assert_int_equal(buddy_ctl("page_reporting.order", &v, &len, NULL, 0), 0);
	assert_int_equal(v, MAX_BLOCK);
	len = sizeof(v);
	assert_int_equal(buddy_ctl("page_reporting.enabled", &v, &len, NULL, 0), 0);
	assert_int_equal(v, 1);
	v = 0;
	assert_int_equal(buddy_ctl("page_reporting.enabled", NULL, NULL, &v, sizeof(v)), 0);
	alloc_touch_free();
	assert_false(test_page_reporting_started()); /* turned off: no request */
	len = sizeof(v);
	assert_int_equal(buddy_ctl("page_reporting.delay_ms", &v, &len, NULL, 0), 0);
	assert_int_equal(v, 3600000);
	v = -1;
	assert_int_equal(buddy_ctl("page_reporting.delay_ms", NULL, NULL, &v, sizeof(v)), -EINVAL);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_reports_free_blocks_once, test_teardown_exit),
		cmocka_unit_test_teardown(test_gfp_zero_skips_memset_after_dontneed, test_teardown_exit),
		cmocka_unit_test_teardown(test_split_keeps_and_merge_clears_reported, test_teardown_exit),
		cmocka_unit_test_teardown(test_madv_free_keeps_memset, test_teardown_exit),
		cmocka_unit_test_teardown(test_file_backing_keeps_memset, test_teardown_exit),
		cmocka_unit_test_teardown(test_worker_reports_after_delay, test_teardown_exit),
		cmocka_unit_test_teardown(test_off_reports_nothing, test_teardown_exit),
		cmocka_unit_test_teardown(test_forked_child_starts_its_worker, test_teardown_exit),
		cmocka_unit_test_teardown(test_ctl_names, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
