/* SPDX-License-Identifier: MIT */
/*
 * The benchmark harness: one source, compiled once per allocator (see
 * backend.h). One process runs one workload: a warm-up pass whose numbers are
 * discarded, then the measured pass, printed as CSV rows
 *   allocator,workload,order,threads,metric,value,unit
 * bench/run starts it many times, interleaving allocators and rotating their
 * order per repetition, and takes medians over the processes.
 *
 * Usage: bench_<allocator> [--quick] [--banner] [--orders 0,3,9] WORKLOAD
 * Workloads: pair bulk repeat-half rand threads touch zeroed frag footprint init
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "bench_util.h"

#define MIB ((size_t)1 << 20)
#define GIB ((size_t)1 << 30)
#define MAX_THREADS 64

/* Sizes of every workload; --quick shrinks them so a full sweep takes ~2 min. */
struct params {
	long pair_iters;	/* orders 0..3; a fifth of it above */
	size_t bulk_bytes;	/* cap on one bulk batch */
	long bulk_max;		/* cap on blocks in one batch */
	long target_ops;	/* batches repeat until this many blocks went through */
	size_t fill_bytes;	/* repeat-half: the half that is filled */
	size_t touch_bytes;	/* touch and zeroed: bytes per thread per pass */
	size_t frag_bytes;	/* fragmentation: capacity being churned */
	size_t foot_bytes;	/* footprint: bytes allocated and touched */
	uint64_t budget_ns;	/* a timed loop stops early past this (slow peers) */
};

static const struct params full_params = {
	.pair_iters = 500000, .bulk_bytes = 512 * MIB, .bulk_max = 16384, .target_ops = 65536,
	.fill_bytes = 1 * GIB, .touch_bytes = 128 * MIB, .frag_bytes = 512 * MIB, .foot_bytes = 256 * MIB,
	.budget_ns = 1000000000,
};
static const struct params quick_params = {
	.pair_iters = 100000, .bulk_bytes = 64 * MIB, .bulk_max = 4096, .target_ops = 16384,
	.fill_bytes = 64 * MIB, .touch_bytes = 8 * MIB, .frag_bytes = 64 * MIB, .foot_bytes = 32 * MIB,
	.budget_ns = 50000000,
};

static struct params P;
static bool measured;		/* false during the warm-up pass: print nothing */
static unsigned int only_orders = ~0u;	/* --orders bit mask */
static int nr_threads_list[3];
static int nr_threads_n;

static const unsigned int all_orders[] = { 0, 1, 3, 6, 9, 10 };
static const unsigned int key_orders[] = { 0, 3, 9 };
#define N_ALL (sizeof(all_orders) / sizeof(all_orders[0]))
#define N_KEY (sizeof(key_orders) / sizeof(key_orders[0]))

static bool want_order(unsigned int order)
{
	return (only_orders >> order) & 1;
}

static void emit_as(const char *alloc, const char *workload, int order, int threads, const char *metric,
		    double value, const char *unit)
{
	char o[16] = "-", t[16] = "-";

	if (!measured)
		return;
	if (order >= 0)
		snprintf(o, sizeof(o), "%d", order);
	if (threads > 0)
		snprintf(t, sizeof(t), "%d", threads);
	printf("%s,%s,%s,%s,%s,%.6g,%s\n", alloc, workload, o, t, metric, value, unit);
}

static void emit(const char *workload, int order, int threads, const char *metric, double value, const char *unit)
{
	emit_as(BK_NAME, workload, order, threads, metric, value, unit);
}

