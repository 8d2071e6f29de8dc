/* SPDX-License-Identifier: MIT */
/*
 * vmstat counters change by exactly what a scripted sequence implies, as seen
 * both through the internal fold (sum_vm_event) and the "vmstat" view. The
 * test runs pinned to one CPU so per-CPU list refills are predictable.
 */
#include "obs_util.h"

#include <unistd.h>

#include "internal.h"

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"

struct snapshot {
	long v[64];
};

static const char *const watched[] = {
	"pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_high", "pgalloc_movable", "pgfree",
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
	"buddy_pgalloc_fail", "nr_free_pages", "allocstall_normal", "compact_stall", "pgsteal_kswapd",
	"kswapd_low_wmark_hit_quickly",
};

static void take(struct snapshot *s)
{
	char *text = view_text("vmstat");

	for (size_t i = 0; i < ARRAY_SIZE(watched); i++) {
		s->v[i] = vmstat_value(text, watched[i]);
		if (s->v[i] < 0)
			fail_msg("vmstat has no \"%s\"", watched[i]);
	}
	free(text);
}

/* Every watched counter moved by the expected delta (0 unless listed). */
static void assert_deltas(const struct snapshot *before, const struct snapshot *after, const char *name1,
			  ...)
{
	long expect[64] = { 0 };
	va_list ap;

	va_start(ap, name1);
	for (const char *name = name1; name; name = va_arg(ap, const char *)) {
		long delta = va_arg(ap, long);
		size_t i = 0;
		while (i < ARRAY_SIZE(watched) && strcmp(watched[i], name))
			i++;
		assert_true(i < ARRAY_SIZE(watched));
		expect[i] = delta;
	}
	va_end(ap);
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++)
		if (after->v[i] - before->v[i] != expect[i])
			fail_msg("%s moved by %ld, expected %ld", watched[i], after->v[i] - before->v[i], expect[i]);
}

static void test_alloc_free_and_failure_counts(void **state)
{
	struct snapshot s0, s1, s2, s3;
	struct page *p[3];
	(void)state;

	test_init(CONF);
	pin_to_one_cpu();
	take(&s0);
	/* A fresh arena: everything is free and nothing has been counted. */
	assert_int_equal(s0.v[13], 16384);
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++)
		if (i != 13)
			assert_int_equal(s0.v[i], 0);

	for (int i = 0; i < 3; i++)
		p[i] = alloc_page(GFP_KERNEL);
	struct page *dma = alloc_pages(GFP_DMA, 2);
	struct page *dma32 = alloc_pages(GFP_DMA32, 5);
	struct page *big = alloc_pages(GFP_HIGHUSER_MOVABLE, 10);
	assert_non_null(p[0]);
	assert_non_null(p[2]);
	assert_non_null(dma);
	assert_non_null(dma32);
	assert_non_null(big);
	buddy_drain_all_pages();
	take(&s1);
	/* Pages per zone; one NUMA hit and one local per allocation. */
	assert_deltas(&s0, &s1, "pgalloc_normal", 3L + 1024, "pgalloc_dma", 4L, "pgalloc_dma32", 32L,
		      "numa_hit", 6L, "numa_local", 6L, "nr_free_pages", -(3L + 4 + 32 + 1024), NULL);
	assert_int_equal(sum_vm_event(PGALLOC_NORMAL), s1.v[2]);

	for (int i = 0; i < 3; i++)
		__free_page(p[i]);
	__free_pages(dma, 2);
	__free_pages(dma32, 5);
	__free_pages(big, 10);
	buddy_drain_all_pages();
	take(&s2);
	assert_deltas(&s1, &s2, "pgfree", 3L + 4 + 32 + 1024, "nr_free_pages", 3L + 4 + 32 + 1024, NULL);

	/* Failures: an impossible order, and a DMA request the zone's watermark refuses. */
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
	assert_null(alloc_pages(GFP_DMA | __GFP_NOWARN, 10));
	take(&s3);
	assert_deltas(&s2, &s3, "buddy_pgalloc_fail", 2L, NULL);
	test_check_and_exit();
}

