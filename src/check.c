/* SPDX-License-Identifier: MIT */
/*
 * buddy_check(): the whole-allocator invariant checker. With every CPU lock
 * and each zone's lock held it verifies, per zone:
 *  - every free-list entry is a PageBuddy head of the list's order and type,
 *    aligned to its order, inside the zone, with no references;
 *  - list lengths (plus deferred blocks) equal nr_free_mt[] and nr_free;
 *  - NR_FREE_PAGES equals the pages on the lists (isolated ones excepted),
 *    NR_FREE_CMA_PAGES the pages on the CMA lists;
 *  - pcp entries (lists and reserves) are PagePcp, unreferenced, aligned, and sum to
 *    pcp->count and pcp->reserve_count, the reserve within what the CPU claimed;
 *  - no list goes round a cycle: one longer than the zone can hold is
 *    reported as circular and not walked further;
 *  - no page is on two lists at once, and no in-use page is inside a free block;
 *  - the deferred run (never initialised, so checked by its bookkeeping only,
 *    without touching its struct pages) is aligned, inside the zone, all
 *    MOVABLE pageblocks, and holds no listed block;
 *  - every pageblock has a valid migratetype; nr_reserved_highatomic and
 *    nr_isolate_pageblock match the HIGHATOMIC and ISOLATE blocks, and the
 *    CMA blocks fit in cma_pages.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "debug_page_alloc.h"
#include "internal.h"
#include "page_reporting.h"
#include "os.h"

struct checker {
	struct zone *zone;
	unsigned long *free_bits; /* one bit per page of the zone: free or on a pcp list */
	int problems;
	unsigned long reported_pages; /* in PageReported blocks on the free lists */
};

