/* SPDX-License-Identifier: MIT */
/*
 * The test-only accessor layer: every read or write a suite makes of the
 * allocator's global state, of NODE_DATA and of zone / free_area / pcp fields
 * goes through a function named here, implemented in test_util.c (the one
 * test file that knows where those fields live). When the internals move,
 * test_util.c changes and the suites do not.
 *
 * Suites may still include "internal.h" for types, constants and the
 * functions under test (MIGRATE_*, pageblock_order, struct page flags,
 * __zone_watermark_ok, wmark_pages ...). They must not name `buddy.`,
 * NODE_DATA(), ->free_area or ->per_cpu_pageset: scripts/check_test_access.sh
 * (ctest test check_test_access) enforces it.
 *
 * The struct types are opaque here; a suite that includes internal.h may look
 * inside what test_pcp() / test_free_list() / test_cpu() return, for the few
 * tests that walk or corrupt those structures on purpose.
 */
#ifndef BUDDY_TEST_H
#define BUDDY_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include <buddy/gfp.h>

struct zone;
struct zonelist;
struct zoneref;
struct page;
struct list_head;
struct per_cpu_pages;
struct buddy_cpu;
struct buddy_settings;
struct pglist_data;
struct buddy_kthread;

/* ---- the process-wide instance (valid between buddy_init and buddy_exit) */

int test_nr_cpus(void);			/* CPU ids 0 .. test_nr_cpus()-1 have pcp lists */
int test_nr_nodes(void);
int test_cpu_node(int cpu);		/* the node whose zones a CPU allocates from first */
struct buddy_cpu *test_cpu(int cpu);	/* for pcp_lock_cpu() / __count_vm_events() */
int test_pcp_rseq_lock(void);		/* the pcp lock in use: 1 rseq, 0 atomic exchange */
bool test_real_numa(void);		/* nodes are libnuma's, bound with mbind */
int test_node_distance(int from, int to);
int test_mobility_grouping_disabled(void);	/* page_group_by_mobility_disabled */
unsigned long test_min_free_kbytes(void);
int test_watermark_scale_factor(void);
const struct buddy_settings *test_settings(void);	/* the parsed configuration */

/* The arena and its struct page array. */
char *test_arena_base(void);		/* virtual address of pfn 0 */
size_t test_arena_bytes(void);
int test_arena_backing(void);		/* what backs it: BUDDY_HUGEPAGES_* (hugetlb may fall back) */
unsigned long test_nr_pages(void);	/* pfns 0 .. test_nr_pages()-1 */
struct page *test_mem_map(void);	/* the descriptor of pfn 0 */
size_t test_mem_map_bytes(void);

/* ---- nodes and zones */

struct zone *zone_of(int nid, enum zone_type z);
struct zone *normal_zone(void);		/* node 0's ZONE_NORMAL */
/* ZONELIST_FALLBACK or ZONELIST_NOFALLBACK of a node. */
struct zonelist *test_zonelist(int nid, int which);
/* Entry i of a zonelist: its zone (NULL past the end) and the zone's index. */
struct zone *test_zonelist_zone(const struct zonelist *zl, int i);
int test_zonelist_zone_idx(const struct zonelist *zl, int i);
/* Its first entry, for building an alloc_context by hand. */
struct zoneref *test_zonelist_refs(struct zonelist *zl);
unsigned long test_node_start_pfn(int nid);
unsigned long test_node_spanned(int nid);

