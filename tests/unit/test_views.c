/* SPDX-License-Identifier: MIT */
/*
 * The kernel-format views, line by line.
 *
 * Layout: a checker re-prints each line with the kernel's own seq_printf
 * format strings and the values parsed out of it; the line must come back
 * byte for byte. The checker must accept every line of the real 6.18 files
 * in tests/golden/linux-6.18-proc/ (so it is the kernel's layout, not ours)
 * and reject a line off by one space (so it is not vacuous); then every line
 * of every view must pass it.
 *
 * Values: golden texts for a fresh 64M arena after a scripted sequence of
 * allocations (orders that bypass the per-CPU lists, so the result does not
 * depend on pcp sizing), worked out by hand from the buddy rules.
 */
#include "obs_util.h"

#include <ctype.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"

/* ------------------------------------------------------------ layout checker */

static bool is_number(const char *s, bool allow_sign)
{
	if (allow_sign && *s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == 0;
}

/* Split on single spaces into at most max tokens (empty tokens dropped). */
static int tokens(const char *line, char tok[][48], int max)
{
	int n = 0;
	const char *p = line;

	while (*p && n < max) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		int len = 0;
		while (p[len] && p[len] != ' ' && len < 47)
			len++;
		memcpy(tok[n], p, (size_t)len);
		tok[n][len] = 0;
		n++;
		p += len;
	}
	return n;
}

static bool reprints(const char *line, const char *expect)
{
	return strcmp(line, expect) == 0;
}

/* "Node %d, zone %8s " then "%6lu " per order. */
static bool buddyinfo_line_ok(const char *line)
{
	char tok[16][48], out[512];
	int n = tokens(line, tok, 16), pos;

	if (n != 4 + MAX_ORDER || strcmp(tok[0], "Node") || strcmp(tok[2], "zone"))
		return false;
	pos = snprintf(out, sizeof(out), "Node %d, zone %8s ", atoi(tok[1]), tok[3]);
	for (int o = 0; o < MAX_ORDER; o++) {
		if (!is_number(tok[4 + o], false))
			return false;
		pos += snprintf(out + pos, sizeof(out) - (size_t)pos, "%6lu ", strtoul(tok[4 + o], NULL, 10));
	}
	return reprints(line, out);
}

static bool pagetypeinfo_line_ok(const char *line)
{
	char tok[20][48], out[512];
	int n = tokens(line, tok, 20), pos;

	if (!*line)
		return true;
	if (!strncmp(line, "Page block order:", 17)) {
		snprintf(out, sizeof(out), "Page block order: %d", atoi(line + 17));
		return reprints(line, out);
	}
	if (!strncmp(line, "Pages per block:", 16)) {
		snprintf(out, sizeof(out), "Pages per block:  %lu", strtoul(line + 16, NULL, 10));
		return reprints(line, out);
	}
	if (!strncmp(line, "Free pages count", 16)) {
		pos = snprintf(out, sizeof(out), "%-43s ", "Free pages count per migrate type at order");
		for (int o = 0; o < MAX_ORDER; o++)
			pos += snprintf(out + pos, sizeof(out) - (size_t)pos, "%6d ", o);
		return reprints(line, out);
	}
	if (!strncmp(line, "Number of blocks type", 21)) {
		pos = snprintf(out, sizeof(out), "%-23s", "Number of blocks type ");
		for (int i = 4; i < n; i++)
			pos += snprintf(out + pos, sizeof(out) - (size_t)pos, "%12s ", tok[i]);
		return reprints(line, out);
	}
	if (n == 6 + MAX_ORDER && !strcmp(tok[0], "Node") && !strcmp(tok[4], "type")) {
		char zone[48];
		snprintf(zone, sizeof(zone), "%.*s", (int)strlen(tok[3]) - 1, tok[3]);
		pos = snprintf(out, sizeof(out), "Node %4d, zone %8s, type %12s ", atoi(tok[1]), zone, tok[5]);
		for (int o = 0; o < MAX_ORDER; o++) {
			const char *v = tok[6 + o];
			bool over = *v == '>';
			if (!is_number(v + over, false))
				return false;
			pos += snprintf(out + pos, sizeof(out) - (size_t)pos, "%s%6lu ", over ? ">" : "",
					strtoul(v + over, NULL, 10));
		}
		return reprints(line, out);
	}
	if (n >= 5 && !strcmp(tok[0], "Node") && !strcmp(tok[2], "zone")) {
		pos = snprintf(out, sizeof(out), "Node %d, zone %8s ", atoi(tok[1]), tok[3]);
		for (int i = 4; i < n; i++) {
			if (!is_number(tok[i], false))
				return false;
			pos += snprintf(out + pos, sizeof(out) - (size_t)pos, "%12lu ", strtoul(tok[i], NULL, 10));
		}
		return reprints(line, out);
	}
	return false;
}

