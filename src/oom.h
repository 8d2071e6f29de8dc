/* SPDX-License-Identifier: MIT */
/*
 * The OOM step as the slow path sees it (oom.c; Linux 6.1 mm/oom_kill.c):
 * the oom_lock, and out_of_memory, which here runs the OOM notifier chain
 * (<buddy/oom.h>) and prints the report when the chain freed nothing.
 */
#ifndef BUDDY_OOM_INTERNAL_H
#define BUDDY_OOM_INTERNAL_H

#include <buddy/oom.h>

#include "internal.h"

/*
 * The kernel's oom_lock, only ever try-locked (__alloc_pages_may_oom): one
 * thread runs the OOM step at a time, and no thread ever waits for it, so
 * the notifiers it calls hold it without holding anything another thread
 * could block on. A thread that loses the race counts that as progress.
 */
HIDDEN bool oom_trylock(void);
HIDDEN void oom_unlock(void);

/*
 * 6.1 out_of_memory, oom_lock held: call the notifier chain with no other
 * libbuddy lock held, inside a noreclaim scope. True when it freed pages
 * (the caller retries). Otherwise, for a mask with __GFP_FS, the OOM report
 * (rate-limited) - for one without, nothing: the kernel does not kill for
 * IO-less reclaim - and false.
 */
HIDDEN bool out_of_memory(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask);

/* fork(): see internal.h's fork section. */
HIDDEN void oom_fork_lock(void);
HIDDEN void oom_fork_unlock(bool child);

#endif /* BUDDY_OOM_INTERNAL_H */
