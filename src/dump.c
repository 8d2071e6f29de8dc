/* SPDX-License-Identifier: MIT */
/*
 * Kernel-format views (buddy_dump): each view is a function that prints the
 * same lines, widths and spacing as the /proc or debugfs file it is named
 * after, through a write callback so it can go to a FILE or anywhere else.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "internal.h"
#include "vmscan.h"

void dump_printf(buddy_write_cb *cb, void *opaque, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cb(opaque, buf);
}

#define for_each_node(nid) for (int nid = 0; nid < buddy.nr_node_ids; nid++)

/* A consistent copy of a zone's free block counts, taken under zone->lock. */
struct free_snapshot {
	unsigned long nr_free[MAX_ORDER];
	unsigned long nr_free_mt[MAX_ORDER][MIGRATE_TYPES];
};

static void snapshot_free_area(struct zone *zone, struct free_snapshot *snap)
{
	zone_lock(zone);
	for (int o = 0; o < MAX_ORDER; o++) {
		snap->nr_free[o] = zone->free_area[o].nr_free;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			snap->nr_free_mt[o][t] = zone->free_area[o].nr_free_mt[t];
	}
	zone_unlock_nocheck(zone); /* read only: nothing to check */
}

static bool node_has_memory(int nid)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
			return true;
	return false;
}

/*
 * The kernel's walk_zones_in_node for the one-line-per-zone views: every
 * populated zone, its free counts snapshotted under zone->lock, the
 * "Node N, zone NAME " prefix, then the view's columns and a newline.
 */
typedef void (*zone_columns_fn)(buddy_write_cb *cb, void *opaque, const struct free_snapshot *snap);

static void walk_populated_zones(buddy_write_cb *cb, void *opaque, zone_columns_fn columns)
{
	for_each_node(nid)
	{
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			struct free_snapshot snap;

			if (!populated_zone(zone))
				continue;
			snapshot_free_area(zone, &snap);
			dump_printf(cb, opaque, "Node %d, zone %8s ", nid, zone->name);
			columns(cb, opaque, &snap);
			cb(opaque, "\n");
		}
	}
}

static void buddyinfo_columns(buddy_write_cb *cb, void *opaque, const struct free_snapshot *snap)
{
	for (int o = 0; o < MAX_ORDER; o++)
		dump_printf(cb, opaque, "%6lu ", snap->nr_free[o]);
}

/* /proc/buddyinfo: free blocks per order, populated zones only. */
void dump_buddyinfo(buddy_write_cb *cb, void *opaque)
{
	walk_populated_zones(cb, opaque, buddyinfo_columns);
}

/* ------------------------------------------------------------ pagetypeinfo */

/*
 * The migratetypes /proc/pagetypeinfo lists. The reference kernel has no
 * CONFIG_CMA, so CMA appears only when the arena has a CMA area (BUDDY_CONF
 * cma:SIZE), as it would on a kernel built with CMA.
 */
static bool migratetype_shown(int mt)
{
	return mt != MIGRATE_CMA || buddy.settings.cma != 0;
}

/* The kernel stops counting a list at 100000 entries and prints ">100000". */
#define PAGETYPE_COUNT_CAP 100000UL

static void pagetypeinfo_showfree(buddy_write_cb *cb, void *opaque, int nid)
{
	dump_printf(cb, opaque, "%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < MAX_ORDER; o++)
		dump_printf(cb, opaque, "%6d ", o);
	cb(opaque, "\n");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[z];
		struct free_snapshot snap;

		if (!populated_zone(zone))
			continue;
		snapshot_free_area(zone, &snap);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			if (!migratetype_shown(mt))
				continue;
			dump_printf(cb, opaque, "Node %4d, zone %8s, type %12s ", nid, zone->name,
				    migratetype_names[mt]);
			for (int o = 0; o < MAX_ORDER; o++) {
				unsigned long n = snap.nr_free_mt[o][mt];
				bool overflow = n >= PAGETYPE_COUNT_CAP;
				dump_printf(cb, opaque, "%s%6lu ", overflow ? ">" : "",
					    overflow ? PAGETYPE_COUNT_CAP : n);
			}
			cb(opaque, "\n");
		}
	}
}