/* Keep the compiler from pairing an allocation with its free and deleting both. */
static inline void sink(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void *must_alloc(unsigned int order)
{
	void *h = bk_alloc(order);

	if (!h) {
		fprintf(stderr, "%s: order-%u allocation failed\n", BK_NAME, order);
		exit(1);
	}
	return h;
}

static void **xcalloc_ptrs(size_t n)
{
	void **v = calloc(n ? n : 1, sizeof(void *));

	if (!v) {
		perror("calloc");
		exit(1);
	}
	return v;
}

/*
 * Loops run their planned count or until the time budget is spent, whichever
 * comes first, and report per operation actually done: a peer that takes
 * 100 us per block must not hold the whole sweep up.
 */
static bool over_budget(uint64_t t0)
{
	return now_ns() - t0 > P.budget_ns;
}

static long pair_iters(unsigned int order)
{
	return order <= 3 ? P.pair_iters : P.pair_iters / 5;
}

/* Blocks in one bulk batch at this order, and how many batches. */
static long bulk_n(unsigned int order)
{
	long n = (long)(P.bulk_bytes >> (BK_PAGE_SHIFT + order));

	return n < P.bulk_max ? (n ? n : 1) : P.bulk_max;
}
static long bulk_cycles(long n)
{
	return P.target_ops / n > 1 ? P.target_ops / n : 1;
}

/* ------------------------------------------------------------ threads */

struct worker {
	pthread_t tid;
	int id, nr;
	unsigned int order;
	long n, cycles;
	size_t touch;		/* bytes bulk_worker writes into each block (0: none) */
	void **slots;		/* shared array, n per thread (rand) */
	uint64_t start, end;	/* measured span */
	uint64_t t_alloc, t_free;
	long done;		/* cycles (or pairs) completed */
};

static atomic_bool stop_all;	/* rand: thread 0 ends the run for everyone */

static pthread_barrier_t barrier;

/* Run fn on nr threads that start together; returns the wall span in ns. */
static uint64_t run_threads(struct worker *w, int nr, void *(*fn)(void *))
{
	uint64_t first = UINT64_MAX, last = 0;

	pthread_barrier_init(&barrier, NULL, (unsigned int)nr);
	for (int i = 0; i < nr; i++) {
		w[i].id = i;
		w[i].nr = nr;
		if (pthread_create(&w[i].tid, NULL, fn, &w[i])) {
			perror("pthread_create");
			exit(1);
		}
	}
	for (int i = 0; i < nr; i++) {
		pthread_join(w[i].tid, NULL);
		first = w[i].start < first ? w[i].start : first;
		last = w[i].end > last ? w[i].end : last;
	}
	pthread_barrier_destroy(&barrier);
	return last - first;
}

/* ------------------------------------------------------------ pair */

static double pair_ns(unsigned int order, long iters)
{
	uint64_t t0 = now_ns();
	long i = 0;

	while (i < iters) {
		for (long k = 0; k < 256; k++, i++) {
			void *h = must_alloc(order);
			sink(h);
			bk_free(h, order);
		}
		if (over_budget(t0))
			break;
	}
	return (double)(now_ns() - t0) / (double)i;
}

static void wl_pair(void)
{
	for (size_t i = 0; i < N_ALL; i++) {
		unsigned int o = all_orders[i];
		if (want_order(o))
			emit("pair", (int)o, 1, "alloc+free", pair_ns(o, pair_iters(o)), "ns/op");
	}
}

/* ------------------------------------------------------------ bulk */

static void wl_bulk(void)
{
	for (size_t i = 0; i < N_ALL; i++) {
		unsigned int o = all_orders[i];
		long n = bulk_n(o), cycles = bulk_cycles(n);
		uint64_t ta = 0, tf = 0, start = now_ns();
		void **v;
		long c;

		if (!want_order(o))
			continue;
		v = xcalloc_ptrs((size_t)n);
		for (c = 0; c < cycles && !(c && over_budget(start)); c++) {
			uint64_t t0 = now_ns();
			for (long k = 0; k < n; k++)
				v[k] = must_alloc(o);
			uint64_t t1 = now_ns();
			for (long k = 0; k < n; k++)
				bk_free(v[k], o);
			uint64_t t2 = now_ns();
			ta += t1 - t0;
			tf += t2 - t1;
		}
		emit("bulk", (int)o, 1, "alloc", (double)ta / (double)(n * c), "ns/op");
		emit("bulk", (int)o, 1, "free", (double)tf / (double)(n * c), "ns/op");
		free(v);
	}
}

/* ------------------------------------------------------------ repeat-half */

/*
 * LLFree's "repeat": half the memory is held in blocks of the order under
 * test, then pairs run beside it. libbuddy gets an arena of twice the fill,
 * Normal zone only, so "half" is exact; the peers get the same fill.
 */
static void wl_repeat_half(void)
{
	bk_teardown();
	if (bk_setup(BK_ARENA_NORMAL_ONLY, 2 * P.fill_bytes)) {
		fprintf(stderr, "repeat-half: setup failed\n");
		exit(1);
	}
	for (size_t i = 0; i < N_KEY; i++) {
		unsigned int o = key_orders[i];
		long n = (long)(P.fill_bytes >> (BK_PAGE_SHIFT + o));
		void **v;

		if (!want_order(o))
			continue;
		v = xcalloc_ptrs((size_t)n);
		for (long k = 0; k < n; k++)
			v[k] = must_alloc(o);
		emit("repeat-half", (int)o, 1, "alloc+free", pair_ns(o, pair_iters(o)), "ns/op");
		for (long k = 0; k < n; k++)
			bk_free(v[k], o);
		free(v);
	}
	bk_teardown();
	bk_setup(BK_ARENA_DEFAULT, 0);
}

/* ------------------------------------------------------------ rand */

/* Each thread allocates n, thread 0 shuffles all, each frees n others allocated. */
static void *rand_worker(void *arg)
{
	struct worker *w = arg;
	void **mine = w->slots + (size_t)w->id * (size_t)w->n;

	pthread_barrier_wait(&barrier);
	w->start = now_ns();
	for (long c = 0; c < w->cycles; c++) {
		uint64_t t0 = now_ns();
		for (long k = 0; k < w->n; k++)
			mine[k] = must_alloc(w->order);
		w->t_alloc += now_ns() - t0;
		pthread_barrier_wait(&barrier);
		if (w->id == 0)
			shuffle_ptrs(w->slots, (size_t)w->n * (size_t)w->nr, 0x9e3779b97f4a7c15ull + (uint64_t)c);
		pthread_barrier_wait(&barrier);
		t0 = now_ns();
		for (long k = 0; k < w->n; k++)
			bk_free(mine[k], w->order);
		w->t_free += now_ns() - t0;
		w->done++;
		if (w->id == 0 && over_budget(w->start))
			atomic_store(&stop_all, true);
		pthread_barrier_wait(&barrier);
		if (atomic_load(&stop_all))
			break;
	}
	w->end = now_ns();
	return NULL;
}

static void wl_rand(void)
{
	int nr = nr_threads_list[nr_threads_n - 1];

	if (nr < 2)
		nr = 2;
	for (size_t i = 0; i < N_KEY; i++) {
		unsigned int o = key_orders[i];
		long n = bulk_n(o) / nr ? bulk_n(o) / nr : 1;
		struct worker w[MAX_THREADS];
		uint64_t ta = 0, tf = 0;

		if (!want_order(o))
			continue;
		memset(w, 0, sizeof(w));
		atomic_store(&stop_all, false);
		void **slots = xcalloc_ptrs((size_t)n * (size_t)nr);
		for (int t = 0; t < nr; t++) {
			w[t].order = o;
			w[t].n = n;
			w[t].cycles = bulk_cycles(n * nr);
			w[t].slots = slots;
		}
		run_threads(w, nr, rand_worker);
		for (int t = 0; t < nr; t++) {
			ta = w[t].t_alloc > ta ? w[t].t_alloc : ta;
			tf = w[t].t_free > tf ? w[t].t_free : tf;
		}
		emit("rand", (int)o, nr, "alloc", (double)ta / (double)(n * w[0].done), "ns/op");
		emit("rand", (int)o, nr, "remote-free", (double)tf / (double)(n * w[0].done), "ns/op");
		free(slots);
	}
}

/* ------------------------------------------------------------ threads */

static void *pair_worker(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&barrier);
	w->start = now_ns();
	while (w->done < w->cycles) {
		for (int k = 0; k < 256; k++) {
			void *h = must_alloc(w->order);
			sink(h);
			bk_free(h, w->order);
		}
		w->done += 256;
		if (over_budget(w->start))
			break;
	}
	w->end = now_ns();
	return NULL;
}

