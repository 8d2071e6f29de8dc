/* SPDX-License-Identifier: MIT */
/*
 * Free page reporting, after Linux 6.1 mm/page_reporting.c: a free of a
 * block of order page_reporting_order or more asks for a run; the run
 * starts page_reporting_delay_ms later (PAGE_REPORTING_DELAY, 2 s) in a
 * background thread started on the first request (kthread.h); it walks
 * every zone's free lists of those orders, takes up to
 * PAGE_REPORTING_CAPACITY unreported blocks off them under zone->lock,
 * drops the lock to give their memory back with madvise (os_discard), then
 * puts them back at the tail of their lists flagged PageReported.
 *
 * The host of the kernel's virtio-balloon is the OS here, the "report" is
 * MADV_DONTNEED (or MADV_FREE). Differences from 6.1, each for user space:
 * no budget of a sixteenth of each list per run (the kernel spreads an idle
 * system's reports over ~30 s; here one run reports everything, since
 * giving memory back soon is the point, and the lock is still dropped
 * every batch); halves split off a reported block stay reported
 * (page_reporting.h); and the flag also tells __GFP_ZERO that the memory
 * reads as zero (PageZeroed), which the kernel does not use it for.
 */
#include "page_reporting.h"
#include "os.h"

/* 6.1: blocks reported per call (the scatterlist's length). */
#define PAGE_REPORTING_CAPACITY 32

/* How memory goes back, fixed at init from the settings and the arena's backing. */
static enum os_discard_advice report_advice;
/*
 * Held by the worker while it has blocks off the lists (a zone's pass), so
 * that fork() copies none in flight: taken before zone->lock.
 */
static pthread_mutex_t report_batch_lock = PTHREAD_MUTEX_INITIALIZER;

/* The blocks taken off the lists, to report in one go (6.1's scatterlist). */
struct report_batch {
	struct page *page[PAGE_REPORTING_CAPACITY];
	unsigned int order[PAGE_REPORTING_CAPACITY];
	bool given_back[PAGE_REPORTING_CAPACITY];
	int nr;
};

/* ------------------------------------------------------------ one batch */

/*
 * Take a free block off its list for reporting: an allocation of its
 * order to everyone else (refcount 1, as compaction's free scanner
 * isolates), so buddy_check and the scanners see a block in use.
 * zone->lock held.
 */
static void __isolate_for_report(struct zone *zone, struct page *page, unsigned int order,
				 struct report_batch *b)
{
	int mt = (int)page->index;

	__del_page_from_free_list(page, zone, order);
	set_page_links(page, zone);
	page->private = 0;
	WRITE_ONCE(page->alloc_order, order);
	WRITE_ONCE(page->index, (unsigned long)mt);
	set_page_count(page, 1);
	b->page[b->nr] = page;
	b->order[b->nr] = order;
	b->nr++;
}

/* 6.1 prdev->report: give each block's memory back. No libbuddy lock held. */
static unsigned long report_batch(struct report_batch *b)
{
	unsigned long pages = 0;

	for (int i = 0; i < b->nr; i++) {
		void *addr = pfn_to_virt(page_to_pfn_fast(b->page[i]));
		size_t len = PAGE_SIZE << b->order[i];

		b->given_back[i] = !os_discard(addr, len, report_advice);
		if (b->given_back[i])
			pages += 1UL << b->order[i];
	}
	return pages;
}

/*
 * 6.1 page_reporting_drain: every block back on its list (the tail); one
 * that did not merge on the way keeps the report. zone->lock held.
 */
static void __drain_batch(struct zone *zone, struct report_batch *b)
{
	for (int i = 0; i < b->nr; i++) {
		struct page *page = b->page[i];
		unsigned long pfn = page_to_pfn_fast(page);
		unsigned int order = b->order[i];

		set_page_count(page, 0);
		set_page_links(page, zone);
		/* its pageblock may have been isolated meanwhile (alloc_contig_range) */
		__putback_isolated_page(page, order, get_pfnblock_migratetype(zone, pfn));
		if (b->given_back[i] && PageBuddy(page) && buddy_order(page) == order)
			__set_page_reported(zone, page, order);
	}
	b->nr = 0;
}

