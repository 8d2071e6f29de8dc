/* SPDX-License-Identifier: MIT */
/*
 * Configuration: one table of named options, each with where it is kept in
 * struct buddy_settings, its struct buddy_config field, default, range and
 * meaning. Settings start at the defaults, then take the struct's fields, then
 * BUDDY_CONF or the struct's conf ("key:value,key:value", like jemalloc's
 * MALLOC_CONF). Unknown keys and malformed values are errors that name the key.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum opt_type {
	OPT_SIZE, /* size_t; a number with an optional K/M/G/T suffix */
	OPT_INT,  /* int */
	OPT_WORD, /* int, spelt as one of the entry's words */
	OPT_TEXT, /* a list or a string, read by the entry's parse function */
};

/* How a struct buddy_config field reaches its key. */
enum field_type {
	FIELD_NONE,	 /* the key has no field */
	FIELD_SIZE,	 /* size_t, 0 = default */
	FIELD_ZONE_SIZE, /* size_t, 0 = default, BUDDY_ZONE_EMPTY = 0 bytes */
	FIELD_INT,	 /* int, 0 = default; for OPT_WORD the word's number */
	FIELD_TEXT,	 /* const char *, NULL = default */
};

struct option_word {
	const char *word;
	int value;
};

struct option_desc;
typedef int(option_parse_fn)(const struct option_desc *o, const char *v, size_t len,
			     struct buddy_settings *s);

struct option_desc {
	const char *key;
	enum opt_type type;
	size_t offset;	      /* of the value in struct buddy_settings */
	long long def;	      /* OPT_SIZE, OPT_INT, OPT_WORD */
	const char *def_text; /* OPT_TEXT: parsed like a value; NULL = all zero */
	/*
	 * The range of the value; for OPT_TEXT, of each number in the list
	 * (lowmem_reserve_ratio) or of the string's length (stats_print), while
	 * numa_distance checks its matrix itself. zero_ok: 0 is allowed too.
	 */
	long long min, max;
	bool zero_ok;
	const struct option_word *words; /* OPT_WORD, ended by a NULL word */
	option_parse_fn *parse;		 /* OPT_TEXT */
	enum field_type field;
	size_t field_offset; /* in struct buddy_config */
	const char *meaning;
};

/*
 * The largest size any key takes (64 TiB). It keeps every size far below
 * SIZE_MAX, so rounding one up to a pageblock (arena.c, cma.c) cannot wrap.
 */
#define OPT_SIZE_MAX (1LL << 46)
_Static_assert(OPT_SIZE_MAX < (long long)(SIZE_MAX / 2), "size rounding cannot overflow");
_Static_assert(BUDDY_HUGEPAGES_THP == ARENA_PAGES_THP && BUDDY_HUGEPAGES_HUGETLB == ARENA_PAGES_HUGETLB &&
		       BUDDY_HUGEPAGES_OFF == ARENA_PAGES_4K,
	       "buddy.h spells the hugepages values as config.c stores them");

static option_parse_fn parse_distance, parse_ratios, parse_string, parse_fault_attr, parse_core,
	parse_numa_fake;

static const struct option_word on_off_auto[] = {{"on", 1}, {"off", -1}, {"auto", 0}, {NULL, 0}};
static const struct option_word hugepages_words[] = {
	{"off", ARENA_PAGES_4K},
	{"thp", ARENA_PAGES_THP},
	{"hugetlb", ARENA_PAGES_HUGETLB},
	{NULL, 0},
};
static const struct option_word on_off[] = {{"on", 1}, {"off", -1}, {NULL, 0}};
static const struct option_word advice_words[] = {
	{"dontneed", BUDDY_PAGE_REPORTING_DONTNEED},
	{"free", BUDDY_PAGE_REPORTING_FREE},
	{NULL, 0},
};
static const struct option_word fault_flag_words[] = {
	{"on", 1}, {"off", 0}, {"1", 1}, {"0", 0}, {"Y", 1}, {"N", 0}, {NULL, 0},
};
static const struct option_word on_off_bool[] = {{"on", 1}, {"off", 0}, {NULL, 0}};
static const struct option_word pcp_lock_words[] = {
	{"rseq", 1},
	{"atomic", -1},
	{"auto", 0},
	{NULL, 0},
};

