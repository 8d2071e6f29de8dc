/* SPDX-License-Identifier: MIT */
/*
 * The process-wide state: the parsed settings (config.c), the report rate
 * limit's window (report.c), struct buddy_state and the one global `buddy`
 * (init.c), and the pfn helpers that read the arena's geometry from it.
 * Below pcp_lock.h and internal.h, above pcp.h.
 */
#ifndef BUDDY_STATE_H
#define BUDDY_STATE_H

#include <pthread.h>
#include <stdio.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#include "memmap.h"
#include "pcp.h"

/* ------------------------------------------------------- config.c */

/*
 * Every setting, each kept once: config.c's option table gives each one's
 * key, default and range. Parsed into a local copy at buddy_init, then
 * buddy.settings; the run-time setters (watermark.c) write the tunables there.
 */
struct buddy_settings {
	size_t arena_size;
	/* The physical map (memmap.c): zone limits as addresses in the arena, 0 = no such zone. */
	size_t dma_limit;
	size_t dma32_limit;
	size_t highmem_start; /* 0: no ZONE_HIGHMEM */
	struct core_setting kernelcore;
	struct core_setting movablecore;
	int numa_fake;	       /* N equal fake nodes (numa=fake=N) */
	size_t numa_fake_size; /* or fake nodes of this size (numa=fake=<size>) */
	int distance[MAX_NUMNODES][MAX_NUMNODES];
	bool distance_given;
	int distance_nodes; /* the matrix is distance_nodes square */
	/* Requested (0: the formula) until buddy_init; then the value in use. */
	int min_free_kbytes;
	int watermark_scale_factor;
	int watermark_boost_factor; /* 6.1 vm.watermark_boost_factor; 0: no boosting */
	int lowmem_reserve_ratio[MAX_NR_ZONES];
	int percpu_pagelist_high_fraction;
	/* deviation: per-CPU high-order reserves, 1/N of a zone (0: off) */
	int pcp_reserve_fraction;
	int mobility_grouping; /* 1 on, -1 off, 0 auto */
	/* Compaction's sysctls, read racily (READ_ONCE) while the setters write them. */
	int compaction_proactiveness;
	int extfrag_threshold;
	int pcp_lock; /* 0 auto (rseq when possible), 1 rseq, -1 atomic */
	size_t cma;
	int kswapd; /* -1 off; else kswapd threads start on demand */
	char stats_print[256];
	int hugepages;	      /* arena backing: ARENA_PAGES_4K, _THP or _HUGETLB */
	char arena_file[256]; /* map this file instead of anonymous memory ("" = none) */
	int arena_fd;	      /* or this open file (0 = none) */
	char stats_dir[256];  /* keep the views as files here ("" = none): stats_dir.c */
	int stats_interval_ms;
	/* Free page reporting (page_reporting.c). */
	int page_reporting;	     /* 1 on, -1 off */
	int page_reporting_order;    /* report free blocks of this order and up */
	int page_reporting_delay_ms; /* from the first request to the run (6.1 PAGE_REPORTING_DELAY) */
	int page_reporting_advice;   /* BUDDY_PAGE_REPORTING_DONTNEED or _FREE */
	/* fail_page_alloc (fail_page_alloc.c): the boot parameter's four numbers, the debugfs files */
	int fail_interval;
	int fail_probability; /* percent */
	int fail_space;
	int fail_times; /* -1: no limit */
	int fail_ignore_gfp_wait;
	int fail_ignore_gfp_highmem;
	int fail_min_order;
	int fail_verbose;
	size_t fail_seed; /* 0: from the clock */
	/* The debug modes (debug_page_alloc.h): fixed from buddy_init to buddy_exit. */
	int debug_pagealloc;	      /* 1 on, 0 off */
	int page_poison;	      /* 1 on, 0 off */
	int debug_guardpage_minorder; /* 0..MAX_ORDER/2; only with debug_pagealloc */
};

HIDDEN int buddy_parse_config(const struct buddy_config *cfg, struct buddy_settings *out);
HIDDEN int buddy_parse_conf_string(const char *s, struct buddy_settings *out);
HIDDEN void buddy_default_settings(struct buddy_settings *out);
/* 0, or -EINVAL when value is outside the range of key (as in BUDDY_CONF). */
HIDDEN int buddy_setting_check(const char *key, long long value);

/* ------------------------------------------------------- report.c */

