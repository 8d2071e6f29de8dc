/* SPDX-License-Identifier: MIT */
/*
 * __GFP_NOFAIL waiters (nofail.c): an allocation that must not fail and
 * found nothing sleeps on one condition variable until pages come back to
 * the buddy lists - a free that reaches them (free_one_page), a pcp drain
 * (free_pcppages_bulk), or kswapd after a reclaim round - or a timeout
 * passes. The freeing side pays one relaxed load when nobody waits; the
 * order-0 pcp fast path does not signal at all (the waiter's timed retry
 * drains the pcp lists instead).
 */
#ifndef BUDDY_NOFAIL_H
#define BUDDY_NOFAIL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "compiler.h"

/* How long a __GFP_NOFAIL waiter sleeps at most before it retries anyway. */
#define NOFAIL_RETRY_TIMEOUT_MS 10

HIDDEN extern atomic_int nofail_waiters;

/* Wake every waiter: pages were given back. Anyone may call it, holding no libbuddy lock. */
HIDDEN void wake_all_nofail_waiters(void);

/* For the freeing paths: signal only when somebody waits (one load otherwise). */
static inline void wake_nofail_waiters_if_any(void)
{
	if (unlikely(atomic_load_explicit(&nofail_waiters, memory_order_relaxed)))
		wake_all_nofail_waiters();
}

/*
 * The waiter's side: enter once, then before each last attempt take the
 * free sequence, and if the attempt failed wait for it to move. Leave when
 * the allocation succeeded.
 */
HIDDEN void nofail_waiter_enter(void);
HIDDEN void nofail_waiter_leave(void);
HIDDEN unsigned long nofail_free_seq(void);
/* Sleep until the free sequence is no longer seq, or timeout_ms pass. */
HIDDEN void nofail_wait_for_free(unsigned long seq, unsigned int timeout_ms);

/* fork(): see internal.h's fork section. */
HIDDEN void nofail_fork_lock(void);
HIDDEN void nofail_fork_unlock(bool child);

#endif /* BUDDY_NOFAIL_H */
