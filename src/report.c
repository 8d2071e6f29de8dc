/* SPDX-License-Identifier: MIT */
/*
 * Reports in the kernel's words: "Bad page state" for misuse of a page,
 * "page allocation failure" (warn_alloc) for a request that cannot be met.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "os.h"

const char *buddy_progname(void)
{
	extern char *program_invocation_short_name;
	return program_invocation_short_name ? program_invocation_short_name : "?";
}

/* ------------------------------------------------------------ bad_page */

#define BAD_PAGE_BURST	   60
#define BAD_PAGE_WINDOW_MS (60 * 1000)

static pthread_mutex_t bad_page_lock = PTHREAD_MUTEX_INITIALIZER; /* guards buddy.bad_page_rs */
static long (*bad_page_clock)(void) = os_clock_ms;
static long bad_page_window_ms = BAD_PAGE_WINDOW_MS; /* 0: no limit */

void bad_page_set_ratelimit(long interval_ms, long (*clock_ms)(void))
{
	pthread_mutex_lock(&bad_page_lock);
	bad_page_clock = clock_ms ? clock_ms : os_clock_ms;
	bad_page_window_ms = interval_ms;
	buddy.bad_page_rs = (struct bad_page_window){0};
	pthread_mutex_unlock(&bad_page_lock);
}

/*
 * 6.1 bad_page's policy: "a burst of 60 reports, then keep quiet for that
 * minute; or a steady drip of one report per second". The 61st report of a
 * minute and every later one in it are dropped and counted; the first one
 * after the minute says how many were ("BUG: Bad page state: N messages
 * suppressed") and starts a new burst. A program that double-frees in a
 * loop gets at most 60 reports (180 lines) a minute, and a dropped report
 * costs a lock and a clock read. The window lives in struct buddy_state, so
 * a fresh allocator starts a fresh one, as a boot does. Shared by
 * bad_address, whose reports say "Bad page state" too.
 */
static bool bad_page_ratelimit(void)
{
	struct bad_page_window *w = &buddy.bad_page_rs;
	bool show = true;
	long now;

	pthread_mutex_lock(&bad_page_lock);
	if (bad_page_window_ms <= 0)
		goto out;
	now = bad_page_clock();
	if (w->nr_shown == BAD_PAGE_BURST) {
		if (now - w->resume < 0) {
			w->nr_unshown++;
			show = false;
			goto out;
		}
		if (w->nr_unshown) {
			fprintf(stderr, "BUG: Bad page state: %lu messages suppressed\n", w->nr_unshown);
			w->nr_unshown = 0;
		}
		w->nr_shown = 0;
	}
	if (w->nr_shown++ == 0)
		w->resume = now + bad_page_window_ms;
out:
	pthread_mutex_unlock(&bad_page_lock);
	return show;
}

void bad_page(struct page *page, unsigned long pfn, const char *reason)
{
	if (!bad_page_ratelimit())
		return;
	fprintf(stderr,
		"BUG: Bad page state in process %s  pfn:%05lx\n"
		"page:%p refcount:%d order:%u flags:%#lx\n"
		"page dumped because: %s\n",
		buddy_progname(), pfn, (void *)page, page_ref_count(page), page->alloc_order,
		page_flags(page), reason);
}

void bad_address(const void *addr, const char *reason)
{
	if (!bad_page_ratelimit())
		return;
	fprintf(stderr,
		"BUG: Bad page state in process %s  addr:%p\n"
		"page dumped because: %s\n",
		buddy_progname(), addr, reason);
}

/*
 * A mask with both mobility bits (the kernel's VM_WARN_ON in
 * gfp_migratetype): said once per allocator, whatever __GFP_NOWARN says, as a
 * WARN_ON_ONCE would; the request is served as MIGRATE_UNMOVABLE.
 */
void bad_mobility_mask(gfp_t gfp_mask)
{
	char names[256];

	if (atomic_exchange_explicit(&buddy.warned_bad_mobility, 1, memory_order_relaxed))
		return;
	format_gfp_flags(names, sizeof(names), gfp_mask);
	fprintf(stderr,
		"WARNING: %s: gfp_migratetype: mode:%#x(%s) sets both __GFP_MOVABLE and __GFP_RECLAIMABLE; "
		"served as MIGRATE_UNMOVABLE (reported once)\n",
		buddy_progname(), gfp_mask, names);
}

/* ------------------------------------------------------------ rate limit */