/* Refills happen when the list is empty and bring batch pages; frees past high drain. */
static void test_pcp_refill_and_drain_counts(void **state)
{
	struct page *pages[4096];
	(void)state;

	test_init(CONF);
	int cpu = pin_to_one_cpu();
	struct zone *normal = zone_of(0, ZONE_NORMAL);
	int batch = test_pcp_batch(normal, cpu), high = test_pcp_high(normal, cpu);
	unsigned long refill0 = sum_vm_event(PCP_REFILL), drain0 = sum_vm_event(PCP_DRAIN);
	unsigned long free0 = sum_vm_event(PGFREE);

	pages[0] = alloc_page(GFP_KERNEL);
	assert_int_equal(sum_vm_event(PCP_REFILL), refill0 + 1);
	for (int i = 1; i < batch; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	assert_int_equal(test_pcp_count(normal, cpu), 0);
	assert_int_equal(sum_vm_event(PCP_REFILL), refill0 + 1);
	pages[batch] = alloc_page(GFP_KERNEL);
	assert_int_equal(sum_vm_event(PCP_REFILL), refill0 + 2);

	/* Enough pages that freeing them all crosses high. */
	int n = batch + 1;
	while (n < high + batch && n < (int)ARRAY_SIZE(pages))
		pages[n++] = alloc_page(GFP_KERNEL);
	buddy_drain_all_pages();
	pcp_decay_to_high_min(); /* the refills grew high (6.7 nr_pcp_alloc): back to where n was sized */
	drain0 = sum_vm_event(PCP_DRAIN);
	int drains = 0;
	for (int i = 0; i < n; i++) {
		int before = test_pcp_count(normal, cpu);
		__free_page(pages[i]);
		drains += test_pcp_count(normal, cpu) < before + 1;
	}
	assert_true(drains >= 1);
	assert_int_equal(sum_vm_event(PCP_DRAIN), drain0 + (unsigned long)drains);
	assert_int_equal(sum_vm_event(PGFREE), free0 + (unsigned long)n);
	test_check_and_exit();
}

/* Fake NUMA: hit/local, then a miss on node 0 and a foreign on node 1. */
static void test_numa_events_per_zone(void **state)
{
	(void)state;
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0,numa_fake:2");
	int cpu = pin_to_one_cpu();
	int cpu_node = test_cpu_node(cpu);
	struct zone *n0 = zone_of(0, ZONE_NORMAL), *n1 = zone_of(1, ZONE_NORMAL);

	/* Node 1 has two order-10 blocks; its watermark allows only one of them. */
	struct page *x = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE, 10);
	assert_non_null(x);
	assert_int_equal(page_to_nid(x), 1);
	struct page *y = alloc_pages_node(1, GFP_KERNEL, 10);
	assert_non_null(y);
	assert_int_equal(page_to_nid(y), 0);

	assert_int_equal(zone_numa_event_state(n1, NUMA_HIT), 1);
	assert_int_equal(zone_numa_event_state(n1, NUMA_FOREIGN), 1);
	assert_int_equal(zone_numa_event_state(n1, NUMA_MISS), 0);
	assert_int_equal(zone_numa_event_state(n0, NUMA_MISS), 1);
	assert_int_equal(zone_numa_event_state(n0, NUMA_HIT), 0);
	assert_int_equal(zone_numa_event_state(n1, cpu_node == 1 ? NUMA_LOCAL : NUMA_OTHER), 1);
	assert_int_equal(zone_numa_event_state(n0, cpu_node == 0 ? NUMA_LOCAL : NUMA_OTHER), 1);
	assert_int_equal(vmstat_now("numa_hit"), 1);
	assert_int_equal(vmstat_now("numa_miss"), 1);
	assert_int_equal(vmstat_now("numa_foreign"), 1);
	assert_int_equal(vmstat_now("numa_local") + vmstat_now("numa_other"), 2);
	assert_int_equal(vmstat_now("numa_interleave"), 0);
	__free_pages(x, 10);
	__free_pages(y, 10);
	test_check_and_exit();
}

/*
 * An unmovable order-0 request when only scattered movable pages are free
 * falls back inside the pcp refill, where this CPU's lock is held: the
 * extfrag event must be counted without taking it (this used to hang).
 */
static void test_extfrag_counted_inside_pcp_refill(void **state)
{
	static struct page *pages[20000];
	int n = 0;
	(void)state;

	test_init(CONF);
	pin_to_one_cpu();
	alarm(60);	/* a deadlock fails the test instead of hanging the suite */
	while (n < (int)ARRAY_SIZE(pages) && (pages[n] = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN)))
		n++;
	assert_true(n > 10000);
	for (int i = 0; i < n; i += 2)
		__free_page(pages[i]);
	buddy_drain_all_pages();
	unsigned long before = sum_vm_event(EXTFRAG_EVENTS);
	struct page *u = alloc_page(GFP_KERNEL);
	assert_non_null(u);
	assert_true(sum_vm_event(EXTFRAG_EVENTS) > before);
	assert_int_equal(vmstat_now("buddy_extfrag"), (long)sum_vm_event(EXTFRAG_EVENTS));
	alarm(0);
	__free_page(u);
	for (int i = 1; i < n; i += 2)
		__free_page(pages[i]);
	test_check_and_exit();
}

/* The view folds every CPU's slot. */
static void test_counters_folded_over_cpus(void **state)
{
	unsigned long expect = 0;
	(void)state;

	test_init(CONF);
	for (int c = 0; c < test_nr_cpus(); c++) {
		pcp_lock_cpu(test_cpu(c));
		__count_vm_events(test_cpu(c), PGSTEAL_DIRECT, (unsigned long)c + 1);
		pcp_unlock_cpu(test_cpu(c));
		expect += (unsigned long)c + 1;
	}
	assert_int_equal(vmstat_now("pgsteal_direct"), (long)expect);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_free_and_failure_counts),
		cmocka_unit_test(test_pcp_refill_and_drain_counts),
		cmocka_unit_test(test_numa_events_per_zone),
		cmocka_unit_test(test_extfrag_counted_inside_pcp_refill),
		cmocka_unit_test(test_counters_folded_over_cpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
