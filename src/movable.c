/* SPDX-License-Identifier: MIT */
/*
 * The owners' side of movable pages (<buddy/migrate.h>): marking a page
 * movable with its callbacks, the owner's cookie, and the checks that turn
 * misuse into a report instead of a page compaction would mishandle. The
 * kernel keeps __SetPageMovable in mm/compaction.c; here it is apart, so
 * that the allocator's lower files need not see compaction.
 */
#include "migrate.h"

static bool movable_page_arg_ok(struct page *page, const char *fn)
{
	char why[96];

	if (likely(valid_page_pointer(page)))
		return true;
	snprintf(why, sizeof(why), "%s: not a page descriptor of the arena", fn);
	bad_address(page, why);
	return false;
}

static bool movable_ops_complete(const struct movable_operations *ops)
{
	return ops && ops->isolate_page && ops->migrate_page && ops->putback_page;
}

/*
 * Why page cannot be marked movable now, or NULL. Only the first page of a
 * live allocation made with __GFP_MOVABLE qualifies (with grouping by
 * mobility off every allocation is recorded as unmovable, so any will do).
 */
static const char *set_movable_problem(struct page *page, const struct movable_operations *ops)
{
	if (!movable_ops_complete(ops))
		return "__SetPageMovable: movable_operations without all three callbacks";
	if (PageTail(page))
		return "__SetPageMovable on a tail page of a compound page";
	if (page_ref_count(page) <= 0)
		return "__SetPageMovable on a free page";
	if (__PageMovable(page))
		return "__SetPageMovable on a page that is already movable";
	if (READ_ONCE(page->index) != MIGRATE_MOVABLE && !buddy.page_group_by_mobility_disabled)
		return "__SetPageMovable on a page not allocated with __GFP_MOVABLE";
	return NULL;
}

void __SetPageMovable(struct page *page, const struct movable_operations *ops)
{
	const char *why;

	if (!movable_page_arg_ok(page, __func__))
		return;
	why = set_movable_problem(page, ops);
	if (why) {
		bad_page(page, page_to_pfn_fast(page), why);
		return;
	}
	__atomic_store_n(&page->movable_ops, ops, __ATOMIC_RELAXED);
	/* release: a scanner that sees PG_movable sees the ops */
	page_flags_set_atomic(page, 1UL << PG_movable);
	/* kcompactd starts with the first page it could move (a no-op once running) */
	struct buddy_kthread *kcompactd = &NODE_DATA(pfn_to_nid(page_to_pfn_fast(page)))->kcompactd;
	if (!kthread_started(kcompactd))
		kthread_wake(kcompactd);
}

void __ClearPageMovable(struct page *page)
{
	if (!movable_page_arg_ok(page, __func__))
		return;
	if (!__PageMovable(page)) {
		bad_page(page, page_to_pfn_fast(page), "__ClearPageMovable on a page that is not movable");
		return;
	}
	page_flags_clear_atomic(page, 1UL << PG_movable);
}

bool PageMovable(struct page *page)
{
	return movable_page_arg_ok(page, __func__) && page_ref_count(page) > 0 && __PageMovable(page);
}

bool PageIsolated(struct page *page)
{
	return movable_page_arg_ok(page, __func__) && page_ref_count(page) > 0 && __PageIsolated(page);
}

void set_page_private(struct page *page, unsigned long private)
{
	if (movable_page_arg_ok(page, __func__))
		WRITE_ONCE(page->private, private);
}

unsigned long page_private(struct page *page)
{
	return movable_page_arg_ok(page, __func__) ? READ_ONCE(page->private) : 0;
}
