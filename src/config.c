/* SPDX-License-Identifier: MIT */
/*
 * Configuration: one table of named options, each with its default, range and
 * meaning, filled from struct buddy_config and then from BUDDY_CONF
 * ("key:value,key:value", like jemalloc's MALLOC_CONF). Unknown keys and
 * malformed values are errors that name the key.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum opt_kind { OPT_SIZE, OPT_INT, OPT_BOOL_ONOFF, OPT_STRING };

struct option_desc {
	const char *key;
	enum opt_kind kind;
	long long min, max;	/* for OPT_INT and OPT_SIZE */
	const char *meaning;
};

/*
 * The largest size any key takes (64 TiB). It keeps every size far below
 * SIZE_MAX, so rounding one up to a pageblock (arena.c, cma.c) cannot wrap.
 */
#define OPT_SIZE_MAX (1LL << 46)
_Static_assert(OPT_SIZE_MAX < (long long)(SIZE_MAX / 2), "size rounding cannot overflow");

/*
 * BUDDY_CONF keys and struct buddy_config fields share this table: a field's
 * value passes the same range check and the same store as its key's.
 */
static const struct option_desc options[] = {
	{ "arena_size", OPT_SIZE, 4LL << 20, OPT_SIZE_MAX, "whole reservation, split evenly across nodes (default 1G)" },
	{ "dma", OPT_SIZE, 0, OPT_SIZE_MAX, "ZONE_DMA size per node (default 16M)" },
	{ "dma32", OPT_SIZE, 0, OPT_SIZE_MAX, "ZONE_DMA32 size per node (default 256M)" },
	{ "highmem", OPT_SIZE, 0, OPT_SIZE_MAX, "ZONE_HIGHMEM size per node (default 0)" },
	{ "movable", OPT_SIZE, 0, OPT_SIZE_MAX, "ZONE_MOVABLE size per node (default 0)" },
	{ "numa_fake", OPT_INT, 0, MAX_NUMNODES, "split the arena into N fake nodes (0: real topology)" },
	{ "numa_distance", OPT_STRING, 0, 0, "fake NUMA distances, rows split by ';', e.g. 10 20;20 10" },
	{ "min_free_kbytes", OPT_INT, 0, 1 << 30, "vm.min_free_kbytes (0: kernel formula)" },
	{ "watermark_scale_factor", OPT_INT, 1, 3000, "vm.watermark_scale_factor (default 10)" },
	{ "lowmem_reserve_ratio", OPT_STRING, 0, 0, "vm.lowmem_reserve_ratio, 5 numbers split by spaces or '/'" },
	{ "percpu_pagelist_high_fraction", OPT_INT, 0, 1 << 30, "vm.percpu_pagelist_high_fraction (0: default; else >= 8)" },
	{ "mobility_grouping", OPT_BOOL_ONOFF, -1, 1, "group pages by mobility: on, off or auto (1, -1, 0)" },
	{ "pcp_lock", OPT_STRING, 0, 0, "how per-CPU lists are locked: auto, rseq or atomic" },
	{ "cma", OPT_SIZE, 0, OPT_SIZE_MAX, "CMA area per node (default 0)" },
	{ "stats_print", OPT_STRING, 0, 0, "views dumped to stderr at exit, split by '/' or '+'" },
};

void buddy_default_settings(struct buddy_settings *s)
{
	static const int ratios[MAX_NR_ZONES] = { 256, 256, 32, 0, 0 };

	memset(s, 0, sizeof(*s));
	s->arena_size = 1UL << 30;
	s->zone_size[ZONE_DMA] = 16UL << 20;
	s->zone_size[ZONE_DMA32] = 256UL << 20;
	s->watermark_scale_factor = 10;
	memcpy(s->lowmem_reserve_ratio, ratios, sizeof(ratios));
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
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && n > (~0ULL >> shift)))
		return -1;
	*out = (long long)(n << shift);
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

/* "10 20;20 10" -> a square matrix with a diagonal of 10. */
static int parse_distance(const char *v, size_t len, struct buddy_settings *s)
{
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
		s->distance[row][col++] = d;
	}
	if (ncols >= 0 && col != ncols)
		return -1;
	if (ncols < 0)
		ncols = col;
	if (row + 1 != ncols)
		return -1;
	for (int a = 0; a < ncols; a++)
		for (int b = 0; b < ncols; b++)
			if ((a == b) != (s->distance[a][b] == 10) || s->distance[a][b] < 10)
				return -1;
	s->distance_given = true;
	s->distance_nodes = ncols;
	return 0;
}