/*
 * The kernel's DEFAULT_RATELIMIT for warn_alloc: at most 10 reports per 5 s
 * window; when a window closes with reports dropped, the next report is
 * preceded by "warn_alloc: N callbacks suppressed". The settings are the
 * process's; the window lives in struct buddy_state, so a fresh allocator
 * (buddy_exit, buddy_init) starts a fresh window, as a boot does.
 */
#define DEFAULT_RATELIMIT_INTERVAL_MS 5000
#define DEFAULT_RATELIMIT_BURST	      10

struct ratelimit_state {
	pthread_mutex_t lock; /* also guards the window in struct buddy_state */
	long interval_ms;     /* 0: no limit */
	int burst;
	long (*clock)(void); /* ms */
	const char *func;    /* named in "<func>: N callbacks suppressed" */
};

#define RATELIMIT_STATE_INIT(name)                                                                           \
	{                                                                                                    \
		.lock = PTHREAD_MUTEX_INITIALIZER, .interval_ms = DEFAULT_RATELIMIT_INTERVAL_MS,             \
		.burst = DEFAULT_RATELIMIT_BURST, .clock = os_clock_ms, .func = (name),                      \
	}

static struct ratelimit_state nopage_rs = RATELIMIT_STATE_INIT("warn_alloc");
/* 6.1 keeps a second one for the OOM killer's dump_header (oom_kill_process's oom_rs). */
static struct ratelimit_state oom_rs = RATELIMIT_STATE_INIT("out_of_memory");

static void ratelimit_set(struct ratelimit_state *rs, struct ratelimit_window *w, long interval_ms, int burst,
			  long (*clock_ms)(void))
{
	pthread_mutex_lock(&rs->lock);
	rs->clock = clock_ms ? clock_ms : os_clock_ms;
	rs->interval_ms = interval_ms;
	rs->burst = burst;
	*w = (struct ratelimit_window){0};
	pthread_mutex_unlock(&rs->lock);
}

void warn_alloc_set_ratelimit(long interval_ms, int burst, long (*clock_ms)(void))
{
	ratelimit_set(&nopage_rs, &buddy.nopage_rs, interval_ms, burst, clock_ms);
}

void oom_report_set_ratelimit(long interval_ms, int burst, long (*clock_ms)(void))
{
	ratelimit_set(&oom_rs, &buddy.oom_rs, interval_ms, burst, clock_ms);
}

/* The kernel's __ratelimit: true when this report may be printed. */
static bool ratelimit_ok(struct ratelimit_state *rs, struct ratelimit_window *w)
{
	long now;
	bool ok;

	pthread_mutex_lock(&rs->lock);
	if (rs->interval_ms <= 0) {
		pthread_mutex_unlock(&rs->lock);
		return true;
	}
	now = rs->clock();
	if (!w->started) {
		w->begin = now;
		w->started = true;
	}
	if (now - w->begin >= rs->interval_ms) {
		if (w->missed)
			fprintf(stderr, "%s: %d callbacks suppressed\n", rs->func, w->missed);
		w->begin = now;
		w->printed = 0;
		w->missed = 0;
	}
	ok = w->printed < rs->burst;
	if (ok)
		w->printed++;
	else
		w->missed++;
	pthread_mutex_unlock(&rs->lock);
	return ok;
}

static bool warn_alloc_ratelimit(void)
{
	return ratelimit_ok(&nopage_rs, &buddy.nopage_rs);
}

/* ------------------------------------------------------------ show_mem */

#define K(pages) ((pages) << (PAGE_SHIFT - 10))

/* The letters show_free_areas prints for the migratetypes with free blocks. */
static const char migratetype_letters[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = 'U',  [MIGRATE_MOVABLE] = 'M', [MIGRATE_RECLAIMABLE] = 'E',
	[MIGRATE_HIGHATOMIC] = 'H', [MIGRATE_CMA] = 'C',     [MIGRATE_ISOLATE] = 'I',
};

static unsigned long zone_pcp_pages(struct zone *zone, int only_cpu)
{
	unsigned long pages = 0;

	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		if (only_cpu >= 0 && c != only_cpu)
			continue;
		pcp_lock_cpu(&buddy.cpus[c]);
		/* reserves (pcp_reserve.c) are per-CPU free pages too */
		pages += (unsigned long)zone->per_cpu_pageset[c].count +
			 (unsigned long)zone->per_cpu_pageset[c].reserve_count;
		pcp_unlock_cpu(&buddy.cpus[c]);
	}
	return pages;
}

