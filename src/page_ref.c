/* SPDX-License-Identifier: MIT */
/*
 * Page identity and reference counting: the gfp.h helpers that translate
 * between pages, pfns and addresses, get_page/put_page, split_page, and the
 * calls that take or give addresses (__get_free_pages, free_pages and the
 * alloc_pages_exact pair), built on page_alloc.c's alloc_pages and
 * __free_pages. Every lookup from a caller's pointer is checked.
 */
#include "debug_page_alloc.h"
#include "internal.h"

/*
 * Every function here that takes a caller's struct page checks it first, as
 * __free_pages does, and reports a bad one in the same words: the call then
 * does nothing and returns the value gfp.h names for that case.
 */
static __noinline __cold void bad_page_pointer(const struct page *page, const char *fn)
{
	char why[96];

	snprintf(why, sizeof(why), "%s: not a page descriptor of the arena", fn);
	bad_address(page, why);
}

static inline bool page_arg_ok(const struct page *page, const char *fn)
{
	if (likely(valid_page_pointer(page)))
		return true;
	bad_page_pointer(page, fn);
	return false;
}

void *page_address(const struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return NULL;
	return pfn_to_virt(page_to_pfn_fast(page));
}

struct page *virt_to_page(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, base = (uintptr_t)buddy.arena_base;

	if (!buddy.arena_base || a < base || a >= base + buddy.arena_bytes)
		return NULL;
	return pfn_to_page_fast((a - base) >> PAGE_SHIFT);
}

unsigned long page_to_pfn(const struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return ~0UL;
	return page_to_pfn_fast(page);
}

struct page *pfn_to_page(unsigned long pfn)
{
	return buddy.mem_map && pfn_valid(pfn) ? pfn_to_page_fast(pfn) : NULL;
}

static struct page *compound_head(struct page *page)
{
	return PageTail(page) ? page->compound_head : page;
}

int page_count(struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return 0;
	return page_ref_count(compound_head(page));
}

void get_page(struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return;
	page = compound_head(page);
	/* no add-then-undo: a free racing with it must never see a count it did not leave */
	if (unlikely(!page_ref_inc_unless_zero(page)))
		bad_page(page, page_to_pfn_fast(page), "get_page on a page that is not allocated");
}

/* Drop a reference; the last one frees the whole allocation (or compound page). */
void put_page(struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return;
	page = compound_head(page);
	__free_pages(page, page->alloc_order);
}

/*
 * Turn one order-n allocation into 2^n order-0 pages, each with its own
 * reference, freeable one by one. A compound page cannot be split.
 */
void split_page(struct page *page, unsigned int order)
{
	if (!page_arg_ok(page, __func__))
		return;
	if (PageHead(page) || PageTail(page) || page_ref_count(page) <= 0 || page->alloc_order != order) {
		bad_page(page, page_to_pfn_fast(page), "split_page of a compound, free or wrong-order page");
		return;
	}
	bool free_hooks = PageFreeHooks(page); /* each page's free runs the debug hooks too */

	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = page + i;
		set_page_links(p, page_zone(page));
		if (free_hooks)
			set_page_flag(p, PG_free_hooks);
		WRITE_ONCE(p->alloc_order, 0);
		WRITE_ONCE(p->index, page->index);
		set_page_count(p, 1);
	}
}

enum zone_type page_zonenum(const struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return MAX_NR_ZONES;
	struct zone *zone = pfn_to_zone(page_to_pfn_fast(page));
	return zone ? zone->idx : ZONE_NORMAL;
}

int page_to_nid(const struct page *page)
{
	if (!page_arg_ok(page, __func__))
		return NUMA_NO_NODE;
	return pfn_to_nid(page_to_pfn_fast(page));
}

int numa_node_id(void)
{
	buddy_ensure_init();
	return buddy.cpus ? buddy.cpus[pcp_cpu_id()].node : 0;
}

/*
 * The kernel's get_order: fls64((size - 1) >> PAGE_SHIFT), the smallest
 * order whose block holds size bytes. Size 0 wraps to the top, giving
 * BITS_PER_LONG - PAGE_SHIFT (52) as in the kernel; no size can loop or
 * shift past the word.
 */
static unsigned int get_order(size_t size)
{
	size_t last_page = (size - 1) >> PAGE_SHIFT;

	if (!last_page)
		return 0;
	return (unsigned int)(8 * sizeof(last_page)) - (unsigned int)__builtin_clzl(last_page);
}

/*
 * Exactly size bytes (rounded up to pages): allocate the covering order,
 * split it, and give back the pages beyond the end.
 *
 * Size 0 is refused, as the kernel refuses it: get_order(0) is 52 there, so
 * the request fails as too large. Serving a page instead would hand out
 * memory free_pages_exact(virt, 0) never gives back. Like every size past
 * the largest block (4 MiB), it fails before anything is allocated: NULL,
 * counted, and reported as a "page allocation failure" unless __GFP_NOWARN.
 */
void *alloc_pages_exact(size_t size, gfp_t gfp_mask)
{
	unsigned int order = get_order(size);

	if (unlikely(!size || order >= MAX_ORDER)) {
		refuse_alloc(gfp_mask, order, NULL,
			     size ? "alloc_pages_exact: size above the largest block (order 10)"
				  : "alloc_pages_exact: size 0");
		return NULL;
	}
	unsigned long addr = __get_free_pages(gfp_mask & ~__GFP_COMP, order);
	if (!addr)
		return NULL;
	struct page *page = virt_to_page((void *)addr);
	size_t used = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	split_page(page, order);
	for (size_t i = used; i < (1UL << order); i++)
		__free_pages(page + i, 0);
	return (void *)addr;
}

void free_pages_exact(void *virt, size_t size)
{
	size_t nr = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;

	for (size_t i = 0; i < nr; i++)
		free_pages((unsigned long)virt + i * PAGE_SIZE, 0);
}

/* ------------------------------------------------------------ by address */

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	/* Highmem pages have a kernel address only while mapped; refuse as the kernel does. */
	struct page *page = alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);
	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr == 0)
		return;
	struct page *page = virt_to_page((const void *)addr);
	if (unlikely(!page || (addr & (PAGE_SIZE - 1)))) {
		bad_address((const void *)addr, "free_pages: address is not a page of the arena");
		return;
	}
	__free_pages(page, order);
}