/* zoneinfo lines that are a fixed prefix and one number. */
static const char *const zoneinfo_number_prefixes[] = {
	"  pages free     ", "        boost    ", "        min      ", "        low      ",
	"        high     ", "        promo    ", "        spanned  ", "        present  ",
	"        managed  ", "        cma      ", "    cpu: ", "              count:    ",
	"              high:     ", "              batch:    ", "              high_min: ",
	"              high_max: ", "  vm stats threshold: ", "  node_unreclaimable:  ",
	"  start_pfn:           ",
};

static bool zoneinfo_line_ok(const char *line)
{
	char out[512];
	int pos;

	if (!strcmp(line, "  per-node stats") || !strcmp(line, "  pagesets"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(zoneinfo_number_prefixes); i++) {
		const char *p = zoneinfo_number_prefixes[i];
		size_t len = strlen(p);
		if (strncmp(line, p, len) || !is_number(line + len, true))
			continue;
		snprintf(out, sizeof(out), "%s%ld", p, strtol(line + len, NULL, 10));
		return reprints(line, out);
	}
	if (!strncmp(line, "Node ", 5)) {
		char tok[4][48];
		if (tokens(line, tok, 4) != 4)
			return false;
		snprintf(out, sizeof(out), "Node %d, zone %8s", atoi(tok[1]), tok[3]);
		return reprints(line, out);
	}
	if (!strncmp(line, "        protection: (", 21)) {
		const char *p = line + 21;
		char *end;
		pos = snprintf(out, sizeof(out), "        protection: (%ld", strtol(p, &end, 10));
		while (*end == ',') {
			p = end + 2;
			pos += snprintf(out + pos, sizeof(out) - (size_t)pos, ", %ld", strtol(p, &end, 10));
		}
		snprintf(out + pos, sizeof(out) - (size_t)pos, ")");
		return reprints(line, out);
	}
	if (!strncmp(line, "      ", 6) && line[6] != ' ') {
		char tok[3][48];
		if (tokens(line, tok, 3) != 2 || !is_number(tok[1], false))
			return false;
		snprintf(out, sizeof(out), "      %-12s %lu", tok[0], strtoul(tok[1], NULL, 10));
		return reprints(line, out);
	}
	return false;
}

static bool vmstat_line_ok(const char *line)
{
	char tok[3][48], out[128];

	if (tokens(line, tok, 3) != 2 || !is_number(tok[1], false))
		return false;
	for (const char *p = tok[0]; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			return false;
	snprintf(out, sizeof(out), "%s %lu", tok[0], strtoul(tok[1], NULL, 10));
	return reprints(line, out);
}

/* "Node %d, zone %8s " then a "%d.%03d " (extfrag: "%2d.%03d ") per order. */
static bool index_line_ok(const char *line, bool extfrag)
{
	char tok[16][48], out[512];
	int n = tokens(line, tok, 16), pos;

	if (n != 4 + MAX_ORDER || strcmp(tok[0], "Node"))
		return false;
	pos = snprintf(out, sizeof(out), "Node %d, zone %8s ", atoi(tok[1]), tok[3]);
	for (int o = 0; o < MAX_ORDER; o++) {
		int whole, frac;
		if (sscanf(tok[4 + o], "%d.%3d", &whole, &frac) != 2)
			return false;
		pos += snprintf(out + pos, sizeof(out) - (size_t)pos, extfrag ? "%2d.%03d " : "%d.%03d ", whole,
				frac);
	}
	return reprints(line, out);
}

static bool line_ok(const char *view, const char *line)
{
	if (!strcmp(view, "buddyinfo"))
		return buddyinfo_line_ok(line);
	if (!strcmp(view, "pagetypeinfo"))
		return pagetypeinfo_line_ok(line);
	if (!strcmp(view, "zoneinfo"))
		return zoneinfo_line_ok(line);
	if (!strcmp(view, "vmstat"))
		return vmstat_line_ok(line);
	if (!strcmp(view, "extfrag_index"))
		return index_line_ok(line, true);
	return index_line_ok(line, false);
}

static void assert_all_lines_ok(const char *view, char *text)
{
	char **lines;
	int n = split_lines(text, &lines);

	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		if (!line_ok(view, lines[i]))
			fail_msg("%s line %d not in the kernel's format: \"%s\"", view, i + 1, lines[i]);
	free(lines);
}

static const char *const kernel_files[] = { "buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat" };

static void test_checker_accepts_every_reference_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_files); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", BUDDY_REFERENCE_DIR, kernel_files[i]);
		char *text = read_text_file(path);
		assert_all_lines_ok(kernel_files[i], text);
		free(text);
	}
}