static void pagetypeinfo_showblockcount(buddy_write_cb *cb, void *opaque, int nid)
{
	dump_printf(cb, opaque, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (migratetype_shown(mt))
			dump_printf(cb, opaque, "%12s ", migratetype_names[mt]);
	cb(opaque, "\n");
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[z];
		unsigned long count[MIGRATE_TYPES] = {0};

		if (!populated_zone(zone))
			continue;
		for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
		     pfn += pageblock_nr_pages)
			count[get_pfnblock_migratetype(zone, pfn)]++;
		dump_printf(cb, opaque, "Node %d, zone %8s ", nid, zone->name);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (migratetype_shown(mt))
				dump_printf(cb, opaque, "%12lu ", count[mt]);
		cb(opaque, "\n");
	}
}

/* /proc/pagetypeinfo: one block per node with memory, as the kernel prints it. */
void dump_pagetypeinfo(buddy_write_cb *cb, void *opaque)
{
	for_each_node(nid)
	{
		if (!node_has_memory(nid))
			continue;
		dump_printf(cb, opaque, "Page block order: %d\n", pageblock_order);
		dump_printf(cb, opaque, "Pages per block:  %lu\n", pageblock_nr_pages);
		cb(opaque, "\n");
		pagetypeinfo_showfree(cb, opaque, nid);
		pagetypeinfo_showblockcount(cb, opaque, nid);
	}
}

/* ------------------------------------------------------------ zoneinfo */

/*
 * The kernel's per-node counters (6.18 order). They count LRU, page cache,
 * slab, writeback and tiering pages, none of which exist in a page
 * allocator: zoneinfo prints them, all 0, so its layout stays the kernel's.
 */
static const char *const node_stat_names[] = {
	"nr_inactive_anon",
	"nr_active_anon",
	"nr_inactive_file",
	"nr_active_file",
	"nr_unevictable",
	"nr_slab_reclaimable",
	"nr_slab_unreclaimable",
	"nr_isolated_anon",
	"nr_isolated_file",
	"workingset_nodes",
	"workingset_refault_anon",
	"workingset_refault_file",
	"workingset_activate_anon",
	"workingset_activate_file",
	"workingset_restore_anon",
	"workingset_restore_file",
	"workingset_nodereclaim",
	"nr_anon_pages",
	"nr_mapped",
	"nr_file_pages",
	"nr_dirty",
	"nr_writeback",
	"nr_shmem",
	"nr_shmem_hugepages",
	"nr_shmem_pmdmapped",
	"nr_file_hugepages",
	"nr_file_pmdmapped",
	"nr_anon_transparent_hugepages",
	"nr_vmscan_write",
	"nr_vmscan_immediate_reclaim",
	"nr_dirtied",
	"nr_written",
	"nr_throttled_written",
	"nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired",
	"nr_foll_pin_released",
	"nr_kernel_stack",
	"nr_page_table_pages",
	"nr_sec_page_table_pages",
	"nr_iommu_pages",
	"nr_swapcached",
	"pgpromote_success",
	"pgpromote_candidate",
	"pgpromote_candidate_nrl",
	"pgdemote_kswapd",
	"pgdemote_direct",
	"pgdemote_khugepaged",
	"pgdemote_proactive",
	"nr_hugetlb",
	"nr_balloon_pages",
	"nr_kernel_file_pages",
};

/* The per-zone LRU counters between nr_free_pages_blocks and nr_free_cma: always 0 here. */
static const char *const zone_lru_stat_names[] = {
	"nr_zone_inactive_anon",
	"nr_zone_active_anon",
	"nr_zone_inactive_file",
	"nr_zone_active_file",
	"nr_zone_unevictable",
	"nr_zone_write_pending",
	"nr_mlock",
	"nr_zspages",
};