static int parse_ratios(const char *v, size_t len, struct buddy_settings *s)
{
	int n = 0;
	size_t i = 0;

	while (i < len) {
		if (v[i] == ' ' || v[i] == '/' || v[i] == '\t') {
			i++;
			continue;
		}
		if (!isdigit((unsigned char)v[i]) || n >= MAX_NR_ZONES)
			return -1;
		int r = 0;
		while (i < len && isdigit((unsigned char)v[i]) && r < 1000000)
			r = r * 10 + (v[i++] - '0');
		s->lowmem_reserve_ratio[n++] = r;
	}
	return n == MAX_NR_ZONES ? 0 : -1;
}

/* A number for o, from BUDDY_CONF or a struct field: checked against o's range, then stored. */
static int apply_number(const struct option_desc *o, long long n, struct buddy_settings *s)
{
	if (n < o->min || n > o->max)
		return -1;
	if (!strcmp(o->key, "arena_size"))
		s->arena_size = (size_t)n;
	else if (!strcmp(o->key, "dma"))
		s->zone_size[ZONE_DMA] = (size_t)n;
	else if (!strcmp(o->key, "dma32"))
		s->zone_size[ZONE_DMA32] = (size_t)n;
	else if (!strcmp(o->key, "highmem"))
		s->zone_size[ZONE_HIGHMEM] = (size_t)n;
	else if (!strcmp(o->key, "movable"))
		s->zone_size[ZONE_MOVABLE] = (size_t)n;
	else if (!strcmp(o->key, "numa_fake"))
		s->numa_fake = (int)n;
	else if (!strcmp(o->key, "min_free_kbytes"))
		s->min_free_kbytes = (int)n;
	else if (!strcmp(o->key, "watermark_scale_factor"))
		s->watermark_scale_factor = (int)n;
	else if (!strcmp(o->key, "percpu_pagelist_high_fraction")) {
		if (n != 0 && n < 8)
			return -1;
		s->percpu_pagelist_high_fraction = (int)n;
	} else if (!strcmp(o->key, "mobility_grouping"))
		s->mobility_grouping = (int)n;
	else if (!strcmp(o->key, "cma"))
		s->cma = (size_t)n;
	else
		return -1;
	return 0;
}

static bool value_is(const char *v, size_t len, const char *word)
{
	return len == strlen(word) && !strncmp(v, word, len);
}

/* The keys whose value is a word or a list rather than one number. */
static int apply_string(const struct option_desc *o, const char *v, size_t len, struct buddy_settings *s)
{
	if (!strcmp(o->key, "numa_distance"))
		return parse_distance(v, len, s);
	if (!strcmp(o->key, "lowmem_reserve_ratio"))
		return parse_ratios(v, len, s);
	if (!strcmp(o->key, "mobility_grouping"))
		return value_is(v, len, "on") ? apply_number(o, 1, s)
		       : value_is(v, len, "off") ? apply_number(o, -1, s)
		       : value_is(v, len, "auto") ? apply_number(o, 0, s) : -1;
	if (!strcmp(o->key, "pcp_lock")) {
		if (value_is(v, len, "rseq"))
			s->pcp_lock = 1;
		else if (value_is(v, len, "atomic"))
			s->pcp_lock = -1;
		else if (value_is(v, len, "auto"))
			s->pcp_lock = 0;
		else
			return -1;
		return 0;
	}
	if (!strcmp(o->key, "stats_print")) {
		if (len >= sizeof(s->stats_print))
			return -1;	/* refused, never cut short */
		memcpy(s->stats_print, v, len);
		s->stats_print[len] = 0;
		return 0;
	}
	return -1;
}

static int apply_option(const struct option_desc *o, const char *v, size_t len,
			struct buddy_settings *s)
{
	long long n;

	if (o->kind == OPT_SIZE)
		return parse_size(v, len, &n) ? -1 : apply_number(o, n, s);
	if (o->kind == OPT_INT)
		return parse_int(v, len, &n) ? -1 : apply_number(o, n, s);
	return apply_string(o, v, len, s);
}

