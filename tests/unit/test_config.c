/* SPDX-License-Identifier: MIT */
/*
 * Configuration and life cycle: BUDDY_CONF parsing (sizes, errors that name
 * the key), how the zone limits carve the arena's nodes, lazy initialisation on the
 * first allocation, re-initialisation, and struct buddy_config fields.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "test_util.h"

/* buddy_init(NULL) with BUDDY_CONF set to conf; stderr captured into *text. */
static int init_env(const char *conf, char **text)
{
	setenv("BUDDY_CONF", conf, 1);
	stderr_capture_begin();
	int rc = buddy_init(NULL);
	char *t = stderr_capture_end();
	unsetenv("BUDDY_CONF");
	if (text)
		*text = t;
	else
		free(t);
	return rc;
}

static struct zone *zone0(enum zone_type z)
{
	return zone_of(0, z);
}

static void test_sizes_with_suffixes(void **state)
{
	(void)state;
	static const struct {
		const char *conf;
		size_t arena;
	} cases[] = {
		{ "arena_size:65536K,dma_limit:0,dma32_limit:0", 64UL << 20 },
		{ "arena_size:65536k,dma_limit:0,dma32_limit:0", 64UL << 20 },
		{ "arena_size:64M,dma_limit:0,dma32_limit:0", 64UL << 20 },
		{ "arena_size:32m,dma_limit:0,dma32_limit:0", 32UL << 20 },
		{ "arena_size:1G,dma_limit:0,dma32_limit:0", 1UL << 30 },
		{ "arena_size:1g,dma_limit:0,dma32_limit:0", 1UL << 30 },
		{ "arena_size:8388608,dma_limit:0,dma32_limit:0", 8UL << 20 },
		/* Not a multiple of a max-order block: rounded down. */
		{ "arena_size:9M,dma_limit:0,dma32_limit:0", 8UL << 20 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(init_env(cases[i].conf, NULL), 0);
		assert_int_equal(test_arena_bytes(), cases[i].arena);
		assert_int_equal(test_zone_spanned(zone0(ZONE_NORMAL)), cases[i].arena / PAGE_SIZE);
		test_check_and_exit();
	}
	/* Zone limits take suffixes too. */
	assert_int_equal(init_env("arena_size:64M,dma_limit:4096K,dma32_limit:0xC00000,highmem_start:61440k,"
				  "movablecore:2m",
				  NULL),
			 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA)), 1024);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA32)), 2048);
	assert_int_equal(test_zone_spanned(zone0(ZONE_NORMAL)), 12288);
	/* movablecore rounds up to a max-order block (4 MiB): all of HighMem */
	assert_int_equal(test_zone_spanned(zone0(ZONE_HIGHMEM)), 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_MOVABLE)), 1024);
	test_check_and_exit();
}

static void expect_rejected(const char *conf, const char *name_in_message)
{
	char *text;

	assert_int_equal(init_env(conf, &text), -EINVAL);
	if (!strstr(text, name_in_message))
		fail_msg("BUDDY_CONF=%s: message \"%s\" does not name \"%s\"", conf, text, name_in_message);
	free(text);
	assert_false(buddy_initialized());
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_rejected("arena_size:64M,bogus_key:1", "bogus_key");
	expect_rejected("arenasize:64M", "arenasize");
	expect_rejected("arena_size:64M,,dma_size:4M", "dma_size");
}