static void test_checker_rejects_misaligned_lines(void **state)
{
	(void)state;
	assert_true(buddyinfo_line_ok("Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 "));
	assert_false(buddyinfo_line_ok("Node 0, zone     DMA      0      0      0      0      0      0      0      0      1      1      3 "));
	assert_false(buddyinfo_line_ok("Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3"));
	assert_false(zoneinfo_line_ok("        min     62"));
	assert_false(zoneinfo_line_ok("      nr_mapped 2694"));
	assert_false(pagetypeinfo_line_ok("Pages per block: 512"));
	assert_false(index_line_ok("Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 ", true));
	assert_false(vmstat_line_ok("nr_free_pages  800325"));
}

static void test_every_view_line_in_kernel_format(void **state)
{
	static const char *const views[] = { "buddyinfo", "pagetypeinfo", "zoneinfo",
					     "vmstat", "extfrag_index", "unusable_index" };
	(void)state;
	test_init(CONF ",numa_fake:2");
	struct page *p = alloc_pages(GFP_KERNEL, 3), *q = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	assert_non_null(p);
	assert_non_null(q);
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		char *text = view_text(views[i]);
		assert_all_lines_ok(views[i], text);
		free(text);
	}
	__free_pages(p, 3);
	__free_page(q);
	test_check_and_exit();
}

/* ------------------------------------------------------------ golden values */

/*
 * Fresh arena, one node: DMA 1024 pages (one order-10 block), DMA32 4096
 * (four), Normal 11264 (eleven), every pageblock MOVABLE. Then:
 *   a: movable order 4 in Normal - splits one order-10 block: one free block
 *      each of orders 4..9, all MOVABLE;
 *   b: unmovable order 4 in Normal - no UNMOVABLE block, so the fallback
 *      takes the largest MOVABLE block (order 10), retypes both its
 *      pageblocks UNMOVABLE and splits it: orders 4..9 once more, UNMOVABLE;
 *   c: GFP_DMA32 (unmovable) order 6 in DMA32 - the same, orders 6..9;
 *   d: movable order 10 in Normal - takes a whole block;
 *   e: GFP_DMA order 8 in DMA: splits the only block, orders 8, 9 free.
 * a is then freed and merges back up to order 10.
 */
static struct page *golden_b, *golden_c, *golden_d, *golden_e;

static void golden_state(void)
{
	test_init(CONF);
	struct page *a = alloc_pages(GFP_HIGHUSER_MOVABLE, 4);
	golden_b = alloc_pages(GFP_KERNEL, 4);
	golden_c = alloc_pages(GFP_DMA32, 6);
	golden_d = alloc_pages(GFP_HIGHUSER_MOVABLE, 10);
	golden_e = alloc_pages(GFP_DMA, 8);
	assert_non_null(a);
	assert_non_null(golden_b);
	assert_non_null(golden_c);
	assert_non_null(golden_d);
	assert_non_null(golden_e);
	__free_pages(a, 4);
	buddy_drain_all_pages();
}

