/* SPDX-License-Identifier: MIT */
/*
 * The "json" view: every number of the kernel-format views in one JSON
 * object, for scripts and dashboards (like jemalloc's malloc_stats_print
 * with "J"). It is built by reading the text views back - buddyinfo,
 * pagetypeinfo, zoneinfo, vmstat, extfrag_index, unusable_index - so the two
 * forms cannot disagree, and a line added to a text view appears here too.
 *
 *   {"version": "0.1.0",
 *    "buddyinfo": [{"node": 0, "zone": "DMA", "free": [n0, ..., n10]}, ...],
 *    "pagetypeinfo": {"page_block_order": 9, "pages_per_block": 512,
 *                     "free": [{"node", "zone", "type", "free": [...]}, ...],
 *                     "blocks": [{"node", "zone", "Unmovable": n, ...}, ...]},
 *    "zoneinfo": [{"node", "zone", "per_node_stats": {...} (first zone of a
 *                  node), "pages_free", "boost", "min", ..., "protection": [...],
 *                  "stats": {...}, "pagesets": [{"cpu", "count", ...,
 *                  "vm_stats_threshold"}], "node_unreclaimable", "start_pfn"}],
 *    "vmstat": {"nr_free_pages": n, ...},
 *    "extfrag_index": [{"node", "zone", "index": [...]}], "unusable_index": [...]}
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------ a text view, in memory */

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void text_append(void *opaque, const char *s)
{
	struct text *t = opaque;
	size_t n = strlen(s);

	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16384;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *buf = realloc(t->buf, cap);
		if (!buf) {
			t->failed = true;
			return;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

/* A view's text, or NULL when memory ran out. free() it. */
static char *view_text(dump_fn fn)
{
	struct text t = {0};

	fn(text_append, &t);
	if (t.failed || !t.buf) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}

/* ------------------------------------------------ JSON output */

struct json {
	buddy_write_cb *cb;
	void *opaque;
	bool first; /* no comma before the next member or element */
};

static void json_raw(struct json *j, const char *s)
{
	j->cb(j->opaque, s);
}

static __printf(2, 3) void json_printf(struct json *j, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_raw(j, buf);
}

static void json_comma(struct json *j)
{
	if (!j->first)
		json_raw(j, ", ");
	j->first = false;
}

static void json_open(struct json *j, const char *key, const char *bracket)
{
	json_comma(j);
	if (key)
		json_printf(j, "\"%s\": %s", key, bracket);
	else
		json_raw(j, bracket);
	j->first = true;
}

static void json_close(struct json *j, const char *bracket)
{
	json_raw(j, bracket);
	j->first = false;
}

/* A key made of the text's words: letters, digits and '_', the rest as '_'. */
static void json_key(struct json *j, const char *key, size_t len)
{
	char name[96];
	size_t n = 0;

	while (len && isspace((unsigned char)key[len - 1]))
		len--;
	for (size_t i = 0; i < len && n < sizeof(name) - 1; i++)
		name[n++] = isalnum((unsigned char)key[i]) ? key[i] : '_';
	name[n] = 0;
	json_comma(j);
	json_printf(j, "\"%s\": ", name);
}

/* A number as the text spells it (integers, "-1.000"): valid JSON as it stands. */
static void json_number(struct json *j, const char *num, size_t len)
{
	char buf[64];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, num, len);
	buf[len] = 0;
	json_raw(j, buf);
}

static void json_string_member(struct json *j, const char *key, const char *value)
{
	json_comma(j);
	json_printf(j, "\"%s\": \"%s\"", key, value);
}

static void json_int_member(struct json *j, const char *key, long value)
{
	json_comma(j);
	json_printf(j, "\"%s\": %ld", key, value);
}

/* ------------------------------------------------ reading the text */

static bool is_number_start(char c)
{
	return isdigit((unsigned char)c) || c == '-';
}

/* The numbers of s as a JSON array, each spelt as in the text. */
static void json_numbers(struct json *j, const char *key, const char *s)
{
	json_open(j, key, "[");
	while (*s) {
		while (*s && !is_number_start(*s))
			s++;
		const char *start = s;
		while (*s && (is_number_start(*s) || *s == '.'))
			s++;
		if (s > start) {
			json_comma(j);
			json_number(j, start, (size_t)(s - start));
		}
	}
	json_close(j, "]");
}

/*
 * "Node 0, zone   Normal" (buddyinfo, the index views, zoneinfo) or
 * "Node    0, zone      DMA, type    Unmovable" (pagetypeinfo): the node, the
 * zone's name, and where the rest of the line starts. False for other lines.
 */
static bool parse_zone_prefix(const char *line, int *node, char *zone, size_t zone_len, const char **rest)
{
	int consumed = 0;

	if (sscanf(line, "Node %d, zone %31[^, \n]%n", node, zone, &consumed) != 2 || zone_len < 32)
		return false;
	*rest = line + consumed;
	return true;
}

/* "key value" or "key: value" (value numeric, the last word): split it. */
static bool split_key_value(const char *line, const char **key, size_t *key_len, const char **value,
			    size_t *value_len)
{
	const char *end = line + strlen(line);

	while (end > line && isspace((unsigned char)end[-1]))
		end--;
	const char *v = end;
	while (v > line && !isspace((unsigned char)v[-1]))
		v--;
	if (v == end || !is_number_start(*v))
		return false;
	while (*line == ' ')
		line++;
	const char *k_end = v;
	while (k_end > line && (isspace((unsigned char)k_end[-1]) || k_end[-1] == ':'))
		k_end--;
	if (k_end == line)
		return false;
	*key = line;
	*key_len = (size_t)(k_end - line);
	*value = v;
	*value_len = (size_t)(end - v);
	return true;
}

static void json_key_value_line(struct json *j, const char *line)
{
	const char *key, *value;
	size_t key_len, value_len;

	if (split_key_value(line, &key, &key_len, &value, &value_len)) {
		json_key(j, key, key_len);
		json_number(j, value, value_len);
	}
}

/* Each non-empty line of text, cut out in place. */
#define for_each_line(line, text)                                                                            \
	for (char *save_ = NULL, *line = strtok_r((text), "\n", &save_); line;                               \
	     line = strtok_r(NULL, "\n", &save_))

/* buddyinfo, extfrag_index, unusable_index: "Node N, zone Z <numbers>" lines. */
static void json_zone_rows(struct json *j, const char *key, const char *array_key, char *text)
{
	json_open(j, key, "[");
	for_each_line(line, text)
	{
		char zone[32];
		const char *rest;
		int node;

		if (!parse_zone_prefix(line, &node, zone, sizeof(zone), &rest))
			continue;
		json_open(j, NULL, "{");
		json_int_member(j, "node", node);
		json_string_member(j, "zone", zone);
		json_numbers(j, array_key, rest);
		json_close(j, "}");
	}
	json_close(j, "]");
}

/* The block-count columns' migratetypes, from a "Number of blocks type" header. */
static int parse_block_types(const char *s, char types[][32], int max)
{
	int n = 0, used = 0;

	while (n < max && sscanf(s, "%31s%n", types[n], &used) == 1) {
		s += used;
		n++;
	}
	return n;
}

/* One "Node N, zone Z <count per type>" row of the pageblock table. */
static void json_block_row(struct json *j, int node, const char *zone, const char *rest, char types[][32],
			   int nr_types)
{
	char *pos = (char *)rest;

	json_open(j, NULL, "{");
	json_int_member(j, "node", node);
	json_string_member(j, "zone", zone);
	for (int t = 0; t < nr_types; t++)
		json_int_member(j, types[t], strtol(pos, &pos, 10));
	json_close(j, "}");
}

/*
 * Each node has its own free table and block table; the JSON has one "free"
 * and one "blocks" array for all nodes, so the text is read twice.
 */
static void json_pagetypeinfo(struct json *j, char *text)
{
	char *copy = strdup(text);
	char types[MIGRATE_TYPES + 1][32];
	int nr_types = 0;

	int order, per_block;

	json_open(j, "pagetypeinfo", "{");
	if (sscanf(text, "Page block order: %d Pages per block: %d", &order, &per_block) == 2) {
		json_int_member(j, "page_block_order", order);
		json_int_member(j, "pages_per_block", per_block);
	}
	json_open(j, "free", "[");
	for_each_line(line, text)
	{
		char zone[32], type[32];
		const char *rest;
		int node;

		if (!parse_zone_prefix(line, &node, zone, sizeof(zone), &rest) ||
		    sscanf(rest, ", type %31s", type) != 1)
			continue;
		json_open(j, NULL, "{");
		json_int_member(j, "node", node);
		json_string_member(j, "zone", zone);
		json_string_member(j, "type", type);
		json_numbers(j, "free", strstr(rest, type) + strlen(type));
		json_close(j, "}");
	}
	json_close(j, "]");
	json_open(j, "blocks", "[");
	if (copy)
		for_each_line(line, copy)
		{
			char zone[32];
			const char *rest;
			int node;

			if (!strncmp(line, "Number of blocks type", 21))
				nr_types = parse_block_types(line + 21, types, MIGRATE_TYPES + 1);
			else if (nr_types && parse_zone_prefix(line, &node, zone, sizeof(zone), &rest) &&
				 !strstr(rest, ", type"))
				json_block_row(j, node, zone, rest, types, nr_types);
		}
	json_close(j, "]");
	json_close(j, "}");
	free(copy);
}

/* Where a zoneinfo line belongs: the zone's sections, in the order they come. */
enum zoneinfo_section { ZI_NODE_STATS, ZI_ZONE, ZI_STATS, ZI_PAGESETS, ZI_TAIL };

static void zoneinfo_close_zone(struct json *j, enum zoneinfo_section s, bool in_cpu)
{
	if (s == ZI_NODE_STATS || s == ZI_STATS)
		json_close(j, "}");
	if (s == ZI_PAGESETS) {
		if (in_cpu)
			json_close(j, "}");
		json_close(j, "]");
	}
	json_close(j, "}");
}

static void json_zoneinfo(struct json *j, char *text)
{
	enum zoneinfo_section s = ZI_TAIL;
	bool in_zone = false, in_cpu = false;

	json_open(j, "zoneinfo", "[");
	for_each_line(line, text)
	{
		char zone[32];
		const char *rest;
		int node;

		if (parse_zone_prefix(line, &node, zone, sizeof(zone), &rest)) {
			if (in_zone)
				zoneinfo_close_zone(j, s, in_cpu);
			json_open(j, NULL, "{");
			json_int_member(j, "node", node);
			json_string_member(j, "zone", zone);
			in_zone = true;
			in_cpu = false;
			s = ZI_ZONE;
		} else if (!in_zone) {
			continue;
		} else if (!strcmp(line, "  per-node stats")) {
			json_open(j, "per_node_stats", "{");
			s = ZI_NODE_STATS;
		} else if (!strncmp(line, "  pages free", 12)) {
			if (s == ZI_NODE_STATS)
				json_close(j, "}");
			s = ZI_ZONE;
			json_key_value_line(j, line);
		} else if (strstr(line, "protection: (")) {
			json_numbers(j, "protection", strchr(line, '('));
			json_open(j, "stats", "{");
			s = ZI_STATS;
		} else if (!strcmp(line, "  pagesets")) {
			if (s == ZI_STATS)
				json_close(j, "}");
			json_open(j, "pagesets", "[");
			s = ZI_PAGESETS;
		} else if (s == ZI_PAGESETS && !strncmp(line, "    cpu: ", 9)) {
			if (in_cpu)
				json_close(j, "}");
			json_open(j, NULL, "{");
			json_key_value_line(j, line);
			in_cpu = true;
		} else if (s == ZI_PAGESETS && !strncmp(line, "  vm stats threshold", 20)) {
			json_key_value_line(j, line);
		} else if (s == ZI_PAGESETS && strncmp(line, "    ", 4)) {
			/* node_unreclaimable: the pagesets are over */
			if (in_cpu)
				json_close(j, "}");
			json_close(j, "]");
			in_cpu = false;
			s = ZI_TAIL;
			json_key_value_line(j, line);
		} else {
			json_key_value_line(j, line);
		}
	}
	if (in_zone)
		zoneinfo_close_zone(j, s, in_cpu);
	json_close(j, "]");
}

static void json_vmstat(struct json *j, char *text)
{
	json_open(j, "vmstat", "{");
	for_each_line(line, text) json_key_value_line(j, line);
	json_close(j, "}");
}

/* One view's text as JSON, by the view's name. */
static void json_view(struct json *j, const char *name, char *text)
{
	if (!strcmp(name, "buddyinfo"))
		json_zone_rows(j, name, "free", text);
	else if (!strcmp(name, "pagetypeinfo"))
		json_pagetypeinfo(j, text);
	else if (!strcmp(name, "zoneinfo"))
		json_zoneinfo(j, text);
	else if (!strcmp(name, "vmstat"))
		json_vmstat(j, text);
	else
		json_zone_rows(j, name, "index", text); /* extfrag_index, unusable_index */
}

void dump_json_views(buddy_write_cb *cb, void *opaque, const struct json_source *views, size_t nr_views)
{
	struct json j = {cb, opaque, true};

	json_open(&j, NULL, "{");
	json_string_member(&j, "version", BUDDY_VERSION_STRING);
	for (size_t i = 0; i < nr_views; i++) {
		char *text = view_text(views[i].fn);
		if (!text) {
			json_string_member(&j, views[i].name, "out of memory");
			continue;
		}
		json_view(&j, views[i].name, text);
		free(text);
	}
	json_close(&j, "}\n");
}