static void test_malformed_values(void **state)
{
	(void)state;
	expect_rejected("arena_size:64Q", "arena_size");
	expect_rejected("arena_size:", "arena_size");
	expect_rejected("arena_size:-64M", "arena_size");
	expect_rejected("arena_size:64MM", "arena_size");
	expect_rejected("arena_size:1M", "arena_size");	/* below the 4M minimum */
	expect_rejected("dma_limit:abc", "dma_limit");
	expect_rejected("dma32_limit:1X", "dma32_limit");
	expect_rejected("kernelcore:101%", "kernelcore");
	expect_rejected("movablecore:%", "movablecore");
	expect_rejected("movablecore:12Q", "movablecore");
	expect_rejected("numa_fake:1M", "numa_fake");	/* a node size below a pageblock */
	/* the old per-node zone sizes are gone: the message names the key */
	expect_rejected("dma:16M", "dma_limit");
	expect_rejected("dma32:256M", "dma32_limit");
	expect_rejected("movable:8M", "movablecore");
	expect_rejected("numa_fake:two", "numa_fake");
	expect_rejected("numa_fake:65", "numa_fake");
	expect_rejected("watermark_scale_factor:0", "watermark_scale_factor");
	expect_rejected("watermark_scale_factor:3001", "watermark_scale_factor");
	expect_rejected("mobility_grouping:maybe", "mobility_grouping");
	expect_rejected("lowmem_reserve_ratio:1 2 3", "lowmem_reserve_ratio");
	expect_rejected("percpu_pagelist_high_fraction:4", "percpu_pagelist_high_fraction");
	expect_rejected("numa_distance:10 20;20", "numa_distance");
	expect_rejected("arena_size", "arena_size");	/* no value at all */
}

/*
 * A node's zones in kernel order: each populated one starts where the one
 * below ends, all pageblock-aligned, managed = spanned; an empty zone starts
 * at pfn 0 (calculate_node_totalpages) and the populated ones cover the node.
 */
static void assert_zones_carve_node(int nid, const unsigned long expect_pages[MAX_NR_ZONES])
{
	unsigned long pfn = test_node_start_pfn(nid);

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = zone_of(nid, (enum zone_type)z);
		if (test_zone_spanned(zone) != expect_pages[z])
			fail_msg("node %d zone %s: %lu pages, expected %lu", nid, test_zone_name(zone), test_zone_spanned(zone),
				 expect_pages[z]);
		assert_int_equal(test_zone_idx(zone), z);
		assert_int_equal(test_zone_nid(zone), nid);
		if (!expect_pages[z]) {
			assert_int_equal(test_zone_start_pfn(zone), 0);
			continue;
		}
		assert_int_equal(test_zone_start_pfn(zone), pfn);
		assert_int_equal(test_zone_start_pfn(zone) % pageblock_nr_pages, 0);
		assert_int_equal(test_zone_spanned(zone) % pageblock_nr_pages, 0);
		assert_int_equal(test_zone_managed(zone), test_zone_spanned(zone));
		pfn += test_zone_spanned(zone);
	}
	assert_int_equal(pfn, test_node_start_pfn(nid) + test_node_spanned(nid));
}

static void test_zone_limits_carve_the_arena(void **state)
{
	(void)state;
	/* DMA [0, 4M), DMA32 [4M, 20M), Normal [20M, 52M), HighMem [52M, 60M), Movable the top 4M */
	const unsigned long all[MAX_NR_ZONES] = { 1024, 4096, 8192, 2048, 1024 };

	assert_int_equal(init_env("arena_size:64M,dma_limit:4M,dma32_limit:20M,highmem_start:52M,movablecore:4M", NULL),
			 0);
	assert_zones_carve_node(0, all);
	/* Every zone's free pages are all its pages. */
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(zone_free((enum zone_type)z), (long)all[z]);
	test_check_and_exit();

	/* Limits are addresses: with fake nodes only node 0 lies below them. */
	const unsigned long node0[MAX_NR_ZONES] = { 512, 1024, 4096 - 512 - 1024, 0, 0 };
	const unsigned long upper[MAX_NR_ZONES] = { 0, 0, 4096, 0, 0 };
	assert_int_equal(init_env("arena_size:64M,dma_limit:2M,dma32_limit:6M,numa_fake:4", NULL), 0);
	assert_int_equal(buddy_nr_nodes(), 4);
	for (int nid = 0; nid < 4; nid++) {
		assert_int_equal(test_node_start_pfn(nid), (unsigned long)nid * 4096);
		assert_zones_carve_node(nid, nid ? upper : node0);
	}
	test_check_and_exit();

	/* Defaults on 1 GiB: DMA below 16M, DMA32 the rest (below 4G), no Normal. */
	const unsigned long defaults[MAX_NR_ZONES] = { 4096, 262144 - 4096, 0, 0, 0 };
	assert_int_equal(init_env("", NULL), 0);
	assert_int_equal(test_arena_bytes(), 1UL << 30);
	assert_zones_carve_node(0, defaults);
	test_check_and_exit();
}

