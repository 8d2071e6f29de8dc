/* SPDX-License-Identifier: MIT */
/*
 * The allocator's entry points: the gfp.h calls that allocate pages, the
 * zonelist walk (get_page_from_freelist), rmqueue over the pcp lists or the
 * buddy lists, preparing a new page, the slow path's loop, and the leaf fast
 * path built from the same steps. Below it: page_alloc_slow.c (the slow
 * path's decisions), oom.c, pcp.c, fallback.c, free_area.c. Freeing:
 * page_free.c.
 *
 * Shapes follow Linux 6.1 (rmqueue, rmqueue_buddy) and the 4.x API names.
 */
#include <errno.h>
#include <string.h>

#include "compaction.h"
#include "cpuset.h"
#include "fail_page_alloc.h"
#include "debug_page_alloc.h"
#include "internal.h"
#include "mempolicy.h"
#include "nofail.h"
#include "oom.h"
#include "page_alloc_slow.h"
#include "page_reporting.h"
#include "sched_mm.h"
#include "trace.h"
#include "trace_oom.h"
#include "vmscan.h"

/* ------------------------------------------------------------ allocation */

/* A compound page: the head flagged, each tail pointing at it. */
static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order;
	unsigned long tail_flags = 1UL << PG_tail;

	set_page_flag(page, PG_head);
	for (unsigned long i = 1; i < nr; i++) {
		struct page *p = page + i;
		set_page_flags(p, tail_flags);
		p->compound_head = page;
		p->compound_order = order;
		set_page_count(p, 0);
	}
}

/* The descriptor of a page handed out: the caller's, with one reference. */
static __always_inline void set_new_page_state(struct page *page, struct zone *zone, unsigned int order,
					       int migratetype)
{
	VM_BUG_ON_PAGE(page_ref_count(page) || PageBuddy(page) || PageTail(page) || page_on_list(page), page);
	set_page_links(page, zone);
	WRITE_ONCE(page->alloc_order, order); /* read by pageblock scans and buddy_check */
	WRITE_ONCE(page->index, (unsigned long)migratetype);
	/* last, with release (a plain store on x86): a reader that sees the reference sees the order */
	atomic_store_explicit(&page->_refcount, 1, memory_order_release);
}

/*
 * A block about to be handed out must look free (6.1 check_new_pages): a
 * reference on it means somebody still uses it after freeing it. Such a
 * block is reported and kept out of circulation - leaked, as the kernel
 * leaks it - and the caller takes another. It is off every list, so it
 * keeps no free-list flag.
 */
static __noinline __cold bool leak_bad_new_page(struct page *page, struct zone *zone)
{
	bad_page(page, page_to_pfn_fast(page), "nonzero _refcount on a free page");
	set_page_links(page, zone);
	return true;
}

static inline bool new_page_is_bad(struct page *page, struct zone *zone)
{
	return unlikely(page_ref_count(page) != 0) && leak_bad_new_page(page, zone);
}

/*
 * The debug modes' look at a block about to be handed out (post_alloc_hook's
 * map and unpoison): a block written while free was reported (page_poison.c)
 * and is leaked like a bad new page; the caller takes another.
 */
static inline bool new_page_is_poisoned(struct page *page, unsigned int order, struct zone *zone)
{
	if (likely(debug_alloc_pages(page, order)))
		return false;
	set_page_links(page, zone);
	return true;
}

/* Nothing to do beyond the descriptor: no zeroing, no compound page, no ASan poison. */
static __always_inline bool new_page_is_plain(gfp_t gfp, unsigned int order)
{
	return !(gfp & __GFP_ZERO) && !(order && (gfp & __GFP_COMP)) && !PAGE_POISONING;
}

/*
 * The page leaves the allocator (new_page_is_bad said it may): it is now the
 * caller's. The one copy of this step; the fast path does the plain part
 * inline and reaches the rest through prep_new_page_traced, a tail call.
 */
static __always_inline void prep_new_page(struct page *page, struct zone *zone, unsigned int order, gfp_t gfp,
					  int migratetype)
{
	if (new_page_is_plain(gfp, order)) {
		set_new_page_state(page, zone, order, migratetype);
		return;
	}
	/* Read before set_new_page_state clears the flags: a reported block that reads as zero. */
	bool zeroed = PageZeroed(page);
	set_new_page_state(page, zone, order, migratetype);

	void *addr = pfn_to_virt(page_to_pfn_fast(page));
	unpoison_pages(addr, PAGE_SIZE << order);
	if ((gfp & __GFP_ZERO) && !zeroed)
		memset(addr, 0, PAGE_SIZE << order);
	else if (gfp & __GFP_ZERO) /* page_reporting.h: given back with MADV_DONTNEED, untouched since */
		count_vm_events_nolock(PAGE_REPORTING_ZERO_SKIPPED, 1UL << order);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
}

/* Orders above the pcp orders, or when the pcp list had nothing. */
static __noinline struct page *rmqueue_buddy(struct zone *zone, unsigned int order, unsigned int alloc_flags,
					     int migratetype)
{
	struct page *page = NULL;

	zone_lock(zone);
	/* Highatomic reserves are for high-order atomic requests only (6.1). */
	if (order > 0 && (alloc_flags & ALLOC_HARDER))
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (!page)
		page = __rmqueue(zone, order, migratetype, alloc_flags);
	zone_unlock(zone);
	return page;
}

static struct page *rmqueue(struct zone *preferred_zone, struct zone *zone, unsigned int order, gfp_t gfp,
			    unsigned int alloc_flags, int migratetype)
{
	struct page *page;

	if (likely(pcp_allowed_order(order))) {
		page = rmqueue_pcplist(preferred_zone, zone, order, migratetype, gfp, alloc_flags);
		if (likely(page))
			goto out;
	}
	page = rmqueue_buddy(zone, order, alloc_flags, migratetype);
	if (page) {
		struct buddy_cpu *cpu = pcp_lock_this_cpu();
		zone_statistics(cpu, preferred_zone, zone, order);
		pcp_unlock_cpu(cpu);
	}
out:
	/* a fallback boosted the zone's marks (6.1): kswapd, now, as the node may look balanced */
	wakeup_kswapd_if_boosted(zone);
	return page;
}