static void problem(struct checker *c, const char *fmt, ...) __printf(2, 3);
static void problem(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	if (c->problems++ < 20) {
		fprintf(stderr, "buddy_check: node %d zone %s: ", c->zone->node, c->zone->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

#define BITS_PER_LONG (8 * sizeof(unsigned long))

static bool test_bit(const unsigned long *bits, unsigned long i)
{
	return (bits[i / BITS_PER_LONG] >> (i % BITS_PER_LONG)) & 1;
}

/* Mark [first, first+nr) free; report pages already marked (on two lists). */
static void mark_free(struct checker *c, unsigned long pfn, unsigned long nr, const char *what)
{
	unsigned long first = pfn - c->zone->zone_start_pfn;
	bool overlap = false;

	for (unsigned long i = first; i < first + nr; i++) {
		unsigned long bit = 1UL << (i % BITS_PER_LONG);
		if (c->free_bits[i / BITS_PER_LONG] & bit)
			overlap = true;
		c->free_bits[i / BITS_PER_LONG] |= bit;
	}
	if (overlap)
		problem(c, "%s at pfn %#lx (%lu pages) overlaps another free block", what, pfn, nr);
}

static bool block_in_zone(const struct zone *zone, unsigned long pfn, unsigned int order)
{
	return zone_spans_pfn(zone, pfn) && pfn + (1UL << order) <= zone_end_pfn(zone);
}

static bool in_deferred_run(const struct zone *zone, unsigned long pfn, unsigned long nr)
{
	return zone->nr_deferred && pfn < zone_deferred_end(zone) && pfn + nr > zone->deferred_pfn;
}

/*
 * The most blocks of this order a list of the zone can hold: aligned blocks
 * inside the zone do not overlap.
 */
static unsigned long list_bound(const struct zone *zone, unsigned int order)
{
	return zone->spanned_pages >> order;
}

/*
 * Does the list get back to its head within bound entries? One that does
 * not goes round a cycle. Asked before a list is checked (its lock held,
 * so it cannot change in between): a corrupted list is then reported once
 * and skipped, instead of walked forever or flooding overlap reports.
 */
static bool list_ends(const struct list_head *head, unsigned long bound)
{
	unsigned long n = 0;

	for (const struct list_head *l = head->next; l != head; l = l->next)
		if (++n > bound)
			return false;
	return true;
}

static void check_free_lists(struct checker *c)
{
	struct zone *zone = c->zone;
	long listed_pages = 0, cma_pages = 0;

	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct free_area *area = &zone->free_area[order];
		unsigned long total = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			unsigned long n = 0;
			struct list_head *head = &area->free_list[mt];

			if (!list_ends(head, list_bound(zone, order))) {
				problem(c, "free list order %u type %d is circular (more than %lu blocks)",
					order, mt, list_bound(zone, order));
				continue;
			}
			for (struct list_head *l = head->next; l != head; l = l->next) {
				struct page *page = list_entry(l, struct page, lru);
				unsigned long pfn = page_to_pfn_fast(page);

				n++;
				if (!pfn_valid(pfn) || !block_in_zone(zone, pfn, order)) {
					problem(c, "free block pfn %#lx order %u outside the zone", pfn,
						order);
					continue;
				}
				if (in_deferred_run(zone, pfn, 1UL << order))
					problem(c, "free block pfn %#lx order %u inside the deferred range",
						pfn, order);
				if (!PageBuddy(page) || buddy_order(page) != order)
					problem(c, "pfn %#lx on order-%u list: PageBuddy %d, order %u", pfn,
						order, PageBuddy(page), buddy_order(page));
				if ((int)page->index != mt)
					problem(c, "pfn %#lx on %s list records type %lu", pfn,
						migratetype_names[mt], page->index);
				if (pfn & ((1UL << order) - 1))
					problem(c, "free block pfn %#lx misaligned for order %u", pfn, order);
				if (page_ref_count(page) != 0 || PagePcp(page))
					problem(c, "free block pfn %#lx has refcount %d / pcp flag", pfn,
						page_ref_count(page));
				if (PageZeroed(page))
					problem(c,
						"free block pfn %#lx flagged zeroed (only taken blocks are)",
						pfn);
				if (PageReported(page))
					c->reported_pages += 1UL << order;
				mark_free(c, pfn, 1UL << order, "free block");
				if (mt != MIGRATE_ISOLATE)
					listed_pages += 1L << order;
				if (mt == MIGRATE_CMA)
					cma_pages += 1L << order;
			}
			if (order == MAX_ORDER - 1 && mt == MIGRATE_MOVABLE) {
				n += zone->nr_deferred;
				listed_pages += (long)(zone->nr_deferred << (MAX_ORDER - 1));
			}
			if (n != area->nr_free_mt[mt])
				problem(c, "order %u %s: %lu blocks listed, nr_free_mt says %lu", order,
					migratetype_names[mt], n, area->nr_free_mt[mt]);
			total += n;
		}
		if (total != area->nr_free)
			problem(c, "order %u: %lu blocks listed, nr_free says %lu", order, total,
				area->nr_free);
		if (!!(zone->pcptype_free_orders & (1UL << order)) != free_area_has_pcptype_block(area))
			problem(c, "order %u: pcptype_free_orders bit is %d, nr_free_mt says %d", order,
				!!(zone->pcptype_free_orders & (1UL << order)),
				free_area_has_pcptype_block(area));
	}
	if (c->reported_pages != zone->reported_pages)
		problem(c, "reported_pages %lu but %lu pages are in PageReported blocks",
			zone->reported_pages, c->reported_pages);
	if (listed_pages != zone_page_state(zone, NR_FREE_PAGES))
		problem(c, "NR_FREE_PAGES %ld but %ld pages are on the free lists",
			zone_page_state(zone, NR_FREE_PAGES), listed_pages);
	if (cma_pages != zone_page_state(zone, NR_FREE_CMA_PAGES))
		problem(c, "NR_FREE_CMA_PAGES %ld but %ld pages are on the CMA free lists",
			zone_page_state(zone, NR_FREE_CMA_PAGES), cma_pages);
}

/*
 * One CPU's list (a pcp list or its reserve): pages PagePcp, unreferenced,
 * aligned to the list's order, in the zone, on no other list (mark_free).
 * Returns the pages listed.
 */
static long check_pcp_list(struct checker *c, int cpu, struct list_head *head, int i, const char *what)
{
	struct zone *zone = c->zone;
	unsigned int order = pindex_to_order(i);
	long pages = 0;

	if (!list_ends(head, list_bound(zone, order))) {
		problem(c, "cpu %d %s list %d is circular (more than %lu blocks)", cpu, what, i,
			list_bound(zone, order));
		return 0;
	}
	for (struct list_head *l = head->next; l != head; l = l->next) {
		struct page *page = list_entry(l, struct page, lru);
		unsigned long pfn = page_to_pfn_fast(page);

		if (!pfn_valid(pfn) || !block_in_zone(zone, pfn, order)) {
			problem(c, "cpu %d %s page pfn %#lx outside the zone", cpu, what, pfn);
			break;
		}
		if (!PagePcp(page) || PageBuddy(page) || page_ref_count(page) != 0)
			problem(c, "cpu %d %s page pfn %#lx: pcp %d buddy %d refcount %d", cpu, what, pfn,
				PagePcp(page), PageBuddy(page), page_ref_count(page));
		if (pfn & ((1UL << order) - 1))
			problem(c, "cpu %d %s page pfn %#lx misaligned for order %u", cpu, what, pfn, order);
		mark_free(c, pfn, 1UL << order, "pcp page");
		pages += 1L << order;
	}
	return pages;
}

static void check_pcp_lists(struct checker *c)
{
	struct zone *zone = c->zone;

	for (int cpu = 0; cpu < buddy.nr_cpu_ids; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		long pages = 0, reserved = 0;

		for (int i = 0; i < NR_PCP_LISTS; i++) {
			pages += check_pcp_list(c, cpu, &pcp->lists[i], i, "pcp");
			reserved += check_pcp_list(c, cpu, &pcp->reserve[i], i, "pcp reserve");
			if (pindex_to_order(i) == 0 && !list_empty(&pcp->reserve[i]))
				problem(c, "cpu %d pcp reserve %d holds order-0 pages", cpu, i);
		}
		if (pages != pcp->count)
			problem(c, "cpu %d pcp count %d but %ld pages listed", cpu, pcp->count, pages);
		if (pcp->count < 0 || (pcp->high && pcp->count > pcp_count_limit(pcp)))
			problem(c, "cpu %d pcp count %d out of range (high %d, limit %ld)", cpu, pcp->count,
				pcp->high, pcp_count_limit(pcp));
		/* the per-CPU reserve (pcp_reserve.c, a deviation) */
		if (reserved != pcp->reserve_count)
			problem(c, "cpu %d pcp reserve_count %d but %ld pages reserved", cpu,
				pcp->reserve_count, reserved);
		if (pcp->reserve_count < 0 || pcp->reserve_count > pcp->reserve_claimed)
			problem(c, "cpu %d pcp reserve_count %d out of range (claimed %d)", cpu,
				pcp->reserve_count, pcp->reserve_claimed);
		/* 6.7: high moves only within [high_min, high_max] */
		if (pcp->high < pcp->high_min || pcp->high > pcp->high_max)
			problem(c, "cpu %d pcp high %d outside [high_min %d, high_max %d]", cpu, pcp->high,
				pcp->high_min, pcp->high_max);
	}
	long budget = atomic_load_explicit(&zone->pcp_reserve_budget, memory_order_relaxed);
	long total = atomic_load_explicit(&zone->pcp_reserve_total, memory_order_relaxed);
	if (budget > total)
		problem(c, "pcp reserve budget %ld above its total %ld", budget, total);
}

/* In-use pages must not lie inside free blocks (in_use_too); PageBuddy only on list heads. */
static void check_page_states(struct checker *c, unsigned long start, unsigned long end,
			      unsigned long *buddy_heads, bool in_use_too)
{
	struct zone *zone = c->zone;

	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page_fast(pfn);
		unsigned long i = pfn - zone->zone_start_pfn;

		if (PageBuddy(page))
			(*buddy_heads)++;
		else if (PageReported(page)) /* a free block's head only (page_reporting.h) */
			problem(c, "pfn %#lx flagged PageReported but not the head of a free block", pfn);
		if (!in_use_too || page_ref_count(page) <= 0 || PageTail(page))
			continue;
		/* Its owner may be setting it up right now, outside our locks. */
		unsigned int order = READ_ONCE(page->alloc_order);
		unsigned long nr = 1UL << order;
		for (unsigned long j = i; j < i + nr && j < zone->spanned_pages; j++)
			if (test_bit(c->free_bits, j)) {
				problem(c, "in-use page pfn %#lx (order %u) overlaps free page pfn %#lx", pfn,
					order, zone->zone_start_pfn + j);
				break;
			}
	}
}

