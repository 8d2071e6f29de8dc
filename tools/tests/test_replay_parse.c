/* SPDX-License-Identifier: MIT */
/*
 * buddy-replay's reader on crafted lines: GFP names of 6.x kernels mapped to
 * 4.7 masks, perf script and trace_pipe layouts, hex and decimal pfns, and
 * each kind of bad line; the reorder window; the pfn map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gfp_parse.h"
#include "pfn_map.h"
#include "reorder.h"
#include "trace_parse.h"

static gfp_t names(const char *s, struct gfp_parse_result *r)
{
	gfp_parse_names(s, strlen(s), r);
	return r->mask;
}

/* Each 6.x name becomes the 4.7 bits of the same meaning. */
static void test_gfp_names_6x(void **state)
{
	struct gfp_parse_result r;

	(void)state;
	assert_int_equal(names("GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP", &r),
			 GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_COMP);
	assert_int_equal(r.unknown, 0);
	assert_int_equal(names("GFP_KERNEL_ACCOUNT", &r), GFP_KERNEL | __GFP_ACCOUNT);
	assert_int_equal(names("GFP_NOWAIT", &r), __GFP_KSWAPD_RECLAIM);
	assert_int_equal(names("GFP_NOFS|__GFP_WRITE|__GFP_HARDWALL", &r),
			 GFP_NOFS | __GFP_WRITE | __GFP_HARDWALL);
	assert_int_equal(names("__GFP_RECLAIM", &r), __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM);
	assert_int_equal(names("__GFP_KSWAPD_RECLAIM|__GFP_IO|__GFP_FS", &r),
			 __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS);
	assert_int_equal(names("__GFP_RETRY_MAYFAIL", &r), __GFP_REPEAT);
	assert_int_equal(names("GFP_ATOMIC", &r), __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM);
	assert_int_equal(names("GFP_TRANSHUGE_LIGHT", &r) & __GFP_RECLAIM, 0);
	assert_int_equal(names("GFP_TRANSHUGE", &r) & __GFP_RECLAIM, __GFP_DIRECT_RECLAIM);
	assert_int_equal(names("GFP_DMA32|__GFP_NOWARN", &r), __GFP_DMA32 | __GFP_NOWARN);
}

/* Unknown names are counted and the first one kept; names without a 4.7 bit are counted apart. */
static void test_gfp_unknown_and_numeric(void **state)
{
	struct gfp_parse_result r;

	(void)state;
	assert_int_equal(names("GFP_KERNEL|__GFP_BOGUS|__GFP_OTHER", &r), GFP_KERNEL);
	assert_int_equal(r.unknown, 2);
	assert_string_equal(r.first_unknown, "__GFP_BOGUS");
	assert_int_equal(names("GFP_HIGHUSER_MOV", &r), 0); /* a truncated name */
	assert_int_equal(r.unknown, 1);
	assert_int_equal(names("__GFP_SKIP_KASAN|__GFP_NOLOCKDEP|__GFP_IO", &r), __GFP_IO);
	assert_int_equal(r.dropped, 2);
	assert_int_equal(r.unknown, 0);
	assert_int_equal(names("GFP_KERNEL|0x4000000", &r), GFP_KERNEL);
	assert_int_equal(r.numeric, 1);
	assert_int_equal(names("0x0", &r), 0);
	assert_int_equal(r.numeric + r.unknown, 0);
	assert_int_equal(names("", &r), 0);
	assert_int_equal(names("none", &r), 0);
	assert_int_equal(r.unknown, 0);
}

/* Masks print back as names, combined names first. */
static void test_gfp_format(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(gfp_format_names(GFP_HIGHUSER_MOVABLE | __GFP_COMP, buf, sizeof(buf)),
			    "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_string_equal(gfp_format_names(GFP_KERNEL | __GFP_ACCOUNT, buf, sizeof(buf)),
			    "GFP_KERNEL_ACCOUNT");
	assert_string_equal(gfp_format_names(0, buf, sizeof(buf)), "0");
	assert_string_equal(gfp_format_names(__GFP_IO | (1u << 27), buf, sizeof(buf)), "__GFP_IO|0x8000000");
}

static enum parse_status parse(const char *line, struct trace_event *ev, const char **why)
{
	char unknown[48];

	return trace_parse_line(line, ev, why, unknown);
}