static void test_zone_limits_round_up_to_pageblocks(void **state)
{
	(void)state;
	/* 1M rounds up to one pageblock (2M), 5000K to 6M, 59M to 60M. */
	const unsigned long expect[MAX_NR_ZONES] = { 512, 1024, 16384 - 512 - 1024 - 1024, 1024, 0 };

	assert_int_equal(init_env("arena_size:64M,dma_limit:1M,dma32_limit:5000K,highmem_start:59M", NULL), 0);
	assert_zones_carve_node(0, expect);
	/* Allocations from each zone still are aligned and consistent. */
	struct page *page = alloc_pages(GFP_DMA32, pageblock_order - 1);
	assert_non_null(page);
	assert_int_equal(page_zonenum(page), ZONE_DMA32);
	__free_pages(page, pageblock_order - 1);
	test_check_and_exit();
}

static void expect_init_message(const char *conf, const char *in_message)
{
	char *text;

	assert_int_equal(init_env(conf, &text), -EINVAL);
	if (!strstr(text, in_message))
		fail_msg("BUDDY_CONF=%s: message \"%s\" does not name \"%s\"", conf, text, in_message);
	free(text);
	assert_false(buddy_initialized());
}

static void test_contradicting_limits_rejected(void **state)
{
	(void)state;
	expect_init_message("arena_size:64M,dma_limit:32M,dma32_limit:16M", "dma32_limit");
	expect_init_message("arena_size:64M,dma_limit:4M,dma32_limit:32M,highmem_start:16M", "highmem_start");
	expect_init_message("arena_size:64M,numa_fake:2,numa_fake_size:8M", "numa_fake");
	/* Limits beyond the arena are fine: here Normal is empty, and GFP_KERNEL falls back to DMA32. */
	assert_int_equal(init_env("arena_size:16M,dma_limit:4M,dma32_limit:16M", NULL), 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_NORMAL)), 0);
	struct page *page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	assert_int_equal(page_zonenum(page), ZONE_DMA32);
	__free_page(page);
	test_check_and_exit();
	/* So is a movablecore as large as memory: the kernel then makes no ZONE_MOVABLE at all. */
	assert_int_equal(init_env("arena_size:64M,dma_limit:0,dma32_limit:0,movablecore:128M", NULL), 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_MOVABLE)), 0);
	test_check_and_exit();
}

static void test_lazy_init_on_first_allocation(void **state)
{
	(void)state;
	buddy_exit();
	assert_false(buddy_initialized());
	setenv("BUDDY_CONF", "arena_size:64M,dma_limit:2M,dma32_limit:0", 1);
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	unsetenv("BUDDY_CONF");
	assert_non_null(page);
	assert_true(buddy_initialized());
	assert_int_equal(test_arena_bytes(), 64UL << 20);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA)), 512);
	assert_int_equal(buddy_init(NULL), -EBUSY);	/* too late for buddy_init */
	__free_pages(page, 1);
	test_check_and_exit();

	/* A failed lazy init: allocations fail with a message; buddy_init still works. */
	setenv("BUDDY_CONF", "nonsense:1", 1);
	stderr_capture_begin();
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	char *text = stderr_capture_end();
	unsetenv("BUDDY_CONF");
	assert_null(page);
	assert_non_null(strstr(text, "nonsense"));
	free(text);
	assert_false(buddy_initialized());
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	test_check_and_exit();
}

static void test_exit_then_init_is_fresh(void **state)
{
	(void)state;
	test_init("arena_size:32M,dma_limit:2M,dma32_limit:6M");
	long full[MAX_NR_ZONES];
	for (int z = 0; z < MAX_NR_ZONES; z++)
		full[z] = zone_free((enum zone_type)z);
	/* Leave allocations behind, in every zone. */
	for (int i = 0; i < 50; i++) {
		assert_non_null(alloc_pages(GFP_KERNEL, (unsigned)i % 5));
		assert_non_null(alloc_pages(GFP_DMA32, 0));
		assert_non_null(alloc_pages(GFP_DMA, 1));
	}
	assert_consistent();
	buddy_exit();
	assert_false(buddy_initialized());
	assert_int_equal(buddy_nr_nodes(), 0);

	test_init("arena_size:32M,dma_limit:2M,dma32_limit:6M");
	for (int z = 0; z < MAX_NR_ZONES; z++)
		assert_int_equal(zone_free((enum zone_type)z), full[z]);
	struct page *page = alloc_pages(GFP_KERNEL, 3);
	assert_non_null(page);
	__free_pages(page, 3);
	test_check_and_exit();
	buddy_exit();	/* twice is harmless */
}

