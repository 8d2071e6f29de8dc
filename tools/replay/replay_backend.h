/* SPDX-License-Identifier: MIT */
/*
 * The allocator replay.c drives, chosen at compile time like bench/backend.h
 * (-DBK_LIBBUDDY, -DBK_JEMALLOC, ...): one executable per allocator so no
 * peer replaces another's malloc. libbuddy gets the traced GFP mask; the
 * malloc peers get the same sequence of naturally aligned 4096 << order
 * blocks through bench/backend.h and know nothing of masks or zones.
 */
#ifndef REPLAY_BACKEND_H
#define REPLAY_BACKEND_H

#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(BK_LIBBUDDY)
#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define RB_NAME "libbuddy"

static inline void *rb_alloc(gfp_t gfp, unsigned int order)
{
	return alloc_pages(gfp | __GFP_NOWARN, order);
}
static inline void rb_free(void *h, unsigned int order)
{
	__free_pages((struct page *)h, order);
}
static inline int rb_zone(void *h)
{
	return (int)page_zonenum((struct page *)h);
}
/* Turn an order-N block into 2^N order-0 ones; piece i's handle. */
static inline void rb_split(void *h, unsigned int order)
{
	split_page((struct page *)h, order);
}
static inline void *rb_piece(void *h, unsigned long i)
{
	return pfn_to_page(page_to_pfn((struct page *)h) + i);
}
#define RB_CAN_SPLIT 1

/* BUDDY_CONF from the environment first, then the tool's string (later keys win). */
static inline int rb_init(const char *conf)
{
	static char all[1024];
	const char *env = getenv("BUDDY_CONF");
	struct buddy_config cfg;
	int rc;

	snprintf(all, sizeof(all), "%s%s%s", env ? env : "", env && *env && *conf ? "," : "", conf);
	memset(&cfg, 0, sizeof(cfg));
	cfg.conf = all;
	rc = buddy_init(&cfg);
	if (rc)
		fprintf(stderr, "buddy-replay: buddy_init(\"%s\") failed: %d\n", all, rc);
	return rc;
}
static inline void rb_exit(void)
{
	buddy_exit();
}
/* A libbuddy view (buddy_dump) on stdout; the peers have none. */
static inline int rb_dump(const char *view)
{
	return buddy_dump(stdout, view);
}
/* Everything freed: drain the pcp lists and run the full invariant check. */
static inline int rb_check(void)
{
	buddy_drain_all_pages();
	return buddy_check();
}

#else
#define BENCH_BUDDY_VERSION "none"
#include "../../bench/backend.h"

#define RB_NAME	     BK_NAME

static inline void *rb_alloc(gfp_t gfp, unsigned int order)
{
	(void)gfp;
	return bk_alloc(order);
}
static inline void rb_free(void *h, unsigned int order)
{
	bk_free(h, order);
}
static inline int rb_zone(void *h)
{
	(void)h;
	return ZONE_NORMAL; /* one heap: counted as Normal */
}
static inline void rb_split(void *h, unsigned int order)
{
	(void)h;
	(void)order;
}
static inline void *rb_piece(void *h, unsigned long i)
{
	return i ? NULL : h; /* the head keeps the block; the pieces free nothing */
}
#define RB_CAN_SPLIT 0

static inline int rb_init(const char *conf)
{
	(void)conf;
	return bk_setup(BK_ARENA_DEFAULT, 0);
}
static inline void rb_exit(void)
{
	bk_teardown();
}
static inline int rb_check(void)
{
	return 0;
}
static inline int rb_dump(const char *view)
{
	fprintf(stderr, "buddy-replay: %s has no %s view\n", BK_NAME, view);
	return -1;
}
#endif

#endif /* REPLAY_BACKEND_H */