/* Report the batch with zone->lock dropped, then put it back. zone->lock held. */
static unsigned long __report_and_drain(struct zone *zone, struct report_batch *b)
{
	unsigned long pages;

	zone_unlock(zone);
	pages = report_batch(b);
	zone_lock(zone);
	__drain_batch(zone, b);
	return pages;
}

/* ------------------------------------------------------------ the walk */

/* Move entry to the front of list, keeping the cyclic order (the kernel's list_rotate_to_front). */
static void list_rotate_to_front(struct list_head *entry, struct list_head *list)
{
	list_del(list);
	__list_link(list, entry->prev, entry);
}

/* The worker stops for buddy_exit; run_now (kt NULL) never does. */
static bool reporting_should_stop(struct buddy_kthread *kt)
{
	return kt && kthread_should_stop(kt);
}

/*
 * 6.1 page_reporting_cycle: one free list's unreported blocks, a batch at
 * a time. The first block not yet taken is rotated to the front before the
 * lock drops, so the walk resumes there; reported blocks come back at the
 * tail and end it. Returns the pages given back.
 */
static unsigned long report_free_list(struct buddy_kthread *kt, struct zone *zone, unsigned int order, int mt,
				      struct report_batch *b)
{
	struct list_head *list = &zone->free_area[order].free_list[mt];
	unsigned long pages = 0;

	if (list_empty(list)) /* racy, as the kernel's early check: a miss waits for the next run */
		return 0;
	zone_lock(zone);
	struct list_head *pos = list->next;
	while (pos != list && !reporting_should_stop(kt)) {
		struct page *page = list_entry(pos, struct page, lru);

		if (PageReported(page)) {
			pos = pos->next;
			continue;
		}
		if (b->nr < PAGE_REPORTING_CAPACITY) {
			/* 6.1 __isolate_free_page: leave the zone its min mark */
			unsigned long mark = wmark_pages(zone, WMARK_MIN) + (1UL << order);
			if (!zone_watermark_ok(zone, 0, mark, 0, ALLOC_CMA))
				break;
			pos = pos->next;
			__isolate_for_report(zone, page, order, b);
			continue;
		}
		if (pos != list->next)
			list_rotate_to_front(pos, list);
		pages += __report_and_drain(zone, b);
		pos = list->next; /* the list changed while the lock was dropped */
	}
	if (pos != list && pos != list->next)
		list_rotate_to_front(pos, list);
	zone_unlock(zone);
	return pages;
}

/*
 * 6.1 page_reporting_process_zone: only a zone above its low mark by a
 * full batch of the smallest reported order; every migratetype but
 * isolated blocks, smallest order first; a partial batch at the end.
 */
static unsigned long report_zone(struct buddy_kthread *kt, struct zone *zone)
{
	unsigned int min_order = READ_ONCE(buddy.reporting.order);
	unsigned long mark =
		wmark_pages(zone, WMARK_LOW) + ((unsigned long)PAGE_REPORTING_CAPACITY << min_order);
	struct report_batch b = {.nr = 0};
	unsigned long pages = 0;

	if (!zone_watermark_ok(zone, 0, mark, 0, ALLOC_CMA))
		return 0;
	pthread_mutex_lock(&report_batch_lock);
	for (unsigned int order = min_order; order < MAX_ORDER; order++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (mt != MIGRATE_ISOLATE)
				pages += report_free_list(kt, zone, order, mt, &b);
	if (b.nr) {
		zone_lock(zone);
		pages += __report_and_drain(zone, &b);
		zone_unlock(zone);
	}
	pthread_mutex_unlock(&report_batch_lock);
	return pages;
}

/* 6.1 page_reporting_process's loop over every zone. */
static unsigned long report_all_zones(struct buddy_kthread *kt)
{
	unsigned long pages = 0;

	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone) && !reporting_should_stop(kt))
				pages += report_zone(kt, zone);
		}
	}
	count_vm_events_nolock(PAGE_REPORTING_RUNS, 1);
	count_vm_events_nolock(PAGE_REPORTING_REPORTED, pages);
	return pages;
}