/* A rate limit's current window (report.c); all zero is "not started". */
struct ratelimit_window {
	long begin; /* ms */
	int printed;
	int missed;
	bool started;
};

/*
 * 6.1 bad_page's own limit (its static resume, nr_shown, nr_unshown): a
 * burst of 60 reports, then none until a minute after the burst began.
 */
struct bad_page_window {
	long resume; /* ms */
	unsigned long nr_shown;
	unsigned long nr_unshown;
};

HIDDEN void bad_page(struct page *page, unsigned long pfn, const char *reason);
HIDDEN void bad_address(const void *addr, const char *reason);
HIDDEN void bad_mobility_mask(gfp_t gfp_mask);
HIDDEN void warn_alloc(gfp_t gfp_mask, unsigned int order, const char *why);
HIDDEN void warn_alloc_nodemask(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask,
				const char *why);
HIDDEN void refuse_alloc(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask,
			 const char *why);
HIDDEN void show_free_areas(buddy_write_cb *cb, void *opaque);
HIDDEN void report_leaked_pages(void); /* buddy_exit: one line when pages are still allocated */
/*
 * Tests: the rate limit's window (ms, 0 = unlimited), burst and clock (NULL:
 * CLOCK_MONOTONIC); resets the window. Defaults: 5000 ms, 10.
 */
HIDDEN void warn_alloc_set_ratelimit(long interval_ms, int burst, long (*clock_ms)(void));
/*
 * Tests: bad_page's window (ms; 0 = unlimited) and clock (NULL:
 * CLOCK_MONOTONIC); resets the window. Default: 60000 ms, burst 60.
 */
HIDDEN void bad_page_set_ratelimit(long interval_ms, long (*clock_ms)(void));
/*
 * The OOM report (6.1 dump_header with show_mem, then the kernel's "no
 * killable processes" line), under its own rate limit of the same
 * defaults; oom_report_set_ratelimit is its test hook. False when the rate
 * limit suppressed it.
 */
HIDDEN bool oom_report(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask);
HIDDEN void oom_report_set_ratelimit(long interval_ms, int burst, long (*clock_ms)(void));
/*
 * A kernel WARN_ON_ONCE (or, with gfp_sensitive, WARN_ON_ONCE_GFP, which
 * __GFP_NOWARN silences) from func about gfp_mask: "WARNING: <prog>:
 * <func>: mode:0x..(NAMES): <what>", once per allocator for each bit of
 * enum warn_once_bit.
 */
enum warn_once_bit {
	WARN_ATOMIC_DIRECT_RECLAIM,
	WARN_NOFAIL_HIGH_ORDER,
	WARN_NOFAIL_COSTLY,
	WARN_NOFAIL_NO_RECLAIM,
	WARN_NOFAIL_MEMALLOC,
};
HIDDEN void warn_once_gfp(enum warn_once_bit bit, bool gfp_sensitive, gfp_t gfp_mask, const char *func,
			  const char *what);
HIDDEN const char *buddy_progname(void);

/* ------------------------------------------------------- init.c / state */

struct cma; /* cma.c */

/* The hugepages key's values. */
enum { ARENA_PAGES_4K, ARENA_PAGES_THP, ARENA_PAGES_HUGETLB };

/*
 * Free page reporting's run-time state (page_reporting.h): the kernel's
 * static key and page_reporting_order module parameter, whether given-back
 * memory reads as zero, and its worker (6.1 prdev->state and work). Here,
 * in the one global, so that the free path (free_area.c) reads it without
 * calling into page_reporting.c.
 */
struct page_reporting {
	int enabled;	    /* READ_ONCE: page_reporting:on and buddy_ctl */
	unsigned int order; /* report blocks of this order and up */
	bool zeroes;	    /* fixed at buddy_init: see page_reporting.h */
	atomic_int state;   /* enum page_reporting_state */
	struct buddy_kthread worker;
};

