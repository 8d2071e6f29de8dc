/* SPDX-License-Identifier: MIT */
/*
 * The allocation failure report: the kernel's warn_alloc line with the mask
 * decoded, the show_mem summary, rate limiting on an injected clock, and
 * silence with __GFP_NOWARN.
 */
#include "obs_util.h"

#include "internal.h"

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"
#define NUMA_CONF "arena_size:16M,dma_limit:0,dma32_limit:0,numa_fake:2"

static long fake_now;
static long fake_clock(void)
{
	return fake_now;
}

static int count_of(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* DMA has a single order-10 block: its watermark refuses an order-10 request. */
static char *failing_dma_request(gfp_t extra)
{
	stderr_capture_begin();
	struct page *p = alloc_pages(GFP_KERNEL | GFP_DMA | extra, 10);
	char *out = stderr_capture_end();
	assert_null(p);
	return out;
}

static void test_report_shape(void **state)
{
	char **lines, expect[512];
	(void)state;

	test_init(CONF);
	warn_alloc_set_ratelimit(0, 0, NULL);
	char *out = failing_dma_request(__GFP_ZERO);
	int n = split_lines(out, &lines);
	struct zone *dma = zone_of(0, ZONE_DMA);

	assert_true(n >= 8);
	assert_string_equal(lines[0], "test_warn_alloc: page allocation failure: order:10, "
				      "mode:0x24080c1(GFP_KERNEL|GFP_DMA|__GFP_ZERO), nodemask=(null)");
	assert_string_equal(lines[1], "Mem-Info:");
	snprintf(expect, sizeof(expect),
		 "Node 0 DMA free:4096kB boost:0kB min:%lukB low:%lukB high:%lukB reserved_highatomic:0KB "
		 "present:4096kB managed:4096kB free_pcp:0kB local_pcp:0kB free_cma:0kB",
		 wmark_pages(dma, WMARK_MIN) * 4, wmark_pages(dma, WMARK_LOW) * 4, wmark_pages(dma, WMARK_HIGH) * 4);
	assert_string_equal(lines[2], expect);
	snprintf(expect, sizeof(expect), "lowmem_reserve[]: %ld %ld %ld %ld %ld", test_zone_lowmem_reserve(dma, 0),
		 test_zone_lowmem_reserve(dma, 1), test_zone_lowmem_reserve(dma, 2), test_zone_lowmem_reserve(dma, 3), test_zone_lowmem_reserve(dma, 4));
	assert_string_equal(lines[3], expect);
	assert_true(!strncmp(lines[4], "Node 0 DMA32 free:16384kB boost:0kB min:", 40));
	assert_true(!strncmp(lines[6], "Node 0 Normal free:45056kB boost:0kB min:", 41));
	assert_string_equal(lines[8], "Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB "
				      "0*1024kB 0*2048kB 1*4096kB (M) = 4096kB");
	assert_string_equal(lines[9], "Node 0 DMA32: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB "
				      "0*512kB 0*1024kB 0*2048kB 4*4096kB (M) = 16384kB");
	assert_int_equal(n, 11);
	free(lines);
	free(out);
	test_check_and_exit();
}

/* Mixed types at one order show every letter: an unmovable split next to movable blocks. */
static void test_order_line_shows_migratetype_letters(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *u = alloc_pages(GFP_KERNEL, 9);	/* Normal: splits a block UNMOVABLE */
	struct page *m = alloc_pages(GFP_HIGHUSER_MOVABLE, 9);	/* another block, MOVABLE */
	assert_non_null(u);
	assert_non_null(m);
	buddy_drain_all_pages();
	char *text = NULL;
	struct strbuf b = { 0 };
	strbuf_write(&b, "");
	show_free_areas(strbuf_write, &b);
	text = b.s;
	assert_non_null(strstr(text, "Node 0 Normal: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB "
				     "0*1024kB 2*2048kB (UM) 9*4096kB (M) = 40960kB\n"));
	free(text);
	__free_pages(u, 9);
	__free_pages(m, 9);
	test_check_and_exit();
}

static void test_nowarn_is_silent_but_counted(void **state)
{
	(void)state;
	test_init(CONF);
	warn_alloc_set_ratelimit(0, 0, NULL);
	unsigned long fails = sum_vm_event(PGALLOC_FAIL);
	char *out = failing_dma_request(__GFP_NOWARN);
	assert_string_equal(out, "");
	assert_int_equal(sum_vm_event(PGALLOC_FAIL), fails + 1);
	free(out);
	test_check_and_exit();
}

/* The kernel's DEFAULT_RATELIMIT: 10 reports per 5 s, then a suppressed count. */
static void test_ratelimit_burst_per_window(void **state)
{
	(void)state;
	test_init(CONF);
	fake_now = 1000;
	warn_alloc_set_ratelimit(5000, 10, fake_clock);
	stderr_capture_begin();
	for (int i = 0; i < 12; i++)
		assert_null(alloc_pages(GFP_KERNEL | GFP_DMA, 10));
	char *out = stderr_capture_end();
	assert_int_equal(count_of(out, "page allocation failure"), 10);
	assert_int_equal(count_of(out, "Mem-Info:"), 10);
	assert_null(strstr(out, "suppressed"));
	free(out);

	fake_now += 5000;
	out = failing_dma_request(0);
	const char *expect = "warn_alloc: 2 callbacks suppressed\ntest_warn_alloc: page allocation failure";
	assert_true(!strncmp(out, expect, strlen(expect)));
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	free(out);
	warn_alloc_set_ratelimit(0, 0, NULL);
	test_check_and_exit();
}

/* With a burst of one the report appears once per window, and again in the next. */
static void test_ratelimit_once_per_window(void **state)
{
	(void)state;
	test_init(CONF);
	fake_now = 0;
	warn_alloc_set_ratelimit(5000, 1, fake_clock);
	char *out = failing_dma_request(0);
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	free(out);
	for (int i = 0; i < 3; i++) {
		fake_now += 1000;
		out = failing_dma_request(0);
		assert_string_equal(out, "");
		free(out);
	}
	fake_now = 4999;
	out = failing_dma_request(0);
	assert_string_equal(out, "");
	free(out);
	fake_now = 5000;
	out = failing_dma_request(0);
	assert_true(!strncmp(out, "warn_alloc: 4 callbacks suppressed\n", 35));
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	free(out);
	/* __GFP_NOWARN failures are not reports: they are not counted as suppressed either. */
	fake_now = 10000;
	out = failing_dma_request(__GFP_NOWARN);
	assert_string_equal(out, "");
	free(out);
	out = failing_dma_request(0);
	assert_null(strstr(out, "suppressed"));
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	free(out);
	warn_alloc_set_ratelimit(0, 0, NULL);
	test_check_and_exit();
}

/* A fresh allocator starts a fresh window, as a boot does; the settings stay. */
static void test_ratelimit_window_per_allocator(void **state)
{
	(void)state;
	test_init(CONF);
	fake_now = 0;
	warn_alloc_set_ratelimit(5000, 1, fake_clock);
	char *out = failing_dma_request(0);
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	free(out);
	out = failing_dma_request(0);
	assert_string_equal(out, "");
	free(out);
	test_check_and_exit();
	test_init(CONF);
	out = failing_dma_request(0);
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	assert_null(strstr(out, "suppressed"));
	free(out);
	out = failing_dma_request(0);
	assert_string_equal(out, "");
	free(out);
	warn_alloc_set_ratelimit(0, 0, NULL);
	test_check_and_exit();
}

/* The nodemask the caller passed, as %*pbl prints a list. */
static void test_nodemask_in_report(void **state)
{
	nodemask_t only0, both;
	(void)state;

	test_init(NUMA_CONF);
	warn_alloc_set_ratelimit(0, 0, NULL);
	nodes_clear(&only0);
	node_set(0, &only0);
	nodes_clear(&both);
	node_set(0, &both);
	node_set(1, &both);
	/* Each node has two order-10 blocks and room above its watermark for one. */
	struct page *a = __alloc_pages_nodemask(GFP_KERNEL, 10, 0, &only0);
	assert_non_null(a);
	stderr_capture_begin();
	assert_null(__alloc_pages_nodemask(GFP_KERNEL, 10, 0, &only0));
	char *out = stderr_capture_end();
	assert_non_null(strstr(out, ", nodemask=0\n"));
	free(out);
	struct page *b = __alloc_pages_nodemask(GFP_KERNEL, 10, 0, &both);
	assert_non_null(b);
	stderr_capture_begin();
	assert_null(__alloc_pages_nodemask(GFP_KERNEL, 10, 0, &both));
	out = stderr_capture_end();
	assert_non_null(strstr(out, "mode:0x24000c0(GFP_KERNEL), nodemask=0-1\n"));
	assert_non_null(strstr(out, "Node 1 Normal: "));
	free(out);
	__free_pages(a, 10);
	__free_pages(b, 10);
	test_check_and_exit();
}

/* A request refused before any zone is tried says why instead of the summary. */
static void test_order_too_large(void **state)
{
	(void)state;
	test_init(CONF);
	warn_alloc_set_ratelimit(0, 0, NULL);
	stderr_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL, MAX_ORDER));
	char *out = stderr_capture_end();
	const char *expect = "test_warn_alloc: page allocation failure: order:11, mode:0x24000c0(GFP_KERNEL), "
			     "nodemask=(null)\nlibbuddy: ";
	assert_true(!strncmp(out, expect, strlen(expect)));
	assert_null(strstr(out, "Mem-Info"));
	free(out);
	test_check_and_exit();
}

