/* SPDX-License-Identifier: MIT */
/*
 * Shrinkers (include/buddy/shrinker.h, src/shrinker.c): registration and its
 * misuse, do_shrink_slab's 6.1 arithmetic (delta, total_scan, nr_deferred,
 * seeks, batch, priority), the GFP mask filter, the context callbacks run
 * in, and direct reclaim (try_to_free_pages) with its vmstat counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/sched_mm.h>
#include <buddy/shrinker.h>

#include "test_util.h"
#include "internal.h"
#include "shrinker.h"
#include "vmscan.h"

#define CONF "arena_size:64M,dma_limit:0,dma32_limit:0"

/* A shrinker whose count is set by the test and whose scans are recorded. */
struct fake {
	struct shrinker s; /* first: the callbacks cast back */
	unsigned long count;
	bool frees;	   /* a scan frees what it scanned (count goes down) */
	unsigned long ret; /* when nonzero: what scan_objects returns */
	unsigned long calls;
	unsigned long sizes[256]; /* nr_to_scan of each scan call */
	unsigned long counts;	  /* count_objects calls */
	gfp_t last_mask;
	bool saw_memalloc; /* PF_MEMALLOC was set in the callback */
};

static bool in_noreclaim_scope(void)
{
	unsigned int old = memalloc_noreclaim_save();
	memalloc_noreclaim_restore(old);
	return old & PF_MEMALLOC;
}

static unsigned long fake_count(struct shrinker *s, struct shrink_control *sc)
{
	struct fake *f = (struct fake *)s;
	f->counts++;
	f->last_mask = sc->gfp_mask;
	return f->count;
}

static unsigned long fake_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct fake *f = (struct fake *)s;
	if (f->calls < 256)
		f->sizes[f->calls] = sc->nr_to_scan;
	f->calls++;
	f->saw_memalloc = in_noreclaim_scope();
	if (f->ret)
		return f->ret;
	if (!f->frees)
		return 0;
	unsigned long n = sc->nr_to_scan < f->count ? sc->nr_to_scan : f->count;
	f->count -= n;
	return n;
}

static void fake_init(struct fake *f, unsigned long count, int seeks, long batch, unsigned long flags)
{
	memset(f, 0, sizeof(*f));
	f->s.count_objects = fake_count;
	f->s.scan_objects = fake_scan;
	f->s.seeks = seeks;
	f->s.batch = batch;
	f->s.flags = flags;
	f->count = count;
}

static unsigned long shrink(gfp_t gfp, int priority, unsigned long *scanned)
{
	struct shrink_result res = {0, 0};
	shrink_slab(gfp, 0, priority, NULL, &res);
	if (scanned)
		*scanned = res.scanned;
	return res.freed;
}

/* ------------------------------------------------------------ arithmetic */

/*
 * freeable 1000, seeks 2, batch 128. Priority 12: delta = (1000 >> 12) * 4
 * / 2 = 0, nothing scanned. Priority 3: delta = 125 * 4 / 2 = 250, one
 * batch of 128 (122 < batch and < freeable stop it), 122 deferred. Again:
 * total = (122 >> 3) + 250 = 265, two batches, 265 - 256 = 9 left, and
 * 122 + 250 - 256 = 116 deferred.
 */
