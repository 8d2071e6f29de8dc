/* SPDX-License-Identifier: MIT */
/* buddy_ctl(): the settings and statistics by name, as sysctl(2) and mallctl() work. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buddy_test.h"
#include "internal.h"
#include "test_util.h"

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"

static int read_int(const char *name)
{
	int v = -12345;
	size_t len = sizeof(v);

	assert_int_equal(buddy_ctl(name, &v, &len, NULL, 0), 0);
	assert_int_equal(len, sizeof(int));
	return v;
}

static int write_int(const char *name, int v)
{
	return buddy_ctl(name, NULL, NULL, &v, sizeof(v));
}

static void test_int_settings_read_and_write(void **state)
{
	(void)state;
	test_init(CONF ",watermark_scale_factor:20,min_free_kbytes:2048");
	assert_int_equal(read_int("vm.watermark_scale_factor"), 20);
	assert_int_equal(read_int("vm.min_free_kbytes"), 2048);
	assert_int_equal(read_int("vm.percpu_pagelist_high_fraction"), 0);

	unsigned long low_before = test_zone_watermark(normal_zone(), WMARK_LOW);
	assert_int_equal(write_int("vm.watermark_scale_factor", 200), 0);
	assert_int_equal(read_int("vm.watermark_scale_factor"), 200);
	assert_true(test_zone_watermark(normal_zone(), WMARK_LOW) > low_before); /* the setter ran */

	int high_before = test_pcp_high(normal_zone(), 0);
	assert_int_equal(write_int("vm.percpu_pagelist_high_fraction", 8), 0);
	assert_int_equal(read_int("vm.percpu_pagelist_high_fraction"), 8);
	assert_int_not_equal(test_pcp_high(normal_zone(), 0), high_before);

	/* out of range: -EINVAL, nothing changed (the BUDDY_CONF ranges) */
	assert_int_equal(write_int("vm.watermark_scale_factor", 0), -EINVAL);
	assert_int_equal(write_int("vm.percpu_pagelist_high_fraction", 3), -EINVAL);
	assert_int_equal(read_int("vm.watermark_scale_factor"), 200);
	assert_int_equal(read_int("vm.percpu_pagelist_high_fraction"), 8);
	test_check_and_exit();
}

/* The sysctls of this wave's slow path: boost, compaction; compact_memory is write-only. */
static void test_slow_path_sysctls(void **state)
{
	unsigned long stalls;
	size_t len = sizeof(int);
	int v;

	(void)state;
	test_init(CONF);
	assert_int_equal(read_int("vm.watermark_boost_factor"), 15000);
	assert_int_equal(read_int("vm.compaction_proactiveness"), 20);
	assert_int_equal(read_int("vm.extfrag_threshold"), 500);
	assert_int_equal(write_int("vm.watermark_boost_factor", 0), 0);
	assert_int_equal(write_int("vm.compaction_proactiveness", 0), 0);
	assert_int_equal(write_int("vm.extfrag_threshold", 900), 0);
	assert_int_equal(read_int("vm.watermark_boost_factor"), 0);
	assert_int_equal(read_int("vm.compaction_proactiveness"), 0);
	assert_int_equal(read_int("vm.extfrag_threshold"), 900);
	assert_int_equal(write_int("vm.compaction_proactiveness", 101), -EINVAL);
	assert_int_equal(write_int("vm.extfrag_threshold", 1001), -EINVAL);
	assert_int_equal(buddy_ctl("vm.compact_memory", &v, &len, NULL, 0), -EPERM);
	/* a fragmented zone: holes at every other page, so compaction has something to scan */
	static struct page *held[2048];
	for (int i = 0; i < 2048; i++)
		assert_non_null(held[i] = alloc_pages(GFP_HIGHUSER_MOVABLE, 0));
	for (int i = 0; i < 2048; i += 2)
		__free_pages(held[i], 0);
	len = sizeof(stalls);
	unsigned long scanned;
	assert_int_equal(buddy_ctl("vmstat.compact_migrate_scanned", &stalls, &len, NULL, 0), 0);
	assert_int_equal(write_int("vm.compact_memory", 1), 0);
	assert_int_equal(buddy_ctl("vmstat.compact_migrate_scanned", &scanned, &len, NULL, 0), 0);
	assert_true(scanned > stalls); /* the compaction ran */
	for (int i = 1; i < 2048; i += 2)
		__free_pages(held[i], 0);
	test_check_and_exit();
}

