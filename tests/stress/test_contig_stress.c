/* SPDX-License-Identifier: MIT */
/*
 * Contiguous allocations racing with ordinary traffic: worker threads
 * allocate and free pages of every type (atomic high-order ones too, so
 * highatomic blocks come and go) while another thread keeps taking and
 * giving back CMA runs, contiguous ranges and isolated pageblocks. Every
 * range handed out must be exclusively the caller's, and the allocator must
 * be consistent at the end.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "buddy_test.h"	/* the accessors over the internals (tests/unit/test_util.c) */

#define WORKERS 3
#define OPS 20000
#define LIVE 1500

static unsigned long lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

static atomic_int bad_writes, workers_left = WORKERS;
static int cma_ok, pages_ok, range_ok, isolate_ok;
static atomic_int rounds;

static void *worker(void *arg)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
				      GFP_ATOMIC };
	struct {
		struct page *page;
		unsigned int order;
		unsigned char tag;
	} live[LIVE];
	unsigned long seed = (unsigned long)(uintptr_t)arg;
	int n = 0;

	/* Until the contiguous side has had 100 rounds against this traffic. */
	for (int op = 0; op < OPS || atomic_load(&rounds) < 100; op++) {
		if (n == LIVE || (n > 0 && lcg(&seed) % 2)) {
			int i = (int)(lcg(&seed) % (unsigned long)n);
			unsigned char *mem = page_address(live[i].page);
			if (mem[0] != live[i].tag)
				atomic_fetch_add(&bad_writes, 1);
			__free_pages(live[i].page, live[i].order);
			live[i] = live[--n];
			continue;
		}
		unsigned int order = (unsigned int)(lcg(&seed) % 4);
		struct page *p = alloc_pages(gfps[lcg(&seed) % 4] | __GFP_NOWARN, order);
		if (!p)
			continue;
		live[n].page = p;
		live[n].order = order;
		live[n].tag = (unsigned char)lcg(&seed);
		memset(page_address(p), live[n].tag, PAGE_SIZE << order);
		n++;
	}
	atomic_fetch_sub(&workers_left, 1);
	while (n > 0) {
		n--;
		__free_pages(live[n].page, live[n].order);
	}
	return NULL;
}

/* Fill a range with a pattern, later check nobody else wrote into it. */
static void stamp(struct page *p, unsigned long nr, unsigned char v)
{
	memset(page_address(p), v, nr * PAGE_SIZE);
}

static void verify(struct page *p, unsigned long nr, unsigned char v)
{
	const unsigned char *mem = page_address(p);
	for (unsigned long i = 0; i < nr * PAGE_SIZE; i += 512)
		if (mem[i] != v) {
			atomic_fetch_add(&bad_writes, 1);
			return;
		}
}

static void *contig(void *arg)
{
	unsigned long seed = (unsigned long)(uintptr_t)arg;
	struct zone *zone = zone_of(0, ZONE_NORMAL);

	while (atomic_load(&workers_left)) {
		atomic_fetch_add(&rounds, 1);
		unsigned long nr = 1 + lcg(&seed) % 600;
		struct page *c = buddy_cma_alloc(nr, (unsigned int)(lcg(&seed) % 5));
		if (c) {
			cma_ok++;
			stamp(c, nr, 0xc3);
			verify(c, nr, 0xc3);
			assert_true(buddy_cma_release(c, nr));
		}
		nr = 1 + lcg(&seed) % 300;
		struct page *a = alloc_contig_pages(nr, GFP_KERNEL | __GFP_NOWARN, 0, NULL);
		if (a) {
			pages_ok++;
			stamp(a, nr, 0xa5);
			verify(a, nr, 0xa5);
			free_contig_range(page_to_pfn(a), nr);
		}
		unsigned long start = test_zone_start_pfn(zone) + lcg(&seed) % (test_zone_spanned(zone) / 2);
		if (!alloc_contig_range(start, start + 64, MIGRATE_MOVABLE, GFP_KERNEL)) {
			range_ok++;
			stamp(pfn_to_page(start), 64, 0x3c);
			verify(pfn_to_page(start), 64, 0x3c);
			free_contig_range(start, 64);
		}
		start &= ~(pageblock_nr_pages - 1);
		if (!start_isolate_page_range(start, start + pageblock_nr_pages, MIGRATE_MOVABLE)) {
			isolate_ok++;
			undo_isolate_page_range(start, start + pageblock_nr_pages, MIGRATE_MOVABLE);
		}
	}
	return NULL;
}

static void test_contig_races_with_traffic(void **state)
{
	(void)state;
	struct buddy_config cfg = { .conf = "arena_size:64M,dma_limit:0,dma32_limit:0,cma:8M" };
	pthread_t t[WORKERS + 1];

	/* cma_alloc failures are expected here and reported: keep stderr quiet. */
	FILE *saved = stderr;
	stderr = fopen("/dev/null", "w");
	assert_int_equal(buddy_init(&cfg), 0);
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	pthread_create(&t[WORKERS], NULL, contig, (void *)(uintptr_t)99);
	for (int i = 0; i <= WORKERS; i++)
		pthread_join(t[i], NULL);
	fclose(stderr);
	stderr = saved;

	printf("%d rounds: cma runs %d, contig pages %d, contig ranges %d, isolations %d\n", atomic_load(&rounds), cma_ok,
	       pages_ok, range_ok, isolate_ok);
	assert_int_equal(atomic_load(&bad_writes), 0);
	assert_true(cma_ok > 0 && pages_ok > 0 && range_ok > 0 && isolate_ok > 0);
	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	struct zone *zone = zone_of(0, ZONE_NORMAL);
	assert_int_equal(test_zone_nr_isolate_pageblock(zone), 0);
	assert_int_equal(zone_page_state(zone, NR_FREE_CMA_PAGES), 2048);
	buddy_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contig_races_with_traffic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
