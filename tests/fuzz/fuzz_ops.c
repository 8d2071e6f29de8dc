/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the input is a sequence of operations on one allocator -
 * alloc, free, split_page, get_page, put_page, drain, compaction, contiguous
 * ranges, fault injection on and off - each read from a few bytes (the
 * operation, then its mask, order or index). A simple model, the table of
 * live allocations below, says what each call may do; buddy_check() runs
 * every CHECK_EVERY operations, and at the end of every input everything is
 * freed, the pcp lists drained, and the zones' free pages must add up to
 * what they held before the input (the allocator is set up once and reused:
 * persistent mode, thousands of inputs a second). Any difference aborts.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define MAX_LIVE    256
#define MAX_OPS	    512
#define CHECK_EVERY 64
#define FUZZ_ORDER  11 /* MAX_ORDER: orders 0..10 are valid; 11 is refused */

struct live {
	struct page *page;
	unsigned long pfn;
	unsigned long nr; /* contig: pages in the range; else 0 */
	unsigned int order;
	int refs;
	bool compound; /* __GFP_COMP with order > 0: split_page refuses it */
};

static struct live live[MAX_LIVE];
static int nr_live;
static long baseline_free;
static unsigned long live_pages;
static unsigned long arena_pages;

struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned int take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static unsigned int take32(struct input *in)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | take(in);
	return v;
}

static long total_free(void)
{
	long sum = 0;

	buddy_drain_all_pages();
	for (int nid = 0; nid < buddy_nr_nodes(); nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			long f = buddy_zone_free_pages(nid, (enum zone_type)z);
			if (f > 0)
				sum += f;
		}
	return sum;
}

static void die(const char *what)
{
	/*
	 * scripts/fuzz.sh runs with -close_fd_mask=2, which silences the
	 * library's stderr: point stderr at stdout first, so the reason,
	 * buddy_check()'s findings and the views reach the log.
	 */
	fflush(stdout);
	dup2(STDOUT_FILENO, STDERR_FILENO);
	fprintf(stderr, "fuzz_ops: %s (free %ld, at the start %ld, live %d)\n", what, total_free(),
		baseline_free, nr_live);
	fprintf(stderr, "fuzz_ops: buddy_check() = %d\n", buddy_check());
	buddy_dump(stderr, "buddyinfo");
	buddy_dump(stderr, "pagetypeinfo");
	buddy_dump(stderr, "zoneinfo");
	abort();
}

/*
 * A __GFP_NOFAIL request that waits this long is reported - the views and
 * buddy_check() - before libFuzzer's timeout ends the run with a stack
 * alone: such a wait means memory the harness does not hold is not free.
 */
#define NOFAIL_REPORT_SECONDS 10

static atomic_long nofail_since; /* CLOCK_MONOTONIC seconds a NOFAIL request started; 0: none */

static long monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static void *nofail_watchdog(void *unused)
{
	(void)unused;
	for (;;) {
		sleep(1);
		long since = atomic_load(&nofail_since);
		if (!since || monotonic_seconds() - since < NOFAIL_REPORT_SECONDS)
			continue;
		atomic_store(&nofail_since, 0); /* once per request */
		fflush(stdout);
		dup2(STDOUT_FILENO, STDERR_FILENO);
		fprintf(stderr,
			"fuzz_ops: a __GFP_NOFAIL request has waited %d s; the harness holds %lu of %lu "
			"pages\n",
			NOFAIL_REPORT_SECONDS, live_pages, arena_pages);
		fprintf(stderr, "fuzz_ops: buddy_check() = %d\n", buddy_check());
		buddy_dump(stderr, "buddyinfo");
		buddy_dump(stderr, "pagetypeinfo");
		buddy_dump(stderr, "zoneinfo");
		fflush(stderr);
	}
	return NULL;
}

static void check(void)
{
	if (buddy_check() != 0)
		die("buddy_check() found an inconsistency");
}