static void test_perf_script_lines(void **state)
{
	struct trace_event ev;
	const char *why;

	(void)state;
	assert_int_equal(parse("cmake 18178 [000]  1918.142299: kmem:mm_page_alloc: page=0x104f0f "
			       "pfn=0x104f0f order=0 "
			       "migratetype=0 gfp_flags=GFP_NOWAIT",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.kind, EV_ALLOC);
	assert_int_equal(ev.cpu, 0);
	assert_true(ev.ts_ns == 1918142299000ull);
	assert_int_equal(ev.pfn, 0x104f0f);
	assert_int_equal(ev.gfp, GFP_NOWAIT);
	assert_int_equal(ev.migratetype, 0);

	assert_int_equal(parse("as 19480 [001] 1949.275422: kmem:mm_page_alloc_zone_locked: page=0x10eaf2 "
			       "pfn=0x10eaf2 "
			       "order=1 migratetype=1 percpu_refill=1",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.kind, EV_ZONE_LOCKED);
	assert_int_equal(ev.cpu, 1);
	assert_int_equal(ev.order, 1);
	assert_int_equal(ev.percpu_refill, 1);

	/* A comm with spaces, a decimal pfn, nanosecond timestamps. */
	assert_int_equal(
		parse("Web Content 42 [003] 10.123456789: kmem:mm_page_free: page=0x10 pfn=1234 order=2", &ev,
		      &why),
		PARSE_OK);
	assert_int_equal(ev.kind, EV_FREE);
	assert_int_equal(ev.cpu, 3);
	assert_int_equal(ev.pfn, 1234);
	assert_true(ev.ts_ns == 10123456789ull);

	assert_int_equal(
		parse("x 1 [0] 1.000001: kmem:mm_page_free_batched: page=0x5 pfn=0x5 order=0", &ev, &why),
		PARSE_OK);
	assert_int_equal(ev.kind, EV_FREE_BATCHED);

	assert_int_equal(
		parse("x 1 [0] 1.000001: kmem:mm_page_alloc_extfrag: page=0x200 pfn=0x200 alloc_order=0 "
		      "fallback_order=9 alloc_migratetype=1 fallback_migratetype=0 fragmenting=0 "
		      "change_ownership=1",
		      &ev, &why),
		PARSE_OK);
	assert_int_equal(ev.kind, EV_EXTFRAG);
	assert_int_equal(ev.fallback_order, 9);
	assert_int_equal(ev.fallback_migratetype, 0);
	assert_int_equal(ev.change_ownership, 1);

	/* The kernel's failed allocation: page NULL, pfn -1. */
	assert_int_equal(parse("x 1 [0] 1.5: kmem:mm_page_alloc: page=(nil) pfn=0xffffffffffffffff order=9 "
			       "migratetype=1 "
			       "gfp_flags=GFP_TRANSHUGE",
			       &ev, &why),
			 PARSE_OK);
	assert_true(ev.pfn == TRACE_PFN_NONE);
}

/* trace_pipe and trace-cmd report: "comm-pid [cpu] flags ts: event: ..." without the kmem: prefix. */
static void test_trace_pipe_lines(void **state)
{
	struct trace_event ev;
	const char *why;

	(void)state;
	assert_int_equal(parse("          <idle>-0       [001] d.s2.  2211.112233: mm_page_pcpu_drain: "
			       "page=0x1 pfn=0x1234 "
			       "order=0 migratetype=1",
			       &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.kind, EV_PCPU_DRAIN);
	assert_int_equal(ev.cpu, 1);
	assert_int_equal(ev.pfn, 0x1234);
	assert_int_equal(parse("bash-123 [000] 5.000010: mm_page_free: page=0x1 pfn=77 order=0", &ev, &why),
			 PARSE_OK);
	assert_int_equal(ev.pfn, 77);
}

static void expect_bad(const char *line, const char *reason)
{
	struct trace_event ev;
	const char *why = NULL;

	if (parse(line, &ev, &why) != PARSE_BAD)
		fail_msg("not rejected: %s", line);
	assert_non_null(why);
	if (strcmp(why, reason))
		fail_msg("%s: reason \"%s\", expected \"%s\"", line, why, reason);
}

static void test_bad_lines(void **state)
{
	struct trace_event ev;
	const char *why;

	(void)state;
	/* truncated in the middle of the fields */
	expect_bad("cmake 18178 [000]  1918.142299: kmem:mm_page_alloc: page=0x104f0f pfn=0x104f0f ord",
		   "missing field");
	/* truncated in the header */
	expect_bad("cmake 18178 [000]  1918.14", "bad or missing timestamp");
	expect_bad("cmake 18178 [00", "no [cpu] field");
	expect_bad("cmake 18178 [000] 1918.142299:", "missing event name");
	/* missing or malformed fields */
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: page=0x1 order=0", "missing field");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: pfn=0xZZ order=0", "bad pfn");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: pfn=12ab order=0", "bad pfn");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: pfn=0x10000000000000 order=0", "bad pfn");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: pfn=0x10 order=11", "order out of range");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: pfn=0x10 order=x", "bad number");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_alloc: pfn=0x10 order=0 migratetype=9 gfp_flags=GFP_KERNEL",
		   "migratetype out of range");
	expect_bad("x 1 [0] 1.5: kmem:mm_page_free: pfn=-1 order=0", "no pfn");
	expect_bad("x 1 [99999] 1.5: kmem:mm_page_free: pfn=1 order=0", "cpu out of range");
	/* Not errors: blank lines, comments and other events. */
	assert_int_equal(parse("", &ev, &why), PARSE_SKIP);
	assert_int_equal(parse("# perf script header", &ev, &why), PARSE_SKIP);
	assert_int_equal(parse("x 1 [0] 1.5: sched:sched_switch: prev_comm=a", &ev, &why),
			 PARSE_UNKNOWN_EVENT);
	assert_int_equal(parse("x 1 [0] 1.5: kmem:kmalloc: call_site=x", &ev, &why), PARSE_UNKNOWN_EVENT);
}

