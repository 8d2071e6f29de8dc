/* SPDX-License-Identifier: MIT */
/*
 * debug_pagealloc, guard pages, and the allocation and free hooks of the
 * debug modes (debug_page_alloc.h; Linux 6.1 mm/debug_page_alloc.c and
 * page_alloc.c's free_pages_prepare/post_alloc_hook). Below it:
 * page_poison.c, fast_path.c, os.c, mmdebug.c. Callers: page_alloc.c,
 * page_free.c, free_area.c (guard pages), migrate.c, compaction.c,
 * page_isolation.c, init.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug_page_alloc.h"
#include "fast_path.h"
#include "internal.h"
#include "os.h"
#include "page_poison.h"

bool _debug_page_hooks;
bool _debug_pagealloc_enabled;
unsigned int _debug_guardpage_minorder;

/* ------------------------------------------------------------ mapping */

/*
 * The kernel's __kernel_map_pages cannot fail where libbuddy's mprotect can
 * (past vm.max_map_count every protection change of a page in the middle of
 * a mapping splits it): carrying on would hand out an inaccessible page or
 * leave a free one writable, so the failure is fatal, with the cure named.
 */
static __noinline __cold void map_pages_failed(void *addr, size_t bytes, int accessible, int err)
{
	fprintf(stderr, "libbuddy: debug_pagealloc: cannot %s %zu bytes at %p: %s%s\n",
		accessible ? "map" : "unmap", bytes, addr, strerror(-err),
		err == -ENOMEM ? " (raise vm.max_map_count: every unmapped range is a mapping)" : "");
	abort();
}

static void kernel_map_pages(void *addr, size_t bytes, int accessible)
{
	int rc = os_protect(addr, bytes, accessible);

	if (unlikely(rc))
		map_pages_failed(addr, bytes, accessible, rc);
}

/* include/linux/mm.h debug_pagealloc_map_pages / debug_pagealloc_unmap_pages */
static inline void debug_pagealloc_map_pages(void *addr, size_t bytes)
{
	if (debug_pagealloc_enabled())
		kernel_map_pages(addr, bytes, 1);
}

static inline void debug_pagealloc_unmap_pages(void *addr, size_t bytes)
{
	if (debug_pagealloc_enabled())
		kernel_map_pages(addr, bytes, 0);
}

/* ------------------------------------------------------------ the hooks */

bool __debug_alloc_pages(struct page *page, unsigned int order)
{
	void *addr = pfn_to_virt(page_to_pfn_fast(page));
	size_t bytes = PAGE_SIZE << order;

	debug_pagealloc_map_pages(addr, bytes);
	unpoison_pages(addr, bytes); /* ASan's: the check below reads the page */
	if (page_poisoning_enabled())
		return __kernel_unpoison_pages(page, 1UL << order);
	return true;
}

void __debug_alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn)
{
	void *addr = pfn_to_virt(start_pfn);
	size_t bytes = (end_pfn - start_pfn) << PAGE_SHIFT;

	debug_pagealloc_map_pages(addr, bytes);
	unpoison_pages(addr, bytes);
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page_fast(pfn);

		if (page_poisoning_enabled())
			(void)__kernel_unpoison_pages(page, 1);
		set_page_flag(page, PG_free_hooks);
	}
}

void debug_free_pages(struct page *page, unsigned int order)
{
	if (page_poisoning_enabled())
		__kernel_poison_pages(page, 1UL << order);
	debug_pagealloc_unmap_pages(pfn_to_virt(page_to_pfn_fast(page)), PAGE_SIZE << order);
}

void __debug_refree_pages(struct page *page, unsigned int order)
{
	void *addr = pfn_to_virt(page_to_pfn_fast(page));
	size_t bytes = PAGE_SIZE << order;

	if (page_poisoning_enabled()) {
		debug_pagealloc_map_pages(addr, bytes);
		unpoison_pages(addr, bytes);
	}
	debug_free_pages(page, order);
}

/* ------------------------------------------------------------ guard pages */