static void test_init_twice_is_busy(void **state)
{
	(void)state;
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	struct buddy_config cfg = { .conf = "arena_size:32M,dma_limit:0,dma32_limit:0" };
	assert_int_equal(buddy_init(&cfg), -EBUSY);
	assert_int_equal(buddy_init(NULL), -EBUSY);
	assert_int_equal(test_arena_bytes(), 16UL << 20);	/* unchanged */
	test_check_and_exit();
}

static void test_config_struct_fields(void **state)
{
	(void)state;
	struct buddy_config cfg = {
		.arena_size = 64UL << 20,
		.dma_limit = BUDDY_ZONE_EMPTY,
		.dma32_limit = 8UL << 20,
		.highmem_start = 60UL << 20,
		.movablecore = "2M",
		.numa_fake = 2,
		.numa_distance = "10 30;30 10",
		.min_free_kbytes = 512,
		.watermark_scale_factor = 100,
		.mobility_grouping = -1,
	};

	assert_int_equal(buddy_init(&cfg), 0);
	assert_int_equal(buddy_nr_nodes(), 2);
	assert_int_equal(test_node_distance(0, 1), 30);
	assert_int_equal(test_min_free_kbytes(), 512);
	assert_int_equal(test_watermark_scale_factor(), 100);
	assert_int_equal(test_mobility_grouping_disabled(), 1);
	/* node 0 [0, 32M): DMA32 below 8M, Normal above; node 1 [32M, 64M): Normal, then HighMem from
	 * 60M - which movablecore (2M, rounded up to a max-order block) takes whole as Movable */
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA)), 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA32)), 2048);
	assert_int_equal(test_zone_spanned(zone0(ZONE_NORMAL)), 6144);
	assert_int_equal(test_zone_spanned(zone0(ZONE_MOVABLE)), 0);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_DMA32)), 0);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_NORMAL)), 7168);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_HIGHMEM)), 0);
	assert_int_equal(test_zone_spanned(zone_of(1, ZONE_MOVABLE)), 1024);
	test_check_and_exit();

	/* conf is parsed after the fields and wins. */
	struct buddy_config over = { .arena_size = 64UL << 20, .dma_limit = 4UL << 20, .conf = "dma_limit:2M,dma32_limit:0" };
	assert_int_equal(buddy_init(&over), 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA)), 512);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA32)), 0);
	test_check_and_exit();

	/* Bad field values name the field. */
	struct buddy_config bad = { .numa_fake = -1 };
	stderr_capture_begin();
	int rc = buddy_init(&bad);
	char *text = stderr_capture_end();
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(text, "numa_fake"));
	free(text);
}

static void expect_field_rejected(const struct buddy_config *cfg, const char *field)
{
	stderr_capture_begin();
	int rc = buddy_init(cfg);
	char *text = stderr_capture_end();

	if (rc != -EINVAL || !strstr(text, field) || !strstr(text, "buddy_config"))
		fail_msg("field %s: buddy_init = %d, message \"%s\"", field, rc, text);
	free(text);
	assert_false(buddy_initialized());
}

/*
 * Every struct field meets its BUDDY_CONF key's range: -1 for a tunable, a
 * size that would wrap when rounded up to a pageblock, a stats_print list
 * too long to keep whole - each is -EINVAL with the field named.
 */