static void show_zone_summary(buddy_write_cb *cb, void *opaque, struct zone *zone)
{
	dump_printf(
		cb, opaque,
		"Node %d %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB reserved_highatomic:%luKB"
		" present:%lukB managed:%lukB free_pcp:%lukB local_pcp:%lukB free_cma:%lukB\n",
		zone->node, zone->name, K((unsigned long)zone_page_state(zone, NR_FREE_PAGES)),
		K(READ_ONCE(zone->watermark_boost)), K(wmark_pages(zone, WMARK_MIN)),
		K(wmark_pages(zone, WMARK_LOW)), K(wmark_pages(zone, WMARK_HIGH)),
		K(READ_ONCE(zone->nr_reserved_highatomic)), K(zone->present_pages), K(zone->managed_pages),
		K(zone_pcp_pages(zone, -1)), K(zone_pcp_pages(zone, pcp_cpu_id())),
		K((unsigned long)zone_page_state(zone, NR_FREE_CMA_PAGES)));
	cb(opaque, "lowmem_reserve[]:");
	for (int i = 0; i < MAX_NR_ZONES; i++)
		dump_printf(cb, opaque, " %ld", READ_ONCE(zone->lowmem_reserve[i]));
	cb(opaque, "\n");
}

/* "Node 0 Normal: 3*4kB (UM) 0*8kB ... = 1234kB": free blocks per order and their types. */
static void show_zone_orders(buddy_write_cb *cb, void *opaque, struct zone *zone)
{
	unsigned long nr[MAX_ORDER], total = 0;
	unsigned char types[MAX_ORDER] = {0};

	zone_lock(zone);
	for (int o = 0; o < MAX_ORDER; o++) {
		nr[o] = zone->free_area[o].nr_free;
		total += nr[o] << o;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (zone->free_area[o].nr_free_mt[t])
				types[o] |= (unsigned char)(1U << t);
	}
	zone_unlock_nocheck(zone); /* read only: nothing to check */

	dump_printf(cb, opaque, "Node %d %s: ", zone->node, zone->name);
	for (int o = 0; o < MAX_ORDER; o++) {
		char letters[MIGRATE_TYPES + 1];
		int n = 0;

		dump_printf(cb, opaque, "%lu*%lukB ", nr[o], K(1UL) << o);
		if (!nr[o])
			continue;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (types[o] & (1U << t))
				letters[n++] = migratetype_letters[t];
		letters[n] = 0;
		dump_printf(cb, opaque, "(%s) ", letters);
	}
	dump_printf(cb, opaque, "= %lukB\n", K(total));
}

/*
 * A zone's pages that are the callers': every managed page is either free
 * on a buddy list (NR_FREE_PAGES, deferred blocks included), free on an
 * isolated list (left out of NR_FREE_PAGES, as in the kernel), parked on a
 * pcp list, or allocated.
 */
static unsigned long zone_allocated_pages(struct zone *zone)
{
	unsigned long isolated = 0;

	zone_lock(zone);
	for (int o = 0; o < MAX_ORDER; o++)
		isolated += zone->free_area[o].nr_free_mt[MIGRATE_ISOLATE] << o;
	/* guard pages (debug_guardpage_minorder) are free, though not counted so */
	unsigned long free =
		(unsigned long)zone_page_state(zone, NR_FREE_PAGES) + isolated + zone->nr_guard_pages;
	zone_unlock_nocheck(zone);
	free += zone_pcp_pages(zone, -1);
	return zone->managed_pages > free ? zone->managed_pages - free : 0;
}

/*
 * buddy_exit() tears down an allocator whose pages may still be in use: say
 * how many, once, as the kernel's kmem_cache_destroy complains about a cache
 * that still has objects. Silent when every page came back.
 */
void report_leaked_pages(void)
{
	unsigned long leaked = 0;

	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
				leaked += zone_allocated_pages(&NODE_DATA(nid)->node_zones[z]);
	if (leaked)
		fprintf(stderr, "%s: buddy_exit: %lu pages (%lukB) still allocated: leaked\n",
			buddy_progname(), leaked, K(leaked));
}

/*
 * The allocator part of the kernel's show_mem(): per populated zone its free
 * memory against the watermarks and reserves, then its free blocks by order.
 */
void show_free_areas(buddy_write_cb *cb, void *opaque)
{
	cb(opaque, "Mem-Info:\n");
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
				show_zone_summary(cb, opaque, &NODE_DATA(nid)->node_zones[z]);
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
				show_zone_orders(cb, opaque, &NODE_DATA(nid)->node_zones[z]);
}

/* ------------------------------------------------------------ warn_alloc */

static void write_stderr(void *opaque, const char *text)
{
	(void)opaque;
	fputs(text, stderr);
}

