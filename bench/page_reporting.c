/* SPDX-License-Identifier: MIT */
/*
 * Free page reporting, measured (docs/page-reporting.md):
 *
 *   page_reporting rss on|off     allocate 512 MiB, write it, free it, drain,
 *                                 then print "seconds,arena_rss_mib" every
 *                                 100 ms for 6 s (bench/plot_page_reporting.sh
 *                                 plots it)
 *   page_reporting zero [rounds]  __GFP_ZERO on given-back blocks: the time to
 *                                 allocate a 4 MiB block and write it once,
 *                                 with the memset skipped (the default) and
 *                                 forced (libbuddy's buddy.reporting.zeroes
 *                                 cleared, as for MADV_FREE); median of rounds
 *
 * Links the internal archive (buddy_static) for the zero mode's switch and
 * page_reporting_run_now, which reports at once instead of after the delay.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "page_reporting.h" /* the internals: buddy.reporting, page_reporting_run_now */

#define BLOCK_ORDER (MAX_ORDER - 1)
#define BLOCK_BYTES (PAGE_SIZE << BLOCK_ORDER)
#define NBLOCKS	    ((512UL << 20) / BLOCK_BYTES)

static uintptr_t lo = UINTPTR_MAX, hi;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Rss of the mappings overlapping [lo, hi), in MiB (/proc/self/smaps). */
static double arena_rss_mib(void)
{
	char line[512];
	unsigned long kb_sum = 0;
	bool inside = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		uintptr_t start, end;
		unsigned long kb;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			inside = start < hi && end > lo;
		else if (inside && sscanf(line, "Rss: %lu kB", &kb) == 1)
			kb_sum += kb;
	}
	fclose(f);
	return (double)kb_sum / 1024.0;
}

static struct page *pages[NBLOCKS];

static void alloc_and_write(void)
{
	for (size_t i = 0; i < NBLOCKS; i++) {
		pages[i] = alloc_pages(GFP_HIGHUSER_MOVABLE, BLOCK_ORDER);
		if (!pages[i]) {
			fprintf(stderr, "page_reporting: allocation %zu failed\n", i);
			exit(1);
		}
		char *addr = page_address(pages[i]);
		memset(addr, 0x5a, BLOCK_BYTES);
		if ((uintptr_t)addr < lo)
			lo = (uintptr_t)addr;
		if ((uintptr_t)addr + BLOCK_BYTES > hi)
			hi = (uintptr_t)addr + BLOCK_BYTES;
	}
}

static void free_all(void)
{
	for (size_t i = 0; i < NBLOCKS; i++)
		__free_pages(pages[i], BLOCK_ORDER);
	buddy_drain_all_pages();
}

static int run_rss(bool on)
{
	struct buddy_config cfg = {.arena_size = 1UL << 30, .conf = on ? "page_reporting:on" : "page_reporting:off"};

	if (buddy_init(&cfg))
		return 1;
	double t0 = now_s();
	printf("seconds,arena_rss_mib,event\n");
	printf("%.2f,%.1f,start\n", 0.0, arena_rss_mib());
	alloc_and_write();
	printf("%.2f,%.1f,allocated\n", now_s() - t0, arena_rss_mib());
	free_all();
	double t_free = now_s();
	printf("%.2f,%.1f,freed\n", t_free - t0, arena_rss_mib());
	while (now_s() - t_free < 6.0) {
		usleep(100 * 1000);
		printf("%.2f,%.1f,\n", now_s() - t0, arena_rss_mib());
	}
	buddy_exit();
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * One round: every block reported, then each taken with __GFP_ZERO and
 * written once. Returns the mean time per block of both; *alloc_only gets
 * the allocation's share.
 */
static double zero_round(bool skip, double *alloc_only)
{
	double t = 0, ta = 0;

	page_reporting_run_now();
	buddy.reporting.zeroes = skip;
	for (size_t i = 0; i < NBLOCKS / 4; i++) {
		double t0 = now_s();
		pages[i] = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, BLOCK_ORDER);
		ta += now_s() - t0;
		memset(page_address(pages[i]), 0x5a, BLOCK_BYTES); /* the caller's first write */
		t += now_s() - t0;
	}
	for (size_t i = 0; i < NBLOCKS / 4; i++)
		__free_pages(pages[i], BLOCK_ORDER);
	buddy_drain_all_pages();
	*alloc_only = ta / (double)(NBLOCKS / 4);
	return t / (double)(NBLOCKS / 4);
}

static int run_zero(int rounds)
{
	/* a long delay: only page_reporting_run_now reports, so both modes see the same state */
	struct buddy_config cfg = {.arena_size = 1UL << 30, .conf = "page_reporting_delay_ms:3600000"};
	double skip[64], memset_[64], skip_a[64], memset_a[64];

	if (rounds < 1 || rounds > 64 || buddy_init(&cfg))
		return 1;
	bool zeroes = buddy.reporting.zeroes;
	alloc_and_write();
	free_all();
	for (int r = 0; r < rounds; r++) { /* interleaved, so drift hits both */
		skip[r] = zero_round(zeroes, &skip_a[r]);
		memset_[r] = zero_round(false, &memset_a[r]);
	}
	buddy.reporting.zeroes = zeroes;
	qsort(skip, (size_t)rounds, sizeof(double), cmp_double);
	qsort(memset_, (size_t)rounds, sizeof(double), cmp_double);
	qsort(skip_a, (size_t)rounds, sizeof(double), cmp_double);
	qsort(memset_a, (size_t)rounds, sizeof(double), cmp_double);
	printf("__GFP_ZERO order-%d block (%lu KiB) on a reported block, allocated and written once, "
	       "median of %d rounds:\n",
	       BLOCK_ORDER, BLOCK_BYTES >> 10, rounds);
	printf("  memset skipped: %8.1f us\n", skip[rounds / 2] * 1e6);
	printf("  memset done:    %8.1f us\n", memset_[rounds / 2] * 1e6);
	printf("  gain:           %8.1f us (%.0f%%)\n", (memset_[rounds / 2] - skip[rounds / 2]) * 1e6,
	       100.0 * (memset_[rounds / 2] - skip[rounds / 2]) / memset_[rounds / 2]);
	printf("the allocation call alone:\n");
	printf("  memset skipped: %8.1f us\n", skip_a[rounds / 2] * 1e6);
	printf("  memset done:    %8.1f us\n", memset_a[rounds / 2] * 1e6);
	buddy_exit();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "rss"))
		return run_rss(!strcmp(argv[2], "on"));
	if (argc >= 2 && !strcmp(argv[1], "zero"))
		return run_zero(argc >= 3 ? atoi(argv[2]) : 9);
	fprintf(stderr, "usage: %s rss on|off | zero [rounds]\n", argv[0]);
	return 2;
}