#define BAD_ZONE_MASK (GFP_KERNEL | __GFP_DMA | __GFP_DMA32)

/* GFP_ZONE_BAD and a node that does not exist: the warn_alloc line, a reason, silent with __GFP_NOWARN. */
static void test_bad_zone_and_node_take_the_warn_path(void **state)
{
	(void)state;
	test_init(CONF);
	warn_alloc_set_ratelimit(0, 0, NULL);
	unsigned long fails = sum_vm_event(PGALLOC_FAIL);

	stderr_capture_begin();
	assert_null(alloc_pages(BAD_ZONE_MASK, 0));
	char *out = stderr_capture_end();
	assert_string_equal(out, "test_warn_alloc: page allocation failure: order:0, "
				 "mode:0x24000c5(GFP_KERNEL|GFP_DMA|GFP_DMA32), nodemask=(null)\n"
				 "libbuddy: invalid zone modifier combination (GFP_ZONE_BAD)\n");
	free(out);
	stderr_capture_begin();
	assert_null(alloc_pages_node(7, GFP_KERNEL, 2));
	out = stderr_capture_end();
	assert_string_equal(out, "test_warn_alloc: page allocation failure: order:2, mode:0x24000c0(GFP_KERNEL), "
				 "nodemask=(null)\nlibbuddy: node 7 does not exist (nodes 0..0)\n");
	free(out);

	stderr_capture_begin();
	assert_null(alloc_pages(BAD_ZONE_MASK | __GFP_NOWARN, 0));
	assert_null(alloc_pages(BAD_ZONE_MASK | __GFP_NOWARN, 5));
	assert_null(alloc_pages_node(7, GFP_KERNEL | __GFP_NOWARN, 0));
	assert_null(alloc_pages_node(-2, GFP_KERNEL | __GFP_NOWARN, 0));
	out = stderr_capture_end();
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(sum_vm_event(PGALLOC_FAIL), fails + 6);
	test_check_and_exit();
}

