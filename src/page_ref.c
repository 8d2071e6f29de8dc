/* SPDX-License-Identifier: MIT */
/*
 * Page identity and reference counting: the gfp.h helpers that translate
 * between pages, pfns and addresses, get_page/put_page, split_page, and the
 * calls that take or give addresses (__get_free_pages, free_pages and the
 * alloc_pages_exact pair), built on page_alloc.c's alloc_pages and
 * __free_pages. Every lookup from a caller's pointer is checked.
 */
#include "internal.h"

void *page_address(const struct page *page)
{
	if (!page || !buddy.mem_map)
		return NULL;
	unsigned long pfn = page_to_pfn_fast(page);
	return pfn_valid(pfn) ? pfn_to_virt(pfn) : NULL;
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
	return page_ref_count(compound_head(page));
}

void get_page(struct page *page)
{
	page = compound_head(page);
	if (unlikely(atomic_fetch_add_explicit(&page->_refcount, 1, memory_order_relaxed) <= 0)) {
		atomic_fetch_sub_explicit(&page->_refcount, 1, memory_order_relaxed);
		bad_page(page, page_to_pfn_fast(page), "get_page on a page that is not allocated");
	}
}

/* Drop a reference; the last one frees the whole allocation (or compound page). */
void put_page(struct page *page)
{
	page = compound_head(page);
	__free_pages(page, page->alloc_order);
}

/*
 * Turn one order-n allocation into 2^n order-0 pages, each with its own
 * reference, freeable one by one. A compound page cannot be split.
 */
void split_page(struct page *page, unsigned int order)
{
	if (PageHead(page) || PageTail(page) || page_ref_count(page) <= 0 || page->alloc_order != order) {
		bad_page(page, page_to_pfn_fast(page), "split_page of a compound, free or wrong-order page");
		return;
	}
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = page + i;
		set_page_links(p, page_zone(page));
		WRITE_ONCE(p->alloc_order, 0);
		WRITE_ONCE(p->index, page->index);
		set_page_count(p, 1);
	}
}

enum zone_type page_zonenum(const struct page *page)
{
	struct zone *zone = pfn_to_zone(page_to_pfn_fast(page));
	return zone ? zone->idx : ZONE_NORMAL;
}

int page_to_nid(const struct page *page)
{
	return pfn_to_nid(page_to_pfn_fast(page));
}

int numa_node_id(void)
{
	buddy_ensure_init();
	return buddy.cpus ? buddy.cpus[pcp_cpu_id()].node : 0;
}

static unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/*
 * Exactly size bytes (rounded up to pages): allocate the covering order,
 * split it, and give back the pages beyond the end.
 */
void *alloc_pages_exact(size_t size, gfp_t gfp_mask)
{
	unsigned int order = get_order(size);
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