/* Allocate a pass of blocks (writing into each when touch says so), then free them all. */
static void *bulk_worker(void *arg)
{
	struct worker *w = arg;
	void **v = xcalloc_ptrs((size_t)w->n);

	pthread_barrier_wait(&barrier);
	w->start = now_ns();
	for (long c = 0; c < w->cycles; c++) {
		for (long k = 0; k < w->n; k++) {
			v[k] = must_alloc(w->order);
			if (w->touch)
				memset(bk_addr(v[k]), 0x5a, w->touch);
		}
		for (long k = 0; k < w->n; k++)
			bk_free(v[k], w->order);
		w->done += w->n;
		if (over_budget(w->start))
			break;
	}
	w->end = now_ns();
	free(v);
	return NULL;
}

/* Million alloc+free pairs per second, all threads together. */
static double threads_mops(unsigned int o, int nr, bool bulk)
{
	struct worker w[MAX_THREADS];
	long n = bulk ? (bulk_n(o) < 1024 ? bulk_n(o) : 1024) : 1;
	long cycles = bulk ? bulk_cycles(n) : pair_iters(o);

	memset(w, 0, sizeof(w));
	for (int t = 0; t < nr; t++) {
		w[t].order = o;
		w[t].n = n;
		w[t].cycles = cycles;
	}
	uint64_t span = run_threads(w, nr, bulk ? bulk_worker : pair_worker);
	double ops = 0;
	for (int t = 0; t < nr; t++)
		ops += (double)w[t].done;
	return ops / (double)span * 1e3;
}