static void test_config_fields_range_checked(void **state)
{
	(void)state;
	static char too_long[300], longest[256];
	memset(too_long, 'a', sizeof(too_long) - 1);
	memset(longest, 'a', sizeof(longest) - 1);
	const struct {
		struct buddy_config cfg;
		const char *field;
	} cases[] = {
		{ { .watermark_scale_factor = -1 }, "watermark_scale_factor" },
		{ { .watermark_scale_factor = 3001 }, "watermark_scale_factor" },
		{ { .min_free_kbytes = -1 }, "min_free_kbytes" },
		{ { .min_free_kbytes = (1 << 30) + 1 }, "min_free_kbytes" },
		{ { .percpu_pagelist_high_fraction = 4 }, "percpu_pagelist_high_fraction" },
		{ { .percpu_pagelist_high_fraction = -8 }, "percpu_pagelist_high_fraction" },
		{ { .mobility_grouping = 2 }, "mobility_grouping" },
		{ { .numa_fake = 65 }, "numa_fake" },
		{ { .arena_size = 1UL << 20 }, "arena_size" },
		{ { .arena_size = SIZE_MAX }, "arena_size" },
		{ { .dma_limit = SIZE_MAX - (1UL << 20) }, "dma" },
		{ { .dma32_limit = SIZE_MAX - 4095 }, "dma32" },
		{ { .highmem_start = SIZE_MAX - 1 }, "highmem_start" },
		{ { .numa_fake_size = (size_t)1 << 50 }, "numa_fake_size" },
		{ { .numa_fake_size = 1UL << 20 }, "numa_fake_size" },
		{ { .kernelcore = "200%" }, "kernelcore" },
		{ { .movablecore = "lots" }, "movablecore" },
		{ { .cma = SIZE_MAX - 4095 }, "cma" },
		{ { .cma = SIZE_MAX }, "cma" },
		{ { .stats_print = too_long }, "stats_print" },
		{ { .numa_distance = "10 20" }, "numa_distance" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_field_rejected(&cases[i].cfg, cases[i].field);

	/* The edges of each range are accepted, and the values land where the keys put them. */
	struct buddy_config edge = {
		.arena_size = 64UL << 20,
		.dma_limit = BUDDY_ZONE_EMPTY,
		.dma32_limit = BUDDY_ZONE_EMPTY,
		.watermark_scale_factor = 3000,
		.min_free_kbytes = 128,
		.percpu_pagelist_high_fraction = 8,
		.mobility_grouping = 1,
		.cma = 2UL << 20,
		.stats_print = longest,
	};
	assert_int_equal(buddy_init(&edge), 0);
	assert_int_equal(test_settings()->watermark_scale_factor, 3000);
	assert_int_equal(test_min_free_kbytes(), 128);
	assert_int_equal(test_settings()->percpu_pagelist_high_fraction, 8);
	assert_int_equal(test_settings()->mobility_grouping, 1);
	assert_int_equal(test_settings()->cma, 2UL << 20);
	assert_int_equal(strlen(test_settings()->stats_print), 255);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA)), 0);
	assert_int_equal(test_zone_spanned(zone0(ZONE_DMA32)), 0);
	test_check_and_exit();
}

/*
 * The run-time setters take their BUDDY_CONF key's range (one table in
 * config.c): each edge is accepted by both, one past it refused by both, and
 * a refused value leaves the setting as it was.
 */