/*
 * 6.1 set_page_guard: flagged, its order kept in private, and out of the
 * free count (the kernel subtracts it from NR_FREE_PAGES; here expand()'s
 * caller already took the whole block off the count and the guard is never
 * added back). Isolated blocks keep no count, as in the kernel.
 */
void __set_page_guard(struct zone *zone, struct page *page, unsigned int order)
{
	lockdep_assert_zone_held(zone);
	set_page_flags(page, 1UL << PG_guard);
	page->private = order;
	WRITE_ONCE(zone->nr_guard_pages, zone->nr_guard_pages + (1UL << order));
}

void clear_page_guard(struct zone *zone, struct page *page, unsigned int order)
{
	lockdep_assert_zone_held(zone);
	clear_page_flag(page, PG_guard);
	page->private = 0;
	WRITE_ONCE(zone->nr_guard_pages, zone->nr_guard_pages - (1UL << order));
}

/* ------------------------------------------------------------ start and end */

/*
 * mprotect changes whole pages of the mapping: inside a huge page (hugetlb,
 * or a hugetlbfs file) one 4 KiB page cannot be unmapped alone. Try it on
 * the arena's first page, which is free.
 */
static int check_protectable(void)
{
	int rc = os_protect(buddy.arena_base, PAGE_SIZE, 0);

	if (!rc)
		rc = os_protect(buddy.arena_base, PAGE_SIZE, 1);
	if (rc)
		fprintf(stderr,
			"libbuddy: debug_pagealloc: the arena cannot be unmapped page by page (%s); it "
			"needs 4 KiB pages (not hugepages:hugetlb or a hugetlbfs file)\n",
			strerror(-rc));
	return rc ? -EINVAL : 0;
}

int debug_page_alloc_init(const struct buddy_settings *s)
{
	bool pagealloc = s->debug_pagealloc > 0;
	int rc;

	/* refused as asked, even when the pool was empty and the arena fell back to 4 KiB pages */
	if (pagealloc &&
	    (s->hugepages == ARENA_PAGES_HUGETLB || buddy.arena_backing == ARENA_PAGES_HUGETLB)) {
		fprintf(stderr, "libbuddy: debug_pagealloc:on needs 4 KiB pages: hugepages:hugetlb maps "
				"the arena in 2 MiB pages, which mprotect cannot split\n");
		return -EINVAL;
	}
	if (pagealloc && check_protectable())
		return -EINVAL;
	/* 6.1 init_debug_guardpage: guard pages exist only with debug_pagealloc on */
	if (s->debug_guardpage_minorder && !pagealloc)
		fprintf(stderr,
			"libbuddy: debug_guardpage_minorder:%d has no effect without "
			"debug_pagealloc:on (as in the kernel)\n",
			s->debug_guardpage_minorder);
	rc = page_poison_init(s->page_poison > 0);
	if (rc)
		return rc;
	_debug_pagealloc_enabled = pagealloc;
	_debug_guardpage_minorder = pagealloc ? (unsigned int)s->debug_guardpage_minorder : 0;
	_debug_page_hooks = pagealloc || page_poisoning_enabled();
	/* every page is free: one mprotect of the whole arena (6.1 unmaps each at memblock_free_pages) */
	if (pagealloc)
		kernel_map_pages(buddy.arena_base, buddy.arena_bytes, 0);
	if (pagealloc)
		fast_path_block(FAST_PATH_DEBUG_PAGEALLOC);
	if (page_poisoning_enabled())
		fast_path_block(FAST_PATH_PAGE_POISON);
	if (_debug_guardpage_minorder)
		fast_path_block(FAST_PATH_GUARD_PAGES);
	return 0;
}

void debug_page_alloc_exit(void)
{
	/* the arena is unmapped whole by arena_release: no protection to restore */
	fast_path_unblock(FAST_PATH_DEBUG_PAGEALLOC);
	fast_path_unblock(FAST_PATH_PAGE_POISON);
	fast_path_unblock(FAST_PATH_GUARD_PAGES);
	page_poison_exit();
	_debug_page_hooks = false;
	_debug_pagealloc_enabled = false;
	_debug_guardpage_minorder = 0;
}
