/* SPDX-License-Identifier: MIT */
/*
 * Per-thread allocation scopes, as the kernel's <linux/sched/mm.h>: inside a
 * memalloc_nofs_save()/memalloc_nofs_restore() pair every allocation of the
 * calling thread behaves as if __GFP_FS were clear; inside a noio pair, as
 * if __GFP_IO and __GFP_FS were clear; inside a noreclaim pair the thread is
 * a reclaimer (the kernel's PF_MEMALLOC): it never enters direct reclaim,
 * compaction or the OOM step, and may dip below the min watermark. Pairs
 * nest: restore with the value the matching save returned.
 *
 * libbuddy enters the noreclaim scope itself around shrinker and OOM
 * notifier callbacks, so an allocation made there cannot recurse into
 * reclaim.
 */
#ifndef BUDDY_SCHED_MM_H
#define BUDDY_SCHED_MM_H

#include <buddy/gfp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's task flag values. */
#define PF_MEMALLOC	 0x00000800u
#define PF_MEMALLOC_NOFS 0x00040000u
#define PF_MEMALLOC_NOIO 0x00080000u

BUDDY_API unsigned int memalloc_noreclaim_save(void);
BUDDY_API void memalloc_noreclaim_restore(unsigned int flags);
BUDDY_API unsigned int memalloc_nofs_save(void);
BUDDY_API void memalloc_nofs_restore(unsigned int flags);
BUDDY_API unsigned int memalloc_noio_save(void);
BUDDY_API void memalloc_noio_restore(unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* BUDDY_SCHED_MM_H */
