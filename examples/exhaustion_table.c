/* SPDX-License-Identifier: MIT */
/*
 * exhaustion_table: where does each GFP mask stop? For each mask, a fresh
 * allocator with one 512 MiB Normal zone and a 64 MiB cache of pages
 * registered as a shrinker (needing __GFP_FS, like a filesystem's cache),
 * then order-0 allocations until the first failure. Prints one row per mask
 * (docs/slow-path.md quotes it): pages taken, free pages left, how much of
 * the cache direct reclaim and kswapd took back, direct-reclaim stalls, OOM
 * notifier calls. __GFP_NOFAIL never fails: it runs until the zone is empty
 * and another thread has to free a page for it to return.
 *
 * Build: part of the examples (cmake -DBUDDY_BUILD_EXAMPLES=ON, the default).
 * Run:   build/plain/examples/exhaustion_table [kswapd:off] 2>/dev/null
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>
#include <buddy/oom.h>
#include <buddy/shrinker.h>

#define CONF	    "arena_size:512M,dma_limit:0,dma32_limit:0"
#define CACHE_PAGES 16384 /* 64 MiB */

/* ---- growable page stacks */

struct stack {
	struct page **p;
	size_t nr, cap;
};

static void push(struct stack *s, struct page *page)
{
	if (s->nr == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
		if (!s->p)
			abort();
	}
	s->p[s->nr++] = page;
}

static void free_all(struct stack *s)
{
	while (s->nr)
		__free_pages(s->p[--s->nr], 0);
}

/* ---- the cache, and its shrinker */

static struct stack cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	pthread_mutex_lock(&cache_lock);
	unsigned long n = cache.nr;
	pthread_mutex_unlock(&cache_lock);
	return n;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;
	(void)s;
	pthread_mutex_lock(&cache_lock);
	while (freed < sc->nr_to_scan && cache.nr) {
		__free_pages(cache.p[--cache.nr], 0);
		freed++;
	}
	pthread_mutex_unlock(&cache_lock);
	return freed;
}

static struct shrinker cache_shrinker = {
	.count_objects = cache_count,
	.scan_objects = cache_scan,
	.seeks = DEFAULT_SEEKS,
};

/* ---- an OOM notifier that only counts (it has nothing to give) */

static atomic_int oom_calls;
static int count_oom(struct notifier_block *nb, unsigned long action, void *data)
{
	(void)nb;
	(void)action;
	(void)data;
	atomic_fetch_add(&oom_calls, 1);
	return NOTIFY_DONE;
}
static struct notifier_block oom_nb = {.notifier_call = count_oom};

/* ---- vmstat */

static unsigned long vmstat(const char *name)
{
	char *text = NULL, *hit;
	size_t len = 0, nlen = strlen(name);
	unsigned long v = 0;
	FILE *f = open_memstream(&text, &len);

	buddy_dump(f, "vmstat");
	fclose(f);
	for (hit = strstr(text, name); hit; hit = strstr(hit + 1, name))
		if ((hit == text || hit[-1] == '\n') && hit[nlen] == ' ') {
			v = strtoul(hit + nlen + 1, NULL, 10);
			break;
		}
	free(text);
	return v;
}

/* ---- __GFP_NOFAIL: a helper frees one page once the allocating thread stalls */

static struct stack taken;
static atomic_long progress;
static atomic_int helper_freed, helper_stop;

static void *free_one_when_stalled(void *arg)
{
	long last = -1;
	(void)arg;
	while (!atomic_load(&helper_stop)) {
		usleep(200 * 1000);
		long now = atomic_load(&progress);
		if (now == last && !atomic_load(&helper_freed)) {
			pthread_mutex_lock(&cache_lock);
			__free_pages(taken.p[--taken.nr], 0);
			pthread_mutex_unlock(&cache_lock);
			atomic_store(&helper_freed, 1);
		}
		last = now;
	}
	return NULL;
}

static long nofail_run(gfp_t gfp, long *after_help)
{
	pthread_t t;
	long n = 0;

	pthread_create(&t, NULL, free_one_when_stalled, NULL);
	for (;;) {
		struct page *p = alloc_pages(gfp, 0);
		if (!p) {
			fprintf(stderr, "exhaustion_table: __GFP_NOFAIL returned NULL\n");
			exit(1);
		}
		pthread_mutex_lock(&cache_lock);
		push(&taken, p);
		pthread_mutex_unlock(&cache_lock);
		n++;
		atomic_store(&progress, n);
		if (atomic_load(&helper_freed)) {
			*after_help = 1;
			break;
		}
	}
	atomic_store(&helper_stop, 1);
	pthread_join(t, NULL);
	return n;
}

/* ---- one row */

static const char *conf = CONF;

static void run(const char *name, gfp_t gfp)
{
	struct buddy_config cfg = {.conf = conf};
	long after_help = 0, n = 0;
	struct page *p;

	if (buddy_init(&cfg)) {
		fprintf(stderr, "exhaustion_table: buddy_init failed\n");
		exit(1);
	}
	for (int i = 0; i < CACHE_PAGES; i++)
		push(&cache, alloc_page(GFP_KERNEL));
	register_shrinker(&cache_shrinker);
	register_oom_notifier(&oom_nb);
	atomic_store(&oom_calls, 0);
	atomic_store(&helper_freed, 0);
	atomic_store(&helper_stop, 0);

	if (gfp & __GFP_NOFAIL) {
		n = nofail_run(gfp, &after_help);
	} else {
		while ((p = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL) {
			push(&taken, p);
			n++;
		}
	}
	long free_now = buddy_zone_free_pages(0, ZONE_NORMAL);
	buddy_drain_all_pages();
	long free_drained = buddy_zone_free_pages(0, ZONE_NORMAL);
	printf("| `%s` | %ld | %ld | %ld | %zu | %lu | %lu | %lu | %d |%s\n", name, n, free_now, free_drained,
	       cache.nr, vmstat("pgsteal_direct"), vmstat("pgsteal_kswapd"), vmstat("allocstall_normal"),
	       atomic_load(&oom_calls), after_help ? " then waited: another thread freed one page, and it got it |" : " |");
	fflush(stdout);

	unregister_oom_notifier(&oom_nb);
	unregister_shrinker(&cache_shrinker);
	free_all(&taken);
	free_all(&cache);
	buddy_exit();
}

/* An argument adds BUDDY_CONF keys: "kswapd:off" shows direct reclaim alone. */
int main(int argc, char **argv)
{
	char buf[256];

	if (argc > 1) {
		snprintf(buf, sizeof(buf), "%s,%s", CONF, argv[1]);
		conf = buf;
	}
	printf("| mask | pages taken | free at the stop | free after a drain | cache left | pgsteal_direct | "
	       "pgsteal_kswapd | allocstall | OOM notifier calls | |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
	run("GFP_KERNEL", GFP_KERNEL);
	run("GFP_NOWAIT", GFP_NOWAIT);
	run("GFP_NOIO", GFP_NOIO);
	run("GFP_NOFS", GFP_NOFS);
	run("GFP_KERNEL|__GFP_NORETRY", GFP_KERNEL | __GFP_NORETRY);
	run("GFP_KERNEL|__GFP_RETRY_MAYFAIL", GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	run("GFP_KERNEL|__GFP_NOFAIL", GFP_KERNEL | __GFP_NOFAIL);
	free(cache.p);
	free(taken.p);
	return 0;
}
