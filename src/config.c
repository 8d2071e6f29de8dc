/* SPDX-License-Identifier: MIT */
/*
 * Configuration: one table of named options, each with its default, range and
 * meaning, filled from struct buddy_config and then from BUDDY_CONF
 * ("key:value,key:value", like jemalloc's MALLOC_CONF). Unknown keys and
 * malformed values are errors that name the key.
 */
#include <ctype.h>
#include <errno.h>
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

static const struct option_desc options[] = {
	{ "arena_size", OPT_SIZE, 4LL << 20, 1LL << 46, "whole reservation, split evenly across nodes (default 1G)" },
	{ "dma", OPT_SIZE, 0, 1LL << 46, "ZONE_DMA size per node (default 16M)" },
	{ "dma32", OPT_SIZE, 0, 1LL << 46, "ZONE_DMA32 size per node (default 256M)" },
	{ "highmem", OPT_SIZE, 0, 1LL << 46, "ZONE_HIGHMEM size per node (default 0)" },
	{ "movable", OPT_SIZE, 0, 1LL << 46, "ZONE_MOVABLE size per node (default 0)" },
	{ "numa_fake", OPT_INT, 0, MAX_NUMNODES, "split the arena into N fake nodes (0: real topology)" },
	{ "numa_distance", OPT_STRING, 0, 0, "fake NUMA distances, rows split by ';', e.g. 10 20;20 10" },
	{ "min_free_kbytes", OPT_INT, 0, 1 << 30, "vm.min_free_kbytes (0: kernel formula)" },
	{ "watermark_scale_factor", OPT_INT, 1, 3000, "vm.watermark_scale_factor (default 10)" },
	{ "lowmem_reserve_ratio", OPT_STRING, 0, 0, "vm.lowmem_reserve_ratio, 5 numbers split by spaces or '/'" },
	{ "percpu_pagelist_high_fraction", OPT_INT, 0, 1 << 30, "vm.percpu_pagelist_high_fraction (0: default; else >= 8)" },
	{ "mobility_grouping", OPT_BOOL_ONOFF, 0, 0, "group pages by mobility: on, off or auto" },
	{ "pcp_lock", OPT_STRING, 0, 0, "how per-CPU lists are locked: auto, rseq or atomic" },
	{ "cma", OPT_SIZE, 0, 1LL << 46, "CMA area per node (default 0)" },
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

static int apply_option(const struct option_desc *o, const char *v, size_t len,
			struct buddy_settings *s)
{
	long long n = 0;

	if (o->kind == OPT_SIZE || o->kind == OPT_INT) {
		int rc = o->kind == OPT_SIZE ? parse_size(v, len, &n) : parse_int(v, len, &n);
		if (rc || n < o->min || n > o->max)
			return -1;
	}
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
	else if (!strcmp(o->key, "numa_distance"))
		return parse_distance(v, len, s);
	else if (!strcmp(o->key, "min_free_kbytes"))
		s->min_free_kbytes = (int)n;
	else if (!strcmp(o->key, "watermark_scale_factor"))
		s->watermark_scale_factor = (int)n;
	else if (!strcmp(o->key, "lowmem_reserve_ratio"))
		return parse_ratios(v, len, s);
	else if (!strcmp(o->key, "percpu_pagelist_high_fraction")) {
		if (n != 0 && n < 8)
			return -1;
		s->percpu_pagelist_high_fraction = (int)n;
	} else if (!strcmp(o->key, "mobility_grouping")) {
		if (len == 2 && !strncmp(v, "on", 2))
			s->mobility_grouping = 1;
		else if (len == 3 && !strncmp(v, "off", 3))
			s->mobility_grouping = -1;
		else if (len == 4 && !strncmp(v, "auto", 4))
			s->mobility_grouping = 0;
		else
			return -1;
	} else if (!strcmp(o->key, "pcp_lock")) {
		if (len == 4 && !strncmp(v, "rseq", 4))
			s->pcp_lock = 1;
		else if (len == 6 && !strncmp(v, "atomic", 6))
			s->pcp_lock = -1;
		else if (len == 4 && !strncmp(v, "auto", 4))
			s->pcp_lock = 0;
		else
			return -1;
	} else if (!strcmp(o->key, "cma"))
		s->cma = (size_t)n;
	else if (!strcmp(o->key, "stats_print")) {
		if (len >= sizeof(s->stats_print))
			return -1;
		memcpy(s->stats_print, v, len);
		s->stats_print[len] = 0;
	}
	return 0;
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

/* Struct fields first, then its conf string; NULL config means BUDDY_CONF. */
int buddy_parse_config(const struct buddy_config *cfg, struct buddy_settings *s)
{
	buddy_default_settings(s);
	if (!cfg)
		return buddy_parse_conf_string(getenv("BUDDY_CONF"), s);

	if (cfg->arena_size)
		s->arena_size = cfg->arena_size;
	const size_t *sizes[MAX_NR_ZONES] = { &cfg->dma, &cfg->dma32, NULL, &cfg->highmem, &cfg->movable };
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (sizes[z] && *sizes[z])
			s->zone_size[z] = *sizes[z] == BUDDY_ZONE_EMPTY ? 0 : *sizes[z];
	if (cfg->numa_fake < 0 || cfg->numa_fake > MAX_NUMNODES) {
		fprintf(stderr, "libbuddy: buddy_config: invalid value for option \"numa_fake\"\n");
		return -EINVAL;
	}
	s->numa_fake = cfg->numa_fake;
	if (cfg->numa_distance && parse_distance(cfg->numa_distance, strlen(cfg->numa_distance), s)) {
		fprintf(stderr, "libbuddy: buddy_config: invalid value for option \"numa_distance\"\n");
		return -EINVAL;
	}
	if (cfg->min_free_kbytes)
		s->min_free_kbytes = cfg->min_free_kbytes;
	if (cfg->watermark_scale_factor)
		s->watermark_scale_factor = cfg->watermark_scale_factor;
	if (cfg->percpu_pagelist_high_fraction)
		s->percpu_pagelist_high_fraction = cfg->percpu_pagelist_high_fraction;
	s->mobility_grouping = cfg->mobility_grouping;
	s->cma = cfg->cma;
	if (cfg->stats_print)
		snprintf(s->stats_print, sizeof(s->stats_print), "%s", cfg->stats_print);
	return buddy_parse_conf_string(cfg->conf, s);
}
