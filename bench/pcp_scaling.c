/* SPDX-License-Identifier: MIT */
/*
 * pcp_scaling: alloc+free on one thread, then on several threads, each pinned
 * to a CPU (thread i to CPU i mod the CPU count), started together behind a
 * barrier. Prints the best-of-rounds throughput of each CPU alone and of all
 * threads together, and the ratios. Pinning takes the scheduler out of the
 * number: what remains is whether the threads share anything.
 *
 * Two loops: order-0 (or --order N) alloc+free pairs, the default; and with
 * --bulk N, "allocate N blocks, then free them all", repeated - the loop
 * whose high-order form goes through zone->lock on every refill and drain.
 * It also prints the zone->lock holds per block of the pcp paths (refills
 * plus drains, from the vmstat view's buddy_pcp_refill / buddy_pcp_drain).
 *
 * Virtual CPUs need not be equally fast (on the 2-vCPU VM of bench/results
 * the second is often ~1.5x slower), which caps "n threads / 1 thread" below
 * n however well the allocator scales. So each CPU is also timed alone, and
 * the together-throughput is compared with the sum of the solo ones: 1.00
 * means the threads did not slow each other down at all.
 *
 * --threads N runs N threads together (default: one per CPU); more threads
 * than CPUs is the oversubscribed case (16 threads on 2 CPUs, say).
 * BUDDY_CONF is honoured; the arena is 8G unless it says otherwise.
 *
 *   build/bench/bench/pcp_scaling [rounds] [--order N] [--bulk N] [--threads N] [--ops N]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define MAX_THREADS 256
#define MAX_ROUNDS 100

static pthread_barrier_t start;
static int rounds = 15;
static unsigned int order;
static long bulk;  /* 0: pairs */
static long ops = 200000; /* alloc+free per thread per round */

struct worker {
	pthread_t thread;
	int cpu;
	double t0[MAX_ROUNDS], t1[MAX_ROUNDS];
	double cpu_ns[MAX_ROUNDS]; /* the thread's CPU time in the round */
};

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double thread_cpu_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void pairs(void)
{
	for (long i = 0; i < ops; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);
		if (!p)
			abort();
		__free_pages(p, order);
	}
}

static void bulk_passes(struct page **v)
{
	for (long done = 0; done < ops; done += bulk) {
		for (long k = 0; k < bulk; k++) {
			v[k] = alloc_pages(GFP_KERNEL, order);
			if (!v[k])
				abort();
		}
		for (long k = 0; k < bulk; k++)
			__free_pages(v[k], order);
	}
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct page **v = bulk ? calloc((size_t)bulk, sizeof(*v)) : NULL;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (int r = 0; r < rounds; r++) {
		pthread_barrier_wait(&start);
		double c0 = thread_cpu_ns();
		w->t0[r] = now_ns();
		if (bulk)
			bulk_passes(v);
		else
			pairs();
		w->t1[r] = now_ns();
		w->cpu_ns[r] = thread_cpu_ns() - c0;
	}
	free(v);
	return NULL;
}

static long vm_event(const char *name)
{
	char *buf = NULL, line[256];
	size_t len = 0;
	long value = -1, v;
	FILE *f = open_memstream(&buf, &len);

	if (!f || buddy_dump(f, "vmstat"))
		return -1;
	fclose(f);
	f = fmemopen(buf, len, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char key[128];
		if (sscanf(line, "%127s %ld", key, &v) == 2 && !strcmp(key, name))
			value = v;
	}
	if (f)
		fclose(f);
	free(buf);
	return value;
}

/*
 * Alloc+free per microsecond over all threads: the best round's. *cpu gets
 * the same per microsecond of the threads' CPU time (the best round's):
 * on a machine other work shares, the wall clock also counts the time the
 * threads waited for a CPU, their CPU time does not.
 */