/*
 * Guard pages (debug_guardpage_minorder): each a PG_guard head of a free,
 * unreferenced, aligned run below the minimum order, off every list, and
 * together nr_guard_pages. Marked free, so that no in-use page overlaps one.
 * Deferred blocks were never split: [start, end) is a part of the zone
 * outside them. Returns the guard pages found there.
 */
static unsigned long check_guard_pages(struct checker *c, unsigned long start, unsigned long end)
{
	unsigned long guards = 0;

	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page_fast(pfn);
		unsigned int order = buddy_order(page);

		if (!PageGuard(page))
			continue;
		if (order >= debug_guardpage_minorder() || (pfn & ((1UL << order) - 1)) ||
		    page_ref_count(page) != 0 || PageBuddy(page) || PagePcp(page))
			problem(c,
				"guard page pfn %#lx: order %u (minorder %u), refcount %d, buddy %d, pcp %d",
				pfn, order, debug_guardpage_minorder(), page_ref_count(page), PageBuddy(page),
				PagePcp(page));
		else
			mark_free(c, pfn, 1UL << order, "guard page");
		guards += 1UL << order;
	}
	return guards;
}

static void check_pageblocks(struct checker *c)
{
	struct zone *zone = c->zone;
	unsigned long blocks[MIGRATE_TYPES + 1] = {0};

	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages) {
		int mt = get_pfnblock_migratetype(zone, pfn);
		if (mt >= MIGRATE_TYPES)
			problem(c, "pageblock at pfn %#lx has invalid migratetype %d", pfn, mt);
		blocks[mt < MIGRATE_TYPES ? mt : MIGRATE_TYPES]++;
	}
	if (blocks[MIGRATE_HIGHATOMIC] * pageblock_nr_pages != zone->nr_reserved_highatomic)
		problem(c, "nr_reserved_highatomic %lu but %lu HighAtomic pageblocks",
			zone->nr_reserved_highatomic, blocks[MIGRATE_HIGHATOMIC]);
	if (blocks[MIGRATE_ISOLATE] != zone->nr_isolate_pageblock)
		problem(c, "nr_isolate_pageblock %lu but %lu Isolate pageblocks", zone->nr_isolate_pageblock,
			blocks[MIGRATE_ISOLATE]);
	if (blocks[MIGRATE_CMA] * pageblock_nr_pages > zone->cma_pages)
		problem(c, "%lu CMA pageblocks but cma_pages is %lu", blocks[MIGRATE_CMA], zone->cma_pages);
}