static void test_setters_take_the_keys_ranges(void **state)
{
	(void)state;
	static const struct {
		const char *key;
		int (*set)(int);
		int min, max;
	} tunables[] = {
		{ "min_free_kbytes", buddy_set_min_free_kbytes, 0, 1 << 30 },
		{ "watermark_scale_factor", buddy_set_watermark_scale_factor, 1, 3000 },
	};
	char conf[128];

	for (size_t i = 0; i < ARRAY_SIZE(tunables); i++) {
		const char *key = tunables[i].key;
		int min = tunables[i].min, max = tunables[i].max;

		assert_int_equal(buddy_setting_check(key, min), 0);
		assert_int_equal(buddy_setting_check(key, max), 0);
		assert_int_equal(buddy_setting_check(key, (long long)min - 1), -EINVAL);
		assert_int_equal(buddy_setting_check(key, (long long)max + 1), -EINVAL);

		/* BUDDY_CONF: the same edges. */
		snprintf(conf, sizeof(conf), "arena_size:16M,dma_limit:0,dma32_limit:0,%s:%d", key, max);
		assert_int_equal(init_env(conf, NULL), 0);
		buddy_exit();
		snprintf(conf, sizeof(conf), "arena_size:16M,dma_limit:0,dma32_limit:0,%s:%lld", key, (long long)max + 1);
		expect_rejected(conf, key);
		snprintf(conf, sizeof(conf), "arena_size:16M,dma_limit:0,dma32_limit:0,%s:%lld", key, (long long)min - 1);
		expect_rejected(conf, key);

		/* The setter: the same edges; a refusal changes nothing. */
		test_init("arena_size:16M,dma_limit:0,dma32_limit:0,min_free_kbytes:256,watermark_scale_factor:20");
		unsigned long low = test_zone_watermark(zone0(ZONE_NORMAL), WMARK_LOW);
		assert_int_equal(tunables[i].set(min - 1), -EINVAL);
		assert_int_equal(tunables[i].set(max == INT_MAX ? INT_MIN : max + 1), -EINVAL);
		assert_int_equal(test_settings()->min_free_kbytes, 256);
		assert_int_equal(test_settings()->watermark_scale_factor, 20);
		assert_int_equal(test_zone_watermark(zone0(ZONE_NORMAL), WMARK_LOW), low);
		assert_int_equal(tunables[i].set(max), 0);
		assert_int_equal(tunables[i].set(min), 0);
		test_check_and_exit();
	}

	/* min_free_kbytes 0 resolves to the formula's value, at init and in the setter alike. */
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	int formula = test_settings()->min_free_kbytes;
	assert_int_equal(formula, 512);	/* int_sqrt(16384 kB * 16) */
	assert_int_equal(buddy_set_min_free_kbytes(1 << 30), 0);
	assert_int_equal(test_settings()->min_free_kbytes, 1 << 30);
	assert_int_equal(buddy_set_min_free_kbytes(0), 0);
	assert_int_equal(test_settings()->min_free_kbytes, formula);

	/* lowmem_reserve_ratio: each number 0 .. INT_MAX, in both. */
	const int edge[MAX_NR_ZONES] = { INT_MAX, 0, 32, 0, 0 };
	const int negative[MAX_NR_ZONES] = { 256, -1, 32, 0, 0 };
	assert_int_equal(buddy_set_lowmem_reserve_ratio(negative), -EINVAL);
	assert_int_equal(test_settings()->lowmem_reserve_ratio[1], 256);
	assert_int_equal(buddy_set_lowmem_reserve_ratio(edge), 0);
	assert_int_equal(test_settings()->lowmem_reserve_ratio[0], INT_MAX);
	test_check_and_exit();
	assert_int_equal(init_env("arena_size:16M,dma_limit:0,dma32_limit:0,lowmem_reserve_ratio:2147483647/0/32/0/0", NULL), 0);
	assert_int_equal(test_settings()->lowmem_reserve_ratio[0], INT_MAX);
	assert_int_equal(test_settings()->lowmem_reserve_ratio[2], 32);
	test_check_and_exit();
	expect_rejected("lowmem_reserve_ratio:2147483648/0/32/0/0", "lowmem_reserve_ratio");
	expect_rejected("lowmem_reserve_ratio:256 256 32 0 -1", "lowmem_reserve_ratio");
	expect_rejected("lowmem_reserve_ratio:256 256 32 0 0 0", "lowmem_reserve_ratio");
}

