/* SPDX-License-Identifier: MIT */
/*
 * Turning the order-0 fast paths off while a feature must see every call.
 *
 * The leaf fast paths (alloc_pages_pcp_fast, free_pages_entry) serve the
 * common case without looking at any mode, so that a mode that is off costs
 * them nothing. A mode that must see every allocation - a task mempolicy, a
 * cpuset, fault injection, debug_pagealloc, page poisoning - blocks them
 * instead: while any blocker is set, every CPU's local_zone[] cache reads
 * NULL, which the allocation fast path already treats as "take the full
 * path". Frees are steered page by page: the full allocation path marks a
 * page PG_free_hooks when its free must run a hook, and the free fast path's
 * flag test (a constant mask) sends such a page the full way.
 *
 * Blocking and unblocking are rare (configuration, a thread's first policy)
 * and take every CPU's pcp lock in turn, so no fast path runs with a stale
 * cache once the call returns.
 */
#ifndef BUDDY_FAST_PATH_H
#define BUDDY_FAST_PATH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "compiler.h"

enum fast_path_blocker {
	FAST_PATH_MEMPOLICY,	   /* some thread has a task mempolicy */
	FAST_PATH_CPUSET,	   /* some thread has restricted mems_allowed */
	FAST_PATH_FAIL_PAGE_ALLOC, /* fault injection may fail any request */
	FAST_PATH_DEBUG_PAGEALLOC, /* free pages are unmapped */
	FAST_PATH_PAGE_POISON,	   /* free pages are poisoned and checked */
	FAST_PATH_GUARD_PAGES,	   /* expand() leaves guard pages */
	NR_FAST_PATH_BLOCKERS
};

/* Set or clear one reason; the caches of every CPU follow before the call returns. */
HIDDEN void fast_path_block(enum fast_path_blocker why);
HIDDEN void fast_path_unblock(enum fast_path_blocker why);
HIDDEN bool fast_path_blocked(void);
HIDDEN bool fast_path_blocked_by(enum fast_path_blocker why);

/*
 * A blocker held while any thread is in some state (a task mempolicy, a
 * restricted cpuset): the threads in it are counted, the blocker is set by
 * the first and cleared by the last - the count and the blocker move
 * together under the lock, so 0 <-> 1 never races - and a thread that exits
 * in the state leaves it (6.1 mpol_put / cpuset_exit in do_exit). forget
 * clears the exiting thread's own record of the state.
 */
struct thread_blocker {
	enum fast_path_blocker why;
	void (*forget)(void);
	atomic_int nr_threads;
	pthread_mutex_t lock;
	bool key_made;
	pthread_key_t exit_key; /* its value in a thread: the blocker, while the thread is in */
};
#define THREAD_BLOCKER_INIT(blocker, forget_fn)                                                              \
	{                                                                                                    \
		.why = (blocker), .forget = (forget_fn), .lock = PTHREAD_MUTEX_INITIALIZER                   \
	}

/* The calling thread enters (true) or leaves (false) the state; call only on a change. */
HIDDEN void thread_blocker_set(struct thread_blocker *tb, bool in);
static inline bool thread_blocker_any(struct thread_blocker *tb)
{
	return atomic_load_explicit(&tb->nr_threads, memory_order_relaxed) != 0;
}

/*
 * Rebuild every CPU's local_zone[] from the zonelists (build_all_zonelists
 * calls it after building them): the first zone of each list, or NULL while
 * blocked.
 */
HIDDEN void fast_path_refresh(void);
/* buddy_exit: the caches go with the CPUs; the reasons stay set. */
HIDDEN void fast_path_forget(void);

#endif