static bool is_zone_first_populated(pg_data_t *pgdat, struct zone *zone)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *first = &pgdat->node_zones[z];
		if (populated_zone(first))
			return first == zone;
	}
	return false;
}

static void zoneinfo_show_watermarks(buddy_write_cb *cb, void *opaque, struct zone *zone)
{
	unsigned long min = wmark_pages(zone, WMARK_MIN), low = wmark_pages(zone, WMARK_LOW);
	unsigned long high = wmark_pages(zone, WMARK_HIGH);

	/* No memory tiering: promo is what the kernel's formula would give. The marks include the boost. */
	dump_printf(cb, opaque,
		    "\n  pages free     %lu"
		    "\n        boost    %lu"
		    "\n        min      %lu"
		    "\n        low      %lu"
		    "\n        high     %lu"
		    "\n        promo    %lu"
		    "\n        spanned  %lu"
		    "\n        present  %lu"
		    "\n        managed  %lu"
		    "\n        cma      %lu",
		    (unsigned long)zone_page_state(zone, NR_FREE_PAGES), READ_ONCE(zone->watermark_boost),
		    min, low, high, high + (high - low), zone->spanned_pages, zone->present_pages,
		    zone->managed_pages, zone->cma_pages);
	dump_printf(cb, opaque, "\n        protection: (%ld", READ_ONCE(zone->lowmem_reserve[0]));
	for (int i = 1; i < MAX_NR_ZONES; i++)
		dump_printf(cb, opaque, ", %ld", READ_ONCE(zone->lowmem_reserve[i]));
	cb(opaque, ")");
}

static void zoneinfo_show_stats(buddy_write_cb *cb, void *opaque, struct zone *zone)
{
	dump_printf(cb, opaque, "\n      %-12s %lu", "nr_free_pages",
		    (unsigned long)zone_page_state(zone, NR_FREE_PAGES));
	dump_printf(cb, opaque, "\n      %-12s %lu", "nr_free_pages_blocks", zone_free_pages_blocks(zone));
	for (size_t i = 0; i < ARRAY_SIZE(zone_lru_stat_names); i++)
		dump_printf(cb, opaque, "\n      %-12s %lu", zone_lru_stat_names[i], 0UL);
	dump_printf(cb, opaque, "\n      %-12s %lu", "nr_free_cma",
		    (unsigned long)zone_page_state(zone, NR_FREE_CMA_PAGES));
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		dump_printf(cb, opaque, "\n      %-12s %lu", numa_stat_names[i],
			    zone_numa_event_state(zone, (enum numa_stat_item)i));
}

/*
 * Per CPU: count, high, batch, high_min and high_max read under that CPU's
 * lock; high is auto-tuned between the other two (6.7), which are equal when
 * percpu_pagelist_high_fraction is set. The counters are exact, so the vm
 * stats threshold (per-CPU drift allowed) is 0.
 */
static void zoneinfo_show_pagesets(buddy_write_cb *cb, void *opaque, struct zone *zone)
{
	cb(opaque, "\n  pagesets");
	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[c];
		int count, high, batch, high_min, high_max;

		pcp_lock_cpu(&buddy.cpus[c]);
		count = pcp->count;
		high = pcp->high;
		batch = pcp->batch;
		high_min = pcp->high_min;
		high_max = pcp->high_max;
		pcp_unlock_cpu(&buddy.cpus[c]);
		dump_printf(cb, opaque,
			    "\n    cpu: %i"
			    "\n              count:    %i"
			    "\n              high:     %i"
			    "\n              batch:    %i"
			    "\n              high_min: %i"
			    "\n              high_max: %i",
			    c, count, high, batch, high_min, high_max);
		dump_printf(cb, opaque, "\n  vm stats threshold: %d", 0);
	}
}

