/* SPDX-License-Identifier: MIT */
/*
 * A cache of pages that the allocator may take back: the program keeps
 * every page it allocates in a cache (think of a page cache or a pool of
 * buffers) and registers a shrinker for it. When a zone runs low, kswapd
 * (woken by allocations that fail their first attempt) and direct reclaim
 * (in a GFP_KERNEL allocation that still finds nothing) call the shrinker,
 * which frees the oldest pages. The program prints what each did, from the
 * vmstat view.
 *
 *   ./shrinkable_cache            (BUDDY_CONF is honoured for the rest)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>
#include <buddy/shrinker.h>

#define CACHE_MAX (1UL << 20)

/* The cache: a ring of pages, oldest first, under the program's own lock. */
static struct {
	pthread_mutex_t lock;
	struct page **pages;
	unsigned long head, nr;
	unsigned long given_back;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int cache_add(struct page *page)
{
	int ok = 0;

	pthread_mutex_lock(&cache.lock);
	if (cache.nr < CACHE_MAX) {
		cache.pages[(cache.head + cache.nr++) % CACHE_MAX] = page;
		ok = 1;
	}
	pthread_mutex_unlock(&cache.lock);
	return ok;
}

static struct page *cache_take_oldest(void)
{
	struct page *page = NULL;

	pthread_mutex_lock(&cache.lock);
	if (cache.nr) {
		page = cache.pages[cache.head];
		cache.head = (cache.head + 1) % CACHE_MAX;
		cache.nr--;
	}
	pthread_mutex_unlock(&cache.lock);
	return page;
}

/* Pages the cache could give back now. */
static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	pthread_mutex_lock(&cache.lock);
	unsigned long nr = cache.nr;
	pthread_mutex_unlock(&cache.lock);
	return nr;
}

/* Give back up to nr_to_scan pages, oldest first. Runs on kswapd's or an allocating thread. */
static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;
	struct page *page;

	(void)s;
	while (freed < sc->nr_to_scan && (page = cache_take_oldest())) {
		__free_page(page);
		freed++;
	}
	pthread_mutex_lock(&cache.lock);
	cache.given_back += freed;
	pthread_mutex_unlock(&cache.lock);
	return freed;
}

static struct shrinker cache_shrinker = {
	.count_objects = cache_count,
	.scan_objects = cache_scan,
	.seeks = DEFAULT_SEEKS,
	/* it takes only its own lock, which no allocating thread holds: safe for GFP_NOFS/NOIO too */
	.flags = SHRINKER_NOIO_SAFE,
};

/* ------------------------------------------------------------ vmstat */

static const char *const shown[] = {
	"nr_free_pages",  "pageoutrun",	       "pgscan_kswapd",
	"pgsteal_kswapd", "allocstall_normal", "pgscan_direct",
	"pgsteal_direct", "slabs_scanned",     "kswapd_low_wmark_hit_quickly",
};

struct snapshot {
	unsigned long v[sizeof(shown) / sizeof(shown[0])];
};

static void collect(void *opaque, const char *text)
{
	struct snapshot *snap = opaque;
	char name[64];
	unsigned long value;

	if (sscanf(text, "%63s %lu", name, &value) != 2)
		return;
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (!strcmp(name, shown[i]))
			snap->v[i] = value;
}

static void print_delta(const char *what, const struct snapshot *before)
{
	struct snapshot now = {{0}};

	buddy_dump_to(collect, &now, "vmstat");
	printf("%s:\n", what);
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		printf("  %-30s %8lu%s\n", shown[i], now.v[i] - (i ? before->v[i] : 0), i ? "" : " (now)");
	printf("  %-30s %8lu\n", "cache pages", cache_count(NULL, NULL));
}

static void take_snapshot(struct snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	buddy_dump_to(collect, snap, "vmstat");
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int main(void)
{
	struct buddy_config cfg = {
		.arena_size = 64 << 20, .dma_limit = BUDDY_ZONE_EMPTY, .dma32_limit = BUDDY_ZONE_EMPTY};
	struct snapshot before;
	unsigned long got = 0;

	cache.pages = calloc(CACHE_MAX, sizeof(*cache.pages));
	if (!cache.pages || buddy_init(&cfg)) {
		fprintf(stderr, "shrinkable_cache: cannot set up\n");
		return 1;
	}
	if (register_shrinker(&cache_shrinker)) {
		fprintf(stderr, "shrinkable_cache: register_shrinker failed\n");
		return 1;
	}

	/*
	 * 1. Fill the cache with GFP_NOWAIT: no direct reclaim, but each
	 *    allocation that fails its first attempt wakes kswapd, which takes
	 *    the oldest pages back in the background while we go on.
	 */
	take_snapshot(&before);
	for (int round = 0; round < 200; round++) {
		struct page *page = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
		if (!page) {
			pause_ms(1); /* let kswapd catch up */
			continue;
		}
		got++;
		if (!cache_add(page))
			__free_page(page);
		round = 0;
		if (got >= 4 * (64UL << 20) / 4096)
			break;
	}
	printf("phase 1: %lu pages allocated with GFP_NOWAIT into a 16384-page zone\n", got);
	print_delta("kswapd", &before);

	/* 2. GFP_KERNEL may reclaim directly: the allocating thread calls the shrinker itself. */
	take_snapshot(&before);
	got = 0;
	for (unsigned long i = 0; i < 20000; i++) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!page)
			break;
		got++;
		if (!cache_add(page))
			__free_page(page);
	}
	printf("phase 2: %lu pages allocated with GFP_KERNEL\n", got);
	print_delta("direct reclaim (and kswapd)", &before);
	printf("the cache gave back %lu pages in all\n", cache.given_back);

	unregister_shrinker(&cache_shrinker);
	for (struct page *page; (page = cache_take_oldest());)
		__free_page(page);
	buddy_exit();
	free(cache.pages);
	return 0;
}
