/* SPDX-License-Identifier: MIT */
/*
 * Soak: N threads of random allocation, freeing, splitting, references,
 * contiguous ranges, draining and compaction for a given time, with fault
 * injection on (its probability changed every second), a shrinker-backed
 * cache that kswapd and direct reclaim empty, and kswapd running. At the end
 * everything is given back and the zones' free pages must add up to what
 * they held at the start, with buddy_check() clean. Not a ctest test (it
 * runs for as long as it is told): build/tests/soak [seconds] [threads].
 * Exit 0 when clean; the counts on stdout. docs/reliability.md quotes runs.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>
#include <buddy/shrinker.h>

#define MAX_HELD  512
#define CACHE_MAX 4096

struct held {
	struct page *page;
	unsigned int order;
	unsigned long contig; /* pages of a contiguous range, else 0 */
};

struct worker {
	pthread_t thread;
	int id;
	uint64_t rng;
	struct held held[MAX_HELD];
	int nr_held;
	unsigned long ops, allocs, alloc_failed;
};

static atomic_bool stop;
static atomic_ulong compactions, reclaimed;

/* The cache: order-0 pages the shrinker may free. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct page *cache[CACHE_MAX];
static unsigned long cache_nr;

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	pthread_mutex_lock(&cache_lock);
	unsigned long n = cache_nr;
	pthread_mutex_unlock(&cache_lock);
	return n;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	(void)s;
	pthread_mutex_lock(&cache_lock);
	while (cache_nr && freed < sc->nr_to_scan) {
		__free_pages(cache[--cache_nr], 0);
		freed++;
	}
	pthread_mutex_unlock(&cache_lock);
	atomic_fetch_add(&reclaimed, freed);
	return freed;
}

static struct shrinker cache_shrinker = {
	.count_objects = cache_count,
	.scan_objects = cache_scan,
	.seeks = DEFAULT_SEEKS,
	.flags = SHRINKER_NOIO_SAFE,
};

static const gfp_t masks[] = {
	GFP_KERNEL,
	GFP_NOWAIT,
	GFP_ATOMIC,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_KERNEL | __GFP_NORETRY,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL,
	GFP_NOFS,
	GFP_DMA32 | GFP_KERNEL,
	GFP_TEMPORARY,
	GFP_NOWAIT | __GFP_MOVABLE,
};

static unsigned int pick_order(uint64_t r)
{
	unsigned int b = r & 255;

	if (b < 180)
		return 0;
	if (b < 240)
		return 1 + (unsigned int)((r >> 8) % 3);
	return (unsigned int)((r >> 8) % 10);
}

static void give_back(struct worker *w, int i)
{
	struct held h = w->held[i];

	if (h.contig)
		free_contig_range(page_to_pfn(h.page), h.contig);
	else
		__free_pages(h.page, h.order);
	w->held[i] = w->held[--w->nr_held];
}

static void keep(struct worker *w, struct page *page, unsigned int order, unsigned long contig)
{
	w->held[w->nr_held++] = (struct held){page, order, contig};
}

static void op_alloc(struct worker *w, uint64_t r)
{
	unsigned int order = pick_order(r);
	gfp_t gfp = masks[(r >> 16) % (sizeof(masks) / sizeof(masks[0]))] | __GFP_NOWARN;

	if (w->nr_held == MAX_HELD) {
		give_back(w, (int)((r >> 24) % MAX_HELD));
		return;
	}
	w->allocs++;
	struct page *page = alloc_pages(gfp, order);
	if (!page) {
		w->alloc_failed++;
		return;
	}
	memset(page_address(page), w->id, 64);
	keep(w, page, order, 0);
}

/* An order-n block split into order-0 pages; the ones kept here, the rest to the cache. */
static void op_split(uint64_t r)
{
	unsigned int order = 1 + (unsigned int)(r % 3);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

	if (!page)
		return;
	split_page(page, order);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = pfn_to_page(page_to_pfn(page) + i);
		pthread_mutex_lock(&cache_lock);
		bool cached = cache_nr < CACHE_MAX;
		if (cached)
			cache[cache_nr++] = p;
		pthread_mutex_unlock(&cache_lock);
		if (!cached)
			__free_pages(p, 0);
	}
}

static void op_ref(struct worker *w, uint64_t r)
{
	if (!w->nr_held)
		return;
	struct held *h = &w->held[r % (unsigned)w->nr_held];
	if (h->contig)
		return;
	get_page(h->page);
	put_page(h->page);
}