static struct zoneref *first_zones_zonelist(struct zonelist *zl, enum zone_type highest,
					    const buddy_nodemask_t *nodes)
{
	struct zoneref *z = zl->_zonerefs;

	while (z->zone && (z->zone_idx > (int)highest || (nodes && !node_isset(z->zone->node, nodes))))
		z++;
	return z;
}

/* The order-0 shortcut of zone_watermark_fast: true means the mark is met. */
static inline bool zone_watermark_order0_quick(struct zone *z, long free_pages, unsigned long mark,
					       int highest_zoneidx, unsigned int alloc_flags)
{
	long usable = free_pages;

	if (!(alloc_flags & ALLOC_HARDER))
		usable -= (long)READ_ONCE(z->nr_reserved_highatomic);
	if (!(alloc_flags & ALLOC_CMA))
		usable -= zone_page_state(z, NR_FREE_CMA_PAGES);
	return usable > (long)mark + READ_ONCE(z->lowmem_reserve[highest_zoneidx]);
}

/*
 * 6.1 zone_watermark_fast: an order-0 request usually passes on the free
 * count alone; everything else takes the full check.
 */
static inline bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				       int highest_zoneidx, unsigned int alloc_flags)
{
	long free_pages = zone_page_state(z, NR_FREE_PAGES);

	if (!order && zone_watermark_order0_quick(z, free_pages, mark, highest_zoneidx, alloc_flags))
		return true;
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

/*
 * 6.7 ZONE_BELOW_HIGH: the zonelist walk sees free pages under the high mark
 * and says so, so that pcp frees shrink high and drain (nr_pcp_high) until
 * a drain brings the zone back above it. Checked here, on the full path,
 * which every pcp refill takes, not on the order-0 fast path (6.7 too keeps
 * it off the free path).
 */
static inline bool zone_below_high(const struct zone *zone)
{
	return __atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & (1UL << ZONE_BELOW_HIGH);
}

static __noinline void set_zone_below_high(struct zone *zone)
{
	__atomic_fetch_or(&zone->flags, 1UL << ZONE_BELOW_HIGH, __ATOMIC_RELAXED);
}

/*
 * 6.1 get_page_from_freelist's fragmentation rule: a walk that would leave
 * the preferred zone's node while ALLOC_NOFRAGMENT is set goes back and
 * tries the local zones again without it - fragmenting local memory is
 * preferred to using a remote node.
 */
static inline bool nofragment_leaves_node(unsigned int alloc_flags, const struct zone *zone,
					  const struct alloc_context *ac)
{
	const struct zone *preferred = ac->preferred_zoneref->zone;

	return (alloc_flags & ALLOC_NOFRAGMENT) && buddy.nr_node_ids > 1 && zone != preferred &&
	       zone->node != preferred->node;
}

/* The zonelist walk: see internal.h. */
struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
				    const struct alloc_context *ac)
{
retry:
	for (struct zoneref *z = ac->preferred_zoneref; z->zone; z++) {
		struct zone *zone = z->zone;

		if (z->zone_idx > (int)ac->highest_zoneidx)
			continue;
		if (ac->nodemask && !node_isset(zone->node, ac->nodemask))
			continue;
		if (cpusets_enabled() && (alloc_flags & ALLOC_CPUSET) &&
		    !__cpuset_zone_allowed(zone, gfp_mask))
			continue;
		if (unlikely(nofragment_leaves_node(alloc_flags, zone, ac))) {
			alloc_flags &= ~(unsigned int)ALLOC_NOFRAGMENT;
			goto retry;
		}
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			unsigned long mark;

			/* 6.7: above the high mark the request's own mark passes too; below, mark the zone */
			if (!zone_below_high(zone)) {
				if (zone_watermark_fast(zone, order, wmark_pages(zone, WMARK_HIGH),
							(int)ac->highest_zoneidx, alloc_flags))
					goto try_this_zone;
				set_zone_below_high(zone);
			}
			mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);
			if (!zone_watermark_fast(zone, order, mark, (int)ac->highest_zoneidx, alloc_flags))
				continue;
		}
		struct page *page;
	try_this_zone:
		page = rmqueue(ac->preferred_zoneref->zone, zone, order, gfp_mask, alloc_flags,
			       ac->migratetype);
		if (page) {
			if (unlikely(new_page_is_bad(page, zone)) ||
			    unlikely(new_page_is_poisoned(page, order, zone)))
				goto try_this_zone;
			prep_new_page(page, zone, order, gfp_mask, ac->migratetype);
			debug_mark_free_hooks(page);
			if (unlikely(order && (alloc_flags & ALLOC_HARDER)))
				reserve_highatomic_pageblock(page, zone, order);
			return page;
		}
	}
	/* every zone would have had to fragment: allow it and walk again (6.1) */
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~(unsigned int)ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* ------------------------------------------------------------ the slow path */

/*
 * A block direct compaction captured (compaction.c): free and off every
 * list, now prepared for the request as get_page_from_freelist would have.
 */
static struct page *prep_captured_page(struct page *page, unsigned int order, gfp_t gfp_mask,
				       unsigned int alloc_flags, const struct alloc_context *ac)
{
	struct zone *zone = pfn_to_zone(page_to_pfn_fast(page));
	struct buddy_cpu *cpu;

	set_page_links(page, zone);
	page->private = 0;
	if (unlikely(new_page_is_poisoned(page, order, zone)))
		return NULL; /* leaked; the caller tries the free lists */
	prep_new_page(page, zone, order, gfp_mask, ac->migratetype);
	debug_mark_free_hooks(page);
	if (unlikely(order && (alloc_flags & ALLOC_HARDER)))
		reserve_highatomic_pageblock(page, zone, order);
	cpu = pcp_lock_this_cpu();
	zone_statistics(cpu, ac->preferred_zoneref->zone, zone, order);
	pcp_unlock_cpu(cpu);
	return page;
}

/* ------------------------------------------------------------ direct compaction (6.1 places it here) */

struct page *__alloc_pages_direct_compact(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
					  const struct alloc_context *ac, enum compact_priority prio,
					  enum compact_result *compact_result)
{
	struct page *page = NULL;
	unsigned int noreclaim;