/* The table's defaults are the documented ones (docs/configuration.md). */
static void test_defaults(void **state)
{
	(void)state;
	struct buddy_settings s;
	const int ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0 };

	buddy_default_settings(&s);
	assert_int_equal(s.arena_size, 1UL << 30);
	assert_int_equal(s.dma_limit, 16UL << 20);
	assert_int_equal(s.dma32_limit, 4UL << 30);
	assert_int_equal(s.highmem_start, 0);
	assert_int_equal(s.kernelcore.bytes, 0);
	assert_int_equal(s.kernelcore.percent, 0);
	assert_int_equal(s.movablecore.bytes, 0);
	assert_int_equal(s.numa_fake, 0);
	assert_int_equal(s.numa_fake_size, 0);
	/* numa_fake: a count or a size, each clearing the other; kernelcore: a size or a percentage */
	assert_int_equal(buddy_parse_conf_string("numa_fake:512M,kernelcore:75%", &s), 0);
	assert_int_equal(s.numa_fake_size, 512UL << 20);
	assert_int_equal(s.numa_fake, 0);
	assert_int_equal(s.kernelcore.percent, 75);
	assert_int_equal(buddy_parse_conf_string("numa_fake:3,kernelcore:1G", &s), 0);
	assert_int_equal(s.numa_fake_size, 0);
	assert_int_equal(s.numa_fake, 3);
	assert_int_equal(s.kernelcore.percent, 0);
	assert_int_equal(s.kernelcore.bytes, 1UL << 30);
	assert_false(s.distance_given);
	assert_int_equal(s.min_free_kbytes, 0);
	assert_int_equal(s.watermark_scale_factor, 10);
	assert_memory_equal(s.lowmem_reserve_ratio, ratio, sizeof(ratio));
	assert_int_equal(s.percpu_pagelist_high_fraction, 0);
	assert_int_equal(s.mobility_grouping, 0);
	assert_int_equal(s.pcp_lock, 0);
	assert_int_equal(s.cma, 0);
	assert_string_equal(s.stats_print, "");
	/* free page reporting: off, pageblock_order, 2 s (6.1 PAGE_REPORTING_DELAY), MADV_DONTNEED */
	assert_int_equal(s.page_reporting, -1);
	assert_int_equal(s.page_reporting_order, pageblock_order);
	assert_int_equal(s.page_reporting_delay_ms, 2000);
	assert_int_equal(s.page_reporting_advice, BUDDY_PAGE_REPORTING_DONTNEED);
	assert_int_equal(buddy_parse_conf_string("page_reporting:on,page_reporting_advice:free,"
						 "page_reporting_order:10,page_reporting_delay_ms:0",
						 &s),
			 0);
	assert_int_equal(s.page_reporting, 1);
	assert_int_equal(s.page_reporting_advice, BUDDY_PAGE_REPORTING_FREE);
	assert_int_equal(s.page_reporting_order, 10);
	assert_int_equal(s.page_reporting_delay_ms, 0);
	stderr_capture_begin();
	assert_int_equal(buddy_parse_conf_string("page_reporting_order:11", &s), -EINVAL);
	assert_int_equal(buddy_parse_conf_string("page_reporting_advice:remove", &s), -EINVAL);
	free(stderr_capture_end());

	/* Words map to their numbers; a number is not a word. */
	assert_int_equal(buddy_parse_conf_string("pcp_lock:atomic,mobility_grouping:off", &s), 0);
	assert_int_equal(s.pcp_lock, -1);
	assert_int_equal(s.mobility_grouping, -1);
	assert_int_equal(buddy_parse_conf_string("pcp_lock:rseq,mobility_grouping:on", &s), 0);
	assert_int_equal(s.pcp_lock, 1);
	assert_int_equal(s.mobility_grouping, 1);
	stderr_capture_begin();
	assert_int_equal(buddy_parse_conf_string("pcp_lock:1", &s), -EINVAL);
	free(stderr_capture_end());
}

/* The page descriptor stays out of band and small (issue 2: at most 64 bytes). */
static void test_struct_page_size(void **state)
{
	(void)state;
	print_message("sizeof(struct page) = %zu\n", sizeof(struct page));
	assert_true(sizeof(struct page) <= 64);
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	assert_int_equal(test_mem_map_bytes(), test_nr_pages() * sizeof(struct page));
	/* mem_map is a separate mapping, not inside the arena. */
	uintptr_t mm = (uintptr_t)test_mem_map(), base = (uintptr_t)test_arena_base();
	assert_true(mm + test_mem_map_bytes() <= base || mm >= base + test_arena_bytes());
	test_check_and_exit();
}

static int exit_allocator(void **state)
{
	(void)state;
	unsetenv("BUDDY_CONF");
	buddy_exit();
	return 0;
}

#define T(fn) cmocka_unit_test_teardown(fn, exit_allocator)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sizes_with_suffixes),
		T(test_unknown_key),
		T(test_malformed_values),
		T(test_zone_limits_carve_the_arena),
		T(test_zone_limits_round_up_to_pageblocks),
		T(test_contradicting_limits_rejected),
		T(test_lazy_init_on_first_allocation),
		T(test_exit_then_init_is_fresh),
		T(test_init_twice_is_busy),
		T(test_config_struct_fields),
		T(test_config_fields_range_checked),
		T(test_setters_take_the_keys_ranges),
		T(test_defaults),
		T(test_struct_page_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