/*
 * The deferred run, from its bookkeeping alone: O(its pageblocks), no struct
 * page. False when its bounds cannot be trusted to skip it by.
 */
static bool check_deferred(struct checker *c)
{
	struct zone *zone = c->zone;
	unsigned long start = zone->deferred_pfn, end = zone_deferred_end(zone);

	if (!zone->nr_deferred)
		return true;
	if ((start & (MAX_ORDER_NR_PAGES - 1)) || start < zone->zone_start_pfn || end <= start ||
	    end > zone_end_pfn(zone)) {
		problem(c, "deferred range pfn %#lx, %lu blocks, misaligned or outside the zone", start,
			zone->nr_deferred);
		return false;
	}
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages)
		if (get_pfnblock_migratetype(zone, pfn) != MIGRATE_MOVABLE) {
			problem(c, "deferred pageblock at pfn %#lx is not Movable", pfn);
			break;
		}
	return true;
}

/*
 * The zone's checks with zone->lock held. Every check below reads only what
 * zone->lock guards, except the pcp lists and the in-use pages' states: those
 * need every CPU's lock as well (all_cpus_locked), and a thread preparing a
 * page it just took must not be caught halfway.
 */
static int __check_zone_bits(struct zone *zone, bool all_cpus_locked, unsigned long *free_bits)
{
	struct checker c = {.zone = zone, .free_bits = free_bits};
	unsigned long buddy_heads = 0, listed_heads = 0;

	lockdep_assert_zone_held(zone);
	check_free_lists(&c);
	if (all_cpus_locked)
		check_pcp_lists(&c);
	check_pageblocks(&c);
	/*
	 * Everything outside the deferred run has been touched and is scanned;
	 * the run is not (nor anything when its bounds are corrupt, reported).
	 */
	if (check_deferred(&c)) {
		unsigned long deferred_end = zone_deferred_end(zone);

		if (debug_guardpage_minorder() || zone->nr_guard_pages) {
			unsigned long guards = check_guard_pages(&c, zone->zone_start_pfn,
								 zone->nr_deferred ? zone->deferred_pfn
										   : zone_end_pfn(zone));
			if (zone->nr_deferred)
				guards += check_guard_pages(&c, deferred_end, zone_end_pfn(zone));
			if (guards != zone->nr_guard_pages)
				problem(&c, "nr_guard_pages %lu but %lu guard pages in the zone",
					zone->nr_guard_pages, guards);
		}
		if (zone->nr_deferred) {
			check_page_states(&c, zone->zone_start_pfn, zone->deferred_pfn, &buddy_heads,
					  all_cpus_locked);
			check_page_states(&c, deferred_end, zone_end_pfn(zone), &buddy_heads,
					  all_cpus_locked);
		} else {
			check_page_states(&c, zone->zone_start_pfn, zone_end_pfn(zone), &buddy_heads,
					  all_cpus_locked);
		}
		for (int o = 0; o < MAX_ORDER; o++)
			listed_heads += zone->free_area[o].nr_free;
		listed_heads -= zone->nr_deferred;
		if (buddy_heads != listed_heads)
			problem(&c, "%lu pages flagged PageBuddy but %lu blocks on the free lists",
				buddy_heads, listed_heads);
	}
	return c.problems;
}

