/* SPDX-License-Identifier: MIT */
/*
 * Counters in the kernel's vmstat vocabulary.
 *
 * Event counters (pgalloc_*, pgfree, ...) live per CPU in struct buddy_cpu
 * and are written under that CPU's lock with a plain load and store, so the
 * allocation fast path never writes a shared cache line; a reader folds all
 * CPUs. NUMA events are kept per zone and per CPU in per_cpu_pages, as the
 * kernel's per_cpu_zonestats does, so zoneinfo can show them per zone. Zone
 * page counts (nr_free_pages) are exact atomics kept under zone->lock.
 *
 * The counters and their names only; the "vmstat" view that prints them is
 * dump.c's (dump_vmstat).
 */
#include "internal.h"

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_DMA] = "pgalloc_dma",
	[PGALLOC_DMA32] = "pgalloc_dma32",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGALLOC_HIGH] = "pgalloc_high",
	[PGALLOC_MOVABLE] = "pgalloc_movable",
	[PGFREE] = "pgfree",
	[PCP_REFILL] = "buddy_pcp_refill",
	[PCP_DRAIN] = "buddy_pcp_drain",
	[PGALLOC_FAIL] = "buddy_pgalloc_fail",
	[EXTFRAG_EVENTS] = "buddy_extfrag",
	[ALLOCSTALL_DMA] = "allocstall_dma",
	[ALLOCSTALL_DMA32] = "allocstall_dma32",
	[ALLOCSTALL_NORMAL] = "allocstall_normal",
	[ALLOCSTALL_HIGH] = "allocstall_high",
	[ALLOCSTALL_MOVABLE] = "allocstall_movable",
	[PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[PGSTEAL_DIRECT] = "pgsteal_direct",
	[PGSTEAL_KHUGEPAGED] = "pgsteal_khugepaged",
	[PGSTEAL_PROACTIVE] = "pgsteal_proactive",
	[PGSCAN_KSWAPD] = "pgscan_kswapd",
	[PGSCAN_DIRECT] = "pgscan_direct",
	[PGSCAN_KHUGEPAGED] = "pgscan_khugepaged",
	[PGSCAN_PROACTIVE] = "pgscan_proactive",
	[SLABS_SCANNED] = "slabs_scanned",
	[KSWAPD_LOW_WMARK_HIT_QUICKLY] = "kswapd_low_wmark_hit_quickly",
	[KSWAPD_HIGH_WMARK_HIT_QUICKLY] = "kswapd_high_wmark_hit_quickly",
	[PAGEOUTRUN] = "pageoutrun",
	[PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[PGMIGRATE_FAIL] = "pgmigrate_fail",
	[COMPACTMIGRATE_SCANNED] = "compact_migrate_scanned",
	[COMPACTFREE_SCANNED] = "compact_free_scanned",
	[COMPACTISOLATED] = "compact_isolated",
	[COMPACTSTALL] = "compact_stall",
	[COMPACTFAIL] = "compact_fail",
	[COMPACTSUCCESS] = "compact_success",
	[KCOMPACTD_WAKE] = "compact_daemon_wake",
	[KCOMPACTD_MIGRATE_SCANNED] = "compact_daemon_migrate_scanned",
	[KCOMPACTD_FREE_SCANNED] = "compact_daemon_free_scanned",
	[PAGE_REPORTING_RUNS] = "buddy_page_reporting_runs",
	[PAGE_REPORTING_REPORTED] = "buddy_page_reporting_reported",
	[PAGE_REPORTING_ZERO_SKIPPED] = "buddy_page_reporting_zero_skipped",
	[FAIL_PAGE_ALLOC_INJECTED] = "buddy_fail_page_alloc",
};

const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	[NUMA_HIT] = "numa_hit",	 [NUMA_MISS] = "numa_miss",
	[NUMA_FOREIGN] = "numa_foreign", [NUMA_INTERLEAVE_HIT] = "numa_interleave",
	[NUMA_LOCAL] = "numa_local",	 [NUMA_OTHER] = "numa_other",
};

void count_vm_events(enum vm_event_item item, unsigned long n)
{
	struct buddy_cpu *cpu = pcp_lock_this_cpu();
	__count_vm_events(cpu, item, n);
	pcp_unlock_cpu(cpu);
}

void count_vm_events_nolock(enum vm_event_item item, unsigned long n)
{
	atomic_fetch_add_explicit(&buddy.cpus[pcp_cpu_id()].vm_events[item], n, memory_order_relaxed);
}

unsigned long sum_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;

	if (!buddy.cpus)
		return 0;
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		sum += atomic_load_explicit(&buddy.cpus[c].vm_events[item], memory_order_relaxed);
	return sum;
}

/* Fold one zone's NUMA event over the CPUs, each read under its lock. */
unsigned long zone_numa_event_state(struct zone *zone, enum numa_stat_item item)
{
	unsigned long sum = 0;

	if (!zone->per_cpu_pageset)
		return 0;
	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		pcp_lock_cpu(&buddy.cpus[c]);
		sum += zone->per_cpu_pageset[c].vm_numa_event[item];
		pcp_unlock_cpu(&buddy.cpus[c]);
	}
	return sum;
}

#define for_each_zone(zone)                                                                                  \
	for (int nid_ = 0; nid_ < buddy.nr_node_ids; nid_++)                                                 \
		for (struct zone *zone = NODE_DATA(nid_)->node_zones;                                        \
		     zone < NODE_DATA(nid_)->node_zones + MAX_NR_ZONES; zone++)

unsigned long global_numa_event_state(enum numa_stat_item item)
{
	unsigned long sum = 0;

	for_each_zone(zone) sum += zone_numa_event_state(zone, item);
	return sum;
}

unsigned long global_zone_page_state(enum zone_stat_item item)
{
	long sum = 0;

	for_each_zone(zone) sum += zone_page_state(zone, item);
	return sum < 0 ? 0 : (unsigned long)sum;
}

/*
 * 6.18's nr_free_pages_blocks: free pages in blocks of at least a pageblock,
 * the memory a huge allocation could get without compaction. Isolated blocks
 * are not free memory, as for nr_free_pages.
 */
unsigned long zone_free_pages_blocks(struct zone *zone)
{
	unsigned long pages = 0;

	for (unsigned int o = pageblock_order; o < MAX_ORDER; o++) {
		const struct free_area *area = &zone->free_area[o];
		unsigned long blocks =
			READ_ONCE(area->nr_free) - READ_ONCE(area->nr_free_mt[MIGRATE_ISOLATE]);
		pages += blocks << o;
	}
	return pages;
}
