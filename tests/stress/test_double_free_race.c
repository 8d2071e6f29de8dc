/* SPDX-License-Identifier: MIT */
/*
 * Two threads free the same block at the same moment (a double free racing
 * with itself). The kernel's put_page_testzero is one atomic step, and so is
 * ours: exactly one free goes in, the other is reported as "Bad page state",
 * and the allocator stays consistent with its free total exact.
 *
 * BUDDY_STRESS_ROUNDS=N for a longer run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "compiler.h"	/* cpu_relax */
#include "internal.h"	/* bad_page_set_ratelimit */
#include "test_util.h"

/*
 * Two threads, one per CPU, both spinning: the main thread allocates the
 * victim, publishes it and frees it itself after a delay that sweeps 0..63
 * pauses; the racer frees it as soon as it sees it. Over the rounds the two
 * frees overlap at every offset, including the few nanoseconds in which both
 * see one reference.
 */
static struct page *_Atomic victim;
static _Atomic unsigned int victim_order;
static _Atomic long round_started, racer_done;
static _Atomic int stop;

static void *racer(void *arg)
{
	long seen = 0;

	(void)arg;
	for (;;) {
		while (round_started == seen && !stop)
			cpu_relax();
		if (stop)
			return NULL;
		seen = round_started;
		__free_pages(victim, victim_order);
		racer_done = seen;
	}
}

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static void run_race(const char *conf, int rounds)
{
	static const unsigned int orders[] = { 0, 0, 0, 1, 3, 9, 10 };
	struct buddy_config cfg = { .conf = conf };
	long before[MAX_NR_ZONES];
	pthread_t thread;
	char path[] = "/tmp/buddy-double-free-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);

	assert_int_equal(buddy_init(&cfg), 0);
	bad_page_set_ratelimit(0, NULL); /* every round's report is counted below */
	buddy_drain_all_pages();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		before[z] = buddy_zone_free_pages(0, (enum zone_type)z);
	stop = 0;
	round_started = racer_done = 0;
	assert_int_equal(pthread_create(&thread, NULL, racer, NULL), 0);

	assert_true(fd >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	for (int r = 0; r < rounds; r++) {
		victim_order = orders[r % (sizeof(orders) / sizeof(orders[0]))];
		victim = alloc_pages(GFP_KERNEL, victim_order);
		assert_non_null(victim);
		round_started = r + 1;
		for (int spin = r % 64; spin > 0; spin--)
			cpu_relax();
		__free_pages(victim, victim_order);
		while (racer_done != r + 1)
			cpu_relax();
	}
	stop = 1;
	pthread_join(thread, NULL);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	/* one report per round: the losing free, never both, never none */
	FILE *f = fdopen(fd, "r");
	size_t len = (size_t)lseek(fd, 0, SEEK_END);
	char *text = calloc(1, len + 1);
	rewind(f);
	assert_int_equal(fread(text, 1, len, f), len);
	fclose(f);
	unlink(path);
	int reports = count(text, "Bad page state");
	if (reports != rounds)
		fail_msg("%s: %d rounds, %d reports", conf, rounds, reports);
	free(text);

	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(buddy_zone_free_pages(0, (enum zone_type)z), before[z]);
	bad_page_set_ratelimit(60 * 1000, NULL);
	buddy_exit();
}

static int rounds(void)
{
	const char *env = getenv("BUDDY_STRESS_ROUNDS");
	return env ? atoi(env) : 3000;
}

static void test_double_free_race_default_lock(void **state)
{
	(void)state;
	run_race("arena_size:64M,dma_limit:0,dma32_limit:0", rounds());
}

static void test_double_free_race_atomic_lock(void **state)
{
	(void)state;
	run_race("arena_size:64M,dma_limit:0,dma32_limit:0,pcp_lock:atomic", rounds());
}

int main(void)
{
	/* a hang (a corrupted list walked forever) fails in a minute */
	test_watchdog_start(60, "test_double_free_race");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_free_race_default_lock),
		cmocka_unit_test(test_double_free_race_atomic_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
