/* SPDX-License-Identifier: MIT */
/*
 * pcp_scaling: order-0 alloc+free pairs on one thread, then on one thread per
 * CPU, each pinned to its CPU, started together behind a barrier. Prints the
 * best-of-N nanoseconds per pair for each thread and the throughput ratio.
 * Pinning takes the scheduler out of the number: what remains is whether the
 * per-CPU lists share anything (they should not).
 *
 * Virtual CPUs need not be equally fast (on the 2-vCPU VM of bench/results
 * the second is often ~1.5x slower), which caps "n threads / 1 thread" below
 * n however well the allocator scales. So each CPU is also timed alone, and
 * the together-throughput is compared with the sum of the solo ones: 1.00
 * means the threads did not slow each other down at all.
 *
 *   build/bench/bench/pcp_scaling [rounds]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define PAIRS 200000
#define MAX_THREADS 256

static pthread_barrier_t start;
static int rounds = 15;

struct worker {
	pthread_t thread;
	int cpu;
	double best_ns;
};

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	w->best_ns = 1e18;
	for (int r = 0; r < rounds; r++) {
		pthread_barrier_wait(&start);
		double t = now_ns();
		for (int i = 0; i < PAIRS; i++)
			__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
		t = (now_ns() - t) / PAIRS;
		if (t < w->best_ns)
			w->best_ns = t;
	}
	return NULL;
}

/* Returns pairs per microsecond over all threads. */
static double measure(struct worker *w, int n)
{
	double throughput = 0;

	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		pthread_create(&w[i].thread, NULL, run, &w[i]);
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		printf("  thread on cpu %d: %.1f ns per pair\n", w[i].cpu, w[i].best_ns);
		throughput += 1000.0 / w[i].best_ns;
	}
	pthread_barrier_destroy(&start);
	return throughput;
}

int main(int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int n = ncpu > MAX_THREADS ? MAX_THREADS : (int)ncpu;
	struct worker w[MAX_THREADS];

	if (argc > 1)
		rounds = atoi(argv[1]) > 0 ? atoi(argv[1]) : rounds;
	if (buddy_init(NULL))
		return 1;
	for (int i = 0; i < n; i++)
		w[i].cpu = i;
	printf("1 thread, each CPU in turn:\n");
	double one = 0, solo_sum = 0;
	for (int i = 0; i < n; i++) {
		double t = measure(&w[i], 1);
		if (i == 0)
			one = t;
		solo_sum += t;
	}
	printf("%d threads together:\n", n);
	double all = measure(w, n);
	printf("order-0 pair throughput, %d threads / 1 thread (cpu 0): %.2fx\n", n, all / one);
	printf("order-0 pair throughput, %d threads / sum of each CPU alone: %.2f (1.00: nothing shared)\n", n,
	       all / solo_sum);
	return buddy_check() ? 1 : 0;
}