static void test_parse_ulong(void **state)
{
	unsigned long v;

	(void)state;
	assert_int_equal(parse_ulong("0x1f", 4, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_ulong("31", 2, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_ulong("0x", 2, &v), -1);
	assert_int_equal(parse_ulong("", 0, &v), -1);
	assert_int_equal(parse_ulong("99999999999999999999", 20, &v), -1);
}

static struct trace_event at(uint64_t ts, int cpu, uint64_t seq)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts;
	ev.cpu = (uint16_t)cpu;
	ev.seq = seq;
	return ev;
}

/* Two CPUs' buffers printed one after the other come out merged by timestamp. */
static void test_reorder_restores_time_order(void **state)
{
	const uint64_t cpu0[] = {10, 20, 30, 40}, cpu1[] = {15, 25, 35};
	uint64_t got[8], seq = 0;
	struct trace_event out, ev;
	struct reorder r;
	int n = 0;

	(void)state;
	assert_int_equal(reorder_init(&r, 16), 0);
	for (int i = 0; i < 4; i++) {
		ev = at(cpu0[i], 0, seq++);
		if (reorder_push(&r, &ev, &out))
			got[n++] = out.ts_ns;
	}
	for (int i = 0; i < 3; i++) {
		ev = at(cpu1[i], 1, seq++);
		if (reorder_push(&r, &ev, &out))
			got[n++] = out.ts_ns;
	}
	while (reorder_pop(&r, &out))
		got[n++] = out.ts_ns;
	assert_int_equal(n, 7);
	for (int i = 1; i < n; i++)
		assert_true(got[i - 1] <= got[i]);
	assert_int_equal(r.reordered, 3);
	assert_int_equal(r.late, 0);
	reorder_destroy(&r);
}

/* Beyond the window an event cannot be put back: it is counted as late. */
static void test_reorder_late_beyond_window(void **state)
{
	struct trace_event out, ev;
	struct reorder r;

	(void)state;
	assert_int_equal(reorder_init(&r, 2), 0);
	for (uint64_t t = 10; t <= 50; t += 10) {
		ev = at(t, 0, t);
		reorder_push(&r, &ev, &out);
	}
	ev = at(5, 1, 99);
	assert_int_equal(reorder_push(&r, &ev, &out), 1);
	assert_true(out.ts_ns == 5);
	assert_int_equal(r.late, 1);
	reorder_destroy(&r);
}

/* Insert, find, remove with backward shift, growth, freed bits. */
static void test_pfn_map(void **state)
{
	struct pfn_map m;
	struct pfn_entry *e;

	(void)state;
	assert_int_equal(pfn_map_init(&m), 0);
	for (unsigned long pfn = 0; pfn < 100000; pfn += 3) {
		e = pfn_map_insert(&m, pfn);
		assert_non_null(e);
		e->order = (uint8_t)(pfn % 11);
	}
	for (unsigned long pfn = 0; pfn < 100000; pfn += 6)
		pfn_map_remove(&m, pfn_map_find(&m, pfn));
	for (unsigned long pfn = 0; pfn < 100000; pfn++) {
		e = pfn_map_find(&m, pfn);
		if (pfn % 3 == 0 && pfn % 6 != 0) {
			assert_non_null(e);
			assert_int_equal(e->order, pfn % 11);
		} else {
			assert_null(e);
		}
	}
	assert_false(pfn_map_was_freed(&m, 123456789));
	assert_int_equal(pfn_map_set_freed(&m, 123456789, true), 0);
	assert_true(pfn_map_was_freed(&m, 123456789));
	assert_false(pfn_map_was_freed(&m, 123456788));
	assert_int_equal(pfn_map_set_freed(&m, 123456789, false), 0);
	assert_false(pfn_map_was_freed(&m, 123456789));
	pfn_map_destroy(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gfp_names_6x),
		cmocka_unit_test(test_gfp_unknown_and_numeric),
		cmocka_unit_test(test_gfp_format),
		cmocka_unit_test(test_perf_script_lines),
		cmocka_unit_test(test_trace_pipe_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_parse_ulong),
		cmocka_unit_test(test_reorder_restores_time_order),
		cmocka_unit_test(test_reorder_late_beyond_window),
		cmocka_unit_test(test_pfn_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
