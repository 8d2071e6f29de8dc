/* SPDX-License-Identifier: MIT */
/*
 * The gfp.h calls that free pages: the checks every free makes, taking a
 * compound page apart, and the leaf fast path of the common order-0 free,
 * built from the same steps (Linux 6.1 free_pages_prepare, free_the_page).
 * Below it: pcp.c, free_area.c. The allocating side: page_alloc.c.
 */
#include "debug_page_alloc.h"
#include "internal.h"
#include "trace.h"

/* ------------------------------------------------------------ freeing */

static void destroy_compound_page(struct page *page, unsigned int order)
{
	for (unsigned long i = 1; i < (1UL << order); i++) {
		struct page *p = page + i;
		set_page_flags(p, 0);
		p->compound_head = NULL;
		p->compound_order = 0;
	}
	clear_page_flag(page, PG_head);
}

/*
 * The block is no longer the caller's (6.1 free_pages_prepare): traced, and
 * the range poisoned for ASan. The one copy of this step, for free_the_page
 * (which takes a compound page apart first) and the fast path.
 */
static __always_inline void free_pages_prepare(struct page *page, unsigned long pfn, unsigned int order)
{
	trace_mm_page_free(page, order);
	poison_pages(pfn_to_virt(pfn), PAGE_SIZE << order);
}

/* The last reference is gone: give the block back. */
static __always_inline void free_the_page(struct page *page, unsigned int order, bool cold)
{
	unsigned long pfn = page_to_pfn_fast(page);
	struct zone *zone = page_zone(page);

	if (PageHead(page))
		destroy_compound_page(page, order);
	if (unlikely(PageFreeHooks(page))) {
		clear_page_flag(page, PG_free_hooks);
		debug_free_pages(page, order); /* poisoned and unmapped, on a pcp list or a buddy list */
	}
	free_pages_prepare(page, pfn, order);
	if (pcp_allowed_order(order)) {
		free_unref_page(zone, page, pfn, order, cold);
		return;
	}
	count_vm_events(PGFREE, 1UL << order);
	free_one_page(zone, page, pfn, order);
}

/* Why this page cannot be freed with this order; false if it can. */
static bool free_page_problem(struct page *page, unsigned int order, char *why, size_t len)
{
	if (PageTail(page))
		snprintf(why, len, "freeing a tail page of a compound page");
	else if (page_ref_count(page) <= 0 && (PageBuddy(page) || PagePcp(page)))
		snprintf(why, len, "double free: page is already free");
	else if (page_ref_count(page) <= 0)
		snprintf(why, len,
			 "page not allocated (refcount 0): double free, or not the first page of an "
			 "allocation");
	else if (order != page->alloc_order)
		snprintf(why, len, "freed with order %u, allocated with order %u", order, page->alloc_order);
	else
		return false;
	return true;
}

/*
 * Drop a reference and free the block when it was the last. Misuse is
 * reported and the call ignored, as the kernel's bad_page() does: the page
 * stays allocated, so nothing is corrupted and a correct free still works.
 */
/* Out of line, so the fast path below needs no stack buffer. */
static __noinline __cold void report_bad_free(struct page *page, unsigned int order)
{
	char why[128];

	/*
	 * A free that lost the race for the last reference may find the page
	 * already handed out again, looking allocated: it was a double free all
	 * the same.
	 */
	if (!free_page_problem(page, order, why, sizeof(why)))
		snprintf(why, sizeof(why), "double free: the last reference was dropped by another thread");
	bad_page(page, page_to_pfn_fast(page), why);
}

/* Flags an allocated block's first page never has. */
#define PAGE_FLAGS_NOT_ALLOCATED ((1UL << PG_tail) | (1UL << PG_buddy) | (1UL << PG_pcp))

/* The first check of every free: an allocation's first page, freed with its order? */
static __always_inline bool free_page_matches(const struct page *page, unsigned int order,
					      unsigned long bad_flags)
{
	return page->alloc_order == order && !(page_flags(page) & bad_flags);
}

static __noinline void free_pages_checked(struct page *page, unsigned int order, bool cold)
{
	if (unlikely(!valid_page_pointer(page))) {
		bad_address(page, "__free_pages: not a page descriptor of the arena");
		return;
	}
	if (likely(free_page_matches(page, order, PAGE_FLAGS_NOT_ALLOCATED))) {
		bool last;

		/* atomic: of two racing frees of the last reference, one wins */
		if (unlikely(!page_ref_dec_unless_zero(page, &last)))
			goto bad;
		if (last)
			free_the_page(page, order, cold);
		return;
	}
bad:
	report_bad_free(page, order);
}

/*
 * The common free in one pass: a block of a pcp order with one reference, in
 * a pageblock of a pcp type, the CPU's lock free at the first try. It does
 * what free_pages_checked and free_unref_page would, calling nothing but
 * tail calls; anything else goes to free_pages_checked, from the start.
 */