/* Orders: mostly small, sometimes up to the largest, now and then one past it. */
static unsigned int pick_order(unsigned int b)
{
	if (b < 160)
		return b & 1;
	if (b < 230)
		return 2 + (b & 3);
	return b % (FUZZ_ORDER + 1);
}

/*
 * Any mask of the 26 bits. __GFP_NOFAIL waits for as long as it takes, as in
 * the kernel, and nothing else runs here to free a page: it is kept only for
 * a small order while most of the arena is free, and then with the zone
 * modifiers and __GFP_THISNODE dropped, so that every zone may serve it (a
 * GFP_DMA32 | __GFP_NOFAIL request on a full 2 MiB DMA32 zone waited for
 * ever: the harness's fault, found by a long run).
 */
static gfp_t pick_gfp(unsigned int v, unsigned int order)
{
	gfp_t gfp = (gfp_t)v & __GFP_BITS_MASK;

	if ((gfp & __GFP_NOFAIL) && (order > 1 || live_pages > arena_pages / 8))
		gfp &= ~__GFP_NOFAIL;
	if (gfp & __GFP_NOFAIL)
		gfp &= ~(GFP_ZONEMASK | __GFP_THISNODE);
	return gfp | __GFP_NOWARN;
}

static void remember(struct page *page, unsigned int order, unsigned long nr)
{
	live[nr_live++] =
		(struct live){.page = page, .pfn = page_to_pfn(page), .order = order, .nr = nr, .refs = 1};
	live_pages += nr ? nr : 1UL << order;
}

static void forget(int i)
{
	live_pages -= live[i].nr ? live[i].nr : 1UL << live[i].order;
	live[i] = live[--nr_live];
}

static void op_alloc(struct input *in)
{
	unsigned int order = pick_order(take(in));
	gfp_t gfp = pick_gfp(take32(in), order);
	struct page *page;

	if (nr_live == MAX_LIVE)
		return;
	if (gfp & __GFP_NOFAIL)
		atomic_store(&nofail_since, monotonic_seconds());
	page = alloc_pages(gfp, order);
	atomic_store(&nofail_since, 0);
	if (!page)
		return;
	if (order >= FUZZ_ORDER)
		die("an order past MAX_ORDER - 1 was served");
	if (page_count(page) != 1)
		die("a new allocation does not have one reference");
	if (gfp & __GFP_ZERO) {
		const unsigned char *mem = page_address(page);
		for (size_t b = 0; b < (4096UL << order); b += 512)
			if (mem[b])
				die("__GFP_ZERO page not zeroed");
	}
	memset(page_address(page), 0x5a, 64);
	remember(page, order, 0);
	live[nr_live - 1].compound = order && (gfp & __GFP_COMP);
}

static void drop_ref(int i, bool use_put)
{
	if (live[i].nr)
		return;
	if (use_put)
		put_page(live[i].page);
	else
		__free_pages(live[i].page, live[i].order);
	if (--live[i].refs == 0)
		forget(i);
}

static void op_free(struct input *in, bool use_put)
{
	if (!nr_live)
		return;
	int i = (int)(take(in) % (unsigned int)nr_live);
	if (live[i].nr) {
		free_contig_range(live[i].pfn, live[i].nr);
		forget(i);
		return;
	}
	drop_ref(i, use_put);
}

static void op_get(struct input *in)
{
	if (!nr_live)
		return;
	int i = (int)(take(in) % (unsigned int)nr_live);
	if (live[i].nr || live[i].refs > 100)
		return;
	get_page(live[i].page);
	live[i].refs++;
	if (page_count(live[i].page) != live[i].refs)
		die("page_count differs from the references taken");
}

static void op_split(struct input *in)
{
	if (!nr_live)
		return;
	int i = (int)(take(in) % (unsigned int)nr_live);
	struct live l = live[i];
	unsigned long n = 1UL << l.order;

	if (l.nr || !l.order || l.refs != 1 || l.order > 5 || nr_live + (int)n - 1 > MAX_LIVE)
		return;
	if (l.compound)
		return;
	split_page(l.page, l.order);
	forget(i);
	for (unsigned long k = 0; k < n; k++) {
		struct page *p = pfn_to_page(l.pfn + k);
		if (page_count(p) != 1)
			die("split_page left a page without its reference");
		remember(p, 0, 0);
	}
}

