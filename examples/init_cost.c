/* SPDX-License-Identifier: MIT */
/*
 * init_cost: what reserving a big arena costs at start-up. Times buddy_init()
 * and reads the resident set size before and after; deferred struct page
 * initialisation should keep both small and independent of the arena size.
 *
 *   build/release/examples/init_cost [BUDDY_CONF string, default arena_size:64G]
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

/* Resident set size in KiB, from /proc/self/statm (second field, in pages). */
static long rss_kib(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct buddy_config cfg = { .conf = argc > 1 ? argv[1] : "arena_size:64G" };
	long rss_before = rss_kib();
	double t0 = now_ms();
	int rc = buddy_init(&cfg);
	double t1 = now_ms();
	long rss_after = rss_kib();

	if (rc) {
		fprintf(stderr, "buddy_init(\"%s\") failed: %d\n", cfg.conf, rc);
		return 1;
	}
	printf("config:               %s\n", cfg.conf);
	printf("nodes:                %d\n", buddy_nr_nodes());
	printf("buddy_init:           %.3f ms\n", t1 - t0);
	printf("RSS before init:      %ld KiB\n", rss_before);
	printf("RSS after init:       %ld KiB (+%ld KiB)\n", rss_after, rss_after - rss_before);

	/* The first allocations touch only the metadata of the blocks they split. */
	double t2 = now_ms();
	struct page *small = alloc_pages(GFP_KERNEL, 0);
	struct page *big = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	double t3 = now_ms();
	printf("first two allocations: %.3f ms, RSS %ld KiB\n", t3 - t2, rss_kib());
	if (small)
		__free_pages(small, 0);
	if (big)
		__free_pages(big, MAX_ORDER - 1);

	double t4 = now_ms();
	buddy_exit();
	printf("buddy_exit:           %.3f ms\n", now_ms() - t4);
	return 0;
}