static void wl_threads(void)
{
	for (size_t i = 0; i < N_KEY; i++) {
		unsigned int o = key_orders[i];
		double base[2] = { 0, 0 };

		if (!want_order(o))
			continue;
		for (int k = 0; k < nr_threads_n; k++) {
			int nr = nr_threads_list[k];
			for (int b = 0; b < 2; b++) {
				double m = threads_mops(o, nr, b);
				const char *name = b ? "bulk" : "pair";
				char metric[32];

				emit("threads", (int)o, nr, b ? "bulk-throughput" : "pair-throughput", m, "Mops/s");
				if (nr == 1)
					base[b] = m;
				else if (base[b] > 0) {
					snprintf(metric, sizeof(metric), "%s-scaling", name);
					emit("threads", (int)o, nr, metric, m / base[b], "x");
				}
			}
		}
	}
}

/* ------------------------------------------------------------ touch */

static void wl_touch(void)
{
	for (size_t i = 0; i < N_KEY; i++) {
		unsigned int o = key_orders[i];

		if (!want_order(o))
			continue;
		for (int k = 0; k < nr_threads_n; k++) {
			struct worker w[MAX_THREADS];
			int nr = nr_threads_list[k];
			long n = (long)(P.touch_bytes >> (BK_PAGE_SHIFT + o));

			n = n ? n : 1;
			memset(w, 0, sizeof(w));
			for (int t = 0; t < nr; t++) {
				w[t].order = o;
				w[t].n = n;
				w[t].cycles = 2;
				w[t].touch = bk_size(o);	/* write every byte of each block */
			}
			uint64_t span = run_threads(w, nr, bulk_worker);
			double blocks = 0;
			for (int t = 0; t < nr; t++)
				blocks += (double)w[t].done;
			/* Per block as one thread sees it, and bytes written per second by all. */
			emit("touch", (int)o, nr, "alloc+write+free", (double)span * nr / blocks, "ns/op");
			emit("touch", (int)o, nr, "bandwidth", blocks * (double)bk_size(o) / (double)span, "GB/s");
		}
	}
}