static double measure(struct worker *w, int n, double *cpu)
{
	double best = 0;

	*cpu = 0;
	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		pthread_create(&w[i].thread, NULL, run, &w[i]);
	for (int i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	for (int r = 0; r < rounds; r++) {
		double first = 1e300, last = 0;
		for (int i = 0; i < n; i++) {
			first = w[i].t0[r] < first ? w[i].t0[r] : first;
			last = w[i].t1[r] > last ? w[i].t1[r] : last;
		}
		double t = (double)n * (double)ops * 1000.0 / (last - first), busy = 0;
		best = t > best ? t : best;
		for (int i = 0; i < n; i++)
			busy += w[i].cpu_ns[r];
		t = (double)n * (double)ops * 1000.0 / busy;
		*cpu = t > *cpu ? t : *cpu;
	}
	pthread_barrier_destroy(&start);
	if (n == 1)
		printf("  thread on cpu %d: %.1f ns per alloc+free\n", w[0].cpu, 1000.0 / best);
	else
		printf("  %d threads: %.1f ns per alloc+free each (%.2f per us together)\n", n, n * 1000.0 / best,
		       best);
	return best;
}

static int setup(void)
{
	static char conf[512];
	const char *env = getenv("BUDDY_CONF");
	struct buddy_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(conf, sizeof(conf), "arena_size:8G%s%s", env && *env ? "," : "", env ? env : "");
	cfg.conf = conf;
	return buddy_init(&cfg);
}

int main(int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int n = ncpu > MAX_THREADS ? MAX_THREADS : (int)ncpu;
	static struct worker w[MAX_THREADS];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--order") && i + 1 < argc)
			order = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bulk") && i + 1 < argc)
			bulk = atol(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops = atol(argv[++i]);
		else if (atoi(argv[i]) > 0)
			rounds = atoi(argv[i]);
	}
	if (n < 1 || n > MAX_THREADS || rounds > MAX_ROUNDS || bulk < 0 || ops < 1) {
		fprintf(stderr, "usage: pcp_scaling [rounds<=%d] [--order N] [--bulk N] [--threads 1..%d] [--ops N]\n",
			MAX_ROUNDS, MAX_THREADS);
		return 2;
	}
	if (bulk && ops < bulk)
		ops = bulk;
	if (bulk)
		ops -= ops % bulk;
	if (setup())
		return 1;
	for (int i = 0; i < n; i++)
		w[i].cpu = (int)(i % ncpu);
	const char *loop = bulk ? "bulk" : "pair";
	printf("order-%u %s%s%ld, %d rounds of %ld alloc+free per thread\n", order, loop, bulk ? " of " : "",
	       bulk, rounds, ops);
	printf("1 thread, each CPU in turn:\n");
	double one = 0, solo_sum = 0, cpu_one = 0, cpu_solo = 0, cpu_all;
	int nsolo = 0;
	for (int i = 0; i < n && i < ncpu; i++, nsolo++) {
		double c, t = measure(&w[i], 1, &c);
		if (i == 0)
			one = t, cpu_one = c;
		solo_sum += t;
		cpu_solo += c;
	}
	long holds0 = vm_event("buddy_pcp_refill") + vm_event("buddy_pcp_drain");
	printf("%d threads together:\n", n);
	double all = measure(w, n, &cpu_all);
	long holds = vm_event("buddy_pcp_refill") + vm_event("buddy_pcp_drain") - holds0;
	printf("order-%u %s throughput, %d threads / 1 thread (cpu 0): %.2fx\n", order, loop, n, all / one);
	printf("order-%u %s throughput, %d threads / sum of each CPU alone: %.2f (1.00: nothing shared)\n", order,
	       loop, n, all / solo_sum);
	printf("zone->lock holds of the pcp paths (refill + drain) per block, together: %.4f\n",
	       (double)holds / ((double)n * (double)ops * rounds));
	/* per CPU-microsecond: 1.00 when running together costs each thread no extra CPU time */
	printf("order-%u %s work per CPU time, %d threads / each CPU alone: %.2f (1.00: nothing shared)\n", order,
	       loop, n, cpu_all / (cpu_solo / nsolo));
	printf("result order=%u loop=%s threads=%d one=%.3f all=%.3f solo_sum=%.3f cpu_one=%.3f cpu_solo=%.3f "
	       "cpu_all=%.3f holds=%.5f\n",
	       order, loop, n, one, all, solo_sum, cpu_one, cpu_solo / nsolo, cpu_all,
	       (double)holds / ((double)n * (double)ops * rounds));
	return buddy_check() ? 1 : 0;
}
