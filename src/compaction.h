/* SPDX-License-Identifier: MIT */
/*
 * Compaction as the slow path and kswapd see it (Linux 6.1
 * include/linux/compaction.h): priorities, results, direct compaction,
 * the retry decision and kcompactd's wake-up. compaction.c implements it,
 * except __alloc_pages_direct_compact and should_compact_retry, which live
 * in page_alloc.c as in the kernel (they take pages from the freelists;
 * compaction.c calls nothing in page_alloc.c).
 */
#ifndef BUDDY_COMPACTION_H
#define BUDDY_COMPACTION_H

#include "internal.h"

/* Lower is stronger, as in the kernel. */
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC
};

enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE, /* for more detailed tracepoint output; never returned */
	COMPACT_SKIPPED,	   /* not run: too little free memory to migrate into */
	COMPACT_DEFERRED,	   /* not run: failed recently (compaction_deferred) */
	COMPACT_NO_SUITABLE_PAGE,  /* for tracepoints; never returned */
	COMPACT_CONTINUE,	   /* go on scanning */
	COMPACT_COMPLETE,	   /* the scanners met: the whole zone was tried, no page */
	COMPACT_PARTIAL_SKIPPED,   /* scanners met in a zone scanned only in part (skip bits) */
	COMPACT_CONTENDED,	   /* gave up on contention (async) */
	COMPACT_SUCCESS,	   /* a page of the order is free now */
};

/* The kernel's MAX_COMPACT_RETRIES (should_compact_retry). */
#define MAX_COMPACT_RETRIES 16

static inline bool compaction_made_progress(enum compact_result result)
{
	return result == COMPACT_SUCCESS;
}
static inline bool compaction_failed(enum compact_result result)
{
	return result == COMPACT_COMPLETE;
}
static inline bool compaction_withdrawn(enum compact_result result)
{
	return result == COMPACT_SKIPPED || result == COMPACT_DEFERRED || result == COMPACT_CONTENDED ||
	       result == COMPACT_PARTIAL_SKIPPED;
}

/*
 * 6.1 __alloc_pages_direct_compact: compact the zonelist's zones for this
 * request at prio (try_to_compact_pages), then try get_page_from_freelist;
 * counts compact_stall and compact_success/compact_fail. Returns the page
 * (prepared, as get_page_from_freelist returns it) or NULL; *compact_result
 * says what compaction did.
 */
HIDDEN struct page *__alloc_pages_direct_compact(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
						 const struct alloc_context *ac, enum compact_priority prio,
						 enum compact_result *compact_result);
/*
 * 6.1 should_compact_retry: whether the slow path should try compaction
 * again, possibly at a stronger *compact_priority.
 */
HIDDEN bool should_compact_retry(struct alloc_context *ac, int order, unsigned int alloc_flags,
				 enum compact_result compact_result, enum compact_priority *compact_priority,
				 int *compaction_retries);
/*
 * 6.1 try_to_compact_pages: compact the zonelist's zones for the request
 * at prio, skipping deferred ones, until one succeeds; *capture gets the
 * block captured for it, if any.
 */
HIDDEN enum compact_result try_to_compact_pages(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
						const struct alloc_context *ac, enum compact_priority prio,
						struct page **capture);
/* 6.1 compaction_defer_reset: order succeeded in zone (an allocation too, with alloc_success). */
HIDDEN void compaction_defer_reset(struct zone *zone, int order, bool alloc_success);
/* 6.1 compaction_zonelist_suitable: could compaction work in some zone of ac's zonelist? */
HIDDEN bool compaction_zonelist_suitable(struct alloc_context *ac, int order, unsigned int alloc_flags);
/* kcompactd's loop body (pgdat->kcompactd, kthread.h); KCOMPACTD_TIMEOUT_MS between unwoken runs. */
#define KCOMPACTD_TIMEOUT_MS 500 /* the kernel's HPAGE_FRAG_CHECK_INTERVAL_MSEC */
HIDDEN void kcompactd_work(struct buddy_kthread *kt);
/* Wake the node's kcompactd for order (kswapd calls it when it is done). */
HIDDEN void wakeup_kcompactd(pg_data_t *pgdat, int order, int highest_zoneidx);

#endif /* BUDDY_COMPACTION_H */