static void zoneinfo_show_print(buddy_write_cb *cb, void *opaque, pg_data_t *pgdat, struct zone *zone)
{
	dump_printf(cb, opaque, "Node %d, zone %8s", pgdat->node_id, zone->name);
	if (is_zone_first_populated(pgdat, zone)) {
		cb(opaque, "\n  per-node stats");
		for (size_t i = 0; i < ARRAY_SIZE(node_stat_names); i++)
			dump_printf(cb, opaque, "\n      %-12s %lu", node_stat_names[i], 0UL);
	}
	zoneinfo_show_watermarks(cb, opaque, zone);
	if (!populated_zone(zone)) {
		cb(opaque, "\n");
		return;
	}
	zoneinfo_show_stats(cb, opaque, zone);
	zoneinfo_show_pagesets(cb, opaque, zone);
	dump_printf(cb, opaque,
		    "\n  node_unreclaimable:  %u"
		    "\n  start_pfn:           %lu",
		    (unsigned)pgdat_node_unreclaimable(pgdat), zone->zone_start_pfn);
	cb(opaque, "\n");
}

/* /proc/zoneinfo: every zone of every node, populated or not. */
void dump_zoneinfo(buddy_write_cb *cb, void *opaque)
{
	for_each_node(nid) for (int z = 0; z < MAX_NR_ZONES; z++)
		zoneinfo_show_print(cb, opaque, NODE_DATA(nid), &NODE_DATA(nid)->node_zones[z]);
}

/* ------------------------------------------------------------ extfrag */

struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* Free pages, free blocks and blocks big enough for suitable_order. */
static void fill_contig_page_info(const struct free_snapshot *snap, unsigned int suitable_order,
				  struct contig_page_info *info)
{
	*info = (struct contig_page_info){0};
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long blocks = snap->nr_free[o];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= suitable_order)
			info->free_blocks_suitable += blocks << (o - suitable_order);
	}
}

/*
 * The kernel's fragmentation index, in thousandths: toward 0 a failure of
 * this order would be for lack of memory, toward 1000 for fragmentation;
 * -1000 when a block of the order is free.
 */
static int __fragmentation_index(unsigned int order, const struct contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info->free_pages * 1000 / requested) / info->free_blocks_total);
}

/* Thousandths of free memory that cannot serve an allocation of this order. */
static int __unusable_free_index(unsigned int order, const struct contig_page_info *info)
{
	if (!info->free_pages)
		return 1000;
	return (int)((info->free_pages - (info->free_blocks_suitable << order)) * 1000 / info->free_pages);
}

/*
 * debugfs extfrag/{extfrag_index,unusable_index}: one line per populated
 * zone. 6.18 pads the fragmentation index to two digits before the point
 * ("%2d.%03d"), the unusable index not.
 */
static void index_columns(buddy_write_cb *cb, void *opaque, const struct free_snapshot *snap,
			  int (*index_of)(unsigned int order, const struct contig_page_info *info),
			  const char *fmt)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		struct contig_page_info info;
		int index;

		fill_contig_page_info(snap, o, &info);
		index = index_of(o, &info);
		dump_printf(cb, opaque, fmt, index / 1000, index % 1000);
	}
}

static void extfrag_columns(buddy_write_cb *cb, void *opaque, const struct free_snapshot *snap)
{
	index_columns(cb, opaque, snap, __fragmentation_index, "%2d.%03d ");
}

static void unusable_columns(buddy_write_cb *cb, void *opaque, const struct free_snapshot *snap)
{
	index_columns(cb, opaque, snap, __unusable_free_index, "%d.%03d ");
}

void dump_extfrag_index(buddy_write_cb *cb, void *opaque)
{
	walk_populated_zones(cb, opaque, extfrag_columns);
}

void dump_unusable_index(buddy_write_cb *cb, void *opaque)
{
	walk_populated_zones(cb, opaque, unusable_columns);
}

