/* SPDX-License-Identifier: MIT */
/*
 * One side of bench/ab_pingpong: two builds of libbuddy, one per process,
 * take turns on one CPU. Each slice this process waits for its semaphore,
 * times `rounds` rounds of the loop (each round 1,024 blocks), prints the
 * slice's median and minimum in ns per block, and posts the other side's
 * semaphore. Slices of the two sides alternate within milliseconds, so the
 * per-slice ratio cancels the host's slow and fast phases that separate
 * runs cannot.
 *
 *   ab_worker ME OTHER SLICES ROUNDS ORDER pair|bulk   (BUDDY_CONF configures the arena)
 *   ab_worker --kick NAME                             post NAME once: the first turn
 */
#include <fcntl.h>
#include <semaphore.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "bench_util.h"

#define N	   1024
#define MAX_ROUNDS 4096

static struct page *blocks[N];

/* 1,024 allocations, then 1,024 frees */
static __attribute__((noinline)) void bulk_round(unsigned int order)
{
	for (int i = 0; i < N; i++) {
		blocks[i] = alloc_pages(GFP_KERNEL, order);
		if (!blocks[i])
			abort();
	}
	for (int i = 0; i < N; i++)
		__free_pages(blocks[i], order);
}

/* 1,024 allocation + free pairs */
static __attribute__((noinline)) void pair_round(unsigned int order)
{
	for (int i = 0; i < N; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		__asm__ volatile("" : : "r"(p) : "memory");
		__free_pages(p, order);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--kick")) {
		sem_t *s = sem_open(argv[2], O_CREAT, 0600, 0);

		return s == SEM_FAILED || sem_post(s);
	}
	if (argc != 7) {
		fprintf(stderr, "usage: ab_worker ME OTHER SLICES ROUNDS ORDER pair|bulk | --kick NAME\n");
		return 2;
	}
	sem_t *me = sem_open(argv[1], O_CREAT, 0600, 0), *other = sem_open(argv[2], O_CREAT, 0600, 0);
	int slices = atoi(argv[3]), rounds = atoi(argv[4]);
	unsigned int order = (unsigned int)atoi(argv[5]);
	void (*round)(unsigned int) = strcmp(argv[6], "pair") ? bulk_round : pair_round;
	static double t[MAX_ROUNDS];

	if (me == SEM_FAILED || other == SEM_FAILED || rounds < 1 || rounds > MAX_ROUNDS)
		return 2;
	if (buddy_init(NULL))
		return 1;
	for (int w = 0; w < 50; w++) /* warm-up: first refills, lazy set-up */
		round(order);
	for (int s = 0; s < slices; s++) {
		sem_wait(me);
		for (int r = 0; r < rounds; r++) {
			uint64_t t0 = now_ns();

			round(order);
			t[r] = (double)(now_ns() - t0) / N;
		}
		double min, med = median(t, rounds, &min, NULL);

		printf("%d %.2f %.2f\n", s, med, min);
		fflush(stdout);
		sem_post(other);
	}
	return 0;
}
