/* SPDX-License-Identifier: MIT */
/*
 * __GFP_NOFAIL waiters: nofail.h. The kernel's nofail loop only calls
 * cond_resched() between rounds and counts on other tasks (and the OOM
 * killer) to free memory; a user-space loop doing that would spin, so it
 * sleeps on a condition variable that the paths giving pages back signal.
 * It calls nothing else of libbuddy's, so every layer may call it.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "nofail.h"
#include "os.h"

atomic_int nofail_waiters;

static pthread_mutex_t nofail_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nofail_cond;
static unsigned long nofail_frees; /* nofail_lock: wake-ups so far */

/* The condition variable runs on CLOCK_MONOTONIC, so a clock step neither wakes nor strands a waiter. */
__attribute__((constructor)) static void nofail_cond_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&nofail_cond, &attr);
	pthread_condattr_destroy(&attr);
}

void wake_all_nofail_waiters(void)
{
	pthread_mutex_lock(&nofail_lock);
	nofail_frees++;
	pthread_cond_broadcast(&nofail_cond);
	pthread_mutex_unlock(&nofail_lock);
}

void nofail_waiter_enter(void)
{
	atomic_fetch_add_explicit(&nofail_waiters, 1, memory_order_seq_cst);
}

void nofail_waiter_leave(void)
{
	atomic_fetch_sub_explicit(&nofail_waiters, 1, memory_order_relaxed);
}

unsigned long nofail_free_seq(void)
{
	unsigned long seq;

	pthread_mutex_lock(&nofail_lock);
	seq = nofail_frees;
	pthread_mutex_unlock(&nofail_lock);
	return seq;
}

void nofail_wait_for_free(unsigned long seq, unsigned int timeout_ms)
{
	struct timespec deadline;

	os_deadline_after_ms(&deadline, CLOCK_MONOTONIC, timeout_ms);
	pthread_mutex_lock(&nofail_lock);
	while (nofail_frees == seq)
		if (pthread_cond_timedwait(&nofail_cond, &nofail_lock, &deadline) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&nofail_lock);
}

void nofail_fork_lock(void)
{
	pthread_mutex_lock(&nofail_lock);
}

/* The child has none of the parent's waiters: only the forking thread exists there. */
void nofail_fork_unlock(bool child)
{
	if (child) {
		atomic_store_explicit(&nofail_waiters, 0, memory_order_relaxed);
		pthread_mutex_init(&nofail_lock, NULL);
		nofail_cond_init(); /* the parent's waiters may have been mid-wait */
		return;
	}
	pthread_mutex_unlock(&nofail_lock);
}