/* %*pbl: the set as ranges, "0-2,5". */
static void format_nodemask(char *buf, size_t len, const buddy_nodemask_t *nodemask)
{
	size_t pos = 0;

	buf[0] = 0;
	for (int nid = 0; nid < MAX_NUMNODES && pos < len; nid++) {
		int last = nid;

		if (!node_isset(nid, nodemask))
			continue;
		while (last + 1 < MAX_NUMNODES && node_isset(last + 1, nodemask))
			last++;
		int n = last > nid ? snprintf(buf + pos, len - pos, "%s%d-%d", pos ? "," : "", nid, last)
				   : snprintf(buf + pos, len - pos, "%s%d", pos ? "," : "", nid);
		pos += n > 0 ? (size_t)n : 0;
		nid = last;
	}
}

/*
 * "<prog>: page allocation failure: order:N, mode:0x...(NAMES), nodemask=..."
 * then the show_mem summary; rate-limited, silent with __GFP_NOWARN. The
 * kernel's CPU line and stack trace have no counterpart here. A why (for
 * requests refused before any zone was tried) replaces the summary.
 */
void warn_alloc_nodemask(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask,
			 const char *why)
{
	char names[512], nodes[256];

	if ((gfp_mask & __GFP_NOWARN) || !warn_alloc_ratelimit())
		return;
	format_gfp_flags(names, sizeof(names), gfp_mask);
	if (nodemask)
		format_nodemask(nodes, sizeof(nodes), nodemask);
	fprintf(stderr, "%s: page allocation failure: order:%u, mode:0x%x(%s), nodemask=%s\n",
		buddy_progname(), order, gfp_mask, names, nodemask ? nodes : "(null)");
	if (why) {
		fprintf(stderr, "libbuddy: %s\n", why);
		return;
	}
	if (buddy.initialized)
		show_free_areas(write_stderr, NULL);
}

void warn_alloc(gfp_t gfp_mask, unsigned int order, const char *why)
{
	warn_alloc_nodemask(gfp_mask, order, NULL, why);
}

/* ------------------------------------------------------------ the OOM report */

/*
 * 6.1 dump_header's first line and show_mem, then the line out_of_memory
 * prints when it finds no task to kill - here always: the notifier chain
 * (oom.c) is all there is, and it freed nothing. No CPU line, stack or task
 * list: a process has no other tasks to list.
 */
bool oom_report(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask)
{
	char names[512];

	(void)nodemask; /* the kernel names it only beside a victim */
	if (!ratelimit_ok(&oom_rs, &buddy.oom_rs))
		return false;
	format_gfp_flags(names, sizeof(names), gfp_mask);
	fprintf(stderr, "%s invoked oom-killer: gfp_mask=0x%x(%s), order=%u, oom_score_adj=0\n",
		buddy_progname(), gfp_mask, names, order);
	show_free_areas(write_stderr, NULL);
	fprintf(stderr, "Out of memory and no killable processes...\n");
	return true;
}

/* ------------------------------------------------------------ WARN_ON_ONCE */

void warn_once_gfp(enum warn_once_bit bit, bool gfp_sensitive, gfp_t gfp_mask, const char *func,
		   const char *what)
{
	char names[512];
	unsigned int mask = 1U << bit;

	if (gfp_sensitive && (gfp_mask & __GFP_NOWARN))
		return;
	if (atomic_fetch_or_explicit(&buddy.warned_once, mask, memory_order_relaxed) & mask)
		return;
	format_gfp_flags(names, sizeof(names), gfp_mask);
	fprintf(stderr, "WARNING: %s: %s: mode:%#x(%s): %s\n", buddy_progname(), func, gfp_mask, names, what);
}

void report_fork_lock(void)
{
	pthread_mutex_lock(&nopage_rs.lock);
	pthread_mutex_lock(&oom_rs.lock);
}

void report_fork_unlock(bool child)
{
	fork_unlock_mutex(&oom_rs.lock, child);
	fork_unlock_mutex(&nopage_rs.lock, child);
}

/*
 * A request refused before any zone was tried (impossible order or size,
 * GFP_ZONE_BAD, no such node): counted like every failure, and reported
 * through warn_alloc - rate-limited, silent with __GFP_NOWARN - with why in
 * place of the memory summary. Before initialisation there is no counter.
 */
void refuse_alloc(gfp_t gfp_mask, unsigned int order, const buddy_nodemask_t *nodemask, const char *why)
{
	if (buddy_initialized())
		count_vm_events(PGALLOC_FAIL, 1);
	warn_alloc_nodemask(gfp_mask, order, nodemask, why);
}
