/* SPDX-License-Identifier: MIT */
/*
 * The USDT probes are in the shared library: `readelf -n libbuddy.so` lists
 * a stapsdt note for each kmem tracepoint, provider "buddy", with the
 * kernel's argument count. The path of the built library comes from CMake
 * (BUDDY_SO_PATH).
 */
#include "obs_util.h"

#include "internal.h"
#include "trace.h"

struct probe {
	const char *name;
	int nargs;
};

static const struct probe probes[] = {
	{ "mm_page_alloc", 4 },		    { "mm_page_free", 2 },
	{ "mm_page_alloc_zone_locked", 4 }, { "mm_page_pcpu_drain", 3 },
	{ "mm_page_alloc_extfrag", 6 },	    { "mm_compaction_begin", 5 },
	{ "mm_compaction_end", 6 },	    { "mm_compaction_migratepages", 2 },
	{ "mm_compaction_defer_compaction", 6 }, { "mm_migrate_pages", 7 },
	/* the slow path's loop and the OOM step (src/trace_oom.h) */
	{ "reclaim_retry_zone", 8 },	    { "compact_retry", 6 },
	{ "oom", 4 },			    { "nofail_wait", 3 },
};

static char *readelf_notes(void)
{
	struct strbuf b = { 0 };
	char line[512];
	FILE *p = popen("readelf -n '" BUDDY_SO_PATH "' 2>&1", "r");

	assert_non_null(p);
	strbuf_write(&b, "");
	while (fgets(line, sizeof(line), p))
		strbuf_write(&b, line);
	int rc = pclose(p);
	if (rc != 0 && strstr(b.s, "not found"))
		skip();	/* no binutils on this machine */
	assert_int_equal(rc, 0);
	return b.s;
}

/* Count the arguments in a "Arguments: 8@%rax -4@%ebx ..." line. */
static int count_args(const char *line)
{
	int n = 0;

	for (const char *p = strchr(line, ':') + 1; *p && *p != '\n'; p++)
		if (*p == '@')
			n++;
	return n;
}

/*
 * Reclaim's (src/trace_vmscan.h), with the kernel's field counts. The
 * direct-reclaim pair (mm_vmscan_direct_reclaim_begin 2, _end 1) is in the
 * library only where the slow path calls try_to_free_pages.
 */
static const struct probe vmscan_probes[] = {
	{ "mm_vmscan_kswapd_wake", 3 }, { "mm_vmscan_wakeup_kswapd", 4 },
	{ "mm_shrink_slab_start", 9 },	{ "mm_shrink_slab_end", 7 },
	/* in libbuddy.so since the slow path calls try_to_free_pages */
	{ "mm_vmscan_direct_reclaim_begin", 2 }, { "mm_vmscan_direct_reclaim_end", 1 },
};

static void check_probes(const char *notes, const struct probe *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char want[128];
		snprintf(want, sizeof(want), "Provider: buddy\n    Name: %s\n", list[i].name);
		const char *at = strstr(notes, want);
		if (!at)
			fail_msg("no stapsdt note for buddy:%s", list[i].name);
		const char *args = strstr(at, "Arguments:");
		assert_non_null(args);
		assert_int_equal(count_args(args), list[i].nargs);
	}
}

static void test_readelf_lists_every_probe(void **state)
{
	(void)state;
#ifndef BUDDY_HAVE_SDT
	skip();	/* built without <sys/sdt.h>: the probes compile to nothing */
#endif
	char *notes = readelf_notes();
	check_probes(notes, probes, ARRAY_SIZE(probes));
	check_probes(notes, vmscan_probes, ARRAY_SIZE(vmscan_probes));
	free(notes);
}

/* Firing every probe with no tracer attached is harmless: a scripted run stays consistent. */
static void test_probe_sites_run_untraced(void **state)
{
	static struct page *pages[20000];
	int n = 0;
	(void)state;

	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	while (n < (int)ARRAY_SIZE(pages) && (pages[n] = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN)))
		n++;
	for (int i = 0; i < n; i += 2)
		__free_page(pages[i]);
	buddy_drain_all_pages();			/* mm_page_pcpu_drain */
	struct page *u = alloc_page(GFP_KERNEL);	/* mm_page_alloc_extfrag, _zone_locked */
	assert_non_null(u);
	__free_page(u);					/* mm_page_free */
	for (int i = 1; i < n; i += 2)
		__free_page(pages[i]);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readelf_lists_every_probe),
		cmocka_unit_test(test_probe_sites_run_untraced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