/* The events in /proc/vmstat's order; the buddy_* ones go last. */
static const enum vm_event_item vmstat_event_order[] = {
	PGALLOC_DMA,
	PGALLOC_DMA32,
	PGALLOC_NORMAL,
	PGALLOC_HIGH,
	PGALLOC_MOVABLE,
	ALLOCSTALL_DMA,
	ALLOCSTALL_DMA32,
	ALLOCSTALL_NORMAL,
	ALLOCSTALL_HIGH,
	ALLOCSTALL_MOVABLE,
	PGFREE,
	PGSTEAL_KSWAPD,
	PGSTEAL_DIRECT,
	PGSTEAL_KHUGEPAGED,
	PGSTEAL_PROACTIVE,
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,
	PGSCAN_KHUGEPAGED,
	PGSCAN_PROACTIVE,
	SLABS_SCANNED,
	KSWAPD_LOW_WMARK_HIT_QUICKLY,
	KSWAPD_HIGH_WMARK_HIT_QUICKLY,
	PAGEOUTRUN,
	PGMIGRATE_SUCCESS,
	PGMIGRATE_FAIL,
	COMPACTMIGRATE_SCANNED,
	COMPACTFREE_SCANNED,
	COMPACTISOLATED,
	COMPACTSTALL,
	COMPACTFAIL,
	COMPACTSUCCESS,
	KCOMPACTD_WAKE,
	KCOMPACTD_MIGRATE_SCANNED,
	KCOMPACTD_FREE_SCANNED,
	PGALLOC_FAIL,
	EXTFRAG_EVENTS,
	PCP_REFILL,
	PCP_DRAIN,
	PAGE_REPORTING_RUNS,
	PAGE_REPORTING_REPORTED,
	PAGE_REPORTING_ZERO_SKIPPED,
	FAIL_PAGE_ALLOC_INJECTED,
};

_Static_assert(ARRAY_SIZE(vmstat_event_order) == NR_VM_EVENT_ITEMS, "every event is printed once");

/*
 * /proc/vmstat: "name value" lines, in the kernel's order and with its names:
 * the counters that mean something for a page allocator plus the ones
 * reserved for reclaim, compaction and kswapd (zero until those exist), then
 * the buddy_* counters that have no kernel equivalent. docs/observing.md
 * lists what is left out and why.
 */
void dump_vmstat(buddy_write_cb *cb, void *opaque)
{
	unsigned long blocks = 0;

	for_each_node(nid) for (int z = 0; z < MAX_NR_ZONES; z++) blocks +=
		zone_free_pages_blocks(&NODE_DATA(nid)->node_zones[z]);
	dump_printf(cb, opaque, "nr_free_pages %lu\n", global_zone_page_state(NR_FREE_PAGES));
	dump_printf(cb, opaque, "nr_free_pages_blocks %lu\n", blocks);
	dump_printf(cb, opaque, "nr_free_cma %lu\n", global_zone_page_state(NR_FREE_CMA_PAGES));
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		dump_printf(cb, opaque, "%s %lu\n", numa_stat_names[i],
			    global_numa_event_state((enum numa_stat_item)i));
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_event_order); i++)
		dump_printf(cb, opaque, "%s %lu\n", vm_event_names[vmstat_event_order[i]],
			    sum_vm_event(vmstat_event_order[i]));
}

/* A write callback in front of another: vmstat lines whose value is 0 are dropped. */
struct nonzero_filter {
	buddy_write_cb *cb;
	void *opaque;
};

static void write_nonzero_line(void *opaque, const char *text)
{
	struct nonzero_filter *f = opaque;
	size_t len = strlen(text);

	if (len >= 3 && !strcmp(text + len - 3, " 0\n"))
		return;
	f->cb(f->opaque, text);
}

/*
 * Not a kernel file: what a newcomer wants at exit, in the kernel's formats -
 * buddyinfo, pagetypeinfo, and the vmstat lines that are not 0 (a full
 * zoneinfo is 200+ lines, most of them counters of things libbuddy has not).
 */
/*
 * Guard pages (debug_guardpage_minorder) per zone: the kernel counts them
 * nowhere; the summary does, when there are any.
 */
