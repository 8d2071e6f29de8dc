/* SPDX-License-Identifier: MIT */
/*
 * The pieces of the slow path that need no page from the free lists
 * (page_alloc_slow.c): the mask as the slow path sees it, kswapd's wake-up,
 * direct reclaim, the retry decisions and the warnings. page_alloc.c's
 * __alloc_pages_slowpath strings them together with its own
 * get_page_from_freelist attempts and the direct compaction steps (which 6.1
 * keeps in page_alloc.c); nothing here calls back into it.
 */
#ifndef BUDDY_PAGE_ALLOC_SLOW_H
#define BUDDY_PAGE_ALLOC_SLOW_H

#include "internal.h"

/*
 * The mask as 6.1's __alloc_pages and __alloc_pages_slowpath use it: the
 * thread's nofs/noio scope applied (current_gfp_context), __GFP_ATOMIC
 * dropped, with the kernel's warning, when __GFP_DIRECT_RECLAIM says the
 * caller may sleep; and the warning for __GFP_NOFAIL above order 1.
 */
HIDDEN gfp_t slowpath_gfp_mask(gfp_t gfp_mask, unsigned int order);
/* 6.1 gfp_pfmemalloc_allowed: may the request use ALLOC_NO_WATERMARKS? */
HIDDEN bool gfp_pfmemalloc_allowed(gfp_t gfp_mask);
/* 6.1 wake_all_kswapds: wakeup_kswapd once per node of the request's zonelist. */
HIDDEN void wake_all_kswapds(unsigned int order, gfp_t gfp_mask, const struct alloc_context *ac);
/* 6.1 __perform_reclaim: try_to_free_pages inside a noreclaim scope; pages reclaimed. */
HIDDEN unsigned long __perform_reclaim(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac);
/*
 * 6.1 should_reclaim_retry: retry while some zone would meet its min mark
 * with everything reclaimable reclaimed, at most MAX_RECLAIM_RETRIES rounds
 * in a row without progress; before saying no, give back a highatomic
 * reserve (and say yes if that freed pages).
 */
HIDDEN bool should_reclaim_retry(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac,
				 unsigned int alloc_flags, bool did_some_progress, int *no_progress_loops);
/*
 * 6.1 __alloc_pages_may_oom's reasons to leave the OOM killer out: a costly
 * order, __GFP_RETRY_MAYFAIL, __GFP_THISNODE, or a request for lowmem only.
 */
HIDDEN bool oom_step_skipped(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac);
/*
 * 6.1 nopage's checks for __GFP_NOFAIL, each warned once: without
 * __GFP_DIRECT_RECLAIM it cannot wait and fails (false); inside a
 * noreclaim scope, or at a costly order, it loops but is warned about.
 */
HIDDEN bool nofail_may_loop(gfp_t gfp_mask, unsigned int order, bool can_direct_reclaim);

#endif /* BUDDY_PAGE_ALLOC_SLOW_H */