static void golden_release(void)
{
	__free_pages(golden_b, 4);
	__free_pages(golden_c, 6);
	__free_pages(golden_d, 10);
	__free_pages(golden_e, 8);
	test_check_and_exit();
}

static void assert_view_equals(const char *view, const char *expect)
{
	char *text = view_text(view);

	if (strcmp(text, expect))
		fail_msg("%s:\n--- got\n%s--- expected\n%s", view, text, expect);
	free(text);
}

static void test_buddyinfo_golden(void **state)
{
	(void)state;
	golden_state();
	assert_view_equals("buddyinfo",
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 \n"
		"Node 0, zone    DMA32      0      0      0      0      0      0      1      1      1      1      3 \n"
		"Node 0, zone   Normal      0      0      0      0      1      1      1      1      1      1      9 \n");
	golden_release();
}

static void test_pagetypeinfo_golden(void **state)
{
	(void)state;
	golden_state();
	assert_view_equals("pagetypeinfo",
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      1      1      0 \n"
		"Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone    DMA32, type    Unmovable      0      0      0      0      0      0      1      1      1      1      0 \n"
		"Node    0, zone    DMA32, type      Movable      0      0      0      0      0      0      0      0      0      0      3 \n"
		"Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone    DMA32, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone    DMA32, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type    Unmovable      0      0      0      0      1      1      1      1      1      1      0 \n"
		"Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0      9 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
		"Node 0, zone      DMA            2            0            0            0            0 \n"
		"Node 0, zone    DMA32            2            6            0            0            0 \n"
		"Node 0, zone   Normal            2           20            0            0            0 \n");
	golden_release();
}

/*
 * Normal: 10224 free pages, blocks of orders 4..9 and nine of order 10 (15
 * blocks). DMA: 768 free in an order-8 and an order-9 block. DMA32: 4032.
 */
static void test_extfrag_and_unusable_golden(void **state)
{
	(void)state;
	golden_state();
	/* A block of every order is free, except order 10 in DMA: 1000 - (1000 + 768000/1024)/2 = 125. */
	assert_view_equals("extfrag_index",
		"Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.125 \n"
		"Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n"
		"Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n");
	/*
	 * Unusable at order o: pages in blocks below o over free pages. Normal:
	 * below order 5 lie 16 pages (16000/10224 = 1), below 6: 48 (4), 7: 112
	 * (10), 8: 240 (23), 9: 496 (48), 10: 1008 (98). DMA32 (4032 free):
	 * below 7: 64 (15), 8: 192 (47), 9: 448 (111), 10: 960 (238).
	 * DMA (768 free): below 9: 256 (333), 10: 768 (1000).
	 */
	assert_view_equals("unusable_index",
		"Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.333 1.000 \n"
		"Node 0, zone    DMA32 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.015 0.047 0.111 0.238 \n"
		"Node 0, zone   Normal 0.000 0.000 0.000 0.000 0.000 0.001 0.004 0.010 0.023 0.048 0.098 \n");
	golden_release();
}

/* ------------------------------------------------------------ zoneinfo */

/* The lines after a zone's header up to the next zone, each number replaced by one '#'. */
static int zone_shape(char **lines, int n, int from, char shape[][64], int max)
{
	int k = 0;

	for (int i = from + 1; i < n && k < max; i++) {
		if (!strncmp(lines[i], "Node ", 5))
			break;
		snprintf(shape[k], 64, "%s", lines[i]);
		for (char *p = shape[k]; *p; p++)
			if (isdigit((unsigned char)*p))
				*p = '#';
		/* Collapse runs of '#', so widths of values do not matter. */
		char *w = shape[k];
		for (char *r = shape[k]; *r; r++)
			if (!(*r == '#' && w > shape[k] && w[-1] == '#'))
				*w++ = *r;
		*w = 0;
		k++;
	}
	return k;
}