static void op_contig(struct worker *w, uint64_t r)
{
	unsigned long nr = 1 + r % 32;
	struct page *page;

	if (w->nr_held == MAX_HELD)
		return;
	page = alloc_contig_pages(nr, GFP_KERNEL | __GFP_NOWARN, 0, NULL);
	if (page)
		keep(w, page, 0, nr);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint64_t r = next(&w->rng);
		unsigned int op = (unsigned int)(r % 1000);

		r >>= 10;
		w->ops++;
		if (op < 500)
			op_alloc(w, r);
		else if (op < 900) {
			if (w->nr_held)
				give_back(w, (int)(r % (unsigned)w->nr_held));
		} else if (op < 940)
			op_split(r);
		else if (op < 980)
			op_ref(w, r);
		else if (op < 990)
			op_contig(w, r);
		else if (op < 998)
			buddy_drain_local_pages();
		else if (op == 998) {
			int one = 1;
			buddy_ctl("vm.compact_memory", NULL, NULL, &one, sizeof(one));
			atomic_fetch_add(&compactions, 1);
		} else
			buddy_drain_all_pages();
	}
	while (w->nr_held)
		give_back(w, w->nr_held - 1);
	return NULL;
}

static long total_free(void)
{
	long sum = 0;

	buddy_drain_all_pages();
	for (int nid = 0; nid < buddy_nr_nodes(); nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			long f = buddy_zone_free_pages(nid, (enum zone_type)z);
			if (f > 0)
				sum += f;
		}
	return sum;
}

static int ctl_int(const char *name, int v)
{
	return buddy_ctl(name, NULL, NULL, &v, sizeof(v));
}

static unsigned long vmstat(const char *name)
{
	unsigned long v = 0;
	size_t len = sizeof(v);

	buddy_ctl(name, &v, &len, NULL, 0);
	return v;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	int nthreads = argc > 2 ? atoi(argv[2]) : 4;
	const char *extra = getenv("SOAK_CONF");
	char conf[512];
	struct worker *workers;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : (uint64_t)time(NULL);

	if (seconds <= 0 || nthreads <= 0 || nthreads > 256) {
		fprintf(stderr, "usage: soak [seconds] [threads 1..256] [seed]\n");
		return 2;
	}
	snprintf(conf, sizeof(conf),
		 "arena_size:64M,dma_limit:4M,dma32_limit:20M,fail_page_alloc:1/5/0/-1,fail_page_alloc_min_order:0,"
		 "fail_page_alloc_verbose:0,fail_page_alloc_ignore_gfp_wait:off,fail_page_alloc_seed:%llu%s%s",
		 (unsigned long long)seed, extra ? "," : "", extra ? extra : "");
	struct buddy_config cfg = {.conf = conf};
	if (buddy_init(&cfg)) {
		fprintf(stderr, "soak: buddy_init failed\n");
		return 1;
	}
	ctl_int("fail_page_alloc.probability", 0);
	long baseline = total_free();
	if (register_shrinker(&cache_shrinker))
		return 1;
	workers = calloc((size_t)nthreads, sizeof(*workers));
	for (int i = 0; i < nthreads; i++) {
		workers[i].id = i;
		workers[i].rng = seed * 1000003ULL + (uint64_t)i;
		pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	}
	uint64_t rng = seed;
	for (int s = 0; s < seconds; s++) {
		/* fault injection: off a third of the time, else 1..20 % */
		int p = (int)(next(&rng) % 30);
		ctl_int("fail_page_alloc.probability", p < 10 ? 0 : p - 9);
		sleep(1);
		if (s % 60 == 59)
			printf("soak: %d s, injected %lu, buddy_check %d\n", s + 1,
			       vmstat("vmstat.buddy_fail_page_alloc"), buddy_check());
		fflush(stdout);
	}
	atomic_store(&stop, true);
	unsigned long ops = 0, allocs = 0, failed = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(workers[i].thread, NULL);
		ops += workers[i].ops;
		allocs += workers[i].allocs;
		failed += workers[i].alloc_failed;
	}
	ctl_int("fail_page_alloc.probability", 0);
	unregister_shrinker(&cache_shrinker);
	while (cache_nr)
		__free_pages(cache[--cache_nr], 0);
	long end = total_free();
	int check = buddy_check();
	printf("soak: seed %llu, %d threads, %d s: %lu ops, %lu alloc_pages calls of which %lu failed; "
	       "%lu requests failed by injection in all; %lu pages reclaimed by the shrinker, %lu compactions, "
	       "%lu kswapd runs\n",
	       (unsigned long long)seed, nthreads, seconds, ops, allocs, failed, vmstat("vmstat.buddy_fail_page_alloc"),
	       atomic_load(&reclaimed), atomic_load(&compactions), vmstat("vmstat.pageoutrun"));
	printf("soak: free pages %ld at the start, %ld at the end; buddy_check %d\n", baseline, end, check);
	free(workers);
	buddy_exit();
	if (end != baseline || check != 0) {
		printf("soak: FAILED\n");
		return 1;
	}
	printf("soak: clean\n");
	return 0;
}
