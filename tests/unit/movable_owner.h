/* SPDX-License-Identifier: MIT */
/*
 * A test owner of movable pages: an index of pages by id (the id kept in
 * page_private), each filled with a pattern keyed by its id, with the three
 * callbacks of <buddy/migrate.h> under the owner's own lock. Suites that
 * need a misbehaving owner override one callback (owner_faults).
 */
#ifndef BUDDY_MOVABLE_OWNER_H
#define BUDDY_MOVABLE_OWNER_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <buddy/gfp.h>
#include <buddy/migrate.h>

#define OWNER_MAX_PAGES 65536

/* What the callbacks do wrong on purpose. */
enum owner_fault {
	OWNER_OK,
	OWNER_NEVER_ISOLATE,	   /* isolate_page always says no */
	OWNER_MIGRATE_GARBAGE,	   /* migrate_page returns 42 */
	OWNER_MIGRATE_EAGAIN,	   /* migrate_page always says -EAGAIN */
	OWNER_FREE_IN_MIGRATE,	   /* migrate_page frees src, then returns 0 */
	OWNER_FREE_IN_MIGRATE_ERR, /* migrate_page frees src (forgets it), then returns -EAGAIN */
};

struct owner {
	pthread_mutex_t lock;
	struct page *pages[OWNER_MAX_PAGES]; /* by id; NULL: none */
	unsigned int order[OWNER_MAX_PAGES];
	unsigned char isolated[OWNER_MAX_PAGES];
	unsigned long isolate_calls, migrate_calls, putback_calls;
	enum owner_fault fault;
};

/* One owner at a time per suite: the callbacks find it here. */
static struct owner *the_owner;

static uint64_t owner_pattern(unsigned long id, size_t word)
{
	return (uint64_t)id * 0x9E3779B97F4A7C15ull + word;
}

static void owner_fill(struct page *page, unsigned long id, unsigned int order)
{
	uint64_t *w = page_address(page);
	for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i++)
		w[i] = owner_pattern(id, i);
}

/* Does the page hold id's pattern? */
static bool owner_content_ok(struct page *page, unsigned long id, unsigned int order)
{
	const uint64_t *w = page_address(page);
	for (size_t i = 0; i < (PAGE_SIZE << order) / 8; i++)
		if (w[i] != owner_pattern(id, i))
			return false;
	return true;
}

static bool owner_isolate(struct page *page, isolate_mode_t mode)
{
	struct owner *o = the_owner;
	unsigned long id = page_private(page);
	bool ok;

	(void)mode;
	pthread_mutex_lock(&o->lock);
	o->isolate_calls++;
	ok = o->fault != OWNER_NEVER_ISOLATE && id < OWNER_MAX_PAGES && o->pages[id] == page;
	if (ok)
		o->isolated[id] = 1;
	pthread_mutex_unlock(&o->lock);
	return ok;
}

static int owner_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	struct owner *o = the_owner;
	unsigned long id = page_private(src);
	int rc = 0;

	(void)mode;
	pthread_mutex_lock(&o->lock);
	o->migrate_calls++;
	if (id >= OWNER_MAX_PAGES || o->pages[id] != src) {
		rc = -EAGAIN; /* freed meanwhile: not ours any more */
	} else if (o->fault == OWNER_MIGRATE_GARBAGE) {
		rc = 42;
	} else if (o->fault == OWNER_MIGRATE_EAGAIN) {
		rc = -EAGAIN;
	} else if (o->fault == OWNER_FREE_IN_MIGRATE_ERR) {
		o->pages[id] = NULL;
		o->isolated[id] = 0;
		__free_pages(src, o->order[id]);
		rc = -EAGAIN;
	} else {
		if (o->fault == OWNER_FREE_IN_MIGRATE)
			__free_pages(src, o->order[id]);
		o->pages[id] = dst;
		o->isolated[id] = 0;
	}
	pthread_mutex_unlock(&o->lock);
	return rc;
}

static void owner_putback(struct page *page)
{
	struct owner *o = the_owner;
	unsigned long id = page_private(page);

	pthread_mutex_lock(&o->lock);
	o->putback_calls++;
	if (id < OWNER_MAX_PAGES && o->pages[id] == page)
		o->isolated[id] = 0;
	pthread_mutex_unlock(&o->lock);
}

static const struct movable_operations owner_ops = {
	.isolate_page = owner_isolate,
	.migrate_page = owner_migrate,
	.putback_page = owner_putback,
};

static struct owner *owner_new(void)
{
	struct owner *o = calloc(1, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
	the_owner = o;
	return o;
}

/* Allocate, fill and mark a page of order under id; false when the allocation failed. */
static bool owner_add(struct owner *o, unsigned long id, gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);

	if (!page)
		return false;
	owner_fill(page, id, order);
	set_page_private(page, id);
	pthread_mutex_lock(&o->lock);
	o->pages[id] = page;
	o->order[id] = order;
	pthread_mutex_unlock(&o->lock);
	__SetPageMovable(page, &owner_ops);
	return true;
}

/* Free id's page (the owner side of a free racing with compaction is this). */
static void owner_remove(struct owner *o, unsigned long id)
{
	pthread_mutex_lock(&o->lock);
	struct page *page = o->pages[id];
	o->pages[id] = NULL;
	o->isolated[id] = 0;
	pthread_mutex_unlock(&o->lock);
	if (page)
		__free_pages(page, o->order[id]);
}

/* Every page present holds its pattern and knows its id; returns how many are wrong. */
static unsigned long owner_verify(struct owner *o)
{
	unsigned long bad = 0;

	pthread_mutex_lock(&o->lock);
	for (unsigned long id = 0; id < OWNER_MAX_PAGES; id++) {
		struct page *page = o->pages[id];
		if (page && (page_private(page) != id || !owner_content_ok(page, id, o->order[id])))
			bad++;
	}
	pthread_mutex_unlock(&o->lock);
	return bad;
}

static void owner_free_all(struct owner *o)
{
	for (unsigned long id = 0; id < OWNER_MAX_PAGES; id++)
		owner_remove(o, id);
	pthread_mutex_destroy(&o->lock);
	if (the_owner == o)
		the_owner = NULL;
	free(o);
}

#endif /* BUDDY_MOVABLE_OWNER_H */
