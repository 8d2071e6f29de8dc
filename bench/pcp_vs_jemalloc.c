/* SPDX-License-Identifier: MIT */
/*
 * libbuddy against jemalloc in one process, on the same loops (issue 7's
 * speed check): order-0 alloc+free pairs, order-0 bulk (allocate 1024, then
 * free them), both at 1 and 2 threads, and order-3 and order-9 pairs.
 * jemalloc is asked for the same naturally aligned block,
 * mallocx(size, MALLOCX_ALIGN(size)), freed with dallocx.
 *
 * Each run measures every loop for both allocators, alternating which goes
 * first; a warm-up run is discarded. Printed: per allocator the median [min,
 * max] over the runs, and the median of the per-run ratios libbuddy time /
 * jemalloc time (below 1: libbuddy is faster), next to issue 7's target.
 *
 * Threads are pinned, one per CPU (thread t on the t-th CPU the process may
 * use; the 1-thread loops on the first), so that the scaling figure shows
 * the allocators rather than the scheduler; --no-pin leaves placement to
 * the scheduler.
 *
 * Usage: pcp_vs_jemalloc [--quick] [--runs N] [--no-pin] [--bulk-api-only]
 */
#define _GNU_SOURCE
#include <jemalloc/jemalloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "bench_util.h"

#define MAX_RUNS 31
#define BULK_N 1024