/* ------------------------------------------------------------ zeroed */

static void wl_zeroed(void)
{
	for (size_t i = 0; i < N_KEY; i++) {
		unsigned int o = key_orders[i];
		long n = (long)(P.touch_bytes >> (BK_PAGE_SHIFT + o));
		void **v;
		uint64_t t = 0;

		if (!want_order(o))
			continue;
		n = n ? n : 1;
		v = xcalloc_ptrs((size_t)n);
		int c;
		for (c = 0; c < 2 && !(c && t > P.budget_ns); c++) {
			uint64_t t0 = now_ns();
			for (long k = 0; k < n; k++) {
				v[k] = bk_alloc_zeroed(o);
				if (!v[k]) {
					fprintf(stderr, "zeroed: allocation failed\n");
					exit(1);
				}
			}
			t += now_ns() - t0;
			for (long k = 0; k < n; k++)
				bk_free(v[k], o);
		}
		emit("zeroed", (int)o, 1, "zeroed-alloc", (double)t / (double)(c * n), "ns/op");
		emit("zeroed", (int)o, 1, "bandwidth", (double)c * (double)n * (double)bk_size(o) / (double)t, "GB/s");
		free(v);
	}
#ifdef BK_LIBBUDDY
	/* The physical limit: memset over an already-faulted buffer, same block sizes. */
	{
		char *buf = malloc(P.touch_bytes);
		if (!buf)
			exit(1);
		memset(buf, 1, P.touch_bytes);
		for (size_t i = 0; i < N_KEY; i++) {
			unsigned int o = key_orders[i];
			uint64_t t0 = now_ns();
			for (int c = 0; c < 2; c++)
				for (size_t off = 0; off + bk_size(o) <= P.touch_bytes; off += bk_size(o)) {
					memset(buf + off, 0, bk_size(o));
					sink(buf + off);
				}
			uint64_t t = now_ns() - t0;
			if (want_order(o))
				emit_as("memset", "zeroed", (int)o, 1, "bandwidth", 2.0 * (double)P.touch_bytes / (double)t,
					"GB/s");
		}
		free(buf);
	}
#endif
}

/* ------------------------------------------------------------ fragmentation */

/*
 * Churn order-0 blocks, a quarter long-lived and three quarters short-lived,
 * over 90% of a fixed capacity; free the short-lived ones and ask for as many
 * naturally aligned order-9 (2 MiB) blocks as the freed memory could hold.
 * libbuddy's arena is exactly the capacity, so success depends on how well it
 * kept long-lived pages together; the peers can always map more, so what
 * matters for them is the RSS the 2 MiB blocks cost on top of the churned heap.
 * Every block is written in full, for every allocator.
 */