#define member_size(type, member) sizeof(((type *)0)->member)
#define SETTING(member)		  .offset = offsetof(struct buddy_settings, member)
#define FIELD(member, type)	  .field = (type), .field_offset = offsetof(struct buddy_config, member)
#define ZONE_LIMIT(member, def_bytes, what)                                                                  \
	{                                                                                                    \
		.key = #member, .type = OPT_SIZE, SETTING(member), .def = (def_bytes), .min = 0,             \
		.max = OPT_SIZE_MAX, FIELD(member, FIELD_ZONE_SIZE), .meaning = what                         \
	}

/*
 * Every setting: its BUDDY_CONF key (and the struct buddy_config field of the
 * same name), where it is kept, its default and range. Keys, fields and the
 * run-time setters (buddy_setting_check) all meet the same range here.
 */
static const struct option_desc options[] = {
	{.key = "arena_size",
	 .type = OPT_SIZE,
	 SETTING(arena_size),
	 .def = 1LL << 30,
	 .min = 4LL << 20,
	 .max = OPT_SIZE_MAX,
	 FIELD(arena_size, FIELD_SIZE),
	 .meaning = "whole reservation, split evenly across nodes"},
	ZONE_LIMIT(dma_limit, 16LL << 20, "ZONE_DMA is the arena below this address (0: no ZONE_DMA)"),
	ZONE_LIMIT(dma32_limit, 4LL << 30, "ZONE_DMA32 ends at this address (0: no ZONE_DMA32)"),
	{.key = "highmem_start",
	 .type = OPT_SIZE,
	 SETTING(highmem_start),
	 .min = 0,
	 .max = OPT_SIZE_MAX,
	 FIELD(highmem_start, FIELD_SIZE),
	 .meaning = "ZONE_HIGHMEM from this address up, 32-bit style (0: no ZONE_HIGHMEM)"},
	{.key = "kernelcore",
	 .type = OPT_TEXT,
	 SETTING(kernelcore),
	 .parse = parse_core,
	 FIELD(kernelcore, FIELD_TEXT),
	 .meaning = "memory not in ZONE_MOVABLE: a size or N% (the kernel's kernelcore=)"},
	{.key = "movablecore",
	 .type = OPT_TEXT,
	 SETTING(movablecore),
	 .parse = parse_core,
	 FIELD(movablecore, FIELD_TEXT),
	 .meaning = "memory for ZONE_MOVABLE: a size or N% (the kernel's movablecore=)"},
	{.key = "numa_fake",
	 .type = OPT_TEXT,
	 SETTING(numa_fake),
	 .parse = parse_numa_fake,
	 .min = 0,
	 .max = MAX_NUMNODES,
	 FIELD(numa_fake, FIELD_INT),
	 .meaning = "N equal fake nodes, or nodes of a size (numa_fake:512M); 0: real topology"},
	{.key = "numa_fake_size",
	 .type = OPT_SIZE,
	 SETTING(numa_fake_size),
	 .min = 2LL << 20,
	 .max = OPT_SIZE_MAX,
	 .zero_ok = true,
	 FIELD(numa_fake_size, FIELD_SIZE),
	 .meaning = "fake nodes of this size, the last one taking the rest (numa_fake:<size>)"},
	{.key = "numa_distance",
	 .type = OPT_TEXT,
	 SETTING(distance),
	 .parse = parse_distance,
	 FIELD(numa_distance, FIELD_TEXT),
	 .meaning = "fake NUMA distances, rows split by ';', e.g. 10 20;20 10"},
	{.key = "min_free_kbytes",
	 .type = OPT_INT,
	 SETTING(min_free_kbytes),
	 .min = 0,
	 .max = 1 << 30,
	 FIELD(min_free_kbytes, FIELD_INT),
	 .meaning = "vm.min_free_kbytes (0: kernel formula)"},
	{.key = "watermark_scale_factor",
	 .type = OPT_INT,
	 SETTING(watermark_scale_factor),
	 .def = 10,
	 .min = 1,
	 .max = 3000,
	 FIELD(watermark_scale_factor, FIELD_INT),
	 .meaning = "vm.watermark_scale_factor"},
	{.key = "watermark_boost_factor",
	 .type = OPT_INT,
	 SETTING(watermark_boost_factor),
	 .def = 15000,
	 .min = 0,
	 .max = INT_MAX,
	 FIELD(watermark_boost_factor, FIELD_INT),
	 .meaning = "vm.watermark_boost_factor (0: no boosting)"},
	{.key = "lowmem_reserve_ratio",
	 .type = OPT_TEXT,
	 SETTING(lowmem_reserve_ratio),
	 .parse = parse_ratios,
	 .def_text = "256 256 32 0 0",
	 .min = 0,
	 .max = INT_MAX,
	 .meaning = "vm.lowmem_reserve_ratio, 5 numbers split by spaces or '/'"},
	{.key = "percpu_pagelist_high_fraction",
	 .type = OPT_INT,
	 SETTING(percpu_pagelist_high_fraction),
	 .min = 8,
	 .max = 1 << 30,
	 .zero_ok = true,
	 FIELD(percpu_pagelist_high_fraction, FIELD_INT),
	 .meaning = "vm.percpu_pagelist_high_fraction (0: auto-tuned high, 6.7)"},
	/* Deviation (docs/pcp.md): per-CPU reserves of high-order blocks past pcp->high. */
	{.key = "pcp_reserve_fraction",
	 .type = OPT_INT,
	 SETTING(pcp_reserve_fraction),
	 .def = 4,
	 .min = 2,
	 .max = 1 << 30,
	 .zero_ok = true,
	 .meaning = "per-CPU reserves of order 1-3 and pageblock-order blocks: all CPUs of a node together "
		    "keep at most 1/N of each zone (0: off, the kernel's behaviour)"},
	{.key = "mobility_grouping",
	 .type = OPT_WORD,
	 SETTING(mobility_grouping),
	 .words = on_off_auto,
	 .min = -1,
	 .max = 1,
	 FIELD(mobility_grouping, FIELD_INT),
	 .meaning = "group pages by mobility: on, off or auto (1, -1, 0)"},
	{.key = "stats_dir",
	 .type = OPT_TEXT,
	 SETTING(stats_dir),
	 .parse = parse_string,
	 .min = 0,
	 .max = member_size(struct buddy_settings, stats_dir) - 1,
	 FIELD(stats_dir, FIELD_TEXT),
	 .meaning = "keep buddyinfo, pagetypeinfo, zoneinfo, vmstat and json current as files in this "
		    "directory"},
	{.key = "stats_interval_ms",
	 .type = OPT_INT,
	 SETTING(stats_interval_ms),
	 .def = 1000,
	 .min = 10,
	 .max = 3600 * 1000,
	 FIELD(stats_interval_ms, FIELD_INT),
	 .meaning = "how often the stats_dir files are rewritten, in ms"},
	{.key = "compaction_proactiveness",
	 .type = OPT_INT,
	 SETTING(compaction_proactiveness),
	 .def = 20,
	 .min = 0,
	 .max = 100,
	 .meaning = "vm.compaction_proactiveness (0: no proactive compaction)"},
	{.key = "extfrag_threshold",
	 .type = OPT_INT,
	 SETTING(extfrag_threshold),
	 .def = 500,
	 .min = 0,
	 .max = 1000,
	 .meaning = "vm.extfrag_threshold: compact a costly order only above this fragmentation index"},
	{.key = "pcp_lock",
	 .type = OPT_WORD,
	 SETTING(pcp_lock),
	 .words = pcp_lock_words,
	 .min = -1,
	 .max = 1,
	 .meaning = "how per-CPU lists are locked: auto, rseq or atomic"},
	{.key = "kswapd",
	 .type = OPT_WORD,
	 SETTING(kswapd),
	 .words = on_off_auto,
	 .min = -1,
	 .max = 1,
	 FIELD(kswapd, FIELD_INT),
	 .meaning = "per-node kswapd threads: on, off or auto (1, -1, 0; auto is on)"},
	{.key = "cma",
	 .type = OPT_SIZE,
	 SETTING(cma),
	 .min = 0,
	 .max = OPT_SIZE_MAX,
	 FIELD(cma, FIELD_SIZE),
	 .meaning = "CMA area per node"},
	{.key = "hugepages",
	 .type = OPT_WORD,
	 SETTING(hugepages),
	 .words = hugepages_words,
	 .min = ARENA_PAGES_4K,
	 .max = ARENA_PAGES_HUGETLB,
	 FIELD(hugepages, FIELD_INT),
	 .meaning = "arena pages: off (4 KiB), thp (MADV_HUGEPAGE) or hugetlb (MAP_HUGETLB)"},
	{.key = "arena_file",
	 .type = OPT_TEXT,
	 SETTING(arena_file),
	 .parse = parse_string,
	 .min = 0,
	 .max = member_size(struct buddy_settings, arena_file) - 1,
	 FIELD(arena_file, FIELD_TEXT),
	 .meaning = "map this file (created and grown to the arena size) instead of anonymous memory"},
	{.key = "arena_fd",
	 .type = OPT_INT,
	 SETTING(arena_fd),
	 .min = 1,
	 .max = INT_MAX,
	 .zero_ok = true,
	 FIELD(arena_fd, FIELD_INT),
	 .meaning = "map this open file (memfd, hugetlbfs) instead of anonymous memory (0: none)"},
	/* Free page reporting (page_reporting.c, Linux 6.1 mm/page_reporting.c). */
	{.key = "page_reporting",
	 .type = OPT_WORD,
	 SETTING(page_reporting),
	 .def = -1, /* off: a report takes blocks off the free counts for a moment (page-reporting.md) */
	 .words = on_off,
	 .min = -1,
	 .max = 1,
	 FIELD(page_reporting, FIELD_INT),
	 .meaning = "give free blocks back to the OS after a delay: on or off (default)"},
	{.key = "page_reporting_order",
	 .type = OPT_INT,
	 SETTING(page_reporting_order),
	 .def = pageblock_order,
	 .min = 0,
	 .max = MAX_ORDER - 1,
	 FIELD(page_reporting_order, FIELD_INT),
	 .meaning = "report free blocks of this order and up (the kernel's page_reporting_order)"},
	{.key = "page_reporting_delay_ms",
	 .type = OPT_INT,
	 SETTING(page_reporting_delay_ms),
	 .def = 2000,
	 .min = 0,
	 .max = 3600 * 1000,
	 FIELD(page_reporting_delay_ms, FIELD_INT),
	 .meaning = "from a large free to the report, in ms (6.1 PAGE_REPORTING_DELAY: 2 s)"},
	{.key = "page_reporting_advice",
	 .type = OPT_WORD,
	 SETTING(page_reporting_advice),
	 .def = BUDDY_PAGE_REPORTING_DONTNEED,
	 .words = advice_words,
	 .min = BUDDY_PAGE_REPORTING_DONTNEED,
	 .max = BUDDY_PAGE_REPORTING_FREE,
	 FIELD(page_reporting_advice, FIELD_INT),
	 .meaning = "how memory goes back: dontneed (MADV_DONTNEED) or free (MADV_FREE)"},
	/* The range is the string's length: refused, never cut short. */
	{.key = "stats_print",
	 .type = OPT_TEXT,
	 SETTING(stats_print),
	 .parse = parse_string,
	 .min = 0,
	 .max = member_size(struct buddy_settings, stats_print) - 1,
	 FIELD(stats_print, FIELD_TEXT),
	 .meaning = "views dumped to stderr at exit, split by '/' or '+'"},
	/* Fault injection (fail_page_alloc.c, docs/reliability.md): the kernel's boot parameter and debugfs
	   files. */
	{.key = "fail_page_alloc",
	 .type = OPT_TEXT,
	 SETTING(fail_interval),
	 .parse = parse_fault_attr,
	 .def_text = "1/0/0/1",
	 .meaning = "fault injection: <interval>/<probability>/<space>/<times>, e.g. 1/10/0/-1"},
	{.key = "fail_page_alloc_ignore_gfp_wait",
	 .type = OPT_WORD,
	 SETTING(fail_ignore_gfp_wait),
	 .words = fault_flag_words,
	 .def = 1,
	 .min = 0,
	 .max = 1,
	 .meaning = "fault injection spares requests that may reclaim directly: on or off"},
	{.key = "fail_page_alloc_ignore_gfp_highmem",
	 .type = OPT_WORD,
	 SETTING(fail_ignore_gfp_highmem),
	 .words = fault_flag_words,
	 .def = 1,
	 .min = 0,
	 .max = 1,
	 .meaning = "fault injection spares __GFP_HIGHMEM requests: on or off"},
	{.key = "fail_page_alloc_min_order",
	 .type = OPT_INT,
	 SETTING(fail_min_order),
	 .def = 1,
	 .min = 0,
	 .max = MAX_ORDER,
	 .meaning = "fault injection spares orders below this"},
	{.key = "fail_page_alloc_verbose",
	 .type = OPT_INT,
	 SETTING(fail_verbose),
	 .def = 2,
	 .min = 0,
	 .max = 2,
	 .meaning = "fault injection reports: 0 none, 1 a line per failure, 2 the line and a backtrace"},
	{.key = "fail_page_alloc_seed",
	 .type = OPT_SIZE,
	 SETTING(fail_seed),
	 .min = 0,
	 .max = LLONG_MAX,
	 .meaning = "fault injection's random seed (0: from the clock; buddy_ctl reads the one in use)"},
	/* The debug modes (debug_page_alloc.h, docs/debug-pagealloc.md): boot parameters, init only. */
	{.key = "debug_pagealloc",
	 .type = OPT_WORD,
	 SETTING(debug_pagealloc),
	 .words = on_off_bool,
	 .min = 0,
	 .max = 1,
	 FIELD(debug_pagealloc, FIELD_INT),
	 .meaning = "unmap free pages (mprotect) so that a use after free faults: on or off"},
	{.key = "page_poison",
	 .type = OPT_WORD,
	 SETTING(page_poison),
	 .words = on_off_bool,
	 .min = 0,
	 .max = 1,
	 FIELD(page_poison, FIELD_INT),
	 .meaning = "fill free pages with 0xaa and check them when handed out: on or off"},
	{.key = "debug_guardpage_minorder",
	 .type = OPT_INT,
	 SETTING(debug_guardpage_minorder),
	 .min = 0,
	 .max = MAX_ORDER / 2,
	 FIELD(debug_guardpage_minorder, FIELD_INT),
	 .meaning = "split-off halves below this order become guard pages (needs debug_pagealloc)"},
};

