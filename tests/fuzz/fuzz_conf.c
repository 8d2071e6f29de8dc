/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the BUDDY_CONF parser and struct buddy_config's
 * validation. The first bytes fill a struct buddy_config's numeric fields
 * (when the first byte says so), the rest is its conf string. Every input is
 * parsed (buddy_parse_config: defaults, fields, then the string); one that
 * parses into a small, anonymous arena is also set up for real with
 * buddy_init, checked and torn down, so the checks after parsing (zones
 * against the arena, CMA, NUMA) run too. Errors go to stderr: run with
 * -close_fd_mask=2 (scripts/fuzz.sh does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/buddy.h>

#include "internal.h"

#define SMALL_ARENA (64UL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t take_size(const uint8_t **p, size_t *left)
{
	size_t v = 0;

	if (*left < 2)
		return 0;
	/* sizes as a shift and a multiplier: 0, small, whole MiB, BUDDY_ZONE_EMPTY, huge */
	uint8_t a = (*p)[0], b = (*p)[1];
	*p += 2;
	*left -= 2;
	if (a == 0xff)
		return BUDDY_ZONE_EMPTY;
	v = (size_t)b << (a % 48);
	return v;
}

static int take_int(const uint8_t **p, size_t *left)
{
	if (*left < 2)
		return 0;
	int v = (int16_t)((*p)[0] << 8 | (*p)[1]);
	*p += 2;
	*left -= 2;
	return v;
}

/* Only what buddy_init can set up quickly and without side effects outside the process. */
static bool cheap_to_init(const struct buddy_settings *s)
{
	return s->arena_size <= SMALL_ARENA && s->cma <= SMALL_ARENA && !s->arena_file[0] && !s->arena_fd &&
	       !s->stats_dir[0] && !s->stats_print[0] && s->hugepages == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buddy_config cfg = {0};
	struct buddy_settings s;
	const uint8_t *p = data;
	size_t left = size;
	bool with_fields = left && (*p & 1);
	char *conf;

	if (left) {
		p++;
		left--;
	}
	if (with_fields && left >= 24) {
		cfg.arena_size = take_size(&p, &left);
		cfg.dma_limit = take_size(&p, &left);
		cfg.dma32_limit = take_size(&p, &left);
		cfg.highmem_start = take_size(&p, &left);
		cfg.numa_fake_size = take_size(&p, &left);
		cfg.cma = take_size(&p, &left);
		cfg.numa_fake = take_int(&p, &left);
		cfg.min_free_kbytes = take_int(&p, &left);
		cfg.watermark_scale_factor = take_int(&p, &left);
		cfg.percpu_pagelist_high_fraction = take_int(&p, &left);
		cfg.mobility_grouping = take_int(&p, &left);
		cfg.watermark_boost_factor = take_int(&p, &left);
	}
	conf = malloc(left + 1);
	if (!conf)
		return 0;
	memcpy(conf, p, left);
	conf[left] = 0;
	cfg.conf = conf;
	cfg.kswapd = -1; /* no threads to start and stop per input */
	if (buddy_parse_config(&cfg, &s) == 0 && cheap_to_init(&s)) {
		if (buddy_init(&cfg) == 0) {
			if (buddy_check() != 0)
				abort();
			buddy_exit();
		}
	}
	free(conf);
	return 0;
}