static void wl_frag(void)
{
	size_t cap = P.frag_bytes;
	long n = (long)(cap / 10 * 9 >> BK_PAGE_SHIFT), fails = 0;
	void **v = xcalloc_ptrs((size_t)n);
	bool *lng = calloc((size_t)n, sizeof(bool));
	uint64_t s = 0x2545f4914f6cdd1dull;
	size_t block = bk_size(0);

	bk_teardown();
	if (bk_setup(BK_ARENA_NORMAL_ONLY, cap)) {
		fprintf(stderr, "frag: setup failed\n");
		exit(1);
	}
	for (int round = 0; round < 5; round++) {
		for (long k = 0; k < n; k++) {
			if (v[k] && (lng[k] || (rng_next(&s) & 1)))
				continue;
			if (v[k])
				bk_free(v[k], 0);
			lng[k] = (rng_next(&s) & 3) == 0;
			v[k] = bk_alloc_kind(0, !lng[k]);
			if (v[k])
				memset(bk_addr(v[k]), 0x33, block);
			else
				fails++;
		}
	}
	long live = 0;
	for (long k = 0; k < n; k++) {
		if (v[k] && !lng[k]) {
			bk_free(v[k], 0);
			v[k] = NULL;
		}
		live += v[k] != NULL;
	}
	long want = (long)((cap - (size_t)live * block) / bk_size(9)), got = 0;
	void **big = xcalloc_ptrs((size_t)want);
	long rss0 = rss_kib();
	for (long k = 0; k < want; k++) {
		big[k] = bk_alloc_kind(9, true);
		if (big[k]) {
			memset(bk_addr(big[k]), 0x44, bk_size(9));
			got++;
		}
	}
	long rss1 = rss_kib();
	emit("frag", 9, 1, "order9-success", want ? 100.0 * (double)got / (double)want : 0, "%");
	emit("frag", 9, 1, "order9-blocks-wanted", (double)want, "blocks");
	emit("frag", 9, 1, "rss-after-churn", (double)rss0 / 1024, "MiB");
	emit("frag", 9, 1, "rss-cost-of-order9", (double)(rss1 - rss0) / 1024, "MiB");
	emit("frag", 0, 1, "churn-alloc-failures", (double)fails, "blocks");
	for (long k = 0; k < want; k++)
		if (big[k])
			bk_free(big[k], 9);
	for (long k = 0; k < n; k++)
		if (v[k])
			bk_free(v[k], 0);
	free(big);
	free(lng);
	free(v);
	bk_teardown();
	bk_setup(BK_ARENA_DEFAULT, 0);
}

/* ------------------------------------------------------------ footprint */

/*
 * Resident cost beyond the bytes handed out: allocate and write foot_bytes of
 * blocks in a fresh process, then (RSS growth - bytes) / pages is what the
 * allocator's metadata and waste cost per page. Run once per process and
 * order (bench/run uses --orders), with no warm-up: it must start cold.
 */
static void wl_footprint(void)
{
	for (size_t i = 0; i < N_KEY; i++) {
		unsigned int o = key_orders[i];
		long n = (long)(P.foot_bytes >> (BK_PAGE_SHIFT + o));
		void **v;

		if (!want_order(o))
			continue;
		v = xcalloc_ptrs((size_t)n);
		long rss0 = rss_kib();
		for (long k = 0; k < n; k++) {
			v[k] = must_alloc(o);
			memset(bk_addr(v[k]), 0x77, bk_size(o));
		}
		long rss1 = rss_kib();
		double pages = (double)P.foot_bytes / 4096.0;
		emit("footprint", (int)o, 1, "overhead-per-page",
		     ((double)(rss1 - rss0) * 1024.0 - (double)P.foot_bytes) / pages, "bytes");
		for (long k = 0; k < n; k++)
			bk_free(v[k], o);
		free(v);
		break;	/* one order per process, so the next starts cold */
	}
}

/* libbuddy only: start-up time and resident memory for big arenas. */
static void wl_init(void)
{
#ifdef BK_LIBBUDDY
	static const unsigned int gib[] = { 1, 16, 64 };

	bk_teardown();
	for (int pass = 0; pass < 2; pass++) {
		measured = pass == 1;
		for (size_t i = 0; i < sizeof(gib) / sizeof(gib[0]); i++) {
			char metric[48];
			long rss0 = rss_kib();
			uint64_t t0 = now_ns();
			int rc = bk_setup(BK_ARENA_DEFAULT, (size_t)gib[i] * GIB);
			uint64_t t = now_ns() - t0;
			long rss1 = rss_kib();

			if (rc) {
				fprintf(stderr, "init: buddy_init(%uG) failed: %s\n", gib[i], strerror(-rc));
				continue;
			}
			snprintf(metric, sizeof(metric), "buddy_init-%uG", gib[i]);
			emit("init", -1, 1, metric, (double)t / 1e3, "us");
			snprintf(metric, sizeof(metric), "init-rss-%uG", gib[i]);
			emit("init", -1, 1, metric, (double)(rss1 - rss0), "KiB");
			snprintf(metric, sizeof(metric), "init-rss-per-page-%uG", gib[i]);
			emit("init", -1, 1, metric, (double)(rss1 - rss0) * 1024.0 / (double)((size_t)gib[i] * GIB / 4096),
			     "bytes");
			bk_teardown();
		}
	}
	bk_setup(BK_ARENA_DEFAULT, 0);
#endif
}