static void op_contig(struct input *in)
{
	unsigned long nr = 1 + take(in) % 64;
	struct page *page;

	if (nr_live == MAX_LIVE)
		return;
	if (take(in) & 1) {
		page = alloc_contig_pages(nr, GFP_KERNEL | __GFP_NOWARN, 0, NULL);
	} else {
		unsigned long start = (take32(in) % arena_pages) & ~(nr - 1);
		if (start + nr > arena_pages)
			return;
		if (alloc_contig_range(start, start + nr, MIGRATE_MOVABLE, GFP_KERNEL | __GFP_NOWARN))
			return;
		page = pfn_to_page(start);
	}
	if (page)
		remember(page, 0, nr);
}

static void op_compact(void)
{
	int one = 1;

	buddy_ctl("vm.compact_memory", NULL, NULL, &one, sizeof(one));
}

/* Fault injection (fail_page_alloc) on with the byte's probability, or off. */
static void op_fault(struct input *in)
{
	int probability = (int)(take(in) % 101), interval = 1, times = -1, min_order = 0, verbose = 0;

	if (take(in) & 1)
		probability = 0;
	buddy_ctl("fail_page_alloc.verbose", NULL, NULL, &verbose, sizeof(int));
	buddy_ctl("fail_page_alloc.interval", NULL, NULL, &interval, sizeof(int));
	buddy_ctl("fail_page_alloc.times", NULL, NULL, &times, sizeof(int));
	buddy_ctl("fail_page_alloc.min-order", NULL, NULL, &min_order, sizeof(int));
	buddy_ctl("fail_page_alloc.probability", NULL, NULL, &probability, sizeof(int));
}

static void fault_off(void)
{
	int zero = 0;

	buddy_ctl("fail_page_alloc.probability", NULL, NULL, &zero, sizeof(int));
}

static void free_everything(void)
{
	while (nr_live) {
		struct live *l = &live[nr_live - 1];
		if (l->nr) {
			free_contig_range(l->pfn, l->nr);
			forget(nr_live - 1);
		} else {
			drop_ref(nr_live - 1, false);
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buddy_config cfg = {
		.conf = "arena_size:8M,dma_limit:2M,dma32_limit:4M,kswapd:off,mobility_grouping:on"};
	unsigned long bytes;
	size_t len = sizeof(bytes);

	(void)argc;
	(void)argv;
	if (buddy_init(&cfg) || buddy_ctl("arena.bytes", &bytes, &len, NULL, 0))
		abort();
	arena_pages = bytes / 4096;
	baseline_free = total_free();
	pthread_t watchdog;
	if (pthread_create(&watchdog, NULL, nofail_watchdog, NULL) == 0)
		pthread_detach(watchdog);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};

	for (int n = 0; in.left && n < MAX_OPS; n++) {
		switch (take(&in) % 12) {
		case 0:
		case 1:
		case 2:
			op_alloc(&in);
			break;
		case 3:
		case 4:
			op_free(&in, false);
			break;
		case 5:
			op_free(&in, true);
			break;
		case 6:
			op_get(&in);
			break;
		case 7:
			op_split(&in);
			break;
		case 8:
			if (take(&in) & 1)
				buddy_drain_all_pages();
			else
				buddy_drain_local_pages();
			break;
		case 9:
			op_compact();
			break;
		case 10:
			op_contig(&in);
			break;
		case 11:
			op_fault(&in);
			break;
		}
		if (n % CHECK_EVERY == CHECK_EVERY - 1)
			check();
	}
	fault_off();
	free_everything();
	if (total_free() != baseline_free)
		die("after freeing everything, the free pages differ from the arena's");
	check();
	return 0;
}