static void dump_guard_pages(buddy_write_cb *cb, void *opaque)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			unsigned long nr = READ_ONCE(zone->nr_guard_pages);

			if (nr)
				dump_printf(cb, opaque, "guard pages: node %d zone %8s %lu\n", nid,
					    zone->name, nr);
		}
}

static void dump_summary(buddy_write_cb *cb, void *opaque)
{
	struct nonzero_filter filter = {cb, opaque};

	dump_printf(cb, opaque, "== buddyinfo\n");
	dump_buddyinfo(cb, opaque);
	dump_printf(cb, opaque, "== pagetypeinfo\n");
	dump_pagetypeinfo(cb, opaque);
	dump_printf(cb, opaque, "== vmstat (counters that are not 0)\n");
	dump_vmstat(write_nonzero_line, &filter);
	dump_guard_pages(cb, opaque);
}

/* The json view: every kernel view, read back by dump_json.c. */
static void dump_json(buddy_write_cb *cb, void *opaque)
{
	static const struct json_source sources[] = {
		{"buddyinfo", dump_buddyinfo},	       {"pagetypeinfo", dump_pagetypeinfo},
		{"zoneinfo", dump_zoneinfo},	       {"vmstat", dump_vmstat},
		{"extfrag_index", dump_extfrag_index}, {"unusable_index", dump_unusable_index},
	};

	dump_json_views(cb, opaque, sources, ARRAY_SIZE(sources));
}

struct view {
	const char *name;
	dump_fn fn;
	bool in_all; /* dumped by stats_print:all (summary repeats the others) */
};

static const struct view views[] = {
	{"buddyinfo", dump_buddyinfo, true},
	{"pagetypeinfo", dump_pagetypeinfo, true},
	{"zoneinfo", dump_zoneinfo, true},
	{"vmstat", dump_vmstat, true},
	{"extfrag_index", dump_extfrag_index, true},
	{"unusable_index", dump_unusable_index, true},
	{"summary", dump_summary, false},
	{"json", dump_json, false},
};

int buddy_dump_to(buddy_write_cb *write_cb, void *cbopaque, const char *view)
{
	if (!view || !write_cb)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		if (strcmp(views[i].name, view))
			continue;
		buddy_ensure_init();
		if (!buddy.initialized)
			return -ENODEV;
		views[i].fn(write_cb, cbopaque);
		return 0;
	}
	return -EINVAL;
}

static void write_to_file(void *opaque, const char *text)
{
	fputs(text, (FILE *)opaque);
}

/*
 * fputs buffers, so a full disk or a closed pipe shows only in the stream's
 * error flag or at the flush: either makes the dump -EIO, not a silent 0.
 */
int buddy_dump(FILE *out, const char *view)
{
	FILE *f = out ? out : stdout;
	int rc = buddy_dump_to(write_to_file, f, view);

	if (rc)
		return rc;
	if (fflush(f) == EOF || ferror(f))
		return -EIO;
	return 0;
}

/* BUDDY_CONF stats_print:VIEW[/VIEW...]: dump them to stderr at exit. */
void dump_stats_at_exit(void)
{
	char list[sizeof(buddy.settings.stats_print)];
	char *save = NULL;

	if (!buddy.initialized || !buddy.settings.stats_print[0])
		return;
	memcpy(list, buddy.settings.stats_print, sizeof(list));
	for (char *v = strtok_r(list, "/+ ", &save); v; v = strtok_r(NULL, "/+ ", &save)) {
		if (!strcmp(v, "true") || !strcmp(v, "all")) {
			for (size_t i = 0; i < ARRAY_SIZE(views); i++)
				if (views[i].in_all)
					buddy_dump(stderr, views[i].name);
			continue;
		}
		if (buddy_dump(stderr, v) == -EINVAL)
			fprintf(stderr, "libbuddy: stats_print: unknown view \"%s\"\n", v);
	}
}