/* ------------------------------------------------------------ main */

struct workload {
	const char *name;
	void (*fn)(void);
	bool warm;	/* run a discarded warm-up pass first */
};

static const struct workload workloads[] = {
	{ "pair", wl_pair, true },
	{ "bulk", wl_bulk, true },
	{ "repeat-half", wl_repeat_half, true },
	{ "rand", wl_rand, true },
	{ "threads", wl_threads, true },
	{ "touch", wl_touch, true },
	{ "zeroed", wl_zeroed, true },
	{ "frag", wl_frag, false },
	{ "footprint", wl_footprint, false },
	{ "init", wl_init, false },
};

/* A workload that hangs (a deadlock in an allocator) ends with a message. */
static const char *running = "";
static void on_alarm(int sig)
{
	char msg[160];
	int len = snprintf(msg, sizeof(msg), "bench_%s: workload %s did not finish in time (hung?)\n", BK_NAME, running);

	(void)sig;
	if (write(2, msg, (size_t)len) < 0)
		_exit(3);
	_exit(3);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_%s [--quick] [--banner] [--orders 0,3,9] WORKLOAD\nworkloads:", BK_NAME);
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		fprintf(stderr, " %s", workloads[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

static void parse_orders(const char *s)
{
	only_orders = 0;
	for (char *end; *s; s = *end ? end + 1 : end) {
		long o = strtol(s, &end, 10);
		if (end == s || o < 0 || o > 10)
			usage();
		only_orders |= 1u << o;
	}
}

int main(int argc, char **argv)
{
	const char *name = NULL;
	bool banner = false;
	char version[96];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	P = full_params;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			P = quick_params;
		else if (!strcmp(argv[i], "--banner"))
			banner = true;
		else if (!strcmp(argv[i], "--orders") && i + 1 < argc)
			parse_orders(argv[++i]);
		else if (argv[i][0] == '-' || name)
			usage();
		else
			name = argv[i];
	}
	/* 1 and 2 threads, and every CPU on machines with more than two. */
	nr_threads_list[nr_threads_n++] = 1;
	nr_threads_list[nr_threads_n++] = 2;
	if (cpus > 2)
		nr_threads_list[nr_threads_n++] = cpus < MAX_THREADS ? (int)cpus : MAX_THREADS;

	if (banner) {
		bk_version(version, sizeof(version));
		print_machine(stdout, version);
		printf("# zeroed blocks via: %s\n", BK_ZERO_HOW);
		if (!name)
			return 0;
	}
	if (!name)
		usage();
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		const struct workload *w = &workloads[i];
		int rc;

		if (strcmp(w->name, name))
			continue;
		rc = bk_setup(BK_ARENA_DEFAULT, 0);
		if (rc) {
			fprintf(stderr, "%s: set-up failed: %s\n", BK_NAME, strerror(-rc));
			return 1;
		}
		reset_peak_rss();
		running = w->name;
		signal(SIGALRM, on_alarm);
		alarm(P.budget_ns < 1000000000 ? 30 : 600);
		if (w->warm) {
			measured = false;
			w->fn();
		}
		measured = true;
		w->fn();
#ifndef BK_LIBBUDDY
		if (w->fn == wl_init)
			return 0;	/* libbuddy only */
#endif
		/* With a single --orders value (footprint), the peak belongs to that order. */
		int peak_order = __builtin_popcount(only_orders) == 1 ? __builtin_ctz(only_orders) : -1;
		emit(w->name, peak_order, -1, "peak-rss", (double)peak_rss_kib() / 1024, "MiB");
		bk_teardown();
		return 0;
	}
	usage();
	return 2;
}