	*compact_result = COMPACT_SKIPPED;
	if (!order)
		return NULL;
	noreclaim = memalloc_noreclaim_save(); /* owners' callbacks must not recurse into compaction */
	*compact_result = try_to_compact_pages(gfp_mask, order, alloc_flags, ac, prio, &page);
	memalloc_noreclaim_restore(noreclaim);
	if (*compact_result == COMPACT_SKIPPED)
		return NULL;
	count_vm_events(COMPACTSTALL, 1);
	if (page)
		page = prep_captured_page(page, order, gfp_mask, alloc_flags, ac);
	if (!page)
		page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	if (page) {
		struct zone *zone = page_zone(page);
		WRITE_ONCE(zone->compact_blockskip_flush, false);
		compaction_defer_reset(zone, (int)order, true);
		count_vm_events(COMPACTSUCCESS, 1);
		return page;
	}
	count_vm_events(COMPACTFAIL, 1);
	return NULL;
}

bool should_compact_retry(struct alloc_context *ac, int order, unsigned int alloc_flags,
			  enum compact_result compact_result, enum compact_priority *compact_priority,
			  int *compaction_retries)
{
	int max_retries = MAX_COMPACT_RETRIES;
	enum compact_priority min_priority;

	if (!order)
		return false;
	if (compaction_made_progress(compact_result))
		(*compaction_retries)++;
	if (!compaction_failed(compact_result)) {
		if (compaction_withdrawn(compact_result))
			return compaction_zonelist_suitable(ac, order, alloc_flags);
		/* costly orders succeed less often: fewer rounds for them */
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			max_retries /= 4;
		if (*compaction_retries <= max_retries)
			return true;
	}
	/* failed, or out of retries: escalate the priority, within limits */
	min_priority = order > PAGE_ALLOC_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY : MIN_COMPACT_PRIORITY;
	if (*compact_priority > min_priority) {
		(*compact_priority)--;
		*compaction_retries = 0;
		return true;
	}
	return false;
}

/*
 * 6.1 __alloc_pages_cpuset_fallback: the request's own zonelist with extra
 * rights (ALLOC_HARDER, ALLOC_NO_WATERMARKS), inside the cpuset first and,
 * if the thread's nodes are depleted, outside it.
 */
static struct page *__alloc_pages_cpuset_fallback(gfp_t gfp_mask, unsigned int order,
						  unsigned int alloc_flags, const struct alloc_context *ac)
{
	struct page *page = get_page_from_freelist(gfp_mask, order, alloc_flags | ALLOC_CPUSET, ac);

	if (!page)
		page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	return page;
}

/*
 * 6.1 __alloc_pages_direct_reclaim: reclaim, then try again; if that fails
 * the free pages may be parked on other CPUs' lists or in highatomic
 * reserves, so give those back and try once more. Only callers that may
 * reclaim get here: a GFP_NOWAIT failure drains nothing.
 *
 * 6.1 skips the drain when reclaim freed nothing; here the other threads'
 * pcp lists can hold a real share of the zone and nothing else returns them
 * before the OOM step, so they are drained either way.
 */
static struct page *__alloc_pages_direct_reclaim(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
						 const struct alloc_context *ac,
						 unsigned long *did_some_progress)
{
	struct page *page;

	*did_some_progress = __perform_reclaim(gfp_mask, order, ac);
	page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	if (!page) {
		unreserve_highatomic_pageblock(ac, false);
		buddy_drain_all_pages();
		page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	}
	return page;
}

/*
 * 6.1 __alloc_pages_may_oom: under oom_lock, one last try at the high mark
 * (another thread's OOM step may have freed plenty), then out_of_memory -
 * the OOM notifier chain (oom.c) - unless the request is one the OOM killer
 * does not serve. A __GFP_NOFAIL request gets every reserve afterwards, as
 * 6.1 gives it when the OOM killer made progress or could not run.
 */
