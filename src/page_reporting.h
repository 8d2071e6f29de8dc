/* SPDX-License-Identifier: MIT */
/*
 * Free page reporting (Linux 6.1 mm/page_reporting.h): free blocks of order
 * page_reporting_order and up are given back to the OS with madvise after a
 * delay, by a background thread, and flagged PageReported so they are not
 * given back twice. page_reporting.c has the thread; this header has the
 * pieces the buddy lists (free_area.c) and the allocation path call under
 * zone->lock - inline, so that free_area.c never calls into
 * page_reporting.c (which calls free_area.c to isolate and put back).
 *
 * Off (page_reporting:off) every hook is one load of buddy.reporting.enabled
 * or a test of a page flag, outside the order-0 fast path.
 */
#ifndef BUDDY_PAGE_REPORTING_H
#define BUDDY_PAGE_REPORTING_H

#include "internal.h"

/* 6.1 page_reporting.c: the worker's state machine (prdev->state). */
enum page_reporting_state {
	PAGE_REPORTING_IDLE,	  /* nothing asked; the next request schedules a run */
	PAGE_REPORTING_REQUESTED, /* a free asked for a run that has not started */
	PAGE_REPORTING_ACTIVE,	  /* the worker is running */
};

/*
 * The state lives in buddy.reporting (state.h). buddy.reporting.zeroes:
 * memory given back reads as zero when touched again - MADV_DONTNEED on
 * private anonymous memory (4 KiB, THP or hugetlb pages); not with
 * MADV_FREE (the old contents may come back) nor with a file behind the
 * arena (the file keeps its data). Fixed at buddy_init.
 */

#define PageReported(p) page_flag(p, PG_reported)
#define PageZeroed(p)	page_flag(p, PG_zeroed)

/*
 * 6.1 __page_reporting_request: schedule a run unless one is already asked
 * for or running (it sees the new block on its next pass, or asks again).
 * Called under zone->lock: kthread_wake takes the worker's lock, which is
 * why page_reporting_fork_lock_worker comes after the zone locks.
 */
static inline void page_reporting_request(void)
{
	if (atomic_load_explicit(&buddy.reporting.state, memory_order_relaxed) == PAGE_REPORTING_REQUESTED)
		return;
	if (atomic_exchange(&buddy.reporting.state, PAGE_REPORTING_REQUESTED) != PAGE_REPORTING_IDLE)
		return;
	kthread_wake(&buddy.reporting.worker);
}

/*
 * 6.1 page_reporting_notify_free: __free_one_page made a free block of this
 * order; large enough to report, it asks for a run. zone->lock held.
 */
static inline void page_reporting_notify_free(unsigned int order)
{
	if (likely(!READ_ONCE(buddy.reporting.enabled)))
		return;
	if (order < READ_ONCE(buddy.reporting.order))
		return;
	page_reporting_request();
}

/* Flag a free block head reported (6.1 __SetPageReported) and count it. zone->lock held. */
static inline void __set_page_reported(struct zone *zone, struct page *page, unsigned int order)
{
	lockdep_assert_zone_held(zone);
	set_page_flag(page, PG_reported);
	WRITE_ONCE(zone->reported_pages, zone->reported_pages + (1UL << order));
}

/*
 * A block leaves the free lists (6.1 del_page_from_free_list clears the
 * flag): whether it was reported. zone->lock held.
 */
static inline bool __clear_page_reported(struct zone *zone, struct page *page, unsigned int order)
{
	if (likely(!PageReported(page)))
		return false;
	clear_page_flag(page, PG_reported);
	WRITE_ONCE(zone->reported_pages, zone->reported_pages - (1UL << order));
	return true;
}

/*
 * __rmqueue_smallest took a reported block of order high and expand() split
 * it down to low. The halves it put back hold no more memory than before:
 * libbuddy keeps them reported (the kernel clears the flag, and reports them
 * again at their order if it is large enough), so they are neither given
 * back twice nor zeroed by hand later. The block handed out is marked
 * PageZeroed when given-back memory reads as zero. zone->lock held.
 */
static inline void __page_reporting_split(struct zone *zone, struct page *page, unsigned int low,
					  unsigned int high)
{
	for (unsigned int o = low; o < high; o++)
		__set_page_reported(zone, page + (1UL << o), o);
	if (buddy.reporting.zeroes)
		set_page_flag(page, PG_zeroed);
}

/* ------------------------------------------------------- page_reporting.c */

/* buddy_init, after the zones: settings in force; no thread starts before the first request. */
HIDDEN void page_reporting_init(void);
/* buddy_exit, before the arena goes: the thread stopped and joined (it holds no block then). */
HIDDEN void page_reporting_exit(void);
/*
 * fork(): page_reporting_fork_lock waits out a batch the worker holds off
 * the lists (before the zone locks); page_reporting_fork_lock_worker takes
 * the worker's kthread lock (after the zone locks: a free wakes the worker
 * under zone->lock). The child forgets the thread; its next request starts one.
 */
HIDDEN void page_reporting_fork_lock(void);
HIDDEN void page_reporting_fork_lock_worker(void);
HIDDEN void page_reporting_fork_unlock_worker(bool child);
HIDDEN void page_reporting_fork_unlock(bool child);
/* Tests: report now, in the caller's thread, ignoring the delay; returns the pages given back. */
HIDDEN unsigned long page_reporting_run_now(void);

#endif /* BUDDY_PAGE_REPORTING_H */