static int find_line(char **lines, int n, const char *line)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(lines[i], line))
			return i;
	fail_msg("no line \"%s\"", line);
	return -1;
}

/*
 * Our Normal zone has the kernel's DMA32 zone's lines in the kernel's order
 * (the reference machine has 2 CPUs; the per-CPU block is expanded to ours),
 * the first populated zone carries the per-node block, and empty zones stop
 * after protection.
 */
static void test_zoneinfo_layout_matches_reference(void **state)
{
	static char ref_shape[256][64], our_shape[512][64], expect[512][64];
	char **ref, **ours;
	char path[512];
	(void)state;

	snprintf(path, sizeof(path), "%s/zoneinfo", BUDDY_REFERENCE_DIR);
	char *ref_text = read_text_file(path);
	int nref = split_lines(ref_text, &ref);
	int ref_len = zone_shape(ref, nref, find_line(ref, nref, "Node 0, zone    DMA32"), ref_shape, 256);

	/* Expand the reference's per-CPU block (lines from "cpu: 0" to before "cpu: 1") for our CPUs. */
	int cpu0 = -1, cpu1 = -1, k = 0;
	for (int i = 0; i < ref_len; i++) {
		if (!strcmp(ref_shape[i], "    cpu: #"))
			cpu0 < 0 ? (cpu0 = i) : (cpu1 = i);
	}
	assert_true(cpu0 > 0 && cpu1 > cpu0);
	int block = cpu1 - cpu0;
	test_init(CONF);
	for (int i = 0; i < cpu0; i++)
		memcpy(expect[k++], ref_shape[i], 64);
	for (int c = 0; c < test_nr_cpus(); c++)
		for (int i = 0; i < block; i++)
			memcpy(expect[k++], ref_shape[cpu0 + i], 64);
	for (int i = cpu0 + 2 * block; i < ref_len; i++)
		memcpy(expect[k++], ref_shape[i], 64);

	char *text = view_text("zoneinfo");
	int n = split_lines(text, &ours);
	int our_len = zone_shape(ours, n, find_line(ours, n, "Node 0, zone   Normal"), our_shape, 512);
	assert_int_equal(our_len, k);
	for (int i = 0; i < k; i++)
		if (strcmp(our_shape[i], expect[i]))
			fail_msg("zoneinfo Normal line %d: \"%s\", the kernel has \"%s\"", i, our_shape[i], expect[i]);

	/* The per-node block: the first populated zone, the kernel's names in order. */
	int ref_dma = find_line(ref, nref, "Node 0, zone      DMA"), our_dma = find_line(ours, n, "Node 0, zone      DMA");
	assert_string_equal(ours[our_dma + 1], "  per-node stats");
	for (int i = 1; strncmp(ref[ref_dma + i], "  pages free", 12); i++) {
		char rname[64], oname[64];
		sscanf(ref[ref_dma + i], "%63s", rname);
		sscanf(ours[our_dma + i], "%63s", oname);
		assert_string_equal(oname, rname);
	}
	/* An empty zone ends after protection, as the kernel's Movable does. */
	int mov = find_line(ours, n, "Node 0, zone  Movable");
	assert_string_equal(ours[mov + 11], "        protection: (0, 0, 0, 0, 0)");
	assert_int_equal(mov + 12, n);
	free(text);
	free(ours);
	free(ref_text);
	free(ref);
	test_check_and_exit();
}

static unsigned long zoneinfo_value(char **lines, int n, int zone_line, const char *prefix)
{
	size_t len = strlen(prefix);

	for (int i = zone_line + 1; i < n && strncmp(lines[i], "Node ", 5); i++)
		if (!strncmp(lines[i], prefix, len))
			return strtoul(lines[i] + len, NULL, 10);
	fail_msg("no \"%s\" line", prefix);
	return 0;
}

