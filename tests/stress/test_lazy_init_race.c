/* SPDX-License-Identifier: MIT */
/*
 * A thread making its first allocation while another thread is still
 * initialising the allocator lazily (no buddy_init call). This binary
 * interposes aligned_alloc, which the static library's set-up calls: on its
 * k-th call during initialisation it lets a probe thread make one allocation
 * and waits for it (at most 20 ms: a correct allocator makes the probe wait
 * for the initialisation instead). Round k stops the initialisation at its
 * k-th allocation, so the probe arrives at every stage of it. Each round runs
 * in a child process: a crash there - a fast path that ran ahead of the
 * per-CPU pagesets, as on a9cddad - fails the round.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define ROUNDS 16

static _Atomic int calls, probe_at;
static _Atomic int probe_state;	/* 0 waiting, 1 go, 2 done */

void *aligned_alloc(size_t alignment, size_t size)
{
	if (probe_at && ++calls == probe_at) {
		probe_state = 1;
		for (int us = 0; us < 20000 && probe_state != 2; us += 10)
			usleep(10);
	}
	return memalign(alignment, size);
}

static void *probe(void *arg)
{
	(void)arg;
	while (probe_state == 0)
		usleep(10);
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	probe_state = 2;
	if (!page)
		return (void *)1;
	__free_pages(page, 0);
	return NULL;
}

/* One round in this (child) process: 0 when both threads got a page and all is consistent. */
static int run_round(int k)
{
	pthread_t thread;
	void *probe_rc;

	setenv("BUDDY_CONF", "arena_size:64M,dma_limit:0,dma32_limit:0", 1);
	probe_at = k;
	if (pthread_create(&thread, NULL, probe, NULL))
		return 10;
	struct page *page = alloc_pages(GFP_KERNEL, 0);	/* initialises */
	probe_state = probe_state ? probe_state : 1;	/* k beyond the set-up's calls: go now */
	pthread_join(thread, &probe_rc);
	if (!page || probe_rc)
		return 11;
	__free_pages(page, 0);
	buddy_drain_all_pages();
	return buddy_check() ? 12 : 0;
}

static void test_first_allocations_race_lazy_init(void **state)
{
	(void)state;
	for (int round = 1; round <= ROUNDS; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* cmocka catches these in the parent's test; the child must die of them */
			signal(SIGSEGV, SIG_DFL);
			signal(SIGBUS, SIG_DFL);
			signal(SIGFPE, SIG_DFL);
			signal(SIGILL, SIG_DFL);
			alarm(60);
			_exit(run_round(round));
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			fail_msg("round %d: child killed by signal %d (%s)", round, WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
		if (WEXITSTATUS(status))
			fail_msg("round %d: child exited with %d", round, WEXITSTATUS(status));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_allocations_race_lazy_init),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
