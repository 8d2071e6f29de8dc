/* SPDX-License-Identifier: MIT */
/*
 * The debug modes of the page allocator that watch free pages (Linux 6.1
 * mm/debug_page_alloc.c, include/linux/mm.h, mm/page_alloc.c):
 *
 *  - debug_pagealloc:on - free pages are unmapped (mprotect PROT_NONE) when
 *    freed and mapped again when handed out (debug_pagealloc_unmap_pages in
 *    free_pages_prepare, debug_pagealloc_map_pages in post_alloc_hook), so a
 *    use after free faults at once, on a pcp list or a buddy list alike;
 *  - page_poison:on - page_poison.h;
 *  - debug_guardpage_minorder:N (with debug_pagealloc, as in the kernel) -
 *    the halves expand() splits off below order N become guard pages:
 *    unmapped, off the free lists and out of the free count, until their
 *    buddy is freed and __free_one_page merges them back.
 *
 * All are chosen at buddy_init and fixed until buddy_exit, like the boot
 * parameters. While one is on, the order-0 fast paths are blocked
 * (fast_path.h): allocations take get_page_from_freelist, which runs
 * debug_alloc_pages, and every page handed out is marked PG_free_hooks so
 * that its free reaches debug_free_pages in free_the_page. Off, the hooks
 * are inline tests of one flag on those full paths, and the fast paths do
 * not see them at all.
 */
#ifndef BUDDY_DEBUG_PAGE_ALLOC_H
#define BUDDY_DEBUG_PAGE_ALLOC_H

#include <stdbool.h>

#include "mm_types.h"

struct zone;
struct buddy_settings;

extern HIDDEN bool _debug_page_hooks; /* any mode below is on */
extern HIDDEN bool _debug_pagealloc_enabled;
extern HIDDEN unsigned int _debug_guardpage_minorder; /* 0 unless guard pages are active */

static inline bool debug_page_hooks_enabled(void)
{
	return __builtin_expect(_debug_page_hooks, 0);
}
static inline bool debug_pagealloc_enabled(void)
{
	return __builtin_expect(_debug_pagealloc_enabled, 0);
}
static inline unsigned int debug_guardpage_minorder(void)
{
	return _debug_guardpage_minorder;
}

/*
 * buddy_init, the arena mapped and nothing allocated yet: turn the chosen
 * modes on and unmap the arena (every page is free). 0, or -EINVAL with a
 * message when the arena cannot be protected page by page.
 */
HIDDEN int debug_page_alloc_init(const struct buddy_settings *s);
/* buddy_exit: the modes off, the fast paths unblocked. */
HIDDEN void debug_page_alloc_exit(void);

/*
 * 6.1 post_alloc_hook's debug steps for a block leaving the allocator: map
 * it, and check and forget the poison. False when the poison was disturbed
 * (reported): the caller keeps the block out of circulation, as the kernel
 * does with a bad new page, or only notes it where it cannot.
 */
HIDDEN bool __debug_alloc_pages(struct page *page, unsigned int order);
static inline bool debug_alloc_pages(struct page *page, unsigned int order)
{
	if (!debug_page_hooks_enabled())
		return true;
	return __debug_alloc_pages(page, order);
}

/*
 * The same for a range alloc_contig_range took, in one mapping call; a
 * disturbed page is reported but stays in the range (the caller asked for
 * these very pages, as in 6.1). Each page's free runs the hooks too.
 */
HIDDEN void __debug_alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn);
static inline void debug_alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn)
{
	if (debug_page_hooks_enabled())
		__debug_alloc_contig_range(start_pfn, end_pfn);
}

/* The block is the caller's now: its free must run debug_free_pages (after prep_new_page). */
static inline void debug_mark_free_hooks(struct page *page)
{
	if (debug_page_hooks_enabled())
		set_page_flag(page, PG_free_hooks);
}

/* 6.1 free_pages_prepare's debug steps for a block that was handed out: poison it, then unmap it. */
HIDDEN void debug_free_pages(struct page *page, unsigned int order);

/*
 * A block that was taken off the free lists without being handed out and
 * may have been written since (compaction's unused migration targets): the
 * same, mapping it first when it was left unmapped.
 */
HIDDEN void __debug_refree_pages(struct page *page, unsigned int order);
static inline void debug_refree_pages(struct page *page, unsigned int order)
{
	if (debug_page_hooks_enabled())
		__debug_refree_pages(page, order);
}

/*
 * 6.1 set_page_guard, for expand(): the half of this order becomes a guard
 * page instead of a free block when the order is below
 * debug_guardpage_minorder. True if it did. zone->lock held.
 */
HIDDEN void __set_page_guard(struct zone *zone, struct page *page, unsigned int order);
static inline bool set_page_guard(struct zone *zone, struct page *page, unsigned int order)
{
	if (__builtin_expect(order >= debug_guardpage_minorder(), 1))
		return false;
	__set_page_guard(zone, page, order);
	return true;
}
/* 6.1 clear_page_guard: __free_one_page merges the guard back into a free block. zone->lock held. */
HIDDEN void clear_page_guard(struct zone *zone, struct page *page, unsigned int order);

#endif /* BUDDY_DEBUG_PAGE_ALLOC_H */