/* The numbers are the allocator's state: free pages, marks, reserves, pcp, counters. */
static void test_zoneinfo_values_are_real_state(void **state)
{
	char **lines;
	char expect[128];
	(void)state;

	golden_state();
	int cpu = pin_to_one_cpu();
	struct page *p = alloc_page(GFP_KERNEL);	/* one pcp refill on our CPU */
	assert_non_null(p);
	struct zone *normal = zone_of(0, ZONE_NORMAL);
	char *text = view_text("zoneinfo");
	int n = split_lines(text, &lines);
	int z = find_line(lines, n, "Node 0, zone   Normal");

	assert_int_equal(zoneinfo_value(lines, n, z, "  pages free     "), zone_page_state(normal, NR_FREE_PAGES));
	assert_int_equal(zoneinfo_value(lines, n, z, "        min      "), wmark_pages(normal, WMARK_MIN));
	assert_int_equal(zoneinfo_value(lines, n, z, "        low      "), wmark_pages(normal, WMARK_LOW));
	assert_int_equal(zoneinfo_value(lines, n, z, "        high     "), wmark_pages(normal, WMARK_HIGH));
	assert_int_equal(zoneinfo_value(lines, n, z, "        spanned  "), 11264);
	assert_int_equal(zoneinfo_value(lines, n, z, "        present  "), 11264);
	assert_int_equal(zoneinfo_value(lines, n, z, "        managed  "), 11264);
	assert_int_equal(zoneinfo_value(lines, n, z, "  start_pfn:           "), 5120);
	/* Blocks of order >= 9 still free: eight of order 10 and one of order 9, minus what the refill took. */
	assert_int_equal(zoneinfo_value(lines, n, z, "      nr_free_pages_blocks "), zone_free_pages_blocks(normal));
	/* a, b, d and the page above were served by Normal, all on the preferred node. */
	assert_int_equal(zoneinfo_value(lines, n, z, "      numa_hit     "), 4);
	assert_int_equal(zoneinfo_value(lines, n, z, "      numa_local   "), 4);
	assert_int_equal(zoneinfo_value(lines, n, z, "      numa_miss    "), 0);
	snprintf(expect, sizeof(expect), "        protection: (%ld, %ld, %ld, %ld, %ld)", test_zone_lowmem_reserve(normal, 0),
		 test_zone_lowmem_reserve(normal, 1), test_zone_lowmem_reserve(normal, 2), test_zone_lowmem_reserve(normal, 3),
		 test_zone_lowmem_reserve(normal, 4));
	find_line(lines, n, expect);

	/* Our CPU's pageset holds the refill minus the page handed out. */
	char cpu_line[32];
	snprintf(cpu_line, sizeof(cpu_line), "    cpu: %d", cpu);
	int c = z;
	while (strcmp(lines[c], cpu_line))
		c++;
	snprintf(expect, sizeof(expect), "              count:    %d", test_pcp_count(normal, cpu));
	assert_string_equal(lines[c + 1], expect);
	assert_true(test_pcp_count(normal, cpu) == test_pcp_batch(normal, cpu) - 1 || test_pcp_batch(normal, cpu) == 1);
	snprintf(expect, sizeof(expect), "              high:     %d", test_pcp_high(normal, cpu));
	assert_string_equal(lines[c + 2], expect);
	snprintf(expect, sizeof(expect), "              batch:    %d", test_pcp_batch(normal, cpu));
	assert_string_equal(lines[c + 3], expect);
	free(text);
	free(lines);
	__free_page(p);
	golden_release();
}

/* ------------------------------------------------------------ vmstat, API */

