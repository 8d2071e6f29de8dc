/* SPDX-License-Identifier: MIT */
/*
 * <buddy/buddy.h> - libbuddy's own surface: set-up, tear-down, checking,
 * statistics and tunables. The kernel-compatible allocation API lives in
 * <buddy/gfp.h>.
 */
#ifndef BUDDY_BUDDY_H
#define BUDDY_BUDDY_H

#include <stdbool.h>
#include <stdio.h>
#include <buddy/gfp.h>
#include <buddy/sched_mm.h>
#include <buddy/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Start-up configuration. A zero field means "the default". Every field has a
 * BUDDY_CONF key of the same name (sizes accept K/M/G suffixes), e.g.
 *   BUDDY_CONF=arena_size:8G,dma32_limit:2G,numa_fake:2
 * docs/configuration.md lists each key with its default and range.
 */
struct buddy_config {
	size_t arena_size; /* the simulated physical memory, pfn 0 at its base */
	/* Zone limits, addresses in the arena (docs/configuration.md#the-physical-map). */
	size_t dma_limit;		   /* 0 = default (16M), BUDDY_ZONE_EMPTY = no ZONE_DMA */
	size_t dma32_limit;		   /* 0 = default (4G), BUDDY_ZONE_EMPTY = no ZONE_DMA32 */
	size_t highmem_start;		   /* 0 = no ZONE_HIGHMEM */
	const char *kernelcore;		   /* "512M" or "75%": the rest is ZONE_MOVABLE; NULL = none */
	const char *movablecore;	   /* "256M" or "25%" for ZONE_MOVABLE; NULL = none */
	int numa_fake;			   /* >0: split the arena into this many equal fake nodes */
	size_t numa_fake_size;		   /* or into fake nodes of this size (the last takes the rest) */
	const char *numa_distance;	   /* fake NUMA distance matrix, "10 20;20 10" */
	int min_free_kbytes;		   /* 0 = kernel formula */
	int watermark_scale_factor;	   /* 0 = 10 */
	int percpu_pagelist_high_fraction; /* 0 = pcp high auto-tuned (6.7); N = fixed at managed / N */
	int mobility_grouping;		   /* 0 = auto, 1 = on, -1 = off */
	size_t cma;			   /* per node */
	const char *stats_print;	   /* views dumped to stderr at exit */
	int hugepages;			   /* BUDDY_HUGEPAGES_*: 0 = 4 KiB pages */
	const char *arena_file;		   /* map this file instead of anonymous memory */
	int arena_fd;			   /* or this open file (> 0; the caller keeps it) */
	const char *stats_dir;		   /* keep the views as files in this directory */
	int stats_interval_ms;		   /* and rewrite them this often (0 = 1000) */
	const char *conf;		   /* extra key:value pairs, parsed after the fields */
	int watermark_boost_factor;	   /* 0 = 15000 (BUDDY_CONF or the setter can set 0) */
	int kswapd;			   /* 0 = auto (on), 1 = on, -1 = off */
	/* Free page reporting: free blocks given back to the OS (docs/page-reporting.md). */
	int page_reporting;	     /* 0 = default (off), 1 = on, -1 = off */
	int page_reporting_order;    /* 0 = default (pageblock_order) */
	int page_reporting_delay_ms; /* 0 = default (2000) */
	int page_reporting_advice;   /* BUDDY_PAGE_REPORTING_*: 0 = MADV_DONTNEED */
	/* Debug modes (docs/debug-pagealloc.md): 1 = on, 0 = off */
	int debug_pagealloc;	      /* free pages unmapped: a use after free faults */
	int page_poison;	      /* free pages filled with 0xaa and checked */
	int debug_guardpage_minorder; /* guard pages below this order (with debug_pagealloc) */
};

/* How free page reporting gives memory back (the page_reporting_advice key). */
#define BUDDY_PAGE_REPORTING_DONTNEED 0
#define BUDDY_PAGE_REPORTING_FREE     1

/* The arena's pages (the hugepages key): 4 KiB, transparent huge pages, or the hugetlb pool. */
#define BUDDY_HUGEPAGES_OFF	0
#define BUDDY_HUGEPAGES_THP	1
#define BUDDY_HUGEPAGES_HUGETLB 2

/* A zone limit of 0 bytes: no such zone (0 in the field means "the default limit"). */
#define BUDDY_ZONE_EMPTY ((size_t)-1)

/*
 * Set the allocator up. NULL means defaults plus the BUDDY_CONF environment
 * variable. Returns 0, or a negative errno with the reason on stderr (an
 * unknown key or malformed value is -EINVAL and names the key). Calling it
 * while already initialised is -EBUSY.
 */
BUDDY_API int buddy_init(const struct buddy_config *config);