static void *setting_ptr(const struct option_desc *o, struct buddy_settings *s)
{
	return (char *)s + o->offset;
}

/* Store a number already checked against o's range. */
static void store_number(const struct option_desc *o, long long n, struct buddy_settings *s)
{
	if (o->type == OPT_SIZE)
		*(size_t *)setting_ptr(o, s) = (size_t)n;
	else
		*(int *)setting_ptr(o, s) = (int)n;
}

static const struct option_desc *find_option(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (strlen(options[i].key) == len && !strncmp(options[i].key, key, len))
			return &options[i];
	return NULL;
}

static int check_range(const struct option_desc *o, long long n)
{
	if (n == 0 && o->zero_ok)
		return 0;
	return n < o->min || n > o->max ? -EINVAL : 0;
}

/* The run-time setters' range check: the same as the key's. */
int buddy_setting_check(const char *key, long long value)
{
	const struct option_desc *o = find_option(key, strlen(key));

	return o ? check_range(o, value) : -EINVAL;
}

/* Every setting at its table default. */
void buddy_default_settings(struct buddy_settings *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct option_desc *o = &options[i];

		if (o->type != OPT_TEXT)
			store_number(o, o->def, s);
		else if (o->def_text)
			o->parse(o, o->def_text, strlen(o->def_text), s);
	}
}