/* Every kernel name we print is in the reference /proc/vmstat, in the same order. */
static void test_vmstat_names_and_order_are_the_kernels(void **state)
{
	char path[512], **ref, **ours;
	(void)state;

	snprintf(path, sizeof(path), "%s/vmstat", BUDDY_REFERENCE_DIR);
	char *ref_text = read_text_file(path);
	int nref = split_lines(ref_text, &ref);
	test_init(CONF);
	char *text = view_text("vmstat");
	int n = split_lines(text, &ours);
	int at = 0, kernel_names = 0;

	for (int i = 0; i < n; i++) {
		char name[64];
		sscanf(ours[i], "%63s", name);
		if (!strncmp(name, "buddy_", 6))
			continue;	/* libbuddy's own, documented */
		/* The reference kernel has no CONFIG_HIGHMEM; ours always has the zone. */
		if (!strcmp(name, "pgalloc_high") || !strcmp(name, "allocstall_high"))
			continue;
		int j = at;
		while (j < nref && (strncmp(ref[j], name, strlen(name)) || ref[j][strlen(name)] != ' '))
			j++;
		if (j == nref)
			fail_msg("\"%s\" is not in the kernel's vmstat after line %d", name, at + 1);
		at = j + 1;
		kernel_names++;
	}
	assert_true(kernel_names >= 40);
	free(text);
	free(ours);
	free(ref_text);
	free(ref);
	test_check_and_exit();
}

static void test_dump_to_and_unknown_view(void **state)
{
	struct strbuf b = { 0 };
	(void)state;

	test_init(CONF);
	strbuf_write(&b, "");
	assert_int_equal(buddy_dump_to(strbuf_write, &b, "no_such_view"), -EINVAL);
	assert_int_equal(buddy_dump_to(NULL, &b, "buddyinfo"), -EINVAL);
	assert_int_equal(buddy_dump_to(strbuf_write, &b, NULL), -EINVAL);
	assert_int_equal(b.len, 0);
	/* buddy_dump to a FILE writes what buddy_dump_to hands the callback. */
	FILE *f = tmpfile();
	assert_int_equal(buddy_dump(f, "zoneinfo"), 0);
	long len = ftell(f);
	char *text = view_text("zoneinfo");
	assert_int_equal(len, (long)strlen(text));
	fclose(f);
	free(text);
	free(b.s);
	test_check_and_exit();
}

/*
 * A write that fails is an error, not a 0: /dev/full takes nothing. A short
 * view fails only at the flush, zoneinfo already while writing.
 */
static void test_dump_reports_write_failure(void **state)
{
	(void)state;
	test_init(CONF);
	static const char *const views[] = { "buddyinfo", "zoneinfo", "vmstat", "pagetypeinfo" };

	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		FILE *full = fopen("/dev/full", "w");
		assert_non_null(full);
		assert_int_equal(buddy_dump(full, views[i]), -EIO);
		fclose(full);
	}
	/* An unknown view is still -EINVAL, whatever the stream. */
	FILE *full = fopen("/dev/full", "w");
	assert_non_null(full);
	assert_int_equal(buddy_dump(full, "no_such_view"), -EINVAL);
	fclose(full);
	/* And a working stream is still 0. */
	FILE *f = tmpfile();
	assert_int_equal(buddy_dump(f, "buddyinfo"), 0);
	assert_true(ftell(f) > 0);
	fclose(f);
	test_check_and_exit();
}

/* With a CMA area the kernel's CMA type appears between HighAtomic and Isolate. */
static void test_pagetypeinfo_shows_cma_only_when_configured(void **state)
{
	(void)state;
	test_init(CONF ",cma:4M");
	char *text = view_text("pagetypeinfo");
	assert_non_null(strstr(text, "Node    0, zone   Normal, type          CMA "));
	assert_non_null(strstr(text, "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n"));
	free(text);
	test_check_and_exit();
	test_init(CONF);
	text = view_text("pagetypeinfo");
	assert_null(strstr(text, "CMA"));
	free(text);
	test_check_and_exit();
}

/* ------------------------------------------------------------ stats_print */