/* 100 bad requests in one window print 10 reports, then the suppressed count, as any failure does. */
static void test_bad_zone_and_node_are_rate_limited(void **state)
{
	(void)state;
	test_init(CONF);
	fake_now = 1000;
	warn_alloc_set_ratelimit(5000, 10, fake_clock);
	stderr_capture_begin();
	for (int i = 0; i < 50; i++) {
		assert_null(alloc_pages(BAD_ZONE_MASK, 0));
		assert_null(alloc_pages_node(9, GFP_KERNEL, 0));
	}
	char *out = stderr_capture_end();
	assert_int_equal(count_of(out, "page allocation failure"), 10);
	free(out);

	fake_now += 5000;
	stderr_capture_begin();
	assert_null(alloc_pages(BAD_ZONE_MASK, 0));
	out = stderr_capture_end();
	assert_true(!strncmp(out, "warn_alloc: 90 callbacks suppressed\n", 36));
	assert_int_equal(count_of(out, "page allocation failure"), 1);
	free(out);
	warn_alloc_set_ratelimit(5000, 10, NULL);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_shape),
		cmocka_unit_test(test_order_line_shows_migratetype_letters),
		cmocka_unit_test(test_nowarn_is_silent_but_counted),
		cmocka_unit_test(test_ratelimit_burst_per_window),
		cmocka_unit_test(test_ratelimit_once_per_window),
		cmocka_unit_test(test_ratelimit_window_per_allocator),
		cmocka_unit_test(test_nodemask_in_report),
		cmocka_unit_test(test_order_too_large),
		cmocka_unit_test(test_bad_zone_and_node_take_the_warn_path),
		cmocka_unit_test(test_bad_zone_and_node_are_rate_limited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