const char *test_zone_name(const struct zone *zone);
int test_zone_nid(const struct zone *zone);
enum zone_type test_zone_idx(const struct zone *zone);
unsigned long test_zone_start_pfn(const struct zone *zone);
unsigned long test_zone_spanned(const struct zone *zone);
unsigned long test_zone_managed(const struct zone *zone);
/* Overwrite managed_pages, to drive the watermark formulas; restore it after. */
void test_zone_set_managed(struct zone *zone, unsigned long pages);
unsigned long test_zone_cma_pages(const struct zone *zone);
long test_zone_lowmem_reserve(const struct zone *zone, enum zone_type classzone);
unsigned long test_zone_watermark(const struct zone *zone, int wmark);	/* WMARK_* */
/* Overwrite nr_reserved_highatomic (the highatomic reserve's size), restore after. */
void test_zone_set_reserved_highatomic(struct zone *zone, unsigned long pages);
unsigned long test_zone_reserved_highatomic(const struct zone *zone);
unsigned long test_zone_nr_isolate_pageblock(const struct zone *zone);	/* MIGRATE_ISOLATE blocks */
/* The deferred run: max-order blocks from deferred_pfn not yet on a free list. */
unsigned long test_zone_deferred_pfn(const struct zone *zone);
unsigned long test_zone_nr_deferred(const struct zone *zone);	/* blocks in it */
unsigned long test_zone_nr_guard_pages(const struct zone *zone);	/* debug_guardpage_minorder's */
/* Overwrite the run's bookkeeping (tests of buddy_check); restore it after. */
void test_zone_set_deferred(struct zone *zone, unsigned long pfn, unsigned long nr_blocks);
/* Compaction's per-zone state (deferral, cached scanner positions). */
unsigned int test_zone_compact_defer_shift(const struct zone *zone);
unsigned int test_zone_compact_considered(const struct zone *zone);
int test_zone_compact_order_failed(const struct zone *zone);
bool test_zone_compact_blockskip_flush(const struct zone *zone);
/* A node's pg_data_t, for wakeup_kcompactd, and its kcompactd thread. */
struct pglist_data *test_pgdat(int nid);
struct buddy_kthread *test_kcompactd(int nid);
void test_zone_lock(struct zone *zone);
void test_zone_unlock(struct zone *zone);

/* ---- the buddy free lists */

/* Blocks of this order free in the zone (free_area[order].nr_free). */
unsigned long test_nr_free(const struct zone *zone, unsigned int order);
/* The same for one migratetype's list (nr_free_mt). */
unsigned long test_nr_free_mt(const struct zone *zone, unsigned int order, int mt);
/*
 * Corrupt the block counters on purpose (tests of buddy_check and of the
 * watermark check): add delta to nr_free and, when mt >= 0, to nr_free_mt[mt].
 * The caller restores them with -delta.
 */
void test_adjust_nr_free(struct zone *zone, unsigned int order, int mt, long delta);
/* The head of free_area[order].free_list[mt], for tests that walk or break it. */
struct list_head *test_free_list(struct zone *zone, unsigned int order, int mt);

/* ---- per-CPU page lists */

struct per_cpu_pages *test_pcp(struct zone *zone, int cpu);
int test_pcp_count(const struct zone *zone, int cpu);	/* pages on all of this CPU's lists */
int test_pcp_high(const struct zone *zone, int cpu);
int test_pcp_batch(const struct zone *zone, int cpu);
int test_pcp_reserve_count(const struct zone *zone, int cpu); /* pages in this CPU's reserve */
long test_zone_pcp_reserve_total(const struct zone *zone); /* all CPUs' reserves may hold this much */
/* zone->flags (ZONE_* bits), and setting or clearing one as kswapd or the allocator would. */
unsigned long test_zone_flags(const struct zone *zone);
void test_zone_flag(struct zone *zone, int bit, bool on);
/* The pcp list of (order, mt), for tests that walk or break it. */
struct list_head *test_pcp_list(struct zone *zone, int cpu, unsigned int order, int mt);

/* ---- reclaim: kswapd and the watermark boost */

/* Wait until node nid's kswapd is neither running nor woken (at once if it never started). */
void test_kswapd_wait_idle(int nid);
bool test_kswapd_started(int nid);
unsigned long test_kswapd_runs(int nid);	/* balance runs so far (the thread's work calls) */
int test_kswapd_failures(int nid);
bool test_node_unreclaimable(int nid);
unsigned long test_zone_watermark_boost(const struct zone *zone);
int test_settings_watermark_boost_factor(void);

/* ---- free page reporting (page_reporting.c) */
unsigned long test_zone_reported_pages(const struct zone *zone); /* pages in PageReported free blocks */
bool test_page_reporting_started(void);				  /* the worker thread exists */
#endif