struct buddy_state {
	atomic_int initialized;
	atomic_int warned_bad_mobility; /* bad_mobility_mask said it once */
	atomic_uint warned_once;	/* warn_once_gfp: 1 << enum warn_once_bit */
	struct buddy_settings settings;
	char *arena_base; /* virtual address of pfn 0 */
	size_t arena_bytes;
	int arena_fd;		/* the file behind the arena, -1 for anonymous memory */
	bool arena_fd_owned;	/* opened from arena_file: closed by arena_release */
	int arena_backing;	/* what the arena got: ARENA_PAGES_* (hugetlb may fall back) */
	unsigned long nr_pages; /* pfns 0 .. nr_pages-1 */
	struct page *mem_map;	/* one descriptor per pfn */
	size_t mem_map_bytes;
	int nr_node_ids;
	struct memmap memmap; /* node slices and zone ranges (memmap.c) */
	pg_data_t *node_data[MAX_NUMNODES];
	int node_distance[MAX_NUMNODES][MAX_NUMNODES];
	bool real_numa; /* nodes are libnuma's, bound with mbind */
	int nr_cpu_ids;
	struct buddy_cpu *cpus; /* [nr_cpu_ids] */
	int page_group_by_mobility_disabled;
	/*
	 * pcp locks taken with rseq (see pcp_lock_this_cpu). Published last by
	 * do_init, with release: the rseq fast path's only gate.
	 */
	int pcp_rseq_lock;
	struct ratelimit_window nopage_rs;  /* warn_alloc's, per allocator like per boot */
	struct ratelimit_window oom_rs;	    /* oom_report's */
	struct bad_page_window bad_page_rs; /* bad_page's and bad_address's (report.c) */
	struct cma *cma_areas;		    /* [cma_area_count], one per node (cma.c) */
	int cma_area_count;
	/*
	 * The lazy initialisation failed: allocations fail without retrying
	 * until buddy_init or buddy_exit (init_lock held).
	 */
	bool lazy_init_failed;
	struct buddy_kthread stats_writer; /* stats_dir.c, when stats_dir is set */
	struct page_reporting reporting;   /* page_reporting.c */
};

extern HIDDEN struct buddy_state buddy;

#define NODE_DATA(nid) (buddy.node_data[nid])

/* Lazily initialise on the first allocation. */
HIDDEN void buddy_lazy_init(void);
static inline void buddy_ensure_init(void)
{
	if (unlikely(!atomic_load_explicit(&buddy.initialized, memory_order_acquire)))
		buddy_lazy_init();
}
/* The nodes a caller may name now, initialising first (0 if that failed); every node has memory. */
static inline int nr_nodes_now(void)
{
	buddy_ensure_init();
	return buddy_initialized() ? buddy.nr_node_ids : 0;
}

/* ------------------------------------------------------- stats_dir.c */

HIDDEN void stats_dir_start(void); /* after initialisation: nothing without stats_dir */
HIDDEN void stats_dir_stop(void);  /* buddy_exit: a last snapshot, then the thread joined */
HIDDEN void stats_dir_fork_lock(void);
HIDDEN void stats_dir_fork_unlock(bool child);

/* ------------------------------------------------------- arena.c */

HIDDEN int arena_reserve(void);
HIDDEN void arena_release(void);

static inline unsigned long page_to_pfn_fast(const struct page *p)
{
	return (unsigned long)(p - buddy.mem_map);
}
static inline struct page *pfn_to_page_fast(unsigned long pfn)
{
	return buddy.mem_map + pfn;
}
static inline void *pfn_to_virt(unsigned long pfn)
{
	return buddy.arena_base + (pfn << PAGE_SHIFT);
}
static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < buddy.nr_pages;
}
/*
 * A struct page pointer a caller gave us: one of mem_map's descriptors,
 * inside the array and on a descriptor boundary? False for NULL, foreign
 * pointers and every pointer after buddy_exit() (mem_map gone), so each
 * gfp.h function taking a page tests it before the first dereference.
 */
static inline bool valid_page_pointer(const struct page *page)
{
	uintptr_t offset = (uintptr_t)page - (uintptr_t)buddy.mem_map;

	return offset < buddy.mem_map_bytes && offset % sizeof(struct page) == 0;
}
static inline int pfn_to_nid(unsigned long pfn)
{
	return memmap_pfn_to_nid(&buddy.memmap, buddy.nr_node_ids, pfn);
}
/* The zone spanning pfn; NULL outside the zones. */
static inline struct zone *pfn_to_zone(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return NULL;
	pg_data_t *pgdat = NODE_DATA(pfn_to_nid(pfn));
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (zone_spans_pfn(&pgdat->node_zones[z], pfn))
			return &pgdat->node_zones[z];
	return NULL;
}
/* For assertions (the kernel's bad_range): the block is not wholly inside zone. */
static inline bool bad_range(const struct zone *zone, const struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn_fast(page);

	return !zone_spans_pfn(zone, pfn) || pfn + (1UL << order) > zone_end_pfn(zone);
}

#endif /* BUDDY_STATE_H */