static int parse_size(const char *v, size_t len, long long *out)
{
	char buf[64];
	char *end;
	unsigned long long n;
	int shift = 0;

	if (len == 0 || len >= sizeof(buf) || !isdigit((unsigned char)v[0]))
		return -1;
	memcpy(buf, v, len);
	buf[len] = 0;
	errno = 0;
	n = strtoull(buf, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 0:
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && n > (~0ULL >> shift)))
		return -1;
	/* Above LLONG_MAX is above every maximum: clamp, never wrap negative. */
	n <<= shift;
	*out = n > LLONG_MAX ? LLONG_MAX : (long long)n;
	return 0;
}

static int parse_int(const char *v, size_t len, long long *out)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, v, len);
	buf[len] = 0;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return (errno || *end) ? -1 : 0;
}

static bool value_is(const char *v, size_t len, const char *word)
{
	return len == strlen(word) && !strncmp(v, word, len);
}

static int parse_word(const struct option_desc *o, const char *v, size_t len, long long *out)
{
	for (const struct option_word *w = o->words; w->word; w++) {
		if (value_is(v, len, w->word)) {
			*out = w->value;
			return 0;
		}
	}
	return -1;
}

/* "10 20;20 10" -> a square matrix with a diagonal of 10. */
static int parse_distance(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	int(*distance)[MAX_NUMNODES] = setting_ptr(o, s);
	int row = 0, col = 0, ncols = -1;
	size_t i = 0;

	while (i < len) {
		if (v[i] == ' ' || v[i] == '\t') {
			i++;
			continue;
		}
		if (v[i] == ';') {
			if (ncols >= 0 && col != ncols)
				return -1;
			ncols = col;
			row++;
			col = 0;
			i++;
			continue;
		}
		if (!isdigit((unsigned char)v[i]) || row >= MAX_NUMNODES || col >= MAX_NUMNODES)
			return -1;
		int d = 0;
		while (i < len && isdigit((unsigned char)v[i]) && d < 100000)
			d = d * 10 + (v[i++] - '0');
		distance[row][col++] = d;
	}
	if (ncols >= 0 && col != ncols)
		return -1;
	if (ncols < 0)
		ncols = col;
	if (row + 1 != ncols)
		return -1;
	for (int a = 0; a < ncols; a++)
		for (int b = 0; b < ncols; b++)
			if ((a == b) != (distance[a][b] == 10) || distance[a][b] < 10)
				return -1;
	s->distance_given = true;
	s->distance_nodes = ncols;
	return 0;
}

