/* SPDX-License-Identifier: MIT */
/*
 * One allocator behind one small interface, chosen at compile time with
 * -DBK_LIBBUDDY, -DBK_JEMALLOC, -DBK_MIMALLOC, -DBK_TCMALLOC or -DBK_GLIBC.
 * The harness is compiled once per backend into its own executable, so no
 * peer ever replaces another's malloc.
 *
 * Every backend is asked for the same thing: a naturally aligned block of
 * PAGE_SIZE << order bytes. A block is a handle (libbuddy: its struct page,
 * as alloc_pages() returns it; the malloc peers: the address) and bk_addr()
 * turns it into memory only where the workload uses the memory.
 */
#ifndef BENCH_BACKEND_H
#define BENCH_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BK_PAGE_SHIFT 12
static inline size_t bk_size(unsigned int order)
{
	return (size_t)1 << (BK_PAGE_SHIFT + order);
}

#if defined(BK_LIBBUDDY)
#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define BK_NAME "libbuddy"
#define BK_ZERO_HOW "__GFP_ZERO"

/* Arena shapes the workloads ask for (the rest comes from BUDDY_CONF). */
enum bk_arena { BK_ARENA_DEFAULT, BK_ARENA_NORMAL_ONLY };

static inline int bk_setup(enum bk_arena shape, size_t arena_bytes)
{
	static char conf[512];
	struct buddy_config cfg;
	const char *env = getenv("BUDDY_CONF");

	memset(&cfg, 0, sizeof(cfg));
	/* Default 8G: MAP_NORESERVE, so nothing is committed until touched. */
	snprintf(conf, sizeof(conf), "arena_size:8G%s%s", env && *env ? "," : "", env ? env : "");
	if (arena_bytes)
		snprintf(conf + strlen(conf), sizeof(conf) - strlen(conf), ",arena_size:%zuM", arena_bytes >> 20);
	if (shape == BK_ARENA_NORMAL_ONLY) {
		cfg.dma_limit = BUDDY_ZONE_EMPTY;
		cfg.dma32_limit = BUDDY_ZONE_EMPTY;
	}
	cfg.conf = conf;
	return buddy_init(&cfg);
}
static inline void bk_teardown(void)
{
	buddy_exit();
}
static inline void *bk_alloc(unsigned int order)
{
	return alloc_pages(GFP_KERNEL, order);
}
/* Long-lived vs short-lived blocks: libbuddy groups them by mobility. */
static inline void *bk_alloc_kind(unsigned int order, bool movable)
{
	return alloc_pages((movable ? GFP_HIGHUSER_MOVABLE : GFP_KERNEL) | __GFP_NOWARN, order);
}
static inline void *bk_alloc_zeroed(unsigned int order)
{
	return alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
}
static inline void bk_free(void *h, unsigned int order)
{
	__free_pages((struct page *)h, order);
}
static inline void *bk_addr(void *h)
{
	return page_address((struct page *)h);
}
static inline void bk_version(char *buf, size_t len)
{
	snprintf(buf, len, "libbuddy %s", BENCH_BUDDY_VERSION);
}

#else /* the malloc peers */

enum bk_arena { BK_ARENA_DEFAULT, BK_ARENA_NORMAL_ONLY };
static inline int bk_setup(enum bk_arena shape, size_t arena_bytes)
{
	(void)shape;
	(void)arena_bytes;
	return 0;
}
static inline void bk_teardown(void)
{
}
static inline void *bk_addr(void *h)
{
	return h;
}

#if defined(BK_JEMALLOC)
#include <jemalloc/jemalloc.h>
#define BK_NAME "jemalloc"
#define BK_ZERO_HOW "MALLOCX_ZERO"
static inline void *bk_alloc(unsigned int order)
{
	return mallocx(bk_size(order), MALLOCX_ALIGN(bk_size(order)));
}
static inline void *bk_alloc_zeroed(unsigned int order)
{
	return mallocx(bk_size(order), MALLOCX_ALIGN(bk_size(order)) | MALLOCX_ZERO);
}
static inline void bk_free(void *h, unsigned int order)
{
	(void)order;
	dallocx(h, 0);
}
static inline void bk_version(char *buf, size_t len)
{
	snprintf(buf, len, "jemalloc %.5s", JEMALLOC_VERSION);
}

#elif defined(BK_MIMALLOC)
#include <mimalloc.h>
#define BK_NAME "mimalloc"
#define BK_ZERO_HOW "mi_zalloc_aligned"
static inline void *bk_alloc(unsigned int order)
{
	return mi_malloc_aligned(bk_size(order), bk_size(order));
}
static inline void *bk_alloc_zeroed(unsigned int order)
{
	return mi_zalloc_aligned(bk_size(order), bk_size(order));
}
static inline void bk_free(void *h, unsigned int order)
{
	(void)order;
	mi_free(h);
}
static inline void bk_version(char *buf, size_t len)
{
	snprintf(buf, len, "mimalloc %d.%d.%d", mi_version() / 100, mi_version() / 10 % 10, mi_version() % 10);
}

#elif defined(BK_TCMALLOC)
#include <gperftools/tcmalloc.h>
#define BK_NAME "tcmalloc"
#define BK_ZERO_HOW "tc_memalign + memset (no zeroing aligned call)"
static inline void *bk_alloc(unsigned int order)
{
	return tc_memalign(bk_size(order), bk_size(order));
}
static inline void *bk_alloc_zeroed(unsigned int order)
{
	void *p = tc_memalign(bk_size(order), bk_size(order));
	if (p)
		memset(p, 0, bk_size(order));
	return p;
}
static inline void bk_free(void *h, unsigned int order)
{
	(void)order;
	tc_free(h);
}
static inline void bk_version(char *buf, size_t len)
{
	snprintf(buf, len, "tcmalloc (%s)", TC_VERSION_STRING);
}

#elif defined(BK_GLIBC)
#include <gnu/libc-version.h>
#define BK_NAME "glibc"
#define BK_ZERO_HOW "aligned_alloc + memset (no zeroing aligned call)"
static inline void *bk_alloc(unsigned int order)
{
	return aligned_alloc(bk_size(order), bk_size(order));
}
static inline void *bk_alloc_zeroed(unsigned int order)
{
	void *p = aligned_alloc(bk_size(order), bk_size(order));
	if (p)
		memset(p, 0, bk_size(order));
	return p;
}
static inline void bk_free(void *h, unsigned int order)
{
	(void)order;
	free(h);
}
static inline void bk_version(char *buf, size_t len)
{
	snprintf(buf, len, "glibc %s", gnu_get_libc_version());
}

#else
#error "define one of BK_LIBBUDDY BK_JEMALLOC BK_MIMALLOC BK_TCMALLOC BK_GLIBC"
#endif

/* Malloc peers have no mobility hint: both kinds are the same request. */
static inline void *bk_alloc_kind(unsigned int order, bool movable)
{
	(void)movable;
	return bk_alloc(order);
}
#endif

#endif /* BENCH_BACKEND_H */
