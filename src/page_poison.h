/* SPDX-License-Identifier: MIT */
/*
 * page_poison:on (Linux 6.1 mm/page_poison.c): a freed page is filled with
 * PAGE_POISON and checked when it is handed out again, so a write to a free
 * page is reported. Off, every call below is an inline no-op test of one
 * flag; only debug_page_alloc.c calls them, on the full paths.
 */
#ifndef BUDDY_PAGE_POISON_H
#define BUDDY_PAGE_POISON_H

#include <stdbool.h>

#include "compiler.h"

struct page;

/* include/linux/poison.h: the byte free pages are filled with. */
#define PAGE_POISON 0xaa

extern HIDDEN bool _page_poisoning_enabled;

static inline bool page_poisoning_enabled(void)
{
	return __builtin_expect(_page_poisoning_enabled, 0);
}

/* buddy_init (arena known): the bitmap of poisoned pages; 0 or -ENOMEM. */
HIDDEN int page_poison_init(bool on);
HIDDEN void page_poison_exit(void);

/* Fill the n pages from page with PAGE_POISON (6.1 __kernel_poison_pages); the pages are mapped. */
HIDDEN void __kernel_poison_pages(struct page *page, unsigned long n);
/*
 * Check the n pages from page (mapped) against the poison and forget it
 * (6.1 __kernel_unpoison_pages); a page that was written while free is
 * reported as the kernel reports it. False when one was.
 */
HIDDEN bool __kernel_unpoison_pages(struct page *page, unsigned long n);

#endif /* BUDDY_PAGE_POISON_H */