/* MAX_NR_ZONES numbers split by spaces or '/', each within o's range. */
static int parse_ratios(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	int ratio[MAX_NR_ZONES];
	int n = 0;
	size_t i = 0;

	while (i < len) {
		if (v[i] == ' ' || v[i] == '/' || v[i] == '\t') {
			i++;
			continue;
		}
		size_t start = i;
		long long r;
		while (i < len && v[i] != ' ' && v[i] != '/' && v[i] != '\t')
			i++;
		if (n >= MAX_NR_ZONES || !isdigit((unsigned char)v[start]) ||
		    parse_int(v + start, i - start, &r) || check_range(o, r))
			return -1;
		ratio[n++] = (int)r;
	}
	if (n != MAX_NR_ZONES)
		return -1;
	memcpy(setting_ptr(o, s), ratio, sizeof(ratio));
	return 0;
}

/* A string kept whole: refused, never cut short, when longer than o->max. */
static int parse_string(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	char *out = setting_ptr(o, s);

	if (check_range(o, (long long)len))
		return -1;
	memcpy(out, v, len);
	out[len] = 0;
	return 0;
}

/* kernelcore= / movablecore=: "<size>" or "<N>%" (1..100), into a struct core_setting. */
static int parse_core(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	struct core_setting *c = setting_ptr(o, s);
	long long n;

	if (len > 1 && v[len - 1] == '%') {
		if (parse_int(v, len - 1, &n) || n < 0 || n > 100)
			return -1;
		c->bytes = 0;
		c->percent = (int)n;
		return 0;
	}
	if (parse_size(v, len, &n) || n > OPT_SIZE_MAX)
		return -1;
	c->bytes = (size_t)n;
	c->percent = 0;
	return 0;
}

