/* SPDX-License-Identifier: MIT */
/*
 * movable_cache: a small page cache whose pages compaction may move. Each
 * page is keyed by an id, keeps its id in page_private, and is marked
 * movable; the cache's migrate_page checks the copy and repoints its index.
 * The cache is filled, then half of it is dropped at random, which leaves
 * free memory in small holes; buddy_compact_memory() moves the rest
 * together. Shows buddyinfo and the share of free memory usable at order 9
 * before and after.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>
#include <buddy/migrate.h>

#define NR_IDS 12000

static struct {
	pthread_mutex_t lock;
	struct page *page[NR_IDS]; /* by id */
	unsigned long moved;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Compaction asks: may it take this page for a while? Yes, if it is still ours. */
static bool cache_isolate(struct page *page, isolate_mode_t mode)
{
	unsigned long id = page_private(page);
	(void)mode;
	pthread_mutex_lock(&cache.lock);
	bool ours = id < NR_IDS && cache.page[id] == page;
	pthread_mutex_unlock(&cache.lock);
	return ours;
}

/* The library copied src to dst (bytes and page_private): point the index at dst. */
static int cache_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	unsigned long id = page_private(src);
	int rc = 0;
	(void)mode;
	pthread_mutex_lock(&cache.lock);
	if (id >= NR_IDS || cache.page[id] != src)
		rc = -EAGAIN; /* dropped meanwhile */
	else if (memcmp(page_address(dst), page_address(src), PAGE_SIZE))
		rc = -EIO;
	else {
		cache.page[id] = dst;
		cache.moved++;
	}
	pthread_mutex_unlock(&cache.lock);
	return rc;
}

static void cache_putback(struct page *page)
{
	(void)page; /* nothing to undo: isolation changed nothing in the index */
}

static const struct movable_operations cache_ops = {
	.isolate_page = cache_isolate,
	.migrate_page = cache_migrate,
	.putback_page = cache_putback,
};

static void cache_add(unsigned long id)
{
	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0);
	if (!page)
		return;
	snprintf(page_address(page), PAGE_SIZE, "cached object %lu", id);
	set_page_private(page, id);
	pthread_mutex_lock(&cache.lock);
	cache.page[id] = page;
	pthread_mutex_unlock(&cache.lock);
	__SetPageMovable(page, &cache_ops);
}

static void cache_drop(unsigned long id)
{
	pthread_mutex_lock(&cache.lock);
	struct page *page = cache.page[id];
	cache.page[id] = NULL;
	pthread_mutex_unlock(&cache.lock);
	if (page)
		__free_pages(page, 0);
}

/* buddyinfo's Normal line: the share of free pages in blocks of order >= 9. */
static double usable_at_order9(void)
{
	char *text = NULL, *line;
	size_t len = 0;
	double free_pages = 0, usable = 0;
	FILE *f = open_memstream(&text, &len);

	buddy_drain_all_pages();
	buddy_dump(f, "buddyinfo");
	fclose(f);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strstr(line, "zone");
		if (!p)
			continue;
		p += 4;
		strtol(p, &p, 10); /* skip the zone name */
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
		for (int order = 0; order < 11; order++) {
			double blocks = (double)strtoul(p, &p, 10);
			free_pages += blocks * (1 << order);
			if (order >= 9)
				usable += blocks * (1 << order);
		}
	}
	free(text);
	return free_pages ? usable / free_pages : 0;
}

static void show(const char *when)
{
	printf("%s:\n", when);
	buddy_dump(stdout, "buddyinfo");
	printf("order-9 usable share of free memory: %.1f%%\n\n", 100 * usable_at_order9());
}

int main(void)
{
	struct buddy_config config = {
		.arena_size = 64 << 20, .dma_limit = BUDDY_ZONE_EMPTY, .dma32_limit = BUDDY_ZONE_EMPTY};
	unsigned long seed = 1, bad = 0;

	if (buddy_init(&config))
		return 1;
	for (unsigned long id = 0; id < NR_IDS; id++)
		cache_add(id);
	for (unsigned long id = 0; id < NR_IDS; id++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		if ((seed >> 33) & 1)
			cache_drop(id);
	}
	show("before compaction");
	buddy_compact_memory();
	show("after buddy_compact_memory()");

	for (unsigned long id = 0; id < NR_IDS; id++) {
		char want[64];
		snprintf(want, sizeof(want), "cached object %lu", id);
		if (cache.page[id] &&
		    (page_private(cache.page[id]) != id || strcmp(page_address(cache.page[id]), want)))
			bad++;
	}
	printf("pages moved: %lu, objects damaged: %lu\n", cache.moved, bad);
	for (unsigned long id = 0; id < NR_IDS; id++)
		cache_drop(id);
	buddy_exit();
	return bad ? 1 : 0;
}