static const struct option_desc *find_option(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (strlen(options[i].key) == len && !strncmp(options[i].key, key, len))
			return &options[i];
	return NULL;
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
			fprintf(stderr, "libbuddy: BUDDY_CONF: malformed option \"%.*s\" (expected key:value)\n",
				(int)len, p);
			return -EINVAL;
		}
		size_t klen = (size_t)(colon - p);
		const struct option_desc *o = find_option(p, klen);
		if (!o) {
			fprintf(stderr, "libbuddy: BUDDY_CONF: unknown option \"%.*s\"\n", (int)klen, p);
			return -EINVAL;
		}
		const char *v = colon + 1;
		size_t vlen = len - klen - 1;
		if (apply_option(o, v, vlen, s)) {
			fprintf(stderr, "libbuddy: BUDDY_CONF: invalid value \"%.*s\" for option \"%s\" (%s)\n",
				(int)vlen, v, o->key, o->meaning);
			return -EINVAL;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/*
 * struct buddy_config's fields, each named as its key. A zero (or NULL)
 * field keeps the default; any other value takes its key's path through
 * apply_number or apply_string, so it meets the same range.
 */
enum field_type { FIELD_SIZE, FIELD_ZONE_SIZE, FIELD_INT, FIELD_STRING };

struct config_field {
	const char *key;
	size_t offset;
	enum field_type type;
};

#define FIELD(name, type) { #name, offsetof(struct buddy_config, name), type }

static const struct config_field config_fields[] = {
	FIELD(arena_size, FIELD_SIZE),
	FIELD(dma, FIELD_ZONE_SIZE),
	FIELD(dma32, FIELD_ZONE_SIZE),
	FIELD(highmem, FIELD_ZONE_SIZE),
	FIELD(movable, FIELD_ZONE_SIZE),
	FIELD(numa_fake, FIELD_INT),
	FIELD(numa_distance, FIELD_STRING),
	FIELD(min_free_kbytes, FIELD_INT),
	FIELD(watermark_scale_factor, FIELD_INT),
	FIELD(percpu_pagelist_high_fraction, FIELD_INT),
	FIELD(mobility_grouping, FIELD_INT),
	FIELD(cma, FIELD_SIZE),
	FIELD(stats_print, FIELD_STRING),
};

static int field_rejected(const struct option_desc *o, const char *value)
{
	if (o->min < o->max)
		fprintf(stderr,
			"libbuddy: buddy_config: invalid value %s for field \"%s\" (%s; range %lld..%lld)\n",
			value, o->key, o->meaning, o->min, o->max);
	else
		fprintf(stderr, "libbuddy: buddy_config: invalid value \"%.64s\" for field \"%s\" (%s)\n",
			value, o->key, o->meaning);
	return -EINVAL;
}

/* A size above LLONG_MAX is above every maximum: clamp it, never let it wrap negative. */
static int apply_size_field(const struct option_desc *o, size_t v, struct buddy_settings *s)
{
	char text[24];

	if (!apply_number(o, v > LLONG_MAX ? LLONG_MAX : (long long)v, s))
		return 0;
	snprintf(text, sizeof(text), "%zu", v);
	return field_rejected(o, text);
}

static int apply_field(const struct config_field *f, const struct buddy_config *cfg, struct buddy_settings *s)
{
	const void *p = (const char *)cfg + f->offset;
	const struct option_desc *o = find_option(f->key, strlen(f->key));
	char text[24];

	switch (f->type) {
	case FIELD_SIZE:
	case FIELD_ZONE_SIZE: {
		size_t v = *(const size_t *)p;
		if (!v)
			return 0;
		return apply_size_field(o, f->type == FIELD_ZONE_SIZE && v == BUDDY_ZONE_EMPTY ? 0 : v, s);
	}
	case FIELD_INT: {
		int v = *(const int *)p;
		if (!v || !apply_number(o, v, s))
			return 0;
		snprintf(text, sizeof(text), "%d", v);
		return field_rejected(o, text);
	}
	case FIELD_STRING: {
		const char *v = *(const char *const *)p;
		if (!v || !apply_string(o, v, strlen(v), s))
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
	for (size_t i = 0; i < ARRAY_SIZE(config_fields); i++) {
		int rc = apply_field(&config_fields[i], cfg, s);
		if (rc)
			return rc;
	}
	return buddy_parse_conf_string(cfg->conf, s);
}
