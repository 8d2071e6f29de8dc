/* SPDX-License-Identifier: MIT */
/*
 * Migrating movable pages (Linux 6.1 mm/migrate.c, the non-LRU movable page
 * path): isolate, copy, let the owner repoint, free the old page - or put it
 * back. See migrate.h for the interface and <buddy/migrate.h> for the
 * owners' contract.
 *
 * References: an isolated page holds the owner's reference and one of ours.
 * The owner may drop its reference at any time (it freed the page); a page
 * left with only ours is freed when we let go, without calling back. Every
 * owner callback runs with no libbuddy lock held.
 */
#include <errno.h>
#include <string.h>

#include "debug_page_alloc.h"
#include "migrate.h"
#include "trace_compaction.h"

#define PAGE_MOVABLE_BITS ((1UL << PG_movable) | (1UL << PG_isolated))

/* ------------------------------------------------------------ fork guard */

static pthread_mutex_t isolation_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t isolation_done = PTHREAD_COND_INITIALIZER;
static unsigned long open_batches; /* isolation_lock */

void migrate_isolation_begin(void)
{
	pthread_mutex_lock(&isolation_lock);
	open_batches++;
	pthread_mutex_unlock(&isolation_lock);
}

void migrate_isolation_end(void)
{
	pthread_mutex_lock(&isolation_lock);
	if (!--open_batches)
		pthread_cond_broadcast(&isolation_done);
	pthread_mutex_unlock(&isolation_lock);
}

/*
 * Held from the prepare handler to the parent's or child's handler: open
 * batches finish (their threads take no lock the forking thread holds: they
 * hold none of libbuddy's while calling back), new ones wait for the fork.
 */
void migrate_fork_lock(void)
{
	pthread_mutex_lock(&isolation_lock);
	while (open_batches)
		pthread_cond_wait(&isolation_done, &isolation_lock);
}

void migrate_fork_unlock(bool child)
{
	if (child) {
		pthread_cond_init(&isolation_done, NULL);
		open_batches = 0;
	}
	fork_unlock_mutex(&isolation_lock, child);
}

/* ------------------------------------------------------------ references */

static const struct movable_operations *page_movable_ops(struct page *page)
{
	return __atomic_load_n(&page->movable_ops, __ATOMIC_RELAXED);
}

/* Drop one of our references; the last one frees the allocation, as put_page does. */
static void drop_page_ref(struct page *page)
{
	__free_pages(page, READ_ONCE(page->alloc_order));
}

/* The owner's reference is gone when only ours is left. */
static bool owner_freed(struct page *page)
{
	return page_ref_count(page) == 1;
}

int isolate_movable_page(struct page *page, isolate_mode_t mode)
{
	const struct movable_operations *ops;

	/* A free page has no reference to take: the owner freed it. */
	if (!page_ref_inc_unless_zero(page))
		return -EBUSY;
	/* Pairs with the allocator's release of the first reference: see its flags as set. */
	atomic_thread_fence(memory_order_acquire);
	unsigned long flags = page_flags(page);
	if (!(flags & (1UL << PG_movable)) || (flags & ((1UL << PG_tail) | (1UL << PG_buddy))))
		goto out_put;
	/* Of two scanners, one isolates. */
	if (page_flags_set_atomic(page, 1UL << PG_isolated) & (1UL << PG_isolated))
		goto out_put;
	ops = page_movable_ops(page);
	if (!ops->isolate_page(page, mode))
		goto out_clear;
	return 0;
out_clear:
	page_flags_clear_atomic(page, 1UL << PG_isolated);
out_put:
	drop_page_ref(page);
	return -EBUSY;
}

/* Let go of an isolated page the owner no longer has (or no longer calls movable). */
static void release_isolated_page(struct page *page)
{
	page_flags_clear_atomic(page, 1UL << PG_isolated);
	drop_page_ref(page);
}

void putback_movable_pages(struct page **pages, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		struct page *page = pages[i];

		if (!owner_freed(page) && __PageMovable(page))
			page_movable_ops(page)->putback_page(page);
		release_isolated_page(page);
	}
}

/* ------------------------------------------------------------ moving one page */

/*
 * dst takes src's shape: its bytes, the owner's cookie, the compound page
 * if src is one, and the owner's ops. dst is ours (one reference, nobody
 * else sees it yet).
 */
static void prepare_target(struct page *dst, struct page *src, unsigned int order)
{
	void *to = pfn_to_virt(page_to_pfn_fast(dst));

	/*
	 * A target from compaction's free scanner is still unmapped and poisoned
	 * (6.1 maps it in split_map_pages' post_alloc_hook): map and check it
	 * before the copy. A disturbed poison is reported; the copy overwrites it.
	 */
	(void)debug_alloc_pages(dst, order);
	debug_mark_free_hooks(dst);
	unpoison_pages(to, PAGE_SIZE << order);
	memcpy(to, pfn_to_virt(page_to_pfn_fast(src)), PAGE_SIZE << order);
	WRITE_ONCE(dst->private, READ_ONCE(src->private));
	if (PageHead(src)) {
		set_page_flag(dst, PG_head);
		for (unsigned long i = 1; i < (1UL << order); i++) {
			set_page_flags(dst + i, 1UL << PG_tail);
			dst[i].compound_head = dst;
			dst[i].compound_order = order;
		}
	}
	__atomic_store_n(&dst->movable_ops, page_movable_ops(src), __ATOMIC_RELAXED);
	page_flags_set_atomic(dst, 1UL << PG_movable);
}