/* One bit per page of the zone. Mapped, not calloc'd: only the words for initialised pages get touched. */
static size_t free_bits_bytes(const struct zone *zone)
{
	return (zone->spanned_pages / BITS_PER_LONG + 1) * sizeof(unsigned long);
}

int __check_zone(struct zone *zone, bool all_cpus_locked)
{
	size_t bytes = free_bits_bytes(zone);
	unsigned long *bits;
	int problems;

	if (!zone->spanned_pages)
		return 0;
	bits = os_map_zeroed(bytes);
	if (!bits) {
		fprintf(stderr, "buddy_check: out of memory\n");
		return 1;
	}
	problems = __check_zone_bits(zone, all_cpus_locked, bits);
	os_release(bits, bytes);
	return problems;
}

int check_zone(struct zone *zone)
{
	size_t bytes = free_bits_bytes(zone);
	unsigned long *bits;
	int problems;

	if (!zone->spanned_pages)
		return 0;
	bits = os_map_zeroed(bytes); /* before the lock: a system call */
	if (!bits) {
		fprintf(stderr, "buddy_check: out of memory\n");
		return 1;
	}
	zone_lock(zone);
	problems = __check_zone_bits(zone, true, bits);
	zone_unlock_nocheck(zone); /* the check just ran */
	os_release(bits, bytes);
	return problems;
}

/* BUDDY_DEBUG_VM's expensive level, from zone_unlock(): a problem is a BUG. */
void vm_check_zone_locked(struct zone *zone)
{
	int problems = __check_zone(zone, false);

	if (problems)
		vm_bug(__FILE__, __LINE__, "zone_unlock: the zone checker found problems (above)");
}

int buddy_check(void)
{
	int problems = 0;

	if (!atomic_load_explicit(&buddy.initialized, memory_order_acquire))
		return 0;
	for (int cpu = 0; cpu < buddy.nr_cpu_ids; cpu++)
		pcp_lock_cpu(&buddy.cpus[cpu]);
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			problems += check_zone(&NODE_DATA(nid)->node_zones[z]);
	for (int cpu = 0; cpu < buddy.nr_cpu_ids; cpu++)
		pcp_unlock_cpu(&buddy.cpus[cpu]);
	if (problems > 20)
		fprintf(stderr, "buddy_check: %d problems in all\n", problems);
	return problems;
}
