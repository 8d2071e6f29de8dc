/* SPDX-License-Identifier: MIT */
/*
 * What stands for the OOM killer (Linux 6.1 mm/oom_kill.c, kernel/notifier.c).
 * A process cannot kill another to get memory back, and killing itself is
 * the caller's decision, not the allocator's; what it can do is ask the
 * parts of the program that hold memory they could give up - the kernel's
 * OOM notifiers, which out_of_memory calls before it picks a victim (the
 * balloon drivers use them). So out_of_memory calls the chain and, when the
 * chain freed nothing, reports the OOM in the kernel's words and lets the
 * allocation fail.
 *
 * The chain is a list sorted by priority; calls never hold its lock, so a
 * notifier may allocate, register or unregister. One chain walk at a time
 * (oom_lock); unregister_oom_notifier waits for the walk to leave the block
 * it removes unless the caller is that block's own callback.
 */
#include <errno.h>

#include "oom.h"
#include "sched_mm.h"
#include "trace_oom.h"

static atomic_bool oom_lock;

/* Guards the list and the walk's cursor; never held across a callback. */
static pthread_mutex_t oom_notify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t oom_notify_idle = PTHREAD_COND_INITIALIZER;
static struct notifier_block *oom_notify_list;
/* The walk in progress: the block being called, by which thread, and where to go on if it leaves. */
static struct notifier_block *oom_notify_running;
static pthread_t oom_notify_caller;
static bool oom_running_left;
static struct notifier_block *oom_notify_resume;

bool oom_trylock(void)
{
	return !atomic_exchange_explicit(&oom_lock, true, memory_order_acquire);
}

void oom_unlock(void)
{
	atomic_store_explicit(&oom_lock, false, memory_order_release);
}

/* ------------------------------------------------------------ the chain */

/* 6.1 notifier_chain_register: before the first block of lower priority. */
int register_oom_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp;

	if (!nb || !nb->notifier_call)
		return -EINVAL;
	pthread_mutex_lock(&oom_notify_lock);
	for (pp = &oom_notify_list; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			pthread_mutex_unlock(&oom_notify_lock);
			fprintf(stderr,
				"WARNING: %s: register_oom_notifier: notifier callback %p already "
				"registered\n",
				buddy_progname(), (void *)nb);
			return -EEXIST;
		}
	}
	for (pp = &oom_notify_list; *pp; pp = &(*pp)->next)
		if (nb->priority > (*pp)->priority)
			break;
	nb->next = *pp;
	*pp = nb;
	pthread_mutex_unlock(&oom_notify_lock);
	return 0;
}

/* Take nb out of the walk's way: a walk that would go on from nb goes on from its successor. */
static void __oom_notify_forget(struct notifier_block *nb)
{
	if (oom_notify_resume == nb)
		oom_notify_resume = nb->next;
	if (oom_notify_running != nb)
		return;
	oom_running_left = true;
	oom_notify_resume = nb->next;
	if (pthread_equal(oom_notify_caller, pthread_self()))
		return; /* its own callback: the walk resumes when it returns */
	while (oom_notify_running == nb)
		pthread_cond_wait(&oom_notify_idle, &oom_notify_lock);
}

int unregister_oom_notifier(struct notifier_block *nb)
{
	pthread_mutex_lock(&oom_notify_lock);
	for (struct notifier_block **pp = &oom_notify_list; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			*pp = nb->next;
			__oom_notify_forget(nb);
			pthread_mutex_unlock(&oom_notify_lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&oom_notify_lock);
	fprintf(stderr, "WARNING: %s: unregister_oom_notifier: notifier %p is not registered\n",
		buddy_progname(), (void *)nb);
	return -ENOENT;
}

/* 6.1 blocking_notifier_call_chain, without holding the chain's lock across a call. */
static void oom_notify_call_chain(unsigned long *freed)
{
	pthread_mutex_lock(&oom_notify_lock);
	struct notifier_block *nb = oom_notify_list;

	while (nb) {
		oom_notify_running = nb;
		oom_notify_caller = pthread_self();
		oom_running_left = false;
		pthread_mutex_unlock(&oom_notify_lock);

		int ret = nb->notifier_call(nb, 0, freed);

		pthread_mutex_lock(&oom_notify_lock);
		oom_notify_running = NULL;
		pthread_cond_broadcast(&oom_notify_idle);
		if (ret & NOTIFY_STOP_MASK)
			break;
		nb = oom_running_left ? oom_notify_resume : nb->next;
	}
	oom_notify_resume = NULL;
	pthread_mutex_unlock(&oom_notify_lock);
}

/* ------------------------------------------------------------ out_of_memory */

bool out_of_memory(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask)
{
	unsigned long freed = 0;
	unsigned int noreclaim = memalloc_noreclaim_save();
	bool reported = false;

	oom_notify_call_chain(&freed);
	memalloc_noreclaim_restore(noreclaim);
	if (!freed && (gfp_mask & __GFP_FS))
		reported = oom_report(gfp_mask, order, nodemask);
	trace_oom(gfp_mask, order, freed, reported);
	return freed > 0;
}

void oom_fork_lock(void)
{
	pthread_mutex_lock(&oom_notify_lock);
}

/* The child has only the forking thread: no walk is in progress there. */
void oom_fork_unlock(bool child)
{
	if (child) {
		oom_notify_running = NULL;
		oom_notify_resume = NULL;
		atomic_store_explicit(&oom_lock, false, memory_order_relaxed);
		pthread_cond_init(&oom_notify_idle, NULL);
	}
	fork_unlock_mutex(&oom_notify_lock, child);
}