static struct page *__alloc_pages_may_oom(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac,
					  unsigned long *did_some_progress)
{
	struct page *page;

	*did_some_progress = 0;
	if (!oom_trylock()) {
		*did_some_progress = 1; /* another thread is at it: count on it */
		nofail_wait_for_free(nofail_free_seq(), 1);
		return NULL;
	}
	page = get_page_from_freelist((gfp_mask | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (page || oom_step_skipped(gfp_mask, order, ac))
		goto out;
	if (out_of_memory(gfp_mask, order, ac->nodemask))
		*did_some_progress = 1;
	if (gfp_mask & __GFP_NOFAIL)
		page = __alloc_pages_cpuset_fallback(gfp_mask, order, ALLOC_NO_WATERMARKS, ac);
out:
	oom_unlock();
	return page;
}

/* 6.1 should_compact_retry (page_alloc.c's or compaction.c's), traced (compact_retry). */
static bool slowpath_compact_retry(struct alloc_context *ac, unsigned int order, unsigned int alloc_flags,
				   enum compact_result compact_result,
				   enum compact_priority *compact_priority, int *compaction_retries)
{
	bool ret = order && should_compact_retry(ac, (int)order, alloc_flags, compact_result,
						 compact_priority, compaction_retries);

	trace_compact_retry(order, (int)*compact_priority, (int)compact_result, *compaction_retries,
			    MAX_COMPACT_RETRIES, ret);
	return ret;
}

/* A __GFP_NOFAIL request found nothing: sleep until pages come back (or a while passes). */
static void nofail_wait(gfp_t gfp_mask, unsigned int order, unsigned long seq)
{
	trace_nofail_wait(gfp_mask, order, atomic_load_explicit(&nofail_waiters, memory_order_relaxed));
	nofail_wait_for_free(seq, NOFAIL_RETRY_TIMEOUT_MS);
}

/* The loop's state between rounds (the locals of 6.1 __alloc_pages_slowpath). */
struct slowpath_state {
	unsigned int alloc_flags;
	unsigned long did_some_progress;
	enum compact_priority compact_priority;
	enum compact_result compact_result;
	int compaction_retries;
	int no_progress_loops;
	bool nofail_waiting;		 /* entered as a __GFP_NOFAIL waiter */
	unsigned int cpuset_mems_cookie; /* read_mems_allowed_begin at the restart */
	bool restart;			 /* check_retry_cpuset said so before the OOM step */
};

/*
 * 6.1 check_retry_cpuset: a failure may be due to mems_allowed changing
 * under the allocation, or to a policy's nodemask the cpuset no longer
 * allows (dropped then, as 6.1 drops it); either way start again.
 */
static bool check_retry_cpuset(unsigned int cpuset_mems_cookie, struct alloc_context *ac)
{
	if (cpusets_enabled() && ac->nodemask && !cpuset_nodemask_valid_mems_allowed(ac->nodemask)) {
		ac->nodemask = NULL;
		return true;
	}
	return read_mems_allowed_retry(cpuset_mems_cookie);
}

/*
 * 6.1's first steps: the slow path's own alloc_flags, kswapd woken, one try
 * at the min mark, and for costly (or unmovable high-order) requests an
 * async compaction before any reclaim. NULL with st->compact_priority set
 * for the loop - or, for a costly __GFP_NORETRY request that compaction
 * could not even start on, with *give_up.
 */
static struct page *slowpath_first_attempts(gfp_t gfp_mask, unsigned int order, struct alloc_context *ac,
					    struct slowpath_state *st, bool *give_up)
{
	bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	struct page *page;

	st->alloc_flags = gfp_to_alloc_flags(gfp_mask);
	if (st->alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(order, gfp_mask, ac);
	page = get_page_from_freelist(gfp_mask, order, st->alloc_flags, ac);
	if (page)
		return page;
	if (!(gfp_mask & __GFP_DIRECT_RECLAIM) || current_is_memalloc() ||
	    !(costly_order || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) ||
	    gfp_pfmemalloc_allowed(gfp_mask))
		return NULL;
	page = __alloc_pages_direct_compact(gfp_mask, order, st->alloc_flags, ac, INIT_COMPACT_PRIORITY,
					    &st->compact_result);
	if (page || !costly_order || !(gfp_mask & __GFP_NORETRY))
		return page;
	/* too little free memory for compaction, or it failed lately: reclaim will not make a block either */
	if (st->compact_result == COMPACT_SKIPPED || st->compact_result == COMPACT_DEFERRED)
		*give_up = true;
	/* worth one more try, but sync compaction would cost too much */
	st->compact_priority = INIT_COMPACT_PRIORITY;
	return NULL;
}

/*
 * One round of the 6.1 loop (its "retry:" label down to the OOM step).
 * Returns the page, or NULL with *again when the loop should go round again.
 */
static struct page *slowpath_round(gfp_t gfp_mask, unsigned int order, struct alloc_context *ac,
				   struct slowpath_state *st, bool *again)
{
	bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	unsigned int reserve_flags;
	struct page *page;

	*again = false;
	/* keep kswapd awake for as long as we loop */
	if (st->alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(order, gfp_mask, ac);
	reserve_flags = __gfp_pfmemalloc_flags(gfp_mask);
	if (reserve_flags)
		st->alloc_flags =
			gfp_to_alloc_flags_cma(gfp_mask, reserve_flags) | (st->alloc_flags & ALLOC_KSWAPD);
	page = get_page_from_freelist(gfp_mask, order, st->alloc_flags, ac);
	if (page)
		return page;
	/* a caller that may not sleep, or a reclaimer (no recursion), stops here */
	if (!(gfp_mask & __GFP_DIRECT_RECLAIM) || current_is_memalloc())
		return NULL;

	page = __alloc_pages_direct_reclaim(gfp_mask, order, st->alloc_flags, ac, &st->did_some_progress);
	if (page)
		return page;
	if (order) {
		page = __alloc_pages_direct_compact(gfp_mask, order, st->alloc_flags, ac,
						    st->compact_priority, &st->compact_result);
		if (page)
			return page;
	}
	/* one round was asked for; costly orders retry only if the caller asked */
	if ((gfp_mask & __GFP_NORETRY) || (costly_order && !(gfp_mask & __GFP_RETRY_MAYFAIL)))
		return NULL;
	if (should_reclaim_retry(gfp_mask, order, ac, st->alloc_flags, st->did_some_progress > 0,
				 &st->no_progress_loops) ||
	    (st->did_some_progress > 0 &&
	     slowpath_compact_retry(ac, order, st->alloc_flags, st->compact_result, &st->compact_priority,
				    &st->compaction_retries))) {
		*again = true;
		return NULL;
	}
	/* a cpuset change rather than a lack of memory: restart, do not OOM (6.1) */
	if (check_retry_cpuset(st->cpuset_mems_cookie, ac)) {
		st->restart = true;
		return NULL;
	}
	/* reclaim has failed us: the OOM step */
	page = __alloc_pages_may_oom(gfp_mask, order, ac, &st->did_some_progress);
	if (page)
		return page;
	/* retry as long as the OOM step makes progress */
	if (st->did_some_progress) {
		st->no_progress_loops = 0;
		*again = true;
	}
	return NULL;
}

/*
 * 6.1 nopage for __GFP_NOFAIL: never give up. One try with ALLOC_HARDER
 * (a quarter below the min mark, not every reserve), then sleep until pages
 * are freed and go round the loop again. seq was taken before that try, so
 * a free in between is not missed.
 */
static struct page *slowpath_nofail(gfp_t gfp_mask, unsigned int order, const struct alloc_context *ac,
				    struct slowpath_state *st)
{
	struct page *page;
	unsigned long seq;

	if (!st->nofail_waiting) {
		nofail_waiter_enter();
		st->nofail_waiting = true;
	}
	seq = nofail_free_seq();
	page = __alloc_pages_cpuset_fallback(gfp_mask, order, ALLOC_HARDER, ac);
	if (!page)
		nofail_wait(gfp_mask, order, seq);
	return page;
}

/*
 * Linux 6.1 __alloc_pages_slowpath, in its order (docs/slow-path.md draws
 * it): first attempts, then rounds of reclaim, compaction and the retry
 * decisions, the OOM step, and __GFP_NOFAIL's endless loop; a cpuset
 * change seen before the OOM step or at the end restarts it all
 * (retry_cpuset). The preferred zone is looked up again at each start: the
 * first attempt may have used the cpuset's nodes as its nodemask. With no
 * usable zone at all even __GFP_NOFAIL gives up - waiting could not help.
 */
static __noinline __cold struct page *__alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order,
							     struct alloc_context *ac)
{
	struct slowpath_state st;
	bool give_up, again, nofail_waiting = false;
	struct page *page;

	gfp_mask = slowpath_gfp_mask(gfp_mask, order);
restart:
	st = (struct slowpath_state){
		.compact_priority = DEF_COMPACT_PRIORITY,
		.compact_result = COMPACT_SKIPPED,
		.nofail_waiting = nofail_waiting,
		.cpuset_mems_cookie = read_mems_allowed_begin(),
	};
	give_up = false;
	ac->preferred_zoneref = first_zones_zonelist(ac->zonelist, ac->highest_zoneidx, ac->nodemask);
	if (!ac->preferred_zoneref->zone) {
		page = NULL;
		give_up = true;
	} else
		page = slowpath_first_attempts(gfp_mask, order, ac, &st, &give_up);
	while (!page) {
		if (!give_up) {
			page = slowpath_round(gfp_mask, order, ac, &st, &again);
			if (page || again)
				continue;
		}
		give_up = false; /* straight to nopage, once */
		if (st.restart || check_retry_cpuset(st.cpuset_mems_cookie, ac)) {
			nofail_waiting = st.nofail_waiting;
			goto restart;
		}
		if (!ac->preferred_zoneref->zone)
			break;
		if (!(gfp_mask & __GFP_NOFAIL) ||
		    !nofail_may_loop(gfp_mask, order, gfp_mask & __GFP_DIRECT_RECLAIM))
			break;
		page = slowpath_nofail(gfp_mask, order, ac, &st);
	}
	if (st.nofail_waiting)
		nofail_waiter_leave();
	return page;
}

enum prepare_result {
	PREPARE_OK,
	PREPARE_BAD,	/* a BAD zone combination or a bad node: refused with a report */
	PREPARE_FAILED, /* fault injection failed the request (fail_page_alloc.h) */
};

/*
 * Fill the alloc_context. As in 6.1, fault injection is asked once the
 * zonelist and migratetype are known and before the preferred zone is
 * looked up; a request it fails makes __alloc_pages return NULL at once,
 * with no warn_alloc and no mm_page_alloc event.
 */
static enum prepare_result prepare_alloc_pages(gfp_t gfp_mask, unsigned int order, int preferred_nid,
					       buddy_nodemask_t *nodemask, struct alloc_context *ac)
{
	enum zone_type high = gfp_zone_fast(gfp_mask);
	int list = (gfp_mask & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK;

	if (unlikely(high == ZONE_BAD))
		return PREPARE_BAD;
	if (unlikely(gfp_mobility_is_bad(gfp_mask)))
		bad_mobility_mask(gfp_mask);
	/* docs/zone-policy.md "Node ids": no node is local, a node that does not exist is refused */
	if (preferred_nid == NUMA_NO_NODE)
		preferred_nid = buddy.cpus[pcp_cpu_id()].node;
	else if (unlikely(preferred_nid < 0 || preferred_nid >= buddy.nr_node_ids))
		return PREPARE_BAD;
	pg_data_t *pgdat = NODE_DATA(preferred_nid);
	ac->highest_zoneidx = high;
	ac->zonelist = &pgdat->node_zonelists[list];
	ac->nodemask = nodemask;
	ac->migratetype = gfp_migratetype(gfp_mask);
	if (unlikely(should_fail_alloc_page(gfp_mask, order)))
		return PREPARE_FAILED;
	ac->preferred_zoneref = likely(!nodemask) ? pgdat->first_zoneref[list][high]
						  : first_zones_zonelist(ac->zonelist, high, nodemask);
	return PREPARE_OK;
}

/* prepare_alloc_pages said no: the failure report names why, as every refusal does. */
static __noinline __cold void refuse_bad_request(gfp_t gfp_mask, unsigned int order, int nid,
						 const buddy_nodemask_t *nodemask)
{
	char why[96];

	if (gfp_zone_fast(gfp_mask) == ZONE_BAD) {
		snprintf(why, sizeof(why), "invalid zone modifier combination (GFP_ZONE_BAD)");
		refuse_alloc(gfp_mask, order, nodemask, why);
		return;
	}
	/* 6.1 stops on a bad node (VM_BUG_ON); we fail it, reported as any refusal (so __GFP_NOWARN silences
	 * it) */
	if (nid < NUMA_NO_NODE || nid >= MAX_NUMNODES)
		snprintf(why, sizeof(why), "node %d out of range (0..%d, or NUMA_NO_NODE)", nid,
			 MAX_NUMNODES - 1);
	else
		snprintf(why, sizeof(why), "node %d does not exist (nodes 0..%d)", nid,
			 buddy.nr_node_ids - 1);
	refuse_alloc(gfp_mask, order, nodemask, why);
}

/*
 * The page leaves the allocator the rare way: memory to zero, a compound
 * page to build, or ASan poison to lift. Out of line and returning the page,
 * so that the fast path reaches it by a tail call and saves no registers.
 */
static __noinline __returns_nonnull struct page *prep_new_page_traced(struct page *page, struct zone *zone,
								      unsigned int order, gfp_t gfp_mask,
								      int migratetype)
{
	prep_new_page(page, zone, order, gfp_mask, migratetype);
	trace_mm_page_alloc(page, order, gfp_mask, migratetype);
	return page;
}

/*
 * The common case in one pass: a pcp order from the local node, no nodemask,
 * the CPU's lock free at the first try, the zone above its low watermark and
 * the list not empty. It does what get_page_from_freelist would do with the
 * zonelist's first zone, reading the CPU once for the lock, the zone and the
 * counters. Anything else returns NULL and the full path runs from the start.
 * With rseq_only and order 0 it calls nothing but tail calls, so the entry
 * points built on it save no registers.
 */
static __always_inline struct page *alloc_pages_pcp_fast(gfp_t gfp_mask, unsigned int order, bool rseq_only)
{
	enum zone_type high = gfp_zone_fast(gfp_mask);
	unsigned int alloc_flags;
	int migratetype;
	struct buddy_cpu *cpu;
	struct per_cpu_pages *pcp;
	struct list_head *list;
	struct zone *zone;
	struct page *page;
	int pindex;

	if (unlikely(gfp_mobility_is_bad(gfp_mask)))
		return NULL; /* served by the full path, which reports it */
	cpu = rseq_only ? pcp_trylock_this_cpu_rseq() : pcp_trylock_this_cpu();
	if (unlikely(!cpu))
		return NULL;
	/* only now: the lock says initialisation is complete, settings included */
	migratetype = gfp_migratetype(gfp_mask);
	alloc_flags = gfp_to_alloc_flags_cma(gfp_mask, ALLOC_WMARK_LOW);
	zone = cpu->local_zone[high]; /* NULL for ZONE_BAD or a remote first zone */
	if (unlikely(!zone))
		goto fail;
	/*
	 * Order 0 takes only the quick test (a zone near its mark gets the
	 * exact one on the full path); other orders the whole check, a call.
	 */
	if (order == 0
		    ? unlikely(!zone_watermark_order0_quick(zone, zone_page_state(zone, NR_FREE_PAGES),
							    wmark_pages(zone, WMARK_LOW), (int)high,
							    alloc_flags))
		    : !zone_watermark_fast(zone, order, wmark_pages(zone, WMARK_LOW), (int)high, alloc_flags))
		goto fail;
	pcp = &zone->per_cpu_pageset[cpu->id];
	pindex = order_to_pindex(migratetype, order);
	list = &pcp->lists[pindex];
	if (likely(!list_empty(list))) {
		page = pcp_list_pick(list, gfp_mask);
		if (unlikely(page_ref_count(page) != 0))
			goto fail; /* not free after all: the full path reports and skips it */
		__pcp_take(pcp, page, order);
	} else {
		/* above order 0, this CPU's reserve (pcp_reserve.c); else the full path refills */
		if (order == 0 || list_empty(&pcp->reserve[pindex]))
			goto fail;
		page = __pcp_reserve_take(zone, pcp, pindex);
		if (unlikely(!page))
			goto fail;
	}
	__zone_statistics(cpu, pcp, zone, zone, order, true); /* the preferred zone, on this CPU's node */
	pcp_unlock_cpu(cpu);

	if (unlikely(!new_page_is_plain(gfp_mask, order)))
		return prep_new_page_traced(page, zone, order, gfp_mask, migratetype);
	set_new_page_state(page, zone, order, migratetype);
	trace_mm_page_alloc(page, order, gfp_mask, migratetype);
	return page;
fail:
	pcp_unlock_cpu(cpu);
	return NULL;
}

/*
 * 6.1 alloc_flags_nofragment: ALLOC_KSWAPD from the mask, and
 * ALLOC_NOFRAGMENT when the preferred zone is ZONE_NORMAL and ZONE_DMA32
 * below it can take the pressure instead of a fallback that would mix
 * migratetypes in a Normal pageblock (on one node the kernel sets it even
 * without DMA32; with several, only when the node has DMA32).
 */
unsigned int alloc_flags_nofragment(struct zone *zone, gfp_t gfp_mask)
{
	unsigned int alloc_flags = (gfp_mask & __GFP_KSWAPD_RECLAIM) ? ALLOC_KSWAPD : 0;

	if (!zone || zone->idx != ZONE_NORMAL)
		return alloc_flags;
	if (buddy.nr_node_ids > 1 && !populated_zone(zone - 1)) /* node_zones[ZONE_DMA32] */
		return alloc_flags;
	return alloc_flags | ALLOC_NOFRAGMENT;
}

/*
 * 6.1 prepare_alloc_pages with cpusets: the first attempt is hardwalled -
 * a request without a nodemask takes mems_allowed as its nodemask, one with
 * a nodemask gets ALLOC_CPUSET. The slow path then goes back to the
 * caller's mask and flags.
 */
static inline void cpuset_first_attempt(gfp_t *alloc_gfp, buddy_nodemask_t **nodemask,
					unsigned int *alloc_flags)
{
	if (likely(!cpusets_enabled()))
		return;
	*alloc_gfp |= __GFP_HARDWALL;
	if (!*nodemask) /* the allocator only reads it; NULL while this thread is unrestricted */
		*nodemask = (buddy_nodemask_t *)cpuset_current_mems_allowed();
	else
		*alloc_flags |= ALLOC_CPUSET;
}

/*
 * Everything the leaf fast path does not serve. First the fast path in its
 * general form, for what the leaf never tries - other pcp orders, the atomic
 * lock mode - then the rest. An order-0 request that the leaf turned down
 * (empty list, watermark near, lock busy) goes straight to the full path
 * rather than repeating the same attempt, and so does a request whose
 * caller tried the general form already (fast_tried: alloc_pages of a
 * higher order).
 */
static __noinline struct page *alloc_pages_full(gfp_t gfp_mask, unsigned int order, int preferred_nid,
						buddy_nodemask_t *nodemask, bool fast_tried)
{
	struct alloc_context ac;
	struct page *page;
	gfp_t alloc_gfp = gfp_mask;
	buddy_nodemask_t *first_mask = nodemask;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;

	if (!fast_tried && pcp_allowed_order(order) &&
	    (order || !__atomic_load_n(&buddy.pcp_rseq_lock, __ATOMIC_RELAXED)) &&
	    preferred_nid == NUMA_NO_NODE && !nodemask) {
		page = alloc_pages_pcp_fast(gfp_mask, order, false);
		if (likely(page))
			return page;
	}

	if (unlikely(!atomic_load_explicit(&buddy.initialized, memory_order_acquire))) {
		buddy_lazy_init();
		if (!buddy_initialized())
			return NULL; /* buddy_lazy_init said why on stderr */
	}
	if (unlikely(order >= MAX_ORDER)) {
		refuse_alloc(gfp_mask, order, nodemask, "order too large");
		return NULL;
	}
	cpuset_first_attempt(&alloc_gfp, &first_mask, &alloc_flags);
	switch (prepare_alloc_pages(gfp_mask, order, preferred_nid, first_mask, &ac)) {
	case PREPARE_OK:
		break;
	case PREPARE_BAD:
		refuse_bad_request(gfp_mask, order, preferred_nid, nodemask);
		return NULL;
	case PREPARE_FAILED:
		count_vm_events(PGALLOC_FAIL, 1); /* every failed request counts there */
		return NULL;
	}
	/* 6.1: the first attempt, with ALLOC_NOFRAGMENT where the preferred zone allows it */
	alloc_flags |= alloc_flags_nofragment(ac.preferred_zoneref->zone, gfp_mask);
	page = likely(ac.preferred_zoneref->zone)
		       ? get_page_from_freelist(alloc_gfp, order,
						gfp_to_alloc_flags_cma(gfp_mask, alloc_flags), &ac)
		       : NULL;
	if (unlikely(!page)) {
		ac.nodemask = nodemask; /* the caller's, not the cpuset's (6.1 __alloc_pages) */
		page = __alloc_pages_slowpath(gfp_mask, order, &ac);
	}
	if (unlikely(!page)) {
		count_vm_events(PGALLOC_FAIL, 1);
		if (!(gfp_mask & __GFP_NOWARN))
			warn_alloc_nodemask(gfp_mask, order, nodemask, NULL);
	}
	trace_mm_page_alloc(page, order, gfp_mask, ac.migratetype);
	return page;
}

/*
 * Every entry point: the leaf fast path for order 0, else a tail call. Inlined
 * into each, so the common ones pass the node and nodemask as constants and
 * keep no arguments alive across the fast path.
 */
static __always_inline struct page *alloc_pages_entry(gfp_t gfp_mask, unsigned int order, int preferred_nid,
						      buddy_nodemask_t *nodemask)
{
	if (likely(order == 0 && preferred_nid == NUMA_NO_NODE && !nodemask)) {
		struct page *page = alloc_pages_pcp_fast(gfp_mask, 0, true);
		if (likely(page))
			return page;
	}
	return alloc_pages_full(gfp_mask, order, preferred_nid, nodemask, false);
}

struct page *__alloc_pages_nodemask(gfp_t gfp_mask, unsigned int order, int preferred_nid,
				    buddy_nodemask_t *nodemask)
{
	return alloc_pages_entry(gfp_mask, order, preferred_nid, nodemask);
}

struct page *alloc_pages_node(int nid, gfp_t gfp_mask, unsigned int order)
{
	return alloc_pages_entry(gfp_mask, order, nid, NULL);
}

/* 6.1 alloc_page_interleave: NUMA_INTERLEAVE_HIT when the page is on the node interleave chose. */
static struct page *alloc_page_interleave(gfp_t gfp, unsigned int order, int nid)
{
	struct page *page = alloc_pages_full(gfp, order, nid, NULL, false);

	if (page && page_zone(page)->node == nid) {
		struct buddy_cpu *cpu = pcp_lock_this_cpu();
		page_zone(page)->per_cpu_pageset[cpu->id].vm_numa_event[NUMA_INTERLEAVE_HIT]++;
		pcp_unlock_cpu(cpu);
	}
	return page;
}

/*
 * 6.1 alloc_pages_preferred_many: the policy's nodes first, without
 * warning, reclaim or __GFP_NOFAIL; then any node with the caller's mask.
 */
static struct page *alloc_pages_preferred_many(gfp_t gfp, unsigned int order, int nid,
					       const struct mempolicy *pol)
{
	gfp_t preferred_gfp = (gfp | __GFP_NOWARN) & ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL);
	struct page *page = alloc_pages_full(preferred_gfp, order, nid, policy_nodemask(gfp, pol), false);

	return page ? page : alloc_pages_full(gfp, order, nid, NULL, false);
}

/*
 * 6.1 alloc_pages (4.x alloc_pages_current): the calling thread's policy
 * picks the node and nodemask. Reached only when the leaf fast path could
 * not serve - which it never does while some thread has a policy
 * (FAST_PATH_MEMPOLICY). __GFP_THISNODE requests keep the default policy.
 */
static __noinline struct page *alloc_pages_current(gfp_t gfp, unsigned int order, bool fast_tried)
{
	const struct mempolicy *pol = NULL;

	if (unlikely(thread_blocker_any(&mempolicy_blocker)) && !(gfp & __GFP_THISNODE) &&
	    buddy_initialized())
		pol = get_task_policy();
	if (likely(!pol))
		return alloc_pages_full(gfp, order, NUMA_NO_NODE, NULL, fast_tried);
	if (pol->mode == MPOL_INTERLEAVE)
		return alloc_page_interleave(gfp, order, interleave_nodes(pol));
	if (pol->mode == MPOL_PREFERRED_MANY)
		return alloc_pages_preferred_many(gfp, order, policy_node(gfp, pol, NUMA_NO_NODE), pol);
	return alloc_pages_full(gfp, order, policy_node(gfp, pol, NUMA_NO_NODE), policy_nodemask(gfp, pol),
				false);
}

/*
 * alloc_pages of the other pcp orders: the general fast path first, here
 * rather than two calls down, where saving and restoring the registers of
 * alloc_pages_current and alloc_pages_full cost about as much as the
 * fast path itself. Out of line, so that alloc_pages keeps order 0 a leaf.
 * While some thread has a policy the fast path declines (the blockers), and
 * alloc_pages_current applies it.
 */
static __noinline struct page *alloc_pages_order(gfp_t gfp_mask, unsigned int order)
{
	if (likely(pcp_allowed_order(order))) {
		struct page *page = alloc_pages_pcp_fast(gfp_mask, order, false);
		if (likely(page))
			return page;
		return alloc_pages_current(gfp_mask, order, true);
	}
	return alloc_pages_current(gfp_mask, order, false);
}

struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	if (likely(order == 0)) {
		struct page *page = alloc_pages_pcp_fast(gfp_mask, 0, true);
		if (likely(page))
			return page;
		return alloc_pages_current(gfp_mask, 0, false);
	}
	return alloc_pages_order(gfp_mask, order);
}

/* ------------------------------------------------------------ bulk allocation */

/*
 * The zone a bulk request is served from (5.13 __alloc_pages_bulk): the
 * first of the zonelist, on the preferred node, that stays above the
 * request's mark with nr_pages more taken. NULL sends the request to a
 * single allocation.
 */
static struct zone *bulk_zone(const struct alloc_context *ac, gfp_t gfp, unsigned int alloc_flags,
			      unsigned long nr_pages)
{
	struct zone *preferred = ac->preferred_zoneref->zone;

	for (struct zoneref *z = ac->preferred_zoneref; z->zone; z++) {
		struct zone *zone = z->zone;
		unsigned long mark;

		if (z->zone_idx > (int)ac->highest_zoneidx)
			continue;
		if (ac->nodemask && !node_isset(zone->node, ac->nodemask))
			continue;
		if (cpusets_enabled() && (alloc_flags & ALLOC_CPUSET) && !__cpuset_zone_allowed(zone, gfp))
			continue;
		if (buddy.nr_node_ids > 1 && zone != preferred && zone->node != preferred->node)
			return NULL; /* local node only: a remote one is the single path's choice */
		mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK) + nr_pages;
		if (zone_watermark_fast(zone, 0, mark, (int)ac->highest_zoneidx, alloc_flags))
			return zone;
	}
	return NULL;
}

/*
 * Fill the NULL slots of page_array from nr_populated on with order-0
 * pages from one zone's pcp list, under one hold of the CPU's lock (refills
 * included). Stops at the first slot it cannot fill; returns the index of
 * that slot (nr_pages when all are filled), *nr_account the pages taken.
 */
static unsigned long bulk_from_pcp(gfp_t gfp, struct zone *zone, const struct alloc_context *ac,
				   unsigned int alloc_flags, unsigned long nr_populated,
				   unsigned long nr_pages, struct page **page_array,
				   unsigned long *nr_account)
{
	struct buddy_cpu *cpu = pcp_trylock_this_cpu();
	struct per_cpu_pages *pcp;
	struct list_head *list;

	*nr_account = 0;
	if (unlikely(!cpu))
		return nr_populated;
	pcp = &zone->per_cpu_pageset[cpu->id];
	list = &pcp->lists[order_to_pindex(ac->migratetype, 0)];
	while (nr_populated < nr_pages) {
		struct page *page;

		if (page_array[nr_populated]) {
			nr_populated++;
			continue;
		}
		page = likely(!list_empty(list))
			       ? list_first_entry(list, struct page, lru)
			       : __rmqueue_pcplist(zone, 0, ac->migratetype, alloc_flags, pcp, list);
		if (unlikely(!page))
			break;
		__pcp_del(pcp, page, 0);
		if (unlikely(new_page_is_bad(page, zone)) || unlikely(new_page_is_poisoned(page, 0, zone)))
			continue;
		prep_new_page(page, zone, 0, gfp, ac->migratetype);
		debug_mark_free_hooks(page);
		trace_mm_page_alloc(page, 0, gfp, ac->migratetype);
		page_array[nr_populated++] = page;
		(*nr_account)++;
	}
	if (*nr_account)
		__zone_statistics_bulk(cpu, pcp, ac->preferred_zoneref->zone, zone, *nr_account,
				       zone->node == cpu->node);
	pcp_unlock_cpu(cpu);
	if (*nr_account)
		wakeup_kswapd_if_boosted(zone);
	return nr_populated;
}

/*
 * 5.13-6.13 __alloc_pages_bulk for order 0 (the page_array form; the list
 * form is not offered): fills the NULL slots of page_array[0..nr_pages)
 * and returns how many slots are populated from the start of the array,
 * the ones already set included - it stops at the first slot it cannot
 * fill. When the pcp cannot serve (lock busy, no zone stays above its mark
 * with nr_pages more taken, one slot to fill, nothing came from the pcp) it
 * falls back to one single allocation, with its slow path.
 */
unsigned long __alloc_pages_bulk(gfp_t gfp, int preferred_nid, buddy_nodemask_t *nodemask,
				 unsigned long nr_pages, struct page **page_array)
{
	unsigned long nr_populated = 0, nr_account;
	struct alloc_context ac;
	struct zone *zone;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	gfp_t alloc_gfp = gfp;
	buddy_nodemask_t *first_mask = nodemask;

	if (unlikely(!page_array)) {
		if (nr_pages)
			bad_address(NULL, "__alloc_pages_bulk: NULL page array");
		return 0;
	}
	while (nr_populated < nr_pages && page_array[nr_populated])
		nr_populated++;
	if (nr_populated == nr_pages)
		return nr_populated; /* already populated */
	/* 6.1: the cpuset hardwalls the bulk attempt as it does the first single one */
	cpuset_first_attempt(&alloc_gfp, &first_mask, &alloc_flags);
	if (nr_pages - nr_populated == 1 || !atomic_load_explicit(&buddy.initialized, memory_order_acquire) ||
	    prepare_alloc_pages(gfp, 0, preferred_nid, first_mask, &ac) != PREPARE_OK ||
	    !ac.preferred_zoneref->zone)
		goto failed;
	alloc_flags = gfp_to_alloc_flags_cma(gfp, alloc_flags);
	zone = bulk_zone(&ac, alloc_gfp, alloc_flags, nr_pages);
	if (!zone)
		goto failed;
	nr_populated = bulk_from_pcp(alloc_gfp, zone, &ac, alloc_flags, nr_populated, nr_pages, page_array,
				     &nr_account);
	if (nr_account || nr_populated == nr_pages)
		return nr_populated;
failed:
	/* not one page from the pcp: the single path, which may reclaim and reports failure */
	page_array[nr_populated] = __alloc_pages_nodemask(gfp, 0, preferred_nid, nodemask);
	if (page_array[nr_populated])
		nr_populated++;
	return nr_populated;
}

unsigned long alloc_pages_bulk_array_node(gfp_t gfp, int nid, unsigned long nr_pages,
					  struct page **page_array)
{
	return __alloc_pages_bulk(gfp, nid, NULL, nr_pages, page_array);
}

unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages, struct page **page_array)
{
	return __alloc_pages_bulk(gfp, NUMA_NO_NODE, NULL, nr_pages, page_array);
}