static __always_inline void free_pages_entry(struct page *page, unsigned int order, bool cold)
{
	struct buddy_cpu *cpu;
	struct zone *zone;
	unsigned long pfn;
	int migratetype;

	/*
	 * No compound page: PG_head too sends the free the full way, as does
	 * PG_free_hooks (a debug mode's hook must run; fast_path.h).
	 */
	if (unlikely(!valid_page_pointer(page)) || unlikely(!pcp_allowed_order(order)) ||
	    unlikely(!free_page_matches(
		    page, order, PAGE_FLAGS_NOT_ALLOCATED | (1UL << PG_head) | (1UL << PG_free_hooks))) ||
	    unlikely(page_ref_count(page) != 1))
		goto full;
	zone = page_zone(page);
	pfn = page_to_pfn_fast(page);
	migratetype = get_pfnblock_migratetype(zone, pfn);
	if (unlikely(migratetype >= MIGRATE_PCPTYPES))
		goto full;
	cpu = pcp_trylock_this_cpu_rseq();
	if (unlikely(!cpu))
		goto full;

	if (unlikely(!page_ref_freeze(page, 1))) {
		pcp_unlock_cpu(cpu); /* freed meanwhile by another thread: the full path reports it */
		goto full;
	}
	free_pages_prepare(page, pfn, order);
	free_unref_page_commit(cpu, zone, page, order, migratetype, cold);
	return;
full:
	free_pages_checked(page, order, cold);
}

/*
 * Order 0 gets its own copy of the fast path, with the order a constant:
 * the shifts, the list index and the orders-1..3 test of the 6.7 tuning
 * fold away, about 11 instructions of the order-0 free. The other orders
 * come first in the code, so that the test costs them no taken branch
 * (with order 0 first, order-3 and order-9 pairs were 2-4% slower;
 * docs/pcp.md).
 */
void __free_pages(struct page *page, unsigned int order)
{
	if (order)
		free_pages_entry(page, order, false);
	else
		free_pages_entry(page, 0, false);
}

void free_hot_cold_page(struct page *page, bool cold)
{
	free_pages_entry(page, 0, cold);
}

/* ------------------------------------------------------------ batched freeing */

/* Drop the CPU's lock a batch holds, if it holds it: before a report, or the zone lock's way. */
static void release_cpu(struct buddy_cpu **cpu)
{
	if (*cpu) {
		pcp_unlock_cpu(*cpu);
		*cpu = NULL;
	}
}

/*
 * One entry of release_pages: drop its reference as put_page would, with
 * free_pages_checked's checks. The order is the allocation's own (libbuddy
 * records it; the kernel reads the compound order). True when this was the
 * last reference and the block is to be freed; a bad entry is reported
 * (with the batch's CPU lock dropped first) and skipped.
 */
static bool release_page_ref(struct page *page, unsigned int *order, struct buddy_cpu **cpu)
{
	bool last;

	if (unlikely(!valid_page_pointer(page))) {
		release_cpu(cpu);
		bad_address(page, "release_pages: not a page descriptor of the arena");
		return false;
	}
	*order = READ_ONCE(page->alloc_order);
	if (unlikely(!free_page_matches(page, *order, PAGE_FLAGS_NOT_ALLOCATED)) ||
	    unlikely(!page_ref_dec_unless_zero(page, &last))) {
		release_cpu(cpu);
		report_bad_free(page, *order);
		return false;
	}
	return last;
}

/*
 * 2.6.x-6.5 release_pages(pages, nr): drop one reference on each of nr
 * pages and free those whose last reference went, the way 6.7
 * free_unref_page_list does - pcp-order blocks parked on this CPU's lists
 * in one hold of its lock for the whole batch (the lock covers every
 * zone's lists of the CPU; the kernel's per-zone pcp locks are retaken per
 * zone and every SWAP_CLUSTER_MAX pages to bound the time interrupts stay
 * off, which has no counterpart here), the rest through the zone lock.
 * NULL entries are skipped; a NULL array is reported.
 */
void release_pages(struct page **pages, int nr)
{
	struct buddy_cpu *cpu = NULL;

	if (nr <= 0)
		return;
	if (unlikely(!pages)) {
		bad_address(NULL, "release_pages: NULL page array");
		return;
	}
	for (int i = 0; i < nr; i++) {
		struct page *page = pages[i];
		unsigned int order;

		if (!page || !release_page_ref(page, &order, &cpu))
			continue;

		unsigned long pfn = page_to_pfn_fast(page);
		struct zone *zone = page_zone(page);
		int migratetype = get_pfnblock_migratetype(zone, pfn);

		if (PageHead(page))
			destroy_compound_page(page, order);
		if (unlikely(PageFreeHooks(page))) {
			release_cpu(&cpu); /* mprotect and poisoning: no CPU lock held across them */
			clear_page_flag(page, PG_free_hooks);
			debug_free_pages(page, order); /* as free_the_page: poisoned and unmapped */
		}
		free_pages_prepare(page, pfn, order);
		if (!pcp_allowed_order(order) || migratetype == MIGRATE_ISOLATE) {
			release_cpu(&cpu); /* count_vm_events takes it */
			count_vm_events(PGFREE, 1UL << order);
			free_one_page(zone, page, pfn, order);
			continue;
		}
		if (!cpu)
			cpu = pcp_lock_this_cpu();
		free_unref_page_locked(cpu, zone, page, order, migratetype);
	}
	release_cpu(&cpu);
}
