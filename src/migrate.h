/* SPDX-License-Identifier: MIT */
/*
 * Page migration as compaction and alloc_contig_range use it (Linux 6.1
 * mm/migrate.c for non-LRU movable pages): isolating a movable page, putting
 * it back, migrate_pages with its modes, retries and pgmigrate_* counters,
 * and the fork() guard for isolated pages. migrate.c implements it; the
 * owners' side (__SetPageMovable ...) is movable.c's.
 *
 * A batch of isolated pages is an array (the kernel threads them on a list
 * through page->lru; here lru is left to the allocator).
 */
#ifndef BUDDY_MIGRATE_INTERNAL_H
#define BUDDY_MIGRATE_INTERNAL_H

#include <buddy/migrate.h>

#include "internal.h"

/* The kernel's enum migrate_reason values, for the mm_migrate_pages probe. */
enum migrate_reason {
	MR_COMPACTION = 0,
	MR_CONTIG_RANGE = 6,
};

#define MIGRATEPAGE_SUCCESS	   0
#define NR_MAX_MIGRATE_PAGES_RETRY 10 /* passes over a batch while pages say -EAGAIN (6.1) */
#define COMPACT_CLUSTER_MAX	   32 /* pages isolated per batch (SWAP_CLUSTER_MAX) */

/*
 * A target page of this order, allocated (one reference, alloc_order set,
 * recorded as movable), or NULL; and the way to give back one unused.
 */
typedef struct page *new_page_t(unsigned int order, void *priv);
typedef void free_page_t(struct page *page, void *priv);

/*
 * 6.1 isolate_movable_page: take a reference, set PG_isolated, and ask the
 * owner (no libbuddy lock held). 0, or -EBUSY when the page is not movable,
 * already isolated, or the owner said no. The caller has called
 * migrate_isolation_begin().
 */
HIDDEN int isolate_movable_page(struct page *page, isolate_mode_t mode);
/* 6.1 putback_movable_pages: every page back to its owner (or freed if the owner freed it). */
HIDDEN void putback_movable_pages(struct page **pages, unsigned int nr);
/*
 * 6.1 migrate_pages for a batch of isolated pages: up to
 * NR_MAX_MIGRATE_PAGES_RETRY passes while pages say -EAGAIN. On return
 * pages[0..*nr) are the ones not migrated, still isolated: the caller puts
 * them back. Returns how many were not migrated, or -ENOMEM when get_new
 * had no page (the rest is left untried). *nr_succeeded counts the moved.
 */
HIDDEN int migrate_pages(struct page **pages, unsigned int *nr, new_page_t *get_new, free_page_t *put_new,
			 void *priv, enum migrate_mode mode, int reason, unsigned int *nr_succeeded);

/*
 * fork() and isolated pages: a batch of isolations is bracketed by
 * begin/end; the fork prepare handler (migrate_fork_lock) waits until no
 * batch is open and keeps new ones from opening until the fork is done, so
 * the child never inherits a page isolated by a thread it does not have.
 */
HIDDEN void migrate_isolation_begin(void);
HIDDEN void migrate_isolation_end(void);
HIDDEN void migrate_fork_lock(void);
HIDDEN void migrate_fork_unlock(bool child);

#endif /* BUDDY_MIGRATE_INTERNAL_H */
