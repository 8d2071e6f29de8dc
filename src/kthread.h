/* SPDX-License-Identifier: MIT */
/*
 * libbuddy's background threads (kswapd, kcompactd, later page reporting):
 * one small object that starts its pthread lazily on the first wake-up,
 * runs a work function outside every lock of its own, sleeps until the next
 * wake-up or a timeout, and stops in buddy_exit(). Across fork() the child
 * has no such thread: kthread_fork_unlock(child) forgets it, and the next
 * wake-up in the child starts a new one.
 */
#ifndef BUDDY_KTHREAD_H
#define BUDDY_KTHREAD_H

#include <pthread.h>
#include <stdbool.h>

#include "compiler.h"

struct buddy_kthread;
/* The loop body: runs with no kthread lock held. */
typedef void (*kthread_work_fn)(struct buddy_kthread *kt);

struct buddy_kthread {
	const char *name;	 /* "kswapd0": the thread's name (pthread_setname_np) */
	kthread_work_fn work;	 /* called once per wake-up or timeout */
	void *data;		 /* the work function's (its pg_data_t, say) */
	unsigned int timeout_ms; /* sleep at most this long between runs; 0: until woken */

	pthread_mutex_t lock; /* guards the fields below */
	pthread_cond_t wait;
	pthread_t thread;
	bool started;	  /* the pthread exists (and has not been joined) */
	bool woken;	  /* a wake-up came since the work last started */
	bool should_stop; /* kthread_stop() asked it to end */
	bool running;	  /* inside work() */
	unsigned long runs;
};

/* Set up (nothing starts yet). name is copied by pointer: keep it alive. */
HIDDEN void kthread_init(struct buddy_kthread *kt, const char *name, kthread_work_fn work, void *data,
			 unsigned int timeout_ms);
/*
 * Wake the thread, starting it if it is not running. Cheap when it is
 * already awake. Returns 0, or the pthread_create error (reported once on
 * stderr; the caller goes on without the thread).
 */
HIDDEN int kthread_wake(struct buddy_kthread *kt);
/* Make the thread run its work once more, then wait until it has done so. */
HIDDEN void kthread_wake_and_wait(struct buddy_kthread *kt);
/* True while the work should go on: false once kthread_stop() was called. */
HIDDEN bool kthread_should_stop(struct buddy_kthread *kt);
/*
 * From the work function: sleep ms (a delayed work's delay), waking early
 * only for kthread_stop(). False when the thread is to stop.
 */
HIDDEN bool kthread_sleep_ms(struct buddy_kthread *kt, unsigned int ms);
/* Stop and join the thread (if it was started); kthread_wake() may start it again. */
HIDDEN void kthread_stop(struct buddy_kthread *kt);
/* True if the pthread exists now. */
HIDDEN bool kthread_started(struct buddy_kthread *kt);
HIDDEN void kthread_destroy(struct buddy_kthread *kt); /* after kthread_stop */

/* fork(): take the lock in the prepare handler; the child forgets the thread. */
HIDDEN void kthread_fork_lock(struct buddy_kthread *kt);
HIDDEN void kthread_fork_unlock(struct buddy_kthread *kt, bool child);

#endif /* BUDDY_KTHREAD_H */
