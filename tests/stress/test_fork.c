/* SPDX-License-Identifier: MIT */
/*
 * fork() while other threads allocate, free and drain: the child must find
 * every libbuddy lock free and its state consistent (the pthread_atfork
 * handlers take the locks before the copy and reset them in the child), and
 * the parent must carry on. A child that hangs on a lock a vanished thread
 * held is killed by its alarm and fails the test.
 *
 * BUDDY_STRESS_FORKS=N for a longer run.
 */
#define _GNU_SOURCE
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

#define NR_WORKERS 3

static _Atomic int stop;

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	struct page *held[16] = { 0 };
	unsigned int orders[16] = { 0 };

	while (!stop) {
		int slot = (int)(rand_r(&seed) % 16);
		if (held[slot]) {
			__free_pages(held[slot], orders[slot]);
			held[slot] = NULL;
		} else {
			static const unsigned int choice[] = { 0, 0, 0, 1, 2, 3, 5, 9 };
			orders[slot] = choice[rand_r(&seed) % 8];
			held[slot] = alloc_pages(GFP_KERNEL, orders[slot]);
		}
		if (rand_r(&seed) % 64 == 0)
			buddy_drain_all_pages();	/* remote lockers too */
	}
	for (int i = 0; i < 16; i++)
		if (held[i])
			__free_pages(held[i], orders[i]);
	return NULL;
}

/* In the child: allocate every order, free, drain, check. */
static int child_main(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	alarm(20);
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		if (!page)
			return 2;
		__free_pages(page, order);
	}
	buddy_drain_all_pages();
	return buddy_check() ? 3 : 0;
}

static void test_fork_while_threads_allocate(void **state)
{
	(void)state;
	const char *env = getenv("BUDDY_STRESS_FORKS");
	int forks = env ? atoi(env) : 60;
	struct buddy_config cfg = { .conf = "arena_size:64M,dma_limit:0,dma32_limit:0" };
	pthread_t threads[NR_WORKERS];

	assert_int_equal(buddy_init(&cfg), 0);
	stop = 0;
	for (long i = 0; i < NR_WORKERS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, worker, (void *)(i + 1)), 0);
	for (int f = 0; f < forks; f++) {
		usleep(1000);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(child_main());
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			fail_msg("fork %d: child killed by signal %d (%s)", f, WTERMSIG(status),
				 WTERMSIG(status) == SIGALRM ? "hung on a lock" : strsignal(WTERMSIG(status)));
		if (WEXITSTATUS(status))
			fail_msg("fork %d: child exited with %d", f, WEXITSTATUS(status));
	}
	stop = 1;
	for (int i = 0; i < NR_WORKERS; i++)
		pthread_join(threads[i], NULL);
	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_while_threads_allocate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
