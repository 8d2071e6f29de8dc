/* SPDX-License-Identifier: MIT */
/*
 * Multi-threaded stress: threads allocate blocks of random orders and masks,
 * tag every page they get, and free them in random order - some themselves,
 * some through a mailbox to another thread (remote frees). Every tag is
 * verified at free, so a block handed out twice is caught. At the end all
 * memory must coalesce back and buddy_check() must pass.
 *
 * Quick by default (CI, also under TSan); BUDDY_STRESS_OPS=N for a long soak,
 * BUDDY_STRESS_SEED=S to replay.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define NR_THREADS 4
#define MAX_HELD 128
#define MAILBOX 64

struct block {
	struct page *page;
	unsigned int order;
	uint64_t tag;
};

struct mailbox {
	pthread_mutex_t lock;
	struct block slots[MAILBOX];
	int n;
};

static struct mailbox mailboxes[NR_THREADS];
static long ops_per_thread = 20000;
static unsigned long seed;
static _Atomic long failures, bad_tags;

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void tag_block(const struct block *b)
{
	char *base = page_address(b->page);
	for (unsigned long i = 0; i < (1UL << b->order); i++)
		memcpy(base + i * PAGE_SIZE, &b->tag, sizeof(b->tag));
}

static void check_and_free(const struct block *b)
{
	char *base = page_address(b->page);
	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint64_t t;
		memcpy(&t, base + i * PAGE_SIZE, sizeof(t));
		if (t != b->tag)
			bad_tags++;
	}
	__free_pages(b->page, b->order);
}

static unsigned int random_order(uint64_t *rng)
{
	unsigned r = (unsigned)(xorshift(rng) % 100);
	if (r < 60)
		return 0;
	if (r < 85)
		return 1 + r % 3;		/* 1..3 */
	if (r < 93)
		return pageblock_order;
	if (r < 99)
		return 4 + r % 5;		/* 4..8 */
	return MAX_ORDER - 1;
}

static gfp_t random_gfp(uint64_t *rng)
{
	static const gfp_t masks[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_DMA32, GFP_ATOMIC, GFP_TEMPORARY,
				       GFP_KERNEL | __GFP_COLD };
	return masks[xorshift(rng) % (sizeof(masks) / sizeof(masks[0]))] | __GFP_NOWARN;
}

static void post(int to, const struct block *b)
{
	struct mailbox *m = &mailboxes[to];
	pthread_mutex_lock(&m->lock);
	if (m->n < MAILBOX) {
		m->slots[m->n++] = *b;
		b = NULL;
	}
	pthread_mutex_unlock(&m->lock);
	if (b)
		check_and_free(b);
}

static void drain_mailbox(int me)
{
	struct mailbox *m = &mailboxes[me];
	struct block got[MAILBOX];
	int n;

	pthread_mutex_lock(&m->lock);
	n = m->n;
	memcpy(got, m->slots, sizeof(got[0]) * (size_t)n);
	m->n = 0;
	pthread_mutex_unlock(&m->lock);
	for (int i = 0; i < n; i++)
		check_and_free(&got[i]);
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	uint64_t rng = seed * 2654435761u + (uint64_t)me + 1;
	struct block held[MAX_HELD];
	int nheld = 0;

	for (long op = 0; op < ops_per_thread; op++) {
		unsigned r = (unsigned)(xorshift(&rng) % 100);
		if (r < 55 && nheld < MAX_HELD) {
			struct block b = { .order = random_order(&rng) };
			b.page = alloc_pages(random_gfp(&rng), b.order);
			if (!b.page) {
				failures++;
				continue;
			}
			b.tag = ((uint64_t)me << 56) | (uint64_t)op << 8 | b.order;
			tag_block(&b);
			held[nheld++] = b;
		} else if (nheld) {
			int i = (int)(xorshift(&rng) % (uint64_t)nheld);
			struct block b = held[i];
			held[i] = held[--nheld];
			if (r % 4 == 0)
				post((me + 1 + (int)(r % (NR_THREADS - 1))) % NR_THREADS, &b);
			else
				check_and_free(&b);
		}
		if (op % 64 == 0)
			drain_mailbox(me);
	}
	while (nheld)
		check_and_free(&held[--nheld]);
	return NULL;
}

/* Remote lockers: drains of every CPU's lists while the workers run. */
static _Atomic int stop_draining;
static void *drainer(void *arg)
{
	long *rounds = arg;
	while (!stop_draining) {
		buddy_drain_all_pages();
		(*rounds)++;
		sched_yield();
	}
	return NULL;
}

static void test_threads_orders_and_remote_frees(void **state)
{
	(void)state;
	char conf[256];
	const char *extra = getenv("BUDDY_TEST_CONF_EXTRA");
	snprintf(conf, sizeof(conf), "arena_size:256M,dma_limit:16M,dma32_limit:80M%s%s", extra ? "," : "", extra ? extra : "");
	struct buddy_config cfg = { .conf = conf };
	assert_int_equal(buddy_init(&cfg), 0);
	char *before = NULL, *after = NULL;
	size_t len;
	FILE *f = open_memstream(&before, &len);
	buddy_dump(f, "buddyinfo");
	fclose(f);
	long initial[MAX_NR_ZONES];
	for (int z = 0; z < MAX_NR_ZONES; z++)
		initial[z] = buddy_zone_free_pages(0, (enum zone_type)z);

	pthread_t threads[NR_THREADS];
	for (int i = 0; i < NR_THREADS; i++)
		pthread_mutex_init(&mailboxes[i].lock, NULL);
	for (int i = 0; i < NR_THREADS; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i), 0);
	}
	pthread_t drain_thread;
	long drain_rounds = 0;
	assert_int_equal(pthread_create(&drain_thread, NULL, drainer, &drain_rounds), 0);
	for (int i = 0; i < NR_THREADS; i++)
		pthread_join(threads[i], NULL);
	stop_draining = 1;
	pthread_join(drain_thread, NULL);
	for (int i = 0; i < NR_THREADS; i++)
		drain_mailbox(i);
	printf("stress: %ld rounds of drain_all_pages ran alongside\n", drain_rounds);

	printf("stress: seed %lu, %ld ops/thread, %ld allocation failures\n", seed, ops_per_thread,
	       (long)failures);
	assert_int_equal(bad_tags, 0);
	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(buddy_zone_free_pages(0, (enum zone_type)z), initial[z]);
	/* Everything coalesced back into the blocks we started with. */
	f = open_memstream(&after, &len);
	buddy_dump(f, "buddyinfo");
	fclose(f);
	assert_string_equal(after, before);
	free(before);
	free(after);
	buddy_exit();
}

int main(void)
{
	const char *ops = getenv("BUDDY_STRESS_OPS");
	const char *s = getenv("BUDDY_STRESS_SEED");

	if (ops)
		ops_per_thread = atol(ops);
	seed = s ? strtoul(s, NULL, 0) : 12345;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_orders_and_remote_frees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