/*
 * The worker: the delay, then a run; a request that came during the run
 * (the state went back to REQUESTED) gets another run after another delay,
 * as 6.1 page_reporting_process reschedules itself.
 */
static void page_reporting_work(struct buddy_kthread *kt)
{
	for (;;) {
		if (atomic_load(&buddy.reporting.state) == PAGE_REPORTING_IDLE)
			return;
		if (!kthread_sleep_ms(kt, (unsigned int)READ_ONCE(buddy.settings.page_reporting_delay_ms)))
			return;
		atomic_store(&buddy.reporting.state, PAGE_REPORTING_ACTIVE);
		report_all_zones(kt);
		int active = PAGE_REPORTING_ACTIVE;
		if (atomic_compare_exchange_strong(&buddy.reporting.state, &active, PAGE_REPORTING_IDLE))
			return;
	}
}

unsigned long page_reporting_run_now(void)
{
	return report_all_zones(NULL);
}

/* ------------------------------------------------------------ life cycle */

/*
 * What giving back means for this arena. A file (arena_file, arena_fd) is
 * shared: MADV_DONTNEED only drops this process's mappings, the data stays
 * in the file (punching holes would destroy a forked child's or another
 * mapper's data), so it never reads as zero; MADV_FREE is refused on it.
 * hugetlb pages go back only whole (2 MiB: order 9 and up) and only with
 * MADV_DONTNEED. Private anonymous memory after MADV_DONTNEED reads as zero.
 */
static void choose_advice(const struct buddy_settings *s)
{
	bool file = buddy.arena_fd >= 0;
	bool hugetlb = buddy.arena_backing == ARENA_PAGES_HUGETLB;

	report_advice =
		s->page_reporting_advice == BUDDY_PAGE_REPORTING_FREE ? OS_DISCARD_FREE : OS_DISCARD_DONTNEED;
	if (file || hugetlb)
		report_advice = OS_DISCARD_DONTNEED;
	buddy.reporting.zeroes = report_advice == OS_DISCARD_DONTNEED && !file;
	buddy.reporting.order = (unsigned int)s->page_reporting_order;
	if (hugetlb && buddy.reporting.order < pageblock_order)
		buddy.reporting.order = pageblock_order; /* 2 MiB pages: pageblock_order is 9 */
}

void page_reporting_init(void)
{
	choose_advice(&buddy.settings);
	atomic_store(&buddy.reporting.state, PAGE_REPORTING_IDLE);
	kthread_init(&buddy.reporting.worker, "page_reporting", page_reporting_work, NULL, 0);
	WRITE_ONCE(buddy.reporting.enabled, buddy.settings.page_reporting > 0);
}

void page_reporting_exit(void)
{
	WRITE_ONCE(buddy.reporting.enabled, 0);
	kthread_stop(&buddy.reporting.worker);
	kthread_destroy(&buddy.reporting.worker);
	atomic_store(&buddy.reporting.state, PAGE_REPORTING_IDLE);
}

void page_reporting_fork_lock(void)
{
	pthread_mutex_lock(&report_batch_lock);
}

void page_reporting_fork_lock_worker(void)
{
	kthread_fork_lock(&buddy.reporting.worker);
}

void page_reporting_fork_unlock_worker(bool child)
{
	kthread_fork_unlock(&buddy.reporting.worker, child);
	if (child) /* no worker there: the next request starts one */
		atomic_store(&buddy.reporting.state, PAGE_REPORTING_IDLE);
}

void page_reporting_fork_unlock(bool child)
{
	fork_unlock_mutex(&report_batch_lock, child);
}