static void test_deltas_batches_and_deferred_work(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	unsigned long scanned;
	unsigned long slabs0 = sum_vm_event(SLABS_SCANNED);

	fake_init(&f, 1000, DEFAULT_SEEKS, 0, 0);
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink(GFP_KERNEL, DEF_PRIORITY, &scanned);
	assert_int_equal(f.calls, 0);
	assert_int_equal(scanned, 0);

	shrink(GFP_KERNEL, 3, &scanned);
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.sizes[0], 128);
	assert_int_equal(scanned, 128);

	shrink(GFP_KERNEL, 3, &scanned);
	assert_int_equal(f.calls, 3);
	assert_int_equal(f.sizes[1], 128);
	assert_int_equal(f.sizes[2], 128);
	assert_int_equal(scanned, 256);
	assert_int_equal(sum_vm_event(SLABS_SCANNED) - slabs0, 128 + 256);

	/* the 116 deferred: at priority 0, total = 116 + 1000 * 4 / 2 capped at 2 * freeable */
	shrink(GFP_KERNEL, 0, &scanned);
	assert_int_equal(scanned, 15 * 128); /* 2000 in batches of 128: 80 left, below batch and freeable */
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/* seeks 0 (cheap objects): delta = freeable / 2 whatever the priority. */
static void test_zero_seeks_trims_half(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	unsigned long scanned;

	fake_init(&f, 1000, 0, 0, 0);
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink(GFP_KERNEL, DEF_PRIORITY, &scanned);
	assert_int_equal(scanned, 3 * 128); /* 500: three batches, 116 left < 128 */
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/*
 * A cache smaller than a batch is scanned whole once the work reaches its
 * size: freeable 50 at priority 0, delta 100, total min(100, 2 * 50) = 100,
 * one call of 100 (not 128), then 0 left.
 */
static void test_small_cache_scanned_below_batch(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	unsigned long scanned;

	fake_init(&f, 50, DEFAULT_SEEKS, 0, 0);
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink(GFP_KERNEL, 0, &scanned);
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.sizes[0], 100);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/* The shrinker's own batch: priority 4, freeable 1600 -> delta 200, batches of 30. */
static void test_custom_batch(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	unsigned long scanned;

	fake_init(&f, 1600, DEFAULT_SEEKS, 30, 0);
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink(GFP_KERNEL, 4, &scanned);
	assert_int_equal(f.calls, 6); /* 200 = 6 * 30 + 20 */
	for (int i = 0; i < 6; i++)
		assert_int_equal(f.sizes[i], 30);
	assert_int_equal(scanned, 180);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/* An empty cache is counted, never scanned. */
static void test_empty_cache_not_scanned(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;

	fake_init(&f, 0, DEFAULT_SEEKS, 0, 0);
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink(GFP_KERNEL, 0, NULL);
	assert_int_equal(f.counts, 1);
	assert_int_equal(f.calls, 0);
	f.count = SHRINK_EMPTY;
	shrink(GFP_KERNEL, 0, NULL);
	assert_int_equal(f.calls, 0);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/*
 * The deferred work is kept per node for a SHRINKER_NUMA_AWARE shrinker and
 * once for the others (6.1 xchg_nr_deferred). Priority 3, freeable 1000:
 * the first call on node 0 scans 128 and defers 122; on node 1 an aware
 * shrinker starts from nothing (delta 250: one batch), an unaware one takes
 * node 0's 122 (265: two batches).
 */
static unsigned long calls_for_node1(unsigned long flags)
{
	struct fake f;
	struct shrink_result res = {0, 0};

	fake_init(&f, 1000, DEFAULT_SEEKS, 0, flags);
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink_slab(GFP_KERNEL, 0, 3, NULL, &res);
	assert_int_equal(f.calls, 1);
	shrink_slab(GFP_KERNEL, 1, 3, NULL, &res);
	unregister_shrinker(&f.s);
	return f.calls - 1;
}

static void test_numa_aware_defers_per_node(void **state)
{
	(void)state;
	test_init("arena_size:64M,numa_fake:2,dma_limit:0,dma32_limit:0");
	assert_int_equal(calls_for_node1(SHRINKER_NUMA_AWARE), 1);
	assert_int_equal(calls_for_node1(0), 2);
	test_check_and_exit();
}

/* ------------------------------------------------------------ mask filter */

static void test_mask_filters_shrinkers(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake plain, nofs, noio;

	fake_init(&plain, 1000, 0, 0, 0);
	fake_init(&nofs, 1000, 0, 0, SHRINKER_NOFS_SAFE);
	fake_init(&noio, 1000, 0, 0, SHRINKER_NOIO_SAFE);
	assert_int_equal(register_shrinker(&plain.s), 0);
	assert_int_equal(register_shrinker(&nofs.s), 0);
	assert_int_equal(register_shrinker(&noio.s), 0);

	shrink(GFP_KERNEL, 0, NULL);
	assert_true(plain.counts == 1 && nofs.counts == 1 && noio.counts == 1);
	shrink(GFP_NOFS, 0, NULL);
	assert_true(plain.counts == 1 && nofs.counts == 2 && noio.counts == 2);
	shrink(GFP_NOIO, 0, NULL);
	assert_true(plain.counts == 1 && nofs.counts == 2 && noio.counts == 3);

	/* the thread's scope narrows the mask direct reclaim passes on */
	unsigned int scope = memalloc_nofs_save();
	try_to_free_pages(test_zonelist(0, ZONELIST_FALLBACK), 0, GFP_KERNEL, NULL);
	memalloc_nofs_restore(scope);
	assert_int_equal(plain.counts, 1);
	assert_true(nofs.counts > 2);
	assert_false(nofs.last_mask & __GFP_FS);

	unregister_shrinker(&plain.s);
	unregister_shrinker(&nofs.s);
	unregister_shrinker(&noio.s);
	test_check_and_exit();
}

/* ------------------------------------------------------------ direct reclaim */

/* A cache of order-0 pages: the unit every callback counts in. */
struct page_cache {
	struct shrinker s;
	struct page *pages[4096];
	unsigned long nr;
	bool alloc_in_scan; /* misuse case: allocate while scanning */
	unsigned long allocated_in_scan;
	bool saw_memalloc;
};

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)sc;
	return ((struct page_cache *)s)->nr;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct page_cache *c = (struct page_cache *)s;
	unsigned long freed = 0;

	c->saw_memalloc = in_noreclaim_scope();
	if (c->alloc_in_scan) {
		/* no recursion into reclaim, no deadlock: a page or NULL */
		struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (p) {
			c->allocated_in_scan++;
			__free_page(p);
		}
	}
	while (freed < sc->nr_to_scan && c->nr) {
		__free_page(c->pages[--c->nr]);
		freed++;
	}
	return freed;
}

static void cache_fill(struct page_cache *c, unsigned long n)
{
	memset(c, 0, sizeof(*c));
	c->s.count_objects = cache_count;
	c->s.scan_objects = cache_scan;
	c->s.seeks = DEFAULT_SEEKS;
	for (unsigned long i = 0; i < n; i++) {
		c->pages[i] = alloc_page(GFP_KERNEL);
		assert_non_null(c->pages[i]);
	}
	c->nr = n;
}

static void cache_empty(struct page_cache *c)
{
	while (c->nr)
		__free_page(c->pages[--c->nr]);
}

static void test_direct_reclaim_frees_and_counts(void **state)
{
	(void)state;
	test_init(CONF);
	static struct page_cache c;
	unsigned long stall0 = sum_vm_event(ALLOCSTALL_NORMAL), steal0 = sum_vm_event(PGSTEAL_DIRECT);
	unsigned long scan0 = sum_vm_event(PGSCAN_DIRECT), slabs0 = sum_vm_event(SLABS_SCANNED);

	cache_fill(&c, 2000);
	assert_int_equal(register_shrinker(&c.s), 0);
	unsigned long got = try_to_free_pages(test_zonelist(0, ZONELIST_FALLBACK), 0, GFP_KERNEL, NULL);
	assert_true(got >= 32);
	assert_int_equal(c.nr, 2000 - got);
	assert_true(c.saw_memalloc);
	assert_false(in_noreclaim_scope()); /* the scope ends with the call */
	assert_int_equal(sum_vm_event(ALLOCSTALL_NORMAL) - stall0, 1);
	assert_int_equal(sum_vm_event(PGSTEAL_DIRECT) - steal0, got);
	assert_true(sum_vm_event(PGSCAN_DIRECT) - scan0 >= got);
	assert_int_equal(sum_vm_event(SLABS_SCANNED) - slabs0, sum_vm_event(PGSCAN_DIRECT) - scan0);
	/* what is left is what the slow path may count on */
	assert_int_equal(zone_reclaimable_pages(normal_zone()), c.nr);

	unregister_shrinker(&c.s);
	assert_int_equal(zone_reclaimable_pages(normal_zone()), 0);
	cache_empty(&c);
	test_check_and_exit();
}

/* Nothing registered: a stall is counted, nothing reclaimed. */
static void test_direct_reclaim_without_shrinkers(void **state)
{
	(void)state;
	test_init(CONF);
	unsigned long stall0 = sum_vm_event(ALLOCSTALL_NORMAL);

	assert_int_equal(try_to_free_pages(test_zonelist(0, ZONELIST_FALLBACK), 0, GFP_KERNEL, NULL), 0);
	assert_int_equal(sum_vm_event(ALLOCSTALL_NORMAL) - stall0, 1);
	test_check_and_exit();
}

static void test_allocating_in_scan_does_not_recurse(void **state)
{
	(void)state;
	test_init(CONF);
	static struct page_cache c;
	unsigned long stall0 = sum_vm_event(ALLOCSTALL_NORMAL);

	cache_fill(&c, 1000);
	c.alloc_in_scan = true;
	assert_int_equal(register_shrinker(&c.s), 0);
	assert_true(try_to_free_pages(test_zonelist(0, ZONELIST_FALLBACK), 0, GFP_KERNEL, NULL) > 0);
	assert_true(c.allocated_in_scan > 0);
	assert_int_equal(sum_vm_event(ALLOCSTALL_NORMAL) - stall0, 1); /* no nested direct reclaim */
	unregister_shrinker(&c.s);
	cache_empty(&c);
	test_check_and_exit();
}

/* ------------------------------------------------------------ misuse */

static void test_register_misuse_reported(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	struct shrinker none = {0};
	char *out;

	fake_init(&f, 10, DEFAULT_SEEKS, 0, 0);
	stderr_capture_begin();
	assert_int_equal(register_shrinker(&none), -EINVAL);
	assert_int_equal(register_shrinker(NULL), -EINVAL);
	assert_int_equal(register_shrinker(&f.s), 0);
	assert_int_equal(register_shrinker(&f.s), -EINVAL);
	unregister_shrinker(&f.s);
	unregister_shrinker(&f.s);
	out = stderr_capture_end();
	assert_non_null(strstr(out, "has no count_objects or scan_objects"));
	assert_non_null(strstr(out, "NULL shrinker"));
	assert_non_null(strstr(out, "is already registered"));
	assert_non_null(strstr(out, "WARNING: "));
	assert_non_null(strstr(out, "was not registered"));
	free(out);
	test_check_and_exit();
}

static void test_unregister_never_registered_reported(void **state)
{
	(void)state;
	struct fake f;
	char *out;

	fake_init(&f, 10, DEFAULT_SEEKS, 0, 0);
	stderr_capture_begin();
	unregister_shrinker(&f.s); /* no allocator needed either */
	out = stderr_capture_end();
	assert_non_null(strstr(out, "WARNING: "));
	assert_non_null(strstr(out, "unregister_shrinker"));
	assert_non_null(strstr(out, "was not registered"));
	free(out);
}

/* count_objects says more than the arena could hold: reported once, work bounded. */
static void test_lying_count_is_clamped(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	unsigned long scanned;
	char *out;

	fake_init(&f, ~0UL >> 2, DEFAULT_SEEKS, 0, 0);
	assert_int_equal(register_shrinker(&f.s), 0);
	stderr_capture_begin();
	shrink(GFP_KERNEL, 0, &scanned);
	shrink(GFP_KERNEL, 0, NULL);
	out = stderr_capture_end();
	assert_non_null(strstr(out, "count_objects returned"));
	assert_non_null(strstr(out, "more pages than the arena has"));
	assert_null(strstr(strstr(out, "count_objects returned") + 1, "count_objects returned")); /* once */
	assert_true(scanned <= 2 * test_nr_pages());
	free(out);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/* scan_objects claims more than it was asked (and more than exists): counted as the arena at most. */
static void test_scan_returning_more_than_asked(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;
	char *out;

	fake_init(&f, 1000, DEFAULT_SEEKS, 0, 0);
	f.ret = 500; /* more than the 128 asked: allowed (a compound page frees several) */
	assert_int_equal(register_shrinker(&f.s), 0);
	assert_int_equal(shrink(GFP_KERNEL, 3, NULL), 500);
	f.ret = ~0UL - 7; /* a lie */
	stderr_capture_begin();
	unsigned long freed = shrink(GFP_KERNEL, 3, NULL);
	out = stderr_capture_end();
	assert_true(freed <= test_nr_pages());
	assert_non_null(strstr(out, "scan_objects returned"));
	free(out);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/* SHRINK_STOP ends the shrinker's turn at once. */
static void test_shrink_stop(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;

	fake_init(&f, 100000, DEFAULT_SEEKS, 0, 0);
	f.ret = SHRINK_STOP;
	assert_int_equal(register_shrinker(&f.s), 0);
	assert_int_equal(shrink(GFP_KERNEL, 0, NULL), 0);
	assert_int_equal(f.calls, 1);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

/* A heap-allocated shrinker that unregisters and frees itself from scan_objects (ASan-checked). */
struct self_destruct {
	struct shrinker s;
	int scans;
};

static unsigned long self_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	return 1000;
}

static unsigned long self_scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)sc;
	struct self_destruct *d = (struct self_destruct *)s;
	d->scans++;
	unregister_shrinker(s);
	free(d);
	return 10;
}

static void test_self_unregister_in_callback(void **state)
{
	(void)state;
	test_init(CONF);
	struct self_destruct *d = calloc(1, sizeof(*d));
	struct fake other;

	d->s.count_objects = self_count;
	d->s.scan_objects = self_scan;
	d->s.seeks = DEFAULT_SEEKS;
	fake_init(&other, 1000, 0, 0, 0);
	assert_int_equal(register_shrinker(&d->s), 0);
	assert_int_equal(register_shrinker(&other.s), 0);
	assert_int_equal(shrink(GFP_KERNEL, 0, NULL), 10); /* one scan, then it is gone */
	assert_true(other.calls > 0);			   /* the walk went on to the next one */
	other.calls = 0;
	shrink(GFP_KERNEL, 0, NULL);
	assert_true(other.calls > 0);
	unregister_shrinker(&other.s);
	test_check_and_exit();
}

/* Registering and unregistering another shrinker from a callback: no lock is held there. */
static struct fake nested;

static void sink(void *opaque, const char *text)
{
	(void)opaque;
	(void)text;
}

static unsigned long registering_scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	fake_init(&nested, 5, DEFAULT_SEEKS, 0, 0);
	assert_int_equal(register_shrinker(&nested.s), 0);
	unregister_shrinker(&nested.s);
	assert_int_equal(buddy_dump_to(sink, NULL, "zoneinfo"), 0); /* takes every zone and CPU lock */
	return 0;
}