/*
 * Tear everything down; a later buddy_init() starts from scratch. Pages
 * still allocated are counted in one line on stderr ("... still allocated:
 * leaked"); every struct page and address from before is stale afterwards.
 */
BUDDY_API void buddy_exit(void);

/* 1 when the allocator is initialised. */
BUDDY_API int buddy_initialized(void);
/* The library's version, "MAJOR.MINOR.PATCH"; BUDDY_VERSION_STRING is the headers'. */
BUDDY_API const char *buddy_version(void);

/*
 * Full invariant check: free lists, counters, page states and pageblock
 * types. Returns 0 when consistent, otherwise the number of problems found,
 * each described on stderr.
 */
BUDDY_API int buddy_check(void);

/*
 * Print a kernel-format view: "buddyinfo", "pagetypeinfo", "zoneinfo",
 * "vmstat", "extfrag_index", "unusable_index"; or "summary" (not a kernel
 * file: buddyinfo, pagetypeinfo and the vmstat lines that are not 0), or
 * "json" (every number of the kernel views in one JSON object). Returns 0, -EINVAL for an
 * unknown view, or -EIO when writing to the stream failed (it is flushed:
 * ferror or fflush reports the failure).
 */
BUDDY_API int buddy_dump(FILE *out, const char *view);

/* The same, through a callback (like jemalloc's malloc_stats_print). */
typedef void(buddy_write_cb)(void *cbopaque, const char *text);
BUDDY_API int buddy_dump_to(buddy_write_cb *write_cb, void *cbopaque, const char *view);

/* Return pages parked on per-CPU lists to the buddy lists. */
BUDDY_API void buddy_drain_local_pages(void);
BUDDY_API void buddy_drain_all_pages(void);
#define drain_local_pages(zone) buddy_drain_local_pages()
#define drain_all_pages(zone)	buddy_drain_all_pages()

/*
 * Run-time tunables, like writing the vm.* sysctls: each recomputes every
 * zone's watermarks, lowmem reserves and pcp high limits. Each takes the
 * range of its BUDDY_CONF key. 0; -EINVAL, changing nothing, for a value out
 * of range; or -ENODEV when the allocator cannot be initialised.
 */
BUDDY_API int buddy_set_min_free_kbytes(int kbytes);	    /* 0 .. 2^30; 0: the kernel formula */
BUDDY_API int buddy_set_watermark_scale_factor(int factor); /* 1 .. 3000 */
BUDDY_API int buddy_set_lowmem_reserve_ratio(const int ratio[MAX_NR_ZONES]); /* each >= 0 */
BUDDY_API int buddy_set_watermark_boost_factor(int factor);		     /* 0 .. INT_MAX; 0: off */
BUDDY_API int buddy_set_percpu_pagelist_high_fraction(int fraction);	     /* 0, or 8 .. 2^30 */

/*
 * Every run-time setting and statistic by name, like sysctl(2) and
 * jemalloc's mallctl(): the kernel's sysctl names ("vm.min_free_kbytes",
 * "vm.watermark_scale_factor", "vm.lowmem_reserve_ratio" as int[5],
 * "vm.percpu_pagelist_high_fraction", ...) read and written, and read-only
 * statistics ("vmstat.<any vmstat line>" as unsigned long, "version" as
 * const char *, "arena.bytes", "arena.nodes"). To read, pass oldp and
 * *oldlenp (its size: set to the value's size on return; oldp NULL asks the
 * size only); to write, newp and newlen (exactly the value's size). Returns
 * 0; -ENOENT for an unknown name; -EINVAL for a wrong length or a value out
 * of range (nothing changed); -EPERM for a write to a read-only name;
 * -ENODEV when the allocator cannot be initialised. docs/configuration.md
 * lists the names.
 */
BUDDY_API int buddy_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen);

/*
 * The contiguous memory allocator (BUDDY_CONF cma:SIZE reserves SIZE per node
 * at the top of its Normal zone; movable allocations use it while it is
 * free). buddy_cma_alloc takes count physically contiguous pages aligned to
 * 1 << align_order pages, each with one reference, or returns NULL (reported
 * on stderr) when no such run can be had: movable pages (<buddy/migrate.h>)
 * in the way are migrated out, pinned ones make the run fail.
 * buddy_cma_release gives a run back: false if it is not in a CMA area.
 * The kernel's cma_alloc/cma_release, for the one area per node.
 */
BUDDY_API struct page *buddy_cma_alloc(unsigned long count, unsigned int align_order);
BUDDY_API bool buddy_cma_release(struct page *pages, unsigned long count);

/* Number of nodes the allocator manages. */
BUDDY_API int buddy_nr_nodes(void);

/* Free pages in one zone of one node (-1 if the zone does not exist). */
BUDDY_API long buddy_zone_free_pages(int nid, enum zone_type zone);

#ifdef __cplusplus
}
#endif

#endif /* BUDDY_BUDDY_H */