/*
 * numa_fake: a plain number is a node count (numa=fake=N), a number with a
 * size suffix a node size (numa=fake=<size>); setting one clears the other.
 */
static int parse_numa_fake(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	long long n;

	if (!parse_int(v, len, &n)) {
		if (check_range(o, n))
			return -1;
		s->numa_fake = (int)n;
		s->numa_fake_size = 0;
		return 0;
	}
	if (parse_size(v, len, &n) || n < (2LL << 20) || n > OPT_SIZE_MAX)
		return -1;
	s->numa_fake_size = (size_t)n;
	s->numa_fake = 0;
	return 0;
}

/*
 * "<interval>/<probability>/<space>/<times>": the kernel's fail_page_alloc=
 * boot parameter (setup_fault_attr), with '/' for its commas. Into the four
 * ints from fail_interval on.
 */
static int parse_fault_attr(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	static const long long lo[4] = {0, 0, 0, -1}, hi[4] = {INT_MAX, 100, INT_MAX, INT_MAX};
	long long n[4];
	size_t i = 0;

	(void)o;
	for (int k = 0; k < 4; k++) {
		size_t start = i;
		while (i < len && v[i] != '/')
			i++;
		if (parse_int(v + start, i - start, &n[k]) || n[k] < lo[k] || n[k] > hi[k])
			return -1;
		if (k < 3 && (i == len || v[i++] != '/'))
			return -1;
	}
	if (i != len)
		return -1;
	s->fail_interval = (int)n[0];
	s->fail_probability = (int)n[1];
	s->fail_space = (int)n[2];
	s->fail_times = (int)n[3];
	return 0;
}