static void test_callbacks_run_without_locks(void **state)
{
	(void)state;
	test_init(CONF);
	struct fake f;

	fake_init(&f, 1000, 0, 0, 0);
	f.s.scan_objects = registering_scan;
	assert_int_equal(register_shrinker(&f.s), 0);
	shrink(GFP_KERNEL, 0, NULL);
	unregister_shrinker(&f.s);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_deltas_batches_and_deferred_work, test_teardown_exit),
		cmocka_unit_test_teardown(test_zero_seeks_trims_half, test_teardown_exit),
		cmocka_unit_test_teardown(test_small_cache_scanned_below_batch, test_teardown_exit),
		cmocka_unit_test_teardown(test_custom_batch, test_teardown_exit),
		cmocka_unit_test_teardown(test_empty_cache_not_scanned, test_teardown_exit),
		cmocka_unit_test_teardown(test_numa_aware_defers_per_node, test_teardown_exit),
		cmocka_unit_test_teardown(test_mask_filters_shrinkers, test_teardown_exit),
		cmocka_unit_test_teardown(test_direct_reclaim_frees_and_counts, test_teardown_exit),
		cmocka_unit_test_teardown(test_direct_reclaim_without_shrinkers, test_teardown_exit),
		cmocka_unit_test_teardown(test_allocating_in_scan_does_not_recurse, test_teardown_exit),
		cmocka_unit_test_teardown(test_register_misuse_reported, test_teardown_exit),
		cmocka_unit_test(test_unregister_never_registered_reported),
		cmocka_unit_test_teardown(test_lying_count_is_clamped, test_teardown_exit),
		cmocka_unit_test_teardown(test_scan_returning_more_than_asked, test_teardown_exit),
		cmocka_unit_test_teardown(test_shrink_stop, test_teardown_exit),
		cmocka_unit_test_teardown(test_self_unregister_in_callback, test_teardown_exit),
		cmocka_unit_test_teardown(test_callbacks_run_without_locks, test_teardown_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