static void test_stats_print_at_exit(void **state)
{
	(void)state;
	test_init(CONF ",stats_print:buddyinfo/vmstat+nonsense");
	char *expect_buddy = view_text("buddyinfo");
	stderr_capture_begin();
	dump_stats_at_exit();
	char *out = stderr_capture_end();
	assert_true(!strncmp(out, expect_buddy, strlen(expect_buddy)));
	assert_non_null(strstr(out, "\nnr_free_pages "));
	assert_non_null(strstr(out, "\nbuddy_pcp_drain "));
	assert_non_null(strstr(out, "libbuddy: stats_print: unknown view \"nonsense\"\n"));
	assert_null(strstr(out, "Page block order"));
	free(out);
	free(expect_buddy);
	test_check_and_exit();

	/* "all" prints every view. */
	test_init(CONF ",stats_print:all");
	stderr_capture_begin();
	dump_stats_at_exit();
	out = stderr_capture_end();
	assert_non_null(strstr(out, "Page block order: 9\n"));
	assert_non_null(strstr(out, "  pagesets\n"));
	assert_non_null(strstr(out, "\npgfree "));
	assert_non_null(strstr(out, "Node 0, zone   Normal -1.000"));
	assert_non_null(strstr(out, "Node 0, zone   Normal 0.000"));
	free(out);
	test_check_and_exit();
}

/* summary: buddyinfo and pagetypeinfo whole, then only the vmstat lines that are not 0. */
static void test_summary_view_keeps_counters_that_moved(void **state)
{
	(void)state;
	test_init(CONF);
	struct page *p = alloc_pages(GFP_KERNEL, 2);
	assert_non_null(p);
	char *buddyinfo = view_text("buddyinfo");
	char *summary = view_text("summary");
	char *vmstat = strstr(summary, "== vmstat (counters that are not 0)\n");
	assert_true(!strncmp(summary, "== buddyinfo\n", 13));
	assert_non_null(strstr(summary, buddyinfo));
	assert_non_null(strstr(summary, "== pagetypeinfo\nPage block order: 9\n"));
	assert_non_null(vmstat);
	assert_non_null(strstr(vmstat, "\npgalloc_normal "));	   /* moved */
	assert_null(strstr(vmstat, "\ncompact_stall "));	   /* 0 here */
	for (char *line = strchr(vmstat, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		char *end = strchr(line, '\n');
		assert_non_null(end);
		assert_false(end - line >= 2 && !strncmp(end - 2, " 0", 2));
	}
	free(summary);
	free(buddyinfo);
	__free_pages(p, 2);
	test_check_and_exit();

	/* not part of "all", which would print everything twice */
	test_init(CONF ",stats_print:all");
	stderr_capture_begin();
	dump_stats_at_exit();
	char *out = stderr_capture_end();
	assert_null(strstr(out, "== buddyinfo"));
	free(out);
	test_check_and_exit();
}

/* The real thing: a child process configured by BUDDY_CONF exits without buddy_exit(). */
static void test_stats_print_in_child_process(void **state)
{
	char path[] = "/tmp/buddy_stats_XXXXXX";
	int fd = mkstemp(path), status;
	(void)state;

	assert_true(fd >= 0);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, STDERR_FILENO);
		setenv("BUDDY_CONF", CONF ",stats_print:unusable_index", 1);
		struct page *p = alloc_page(GFP_KERNEL);	/* lazy init from BUDDY_CONF */
		exit(p ? 0 : 1);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char *out = read_text_file(path);
	unlink(path);
	assert_non_null(strstr(out, "Node 0, zone      DMA 0.000 "));
	assert_non_null(strstr(out, "Node 0, zone   Normal 0.000 "));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_accepts_every_reference_line),
		cmocka_unit_test(test_checker_rejects_misaligned_lines),
		cmocka_unit_test(test_every_view_line_in_kernel_format),
		cmocka_unit_test(test_buddyinfo_golden),
		cmocka_unit_test(test_pagetypeinfo_golden),
		cmocka_unit_test(test_extfrag_and_unusable_golden),
		cmocka_unit_test(test_zoneinfo_layout_matches_reference),
		cmocka_unit_test(test_zoneinfo_values_are_real_state),
		cmocka_unit_test(test_vmstat_names_and_order_are_the_kernels),
		cmocka_unit_test(test_dump_to_and_unknown_view),
		cmocka_unit_test(test_dump_reports_write_failure),
		cmocka_unit_test(test_pagetypeinfo_shows_cma_only_when_configured),
		cmocka_unit_test(test_summary_view_keeps_counters_that_moved),
		cmocka_unit_test(test_stats_print_at_exit),
		cmocka_unit_test(test_stats_print_in_child_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
