/* SPDX-License-Identifier: MIT */
/*
 * Background threads: lazily started, woken by a flag and a condition
 * variable, stopped and joined on demand. See kthread.h.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kthread.h"
#include "os.h"

void kthread_init(struct buddy_kthread *kt, const char *name, kthread_work_fn work, void *data,
		  unsigned int timeout_ms)
{
	memset(kt, 0, sizeof(*kt));
	kt->name = name;
	kt->work = work;
	kt->data = data;
	kt->timeout_ms = timeout_ms;
	pthread_mutex_init(&kt->lock, NULL);
	pthread_cond_init(&kt->wait, NULL);
}

/* kt->lock held: sleep until woken, stopped, or the timeout passes. */
static void kthread_sleep(struct buddy_kthread *kt)
{
	if (!kt->timeout_ms) {
		while (!kt->woken && !kt->should_stop)
			pthread_cond_wait(&kt->wait, &kt->lock);
		return;
	}
	struct timespec deadline;
	os_deadline_after_ms(&deadline, CLOCK_REALTIME, kt->timeout_ms);
	while (!kt->woken && !kt->should_stop)
		if (pthread_cond_timedwait(&kt->wait, &kt->lock, &deadline))
			break; /* timed out: run the work anyway (the periodic case) */
}

static void *kthread_main(void *arg)
{
	struct buddy_kthread *kt = arg;

	pthread_mutex_lock(&kt->lock);
	for (;;) {
		if (kt->should_stop)
			break;
		kt->woken = false;
		kt->running = true;
		pthread_mutex_unlock(&kt->lock);
		kt->work(kt);
		pthread_mutex_lock(&kt->lock);
		kt->running = false;
		kt->runs++;
		pthread_cond_broadcast(&kt->wait); /* kthread_wake_and_wait */
		if (!kt->woken)
			kthread_sleep(kt);
	}
	pthread_mutex_unlock(&kt->lock);
	return NULL;
}

/* kt->lock held. The thread takes no signal meant for the program. */
static int kthread_start(struct buddy_kthread *kt)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	kt->should_stop = false;
	rc = pthread_create(&kt->thread, NULL, kthread_main, kt);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		static bool reported;
		if (!reported)
			fprintf(stderr, "libbuddy: cannot start %s: %s; going on without it\n", kt->name,
				strerror(rc));
		reported = true;
		return rc;
	}
	pthread_setname_np(kt->thread, kt->name);
	kt->started = true;
	return 0;
}

int kthread_wake(struct buddy_kthread *kt)
{
	int rc = 0;

	pthread_mutex_lock(&kt->lock);
	if (!kt->started && !kt->should_stop)
		rc = kthread_start(kt);
	if (!rc && !kt->woken) {
		kt->woken = true;
		pthread_cond_broadcast(&kt->wait);
	}
	pthread_mutex_unlock(&kt->lock);
	return rc;
}

void kthread_wake_and_wait(struct buddy_kthread *kt)
{
	unsigned long target;

	pthread_mutex_lock(&kt->lock);
	if (!kt->started && kthread_start(kt)) {
		pthread_mutex_unlock(&kt->lock);
		return;
	}
	/* a run that starts after this wake-up: the next one, or the one after a run in progress */
	target = kt->runs + 1 + (kt->running ? 1 : 0);
	kt->woken = true;
	pthread_cond_broadcast(&kt->wait);
	while (kt->runs < target && !kt->should_stop && kt->started)
		pthread_cond_wait(&kt->wait, &kt->lock);
	pthread_mutex_unlock(&kt->lock);
}

bool kthread_should_stop(struct buddy_kthread *kt)
{
	return __atomic_load_n(&kt->should_stop, __ATOMIC_RELAXED);
}

bool kthread_sleep_ms(struct buddy_kthread *kt, unsigned int ms)
{
	struct timespec deadline;
	bool go_on;

	os_deadline_after_ms(&deadline, CLOCK_REALTIME, ms);
	pthread_mutex_lock(&kt->lock);
	while (!kt->should_stop)
		if (pthread_cond_timedwait(&kt->wait, &kt->lock, &deadline))
			break; /* the delay is over (wake-ups in between only ask for this run) */
	go_on = !kt->should_stop;
	pthread_mutex_unlock(&kt->lock);
	return go_on;
}

bool kthread_started(struct buddy_kthread *kt)
{
	pthread_mutex_lock(&kt->lock);
	bool started = kt->started;
	pthread_mutex_unlock(&kt->lock);
	return started;
}

void kthread_stop(struct buddy_kthread *kt)
{
	pthread_mutex_lock(&kt->lock);
	bool started = kt->started;
	__atomic_store_n(&kt->should_stop, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&kt->wait);
	pthread_mutex_unlock(&kt->lock);
	if (started)
		pthread_join(kt->thread, NULL);
	pthread_mutex_lock(&kt->lock);
	kt->started = false;
	kt->woken = false;
	kt->should_stop = false; /* a later kthread_wake starts it again */
	pthread_cond_broadcast(&kt->wait);
	pthread_mutex_unlock(&kt->lock);
}

void kthread_destroy(struct buddy_kthread *kt)
{
	pthread_cond_destroy(&kt->wait);
	pthread_mutex_destroy(&kt->lock);
}

void kthread_fork_lock(struct buddy_kthread *kt)
{
	pthread_mutex_lock(&kt->lock);
}

void kthread_fork_unlock(struct buddy_kthread *kt, bool child)
{
	if (!child) {
		pthread_mutex_unlock(&kt->lock);
		return;
	}
	/* The thread was not copied: forget it, so the next wake-up starts one. */
	pthread_mutex_init(&kt->lock, NULL);
	pthread_cond_init(&kt->wait, NULL);
	kt->started = false;
	kt->woken = false;
	kt->running = false;
	kt->should_stop = false;
}
