/* SPDX-License-Identifier: MIT */
/*
 * The calling thread's allocation scope (include/buddy/sched_mm.h): the
 * kernel's current->flags, reduced to the PF_MEMALLOC* bits.
 */
#ifndef BUDDY_SCHED_MM_INTERNAL_H
#define BUDDY_SCHED_MM_INTERNAL_H

#include <buddy/gfp.h>
#include <buddy/sched_mm.h>

#include "compiler.h"

HIDDEN extern __thread unsigned int current_flags;

/* 6.1 current_gfp_context: the mask as the thread's scope narrows it. */
static inline gfp_t current_gfp_context(gfp_t flags)
{
	unsigned int pflags = current_flags;

	if (unlikely(pflags & (PF_MEMALLOC_NOIO | PF_MEMALLOC_NOFS))) {
		if (pflags & PF_MEMALLOC_NOIO)
			flags &= ~(__GFP_IO | __GFP_FS);
		else
			flags &= ~__GFP_FS;
	}
	return flags;
}

/* The thread is a reclaimer (PF_MEMALLOC): no reclaim, compaction or OOM from here. */
static inline bool current_is_memalloc(void)
{
	return current_flags & PF_MEMALLOC;
}

#endif /* BUDDY_SCHED_MM_INTERNAL_H */