static inline void sink(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void die(const char *what, unsigned int order)
{
	fprintf(stderr, "pcp_vs_jemalloc: %s order-%u allocation failed\n", what, order);
	exit(1);
}

static inline void *lb_alloc(unsigned int order)
{
	struct page *p = alloc_pages(GFP_KERNEL, order);
	if (!p)
		die("libbuddy", order);
	return p;
}
static inline void lb_free(void *p, unsigned int order)
{
	__free_pages(p, order);
}
static inline void *je_alloc(unsigned int order)
{
	size_t size = (size_t)PAGE_SIZE << order;
	void *p = mallocx(size, MALLOCX_ALIGN(size));
	if (!p)
		die("jemalloc", order);
	return p;
}
static inline void je_free(void *p, unsigned int order)
{
	(void)order;
	dallocx(p, 0);
}

/*
 * The same loop bodies for both, calling each allocator directly (no function
 * pointer in the timed path). Each returns nanoseconds for the whole loop.
 */
#define DEFINE_LOOPS(pfx)                                                          \
	static uint64_t pfx##_pair(unsigned int order, long iters)                 \
	{                                                                          \
		uint64_t t0 = now_ns();                                            \
		for (long i = 0; i < iters; i++) {                                 \
			void *p = pfx##_alloc(order);                              \
			sink(p);                                                   \
			pfx##_free(p, order);                                      \
		}                                                                  \
		return now_ns() - t0;                                              \
	}                                                                          \
	static uint64_t pfx##_bulk(unsigned int order, long cycles)                \
	{                                                                          \
		void *v[BULK_N];                                                   \
		uint64_t t0 = now_ns();                                            \
		for (long c = 0; c < cycles; c++) {                                \
			for (int k = 0; k < BULK_N; k++)                           \
				v[k] = pfx##_alloc(order);                         \
			for (int k = 0; k < BULK_N; k++)                           \
				pfx##_free(v[k], order);                           \
		}                                                                  \
		return now_ns() - t0;                                              \
	}
DEFINE_LOOPS(lb)
DEFINE_LOOPS(je)

enum which { LB, JE };
enum kind { PAIR, BULK };

struct job {
	pthread_t tid;
	enum which who;
	enum kind kind;
	unsigned int order;
	long count;		/* iterations (pair) or cycles (bulk) */
	int index;		/* thread number: which CPU it is pinned to */
	uint64_t start, end;
};

static pthread_barrier_t barrier;
static bool pin = true;
static int pin_cpus[2];		/* the first two CPUs of the process's affinity mask */

static void pin_self(int t)
{
	cpu_set_t set;

	if (!pin)
		return;
	CPU_ZERO(&set);
	CPU_SET(pin_cpus[t], &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The CPUs to pin to; with fewer than two, no pinning. */
static void choose_pin_cpus(void)
{
	cpu_set_t set;
	int n = 0;

	if (!pin || sched_getaffinity(0, sizeof(set), &set))
		goto none;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			pin_cpus[n++] = c;
	if (n == 2)
		return;
none:
	pin = false;
}

static uint64_t run_loop(enum which who, enum kind kind, unsigned int order, long count)
{
	if (who == LB)
		return kind == PAIR ? lb_pair(order, count) : lb_bulk(order, count);
	return kind == PAIR ? je_pair(order, count) : je_bulk(order, count);
}

static void *job_thread(void *arg)
{
	struct job *j = arg;

	pin_self(j->index);
	pthread_barrier_wait(&barrier);
	j->start = now_ns();
	run_loop(j->who, j->kind, j->order, j->count);
	j->end = now_ns();
	return NULL;
}

/* Nanoseconds per block (one alloc plus one free) as each thread sees it. */
static double measure(enum which who, enum kind kind, unsigned int order, long count, int threads)
{
	double per = kind == PAIR ? (double)count : (double)count * BULK_N;

	if (threads == 1)
		return (double)run_loop(who, kind, order, count) / per;

	struct job j[2];
	uint64_t first = UINT64_MAX, last = 0;

	pthread_barrier_init(&barrier, NULL, (unsigned int)threads);
	for (int t = 0; t < threads; t++) {
		j[t] = (struct job){ .who = who, .kind = kind, .order = order, .count = count, .index = t };
		pthread_create(&j[t].tid, NULL, job_thread, &j[t]);
	}
	for (int t = 0; t < threads; t++) {
		pthread_join(j[t].tid, NULL);
		first = j[t].start < first ? j[t].start : first;
		last = j[t].end > last ? j[t].end : last;
	}
	pthread_barrier_destroy(&barrier);
	return (double)(last - first) / per;
}

struct test {
	const char *name;
	enum kind kind;
	unsigned int order;
	int threads;
	long count, quick_count;
	double target;		/* libbuddy/jemalloc time at most this (0: none) */
	double lb[MAX_RUNS], je[MAX_RUNS], ratio[MAX_RUNS];
};

static struct test tests[] = {
	{ "order-0 pair, 1 thread", PAIR, 0, 1, 2000000, 300000, 1.0, { 0 }, { 0 }, { 0 } },
	{ "order-0 bulk 1024, 1 thread", BULK, 0, 1, 1000, 150, 0.4, { 0 }, { 0 }, { 0 } },
	{ "order-3 pair, 1 thread", PAIR, 3, 1, 1000000, 150000, 0.3, { 0 }, { 0 }, { 0 } },
	{ "order-9 pair, 1 thread", PAIR, 9, 1, 300000, 50000, 0.3, { 0 }, { 0 }, { 0 } },
	{ "order-0 pair, 2 threads", PAIR, 0, 2, 2000000, 300000, 1.0, { 0 }, { 0 }, { 0 } },
	{ "order-0 bulk 1024, 2 threads", BULK, 0, 2, 1000, 150, 0.4, { 0 }, { 0 }, { 0 } },
};
#define NR_TESTS (sizeof(tests) / sizeof(tests[0]))

static double med(const double *src, int n, double *mn, double *mx)
{
	double v[MAX_RUNS];

	memcpy(v, src, sizeof(double) * (size_t)n);
	return median(v, n, mn, mx);
}

/*
 * The bulk API (libbuddy only: jemalloc has no counterpart): 64 order-0
 * pages by alloc_pages_bulk_array against 64 alloc_page calls, and freed
 * by release_pages against 64 __free_page calls. Allocation and freeing
 * are timed apart, per page; each cycle takes the pages back to the lists
 * the next cycle serves from.
 */
#define BULK_API_N 64

struct bulk_api_times {
	double alloc_bulk, alloc_single, free_bulk, free_single;
};

static void bulk_api_measure(long cycles, struct bulk_api_times *t)
{
	struct page *v[BULK_API_N];
	uint64_t ab = 0, as = 0, fb = 0, fs = 0, t0, t1, t2;

	for (long c = 0; c < cycles; c++) {
		memset(v, 0, sizeof(v));
		t0 = now_ns();
		if (alloc_pages_bulk_array(GFP_KERNEL, BULK_API_N, v) != BULK_API_N)
			die("libbuddy bulk", 0);
		t1 = now_ns();
		release_pages(v, BULK_API_N);
		t2 = now_ns();
		ab += t1 - t0;
		fb += t2 - t1;

		t0 = now_ns();
		for (int k = 0; k < BULK_API_N; k++)
			v[k] = lb_alloc(0);
		t1 = now_ns();
		for (int k = 0; k < BULK_API_N; k++)
			lb_free(v[k], 0);
		t2 = now_ns();
		as += t1 - t0;
		fs += t2 - t1;
	}
	double per = (double)cycles * BULK_API_N;
	*t = (struct bulk_api_times){ ab / per, as / per, fb / per, fs / per };
}

static void bulk_api_report(int runs, bool quick)
{
	double ab[MAX_RUNS], as[MAX_RUNS], fb[MAX_RUNS], fs[MAX_RUNS], ra[MAX_RUNS], rf[MAX_RUNS];
	long cycles = quick ? 20000 : 100000;
	struct bulk_api_times t;

	bulk_api_measure(cycles / 4, &t); /* warm-up */
	for (int r = 0; r < runs; r++) {
		bulk_api_measure(cycles, &t);
		ab[r] = t.alloc_bulk;
		as[r] = t.alloc_single;
		fb[r] = t.free_bulk;
		fs[r] = t.free_single;
		ra[r] = t.alloc_single / t.alloc_bulk;
		rf[r] = t.free_single / t.free_bulk;
	}
	double mn, mx, mn2, mx2;
	printf("\n%-44s %22s %22s %8s\n", "bulk API, 64 order-0 pages (ns per page)", "bulk med [min,max]",
	       "single med [min,max]", "speedup");
	double b = med(ab, runs, &mn, &mx), s1 = med(as, runs, &mn2, &mx2), q = med(ra, runs, NULL, NULL);
	printf("%-44s %6.2f [%5.2f,%6.2f] %6.2f [%5.2f,%6.2f] %7.2fx %s\n",
	       "alloc_pages_bulk_array vs alloc_page", b, mn, mx, s1, mn2, mx2, q, q >= 2.0 ? "(>= 2x: met)" : "(>= 2x: MISSED)");
	b = med(fb, runs, &mn, &mx);
	s1 = med(fs, runs, &mn2, &mx2);
	q = med(rf, runs, NULL, NULL);
	printf("%-44s %6.2f [%5.2f,%6.2f] %6.2f [%5.2f,%6.2f] %7.2fx\n", "release_pages vs __free_page", b, mn, mx,
	       s1, mn2, mx2, q);
}

int main(int argc, char **argv)
{
	int runs = 7;
	bool quick = false, bulk_api_only = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-pin"))
			pin = false;
		else if (!strcmp(argv[i], "--bulk-api-only"))
			bulk_api_only = true;
		else {
			fprintf(stderr, "usage: pcp_vs_jemalloc [--quick] [--runs N] [--no-pin] [--bulk-api-only]\n");
			return 2;
		}
	}
	if (quick && runs == 7)
		runs = 5;
	if (runs < 1 || runs > MAX_RUNS)
		runs = runs < 1 ? 1 : MAX_RUNS;

	/* 8G of address space, MAP_NORESERVE: nothing is committed until touched. */
	struct buddy_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.conf = getenv("BUDDY_CONF") && *getenv("BUDDY_CONF") ? getenv("BUDDY_CONF") : "arena_size:8G";
	int rc = buddy_init(&cfg);
	if (rc) {
		fprintf(stderr, "buddy_init: %s\n", strerror(-rc));
		return 1;
	}

	char jv[64];
	snprintf(jv, sizeof(jv), "libbuddy %s, jemalloc %.5s", BENCH_BUDDY_VERSION, JEMALLOC_VERSION);
	print_machine(stdout, jv);
	printf("# runs: %d measured (+1 warm-up discarded), allocator order alternating%s\n", runs,
	       quick ? ", quick loop counts" : "");
	choose_pin_cpus();
	if (pin)
		printf("# threads: pinned, 1-thread loops on cpu %d, 2-thread loops on cpus %d and %d\n", pin_cpus[0],
		       pin_cpus[0], pin_cpus[1]);
	else
		printf("# threads: not pinned\n");
	pin_self(0);
	if (bulk_api_only) {
		bulk_api_report(runs, quick);
		buddy_exit();
		return 0;
	}

	for (int r = -1; r < runs; r++) {
		for (size_t t = 0; t < NR_TESTS; t++) {
			struct test *x = &tests[t];
			long count = quick ? x->quick_count : x->count;
			double a, b;

			if ((r + (int)t) % 2) {
				a = measure(LB, x->kind, x->order, count, x->threads);
				b = measure(JE, x->kind, x->order, count, x->threads);
			} else {
				b = measure(JE, x->kind, x->order, count, x->threads);
				a = measure(LB, x->kind, x->order, count, x->threads);
			}
			if (r < 0)
				continue;	/* warm-up */
			x->lb[r] = a;
			x->je[r] = b;
			x->ratio[r] = a / b;
		}
	}

	printf("\n%-30s %22s %22s %8s %7s\n", "loop (ns per alloc+free)", "libbuddy med [min,max]",
	       "jemalloc med [min,max]", "lb/je", "target");
	for (size_t t = 0; t < NR_TESTS; t++) {
		struct test *x = &tests[t];
		double lmn, lmx, jmn, jmx, rmn, rmx;
		double l = med(x->lb, runs, &lmn, &lmx), j = med(x->je, runs, &jmn, &jmx);
		double q = med(x->ratio, runs, &rmn, &rmx);

		printf("%-30s %6.1f [%5.1f,%6.1f] %6.1f [%5.1f,%6.1f] %8.2f %s%5.2f %s\n", x->name, l, lmn, lmx, j, jmn,
		       jmx, q, "<=", x->target, q <= x->target ? "met" : "MISSED");
	}

	/* Scaling: 2-thread throughput over 1-thread, from the per-run times. */
	printf("\n%-30s %10s %10s %7s\n", "scaling (2-thread / 1-thread)", "libbuddy", "jemalloc", "target");
	static const struct {
		const char *name;
		int one, two;
	} sc[] = { { "order-0 pair throughput", 0, 4 }, { "order-0 bulk throughput", 1, 5 } };
	for (size_t s = 0; s < sizeof(sc) / sizeof(sc[0]); s++) {
		double l[MAX_RUNS], j[MAX_RUNS];
		for (int r = 0; r < runs; r++) {
			l[r] = 2.0 * tests[sc[s].one].lb[r] / tests[sc[s].two].lb[r];
			j[r] = 2.0 * tests[sc[s].one].je[r] / tests[sc[s].two].je[r];
		}
		double lm = med(l, runs, NULL, NULL), jm = med(j, runs, NULL, NULL);
		printf("%-30s %9.2fx %9.2fx %s%4.1fx %s\n", sc[s].name, lm, jm, ">=", 1.8, lm >= 1.8 ? "met" : "MISSED");
	}
	printf("\nratio = median over runs of (libbuddy ns / jemalloc ns) in the same run; below 1 libbuddy is faster.\n");
	bulk_api_report(runs, quick);
	buddy_exit();
	return 0;
}