static void test_lowmem_reserve_ratio_is_an_array(void **state)
{
	int ratio[MAX_NR_ZONES], set[MAX_NR_ZONES] = {128, 64, 16, 0, 0};
	size_t len = 0;

	(void)state;
	test_init(CONF);
	assert_int_equal(buddy_ctl("vm.lowmem_reserve_ratio", NULL, &len, NULL, 0), 0); /* size only */
	assert_int_equal(len, sizeof(ratio));
	assert_int_equal(buddy_ctl("vm.lowmem_reserve_ratio", ratio, &len, NULL, 0), 0);
	assert_int_equal(ratio[0], 256);
	assert_int_equal(ratio[2], 32);
	assert_int_equal(buddy_ctl("vm.lowmem_reserve_ratio", NULL, NULL, set, sizeof(set)), 0);
	assert_int_equal(buddy_ctl("vm.lowmem_reserve_ratio", ratio, &len, NULL, 0), 0);
	assert_memory_equal(ratio, set, sizeof(set));
	assert_int_equal(buddy_ctl("vm.lowmem_reserve_ratio", NULL, NULL, set, sizeof(int)), -EINVAL);
	test_check_and_exit();
}

static void test_statistics_are_read_only(void **state)
{
	unsigned long v, before;
	const char *version;
	size_t len = sizeof(v);

	(void)state;
	test_init(CONF);
	assert_int_equal(buddy_ctl("vmstat.pgfree", &before, &len, NULL, 0), 0);
	assert_int_equal(len, sizeof(unsigned long));
	struct page *p = alloc_pages(GFP_KERNEL, 3);
	assert_non_null(p);
	__free_pages(p, 3);
	assert_int_equal(buddy_ctl("vmstat.pgfree", &v, &len, NULL, 0), 0);
	assert_int_equal(v, before + 8);
	buddy_drain_all_pages(); /* pages on pcp lists are not in nr_free_pages */
	assert_int_equal(buddy_ctl("vmstat.nr_free_pages", &v, &len, NULL, 0), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(buddy_ctl("vmstat.pgfree", NULL, NULL, &v, sizeof(v)), -EPERM);
	assert_int_equal(buddy_ctl("vmstat.no_such_counter", &v, &len, NULL, 0), -ENOENT);

	len = sizeof(version);
	assert_int_equal(buddy_ctl("version", &version, &len, NULL, 0), 0);
	assert_string_equal(version, BUDDY_VERSION_STRING);
	len = sizeof(v);
	assert_int_equal(buddy_ctl("arena.bytes", &v, &len, NULL, 0), 0);
	assert_int_equal(v, 64UL << 20);
	assert_int_equal(buddy_ctl("arena.bytes", NULL, NULL, &v, sizeof(v)), -EPERM);
	test_check_and_exit();
}

static void test_bad_calls(void **state)
{
	int v = 10;
	char small;
	size_t len = sizeof(small);

	(void)state;
	test_init(CONF);
	assert_int_equal(buddy_ctl("vm.no_such_sysctl", &v, &len, NULL, 0), -ENOENT);
	assert_int_equal(buddy_ctl(NULL, NULL, NULL, NULL, 0), -EINVAL);
	assert_int_equal(buddy_ctl("vm.watermark_scale_factor", &small, &len, NULL, 0), -EINVAL); /* too short */
	assert_int_equal(buddy_ctl("vm.watermark_scale_factor", &v, NULL, NULL, 0), -EINVAL);  /* no length */
	assert_int_equal(buddy_ctl("vm.watermark_scale_factor", NULL, NULL, &v, 2), -EINVAL);  /* wrong size */
	assert_int_equal(read_int("vm.watermark_scale_factor"), 10);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_settings_read_and_write),
		cmocka_unit_test(test_slow_path_sysctls),
		cmocka_unit_test(test_lowmem_reserve_ratio_is_an_array),
		cmocka_unit_test(test_statistics_are_read_only),
		cmocka_unit_test(test_bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_exit);
}