/* A number for o, from BUDDY_CONF or a struct field: checked against o's range, then stored. */
static int apply_number(const struct option_desc *o, long long n, struct buddy_settings *s)
{
	if (check_range(o, n))
		return -1;
	store_number(o, n, s);
	return 0;
}

static int apply_option(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	long long n;

	switch (o->type) {
	case OPT_SIZE:
		return parse_size(v, len, &n) ? -1 : apply_number(o, n, s);
	case OPT_INT:
		return parse_int(v, len, &n) ? -1 : apply_number(o, n, s);
	case OPT_WORD:
		return parse_word(o, v, len, &n) ? -1 : apply_number(o, n, s);
	case OPT_TEXT:
		return o->parse(o, v, len, s);
	}
	return -1;
}

static bool has_range(const struct option_desc *o)
{
	return o->type != OPT_TEXT;
}

/*
 * The per-node zone sizes of earlier versions were removed with the physical
 * map (memmap.c): their meaning has no kernel counterpart, so rather than
 * guess, the message names the key that replaces each.
 */
static void report_unknown_key(const char *key, size_t len)
{
	static const struct {
		const char *old, *replacement;
	} removed[] = {
		{"dma", "dma_limit"},
		{"dma32", "dma32_limit"},
		{"highmem", "highmem_start"},
		{"movable", "movablecore or kernelcore"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(removed); i++)
		if (strlen(removed[i].old) == len && !strncmp(key, removed[i].old, len)) {
			fprintf(stderr,
				"libbuddy: BUDDY_CONF: option \"%s\" was removed: zones are address ranges "
				"of the "
				"arena now; use %s (docs/configuration.md, \"The physical map\")\n",
				removed[i].old, removed[i].replacement);
			return;
		}
	fprintf(stderr, "libbuddy: BUDDY_CONF: unknown option \"%.*s\"\n", (int)len, key);
}

int buddy_parse_conf_string(const char *conf, struct buddy_settings *s)
{
	const char *p = conf;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', len);

		if (len == 0) {
			p = end ? end + 1 : NULL;
			continue;
		}
		if (!colon) {
			fprintf(stderr,
				"libbuddy: BUDDY_CONF: malformed option \"%.*s\" (expected key:value)\n",
				(int)len, p);
			return -EINVAL;
		}
		size_t klen = (size_t)(colon - p);
		const struct option_desc *o = find_option(p, klen);
		if (!o) {
			report_unknown_key(p, klen);
			return -EINVAL;
		}
		const char *v = colon + 1;
		size_t vlen = len - klen - 1;
		if (apply_option(o, v, vlen, s)) {
			if (has_range(o) && o->type != OPT_WORD)
				fprintf(stderr,
					"libbuddy: BUDDY_CONF: invalid value \"%.*s\" for option \"%s\" (%s; "
					"range %lld..%lld)\n",
					(int)vlen, v, o->key, o->meaning, o->min, o->max);
			else
				fprintf(stderr,
					"libbuddy: BUDDY_CONF: invalid value \"%.*s\" for option \"%s\" "
					"(%s)\n",
					(int)vlen, v, o->key, o->meaning);
			return -EINVAL;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static int field_rejected(const struct option_desc *o, const char *value)
{
	if (has_range(o))
		fprintf(stderr,
			"libbuddy: buddy_config: invalid value %s for field \"%s\" (%s; range %lld..%lld)\n",
			value, o->key, o->meaning, o->min, o->max);
	else
		fprintf(stderr, "libbuddy: buddy_config: invalid value \"%.64s\" for field \"%s\" (%s)\n",
			value, o->key, o->meaning);
	return -EINVAL;
}

/*
 * o's struct buddy_config field. A zero (or NULL) field keeps the default;
 * any other value takes the key's path, so it meets the same range.
 */
static int apply_field(const struct option_desc *o, const struct buddy_config *cfg, struct buddy_settings *s)
{
	const void *p = (const char *)cfg + o->field_offset;
	char text[24];

	switch (o->field) {
	case FIELD_NONE:
		return 0;
	case FIELD_SIZE:
	case FIELD_ZONE_SIZE: {
		size_t v = *(const size_t *)p;
		if (!v)
			return 0;
		if (o->field == FIELD_ZONE_SIZE && v == BUDDY_ZONE_EMPTY)
			v = 0;
		/* Above LLONG_MAX is above every maximum: clamp, never wrap negative. */
		if (!apply_number(o, v > LLONG_MAX ? LLONG_MAX : (long long)v, s))
			return 0;
		snprintf(text, sizeof(text), "%zu", v);
		return field_rejected(o, text);
	}
	case FIELD_INT: {
		int v = *(const int *)p;
		if (!v || !apply_number(o, v, s))
			return 0;
		snprintf(text, sizeof(text), "%d", v);
		return field_rejected(o, text);
	}
	case FIELD_TEXT: {
		const char *v = *(const char *const *)p;
		if (!v || !o->parse(o, v, strlen(v), s))
			return 0;
		return field_rejected(o, v);
	}
	}
	return -EINVAL;
}

/* Struct fields first, then its conf string; NULL config means BUDDY_CONF. */
int buddy_parse_config(const struct buddy_config *cfg, struct buddy_settings *s)
{
	buddy_default_settings(s);
	if (!cfg)
		return buddy_parse_conf_string(getenv("BUDDY_CONF"), s);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		int rc = apply_field(&options[i], cfg, s);
		if (rc)
			return rc;
	}
	return buddy_parse_conf_string(cfg->conf, s);
}
