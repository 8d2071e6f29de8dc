/* SPDX-License-Identifier: MIT */
/*
 * Free page reporting as a user sees it: allocate 512 MiB, write it, free
 * it, drain, wait. With reporting on (the default) the arena's resident
 * memory falls back under 32 MiB within seconds (the delay is 2 s; the test
 * polls up to 10 s so a loaded machine does not fail it); with
 * page_reporting:off (the default) it stays as before. The arena's RSS is read from
 * /proc/self/smaps, over the address range the blocks were in.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define BLOCK_ORDER (MAX_ORDER - 1)
#define BLOCK_BYTES (PAGE_SIZE << BLOCK_ORDER)
#define NBLOCKS	    ((512UL << 20) / BLOCK_BYTES)
#define MIB	    (1UL << 20)

static uintptr_t lo, hi; /* the blocks' address range */

/* Rss (bytes) of the mappings of /proc/self/smaps that overlap [lo, hi). */
static unsigned long arena_rss(void)
{
	char line[512];
	unsigned long rss = 0;
	bool inside = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		uintptr_t start, end;
		unsigned long kb;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			inside = start < hi && end > lo;
		else if (inside && sscanf(line, "Rss: %lu kB", &kb) == 1)
			rss += kb << 10;
	}
	fclose(f);
	return rss;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 512 MiB allocated and written, then freed and drained; returns the RSS while it was in use. */
static unsigned long use_and_free_512m(void)
{
	static struct page *pages[NBLOCKS];
	unsigned long in_use;

	lo = UINTPTR_MAX;
	hi = 0;
	for (size_t i = 0; i < NBLOCKS; i++) {
		pages[i] = alloc_pages(GFP_HIGHUSER_MOVABLE, BLOCK_ORDER);
		assert_non_null(pages[i]);
		char *addr = page_address(pages[i]);
		memset(addr, 0x5a, BLOCK_BYTES);
		if ((uintptr_t)addr < lo)
			lo = (uintptr_t)addr;
		if ((uintptr_t)addr + BLOCK_BYTES > hi)
			hi = (uintptr_t)addr + BLOCK_BYTES;
	}
	in_use = arena_rss();
	for (size_t i = 0; i < NBLOCKS; i++)
		__free_pages(pages[i], BLOCK_ORDER);
	buddy_drain_all_pages();
	return in_use;
}

static void init(const char *conf)
{
	struct buddy_config cfg = {.conf = conf, .arena_size = 1UL << 30};

	assert_int_equal(buddy_init(&cfg), 0);
}

static void test_rss_falls_with_reporting_on(void **state)
{
	(void)state;
	init("page_reporting:on"); /* the default delay, 2 s */
	unsigned long in_use = use_and_free_512m();
	double freed_at = now_s(), fell_after = -1;
	unsigned long rss = arena_rss();

	assert_true(in_use >= 512 * MIB);
	for (int i = 0; i < 1000; i++) {
		rss = arena_rss();
		if (rss < 32 * MIB) {
			fell_after = now_s() - freed_at;
			break;
		}
		usleep(10000);
	}
	printf("page reporting on: arena RSS %lu MiB in use, %lu MiB %.2f s after the free\n", in_use / MIB,
	       rss / MIB, fell_after);
	assert_true(rss < 32 * MIB);
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
}

static void test_rss_stays_with_reporting_off(void **state)
{
	(void)state;
	init(NULL); /* the default: off */
	unsigned long in_use = use_and_free_512m();

	sleep(3);
	unsigned long rss = arena_rss();
	printf("page reporting off: arena RSS %lu MiB in use, %lu MiB 3 s after the free\n", in_use / MIB,
	       rss / MIB);
	assert_true(rss >= 512 * MIB);
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rss_falls_with_reporting_on),
		cmocka_unit_test(test_rss_stays_with_reporting_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