/* The owner did not take dst: make it a plain allocation again for put_new. */
static void unprepare_target(struct page *dst, unsigned int order)
{
	page_flags_clear_atomic(dst, PAGE_MOVABLE_BITS | (1UL << PG_head));
	if (order && PageTail(dst + 1))
		for (unsigned long i = 1; i < (1UL << order); i++) {
			set_page_flags(dst + i, 0);
			dst[i].compound_head = NULL;
			dst[i].compound_order = 0;
		}
	WRITE_ONCE(dst->private, 0);
}

static __noinline __cold void report_bad_migrate_result(struct page *src, int rc)
{
	char why[96];

	snprintf(why, sizeof(why), "movable_operations.migrate_page returned %d (not 0 or -errno)", rc);
	bad_page(src, page_to_pfn_fast(src), why);
}

/*
 * The old page after a successful migration: both references (the owner's
 * moved to dst) go, and the page is freed. An owner that also freed src
 * inside migrate_page left only ours: said, and still nothing is lost.
 */
static void free_migrated_source(struct page *src)
{
	bool owner_gone = owner_freed(src);

	if (owner_gone)
		bad_page(src, page_to_pfn_fast(src),
			 "migrate_page freed the page it was migrating (returned 0 and freed src)");
	page_flags_clear_atomic(src, PAGE_MOVABLE_BITS);
	if (!owner_gone) {
		bool last;			      /* never: ours is still held */
		page_ref_dec_unless_zero(src, &last); /* the owner's, moved to dst */
	}
	drop_page_ref(src);
}

/*
 * 6.1 unmap_and_move for one isolated non-LRU page: MIGRATEPAGE_SUCCESS,
 * -EAGAIN (try again in the next pass), -ENOMEM (no target), or another
 * -errno (give up on this page; it stays isolated for putback).
 */
static int unmap_and_move(struct page *src, new_page_t *get_new, free_page_t *put_new, void *priv,
			  enum migrate_mode mode)
{
	unsigned int order = READ_ONCE(src->alloc_order);
	struct page *dst;
	int rc;

	/* Freed from under us: nothing to move (the kernel counts it as migrated). */
	if (owner_freed(src)) {
		release_isolated_page(src);
		return MIGRATEPAGE_SUCCESS;
	}
	/* The owner cleared PG_movable while we held it: it is pinned now. */
	if (!__PageMovable(src))
		return -EBUSY;
	dst = get_new(order, priv);
	if (!dst)
		return -ENOMEM;
	prepare_target(dst, src, order);
	rc = page_movable_ops(src)->migrate_page(dst, src, mode);
	if (rc == MIGRATEPAGE_SUCCESS) {
		free_migrated_source(src);
		return MIGRATEPAGE_SUCCESS;
	}
	if (rc > 0 || rc < -4095) {
		report_bad_migrate_result(src, rc);
		rc = -EINVAL;
	}
	unprepare_target(dst, order);
	put_new(dst, priv);
	return rc;
}

enum { PAGE_PENDING, PAGE_MOVED, PAGE_FAILED };

int migrate_pages(struct page **pages, unsigned int *nr, new_page_t *get_new, free_page_t *put_new,
		  void *priv, enum migrate_mode mode, int reason, unsigned int *nr_succeeded)
{
	unsigned char state[COMPACT_CLUSTER_MAX] = {0};
	unsigned int n = *nr, succeeded = 0, kept = 0;
	bool retry = true;
	int rc = 0;

	VM_BUG_ON(n > COMPACT_CLUSTER_MAX);
	for (int pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY && retry && !rc; pass++) {
		retry = false;
		for (unsigned int i = 0; i < n && !rc; i++) {
			if (state[i] != PAGE_PENDING)
				continue;
			int r = unmap_and_move(pages[i], get_new, put_new, priv, mode);
			if (r == -ENOMEM)
				rc = -ENOMEM; /* this page and the untried ones stay isolated */
			else if (r == -EAGAIN)
				retry = true;
			else if (r == MIGRATEPAGE_SUCCESS)
				state[i] = PAGE_MOVED, succeeded++;
			else
				state[i] = PAGE_FAILED;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		if (state[i] != PAGE_MOVED)
			pages[kept++] = pages[i];
	*nr = kept;
	*nr_succeeded = succeeded;
	if (succeeded)
		count_vm_events(PGMIGRATE_SUCCESS, succeeded);
	if (kept)
		count_vm_events(PGMIGRATE_FAIL, kept);
	trace_mm_migrate_pages(succeeded, kept, 0, 0, 0, mode, reason);
	return rc ? rc : (int)kept;
}
