/* SPDX-License-Identifier: MIT */
/*
 * Set-up and tear-down of the process-wide allocator: configuration, NUMA
 * topology, the arena and its zones, zonelists, watermarks and pcp lists.
 * The first allocation initialises with defaults (and BUDDY_CONF) when the
 * program did not call buddy_init().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "debug_page_alloc.h"
#include "fast_path.h"
#include "fail_page_alloc.h"
#include "internal.h"
#include "migrate.h"
#include "nofail.h"
#include "oom.h"
#include "page_reporting.h"
#include "shrinker.h"
#include "vmscan.h"

struct buddy_state buddy;

/* Process-wide, surviving buddy_exit: the lock that guards buddy's life cycle, */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
/* and atexit/pthread_atfork, which a process can register only once. */
static bool atexit_registered;

static void at_exit(void)
{
	dump_stats_at_exit();
}

/* ------------------------------------------------ the nodes' background threads */

/* Set up each node's kswapd and kcompactd; none starts before its first wake-up. */
static void init_node_threads(void)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		/* nid < MAX_NUMNODES; the modulo tells gcc's -Wformat-truncation so (16 bytes, as pthread
		 * names) */
		unsigned int id = (unsigned int)nid % 1000u;
		snprintf(pgdat->kswapd_name, sizeof(pgdat->kswapd_name), "kswapd%u", id);
		snprintf(pgdat->kcompactd_name, sizeof(pgdat->kcompactd_name), "kcompactd%u", id);
		kthread_init(&pgdat->kswapd, pgdat->kswapd_name, kswapd_work, pgdat, 0);
		pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES; /* no request yet */
		kthread_init(&pgdat->kcompactd, pgdat->kcompactd_name, kcompactd_work, pgdat,
			     KCOMPACTD_TIMEOUT_MS);
	}
}

/* buddy_exit: join every thread before the memory they work on goes away. */
static void stop_node_threads(void)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		if (!pgdat)
			continue;
		kthread_stop(&pgdat->kswapd);
		kthread_stop(&pgdat->kcompactd);
		kthread_destroy(&pgdat->kswapd);
		kthread_destroy(&pgdat->kcompactd);
	}
}

/*
 * Before every other allocator lock: the threads' work takes the zone and
 * CPU locks without holding its kthread lock.
 */
static void node_threads_fork_lock(void)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		kthread_fork_lock(&NODE_DATA(nid)->kswapd);
		kthread_fork_lock(&NODE_DATA(nid)->kcompactd);
	}
}

static void node_threads_fork_unlock(bool child)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		kthread_fork_unlock(&NODE_DATA(nid)->kcompactd, child);
		kthread_fork_unlock(&NODE_DATA(nid)->kswapd, child);
	}
}

/* pthread_atfork handlers: see the fork section of internal.h for the lock order. */
static void fork_prepare(void)
{
	/* first: isolated pages go back to their owners before anything is copied */
	migrate_fork_lock();
	page_reporting_fork_lock(); /* and blocks being reported, before the zone locks */
	pthread_mutex_lock(&init_lock);
	tunables_fork_lock();
	/* process-wide, and never held while another lock is taken: any place in the order */
	oom_fork_lock();
	nofail_fork_lock();
	shrinker_fork_lock(); /* the registry outlives buddy_exit */
	if (!atomic_load_explicit(&buddy.initialized, memory_order_relaxed))
		return;
	stats_dir_fork_lock();
	node_threads_fork_lock();
	cma_fork_lock();
	pcp_fork_lock();
	arena_fork_lock();
	page_reporting_fork_lock_worker(); /* after the zone locks: a free wakes it under one */
	report_fork_lock();
}

static void fork_release(bool child)
{
	if (atomic_load_explicit(&buddy.initialized, memory_order_relaxed)) {
		report_fork_unlock(child);
		page_reporting_fork_unlock_worker(child);
		arena_fork_unlock(child);
		pcp_fork_unlock(child);
		cma_fork_unlock(child);
		node_threads_fork_unlock(child);
		stats_dir_fork_unlock(child);
	}
	shrinker_fork_unlock(child);
	nofail_fork_unlock(child);
	oom_fork_unlock(child);
	tunables_fork_unlock(child);
	fork_unlock_mutex(&init_lock, child);
	page_reporting_fork_unlock(child);
	migrate_fork_unlock(child);
}

static void fork_parent(void)
{
	fork_release(false);
}

static void fork_child(void)
{
	fork_release(true);
}

/*
 * The kernel turns grouping by mobility off when there are too few pageblocks
 * for it to matter (fewer than pageblock_nr_pages * MIGRATE_TYPES pages).
 */
static int mobility_disabled(const struct buddy_settings *s)
{
	if (s->mobility_grouping)
		return s->mobility_grouping < 0;
	return buddy.nr_pages < pageblock_nr_pages * MIGRATE_TYPES;
}

static int init_cpus(void)
{
	buddy.nr_cpu_ids = pcp_nr_cpu_ids();
	buddy.cpus = aligned_alloc(CACHELINE, sizeof(struct buddy_cpu) * (size_t)buddy.nr_cpu_ids);
	if (!buddy.cpus)
		return -ENOMEM;
	memset(buddy.cpus, 0, sizeof(struct buddy_cpu) * (size_t)buddy.nr_cpu_ids);
	for (int c = 0; c < buddy.nr_cpu_ids; c++) {
		buddy.cpus[c].node = numa_cpu_to_node(c);
		buddy.cpus[c].id = c;
	}
	return 0;
}

static void teardown(void)
{
	cma_exit();
	debug_page_alloc_exit();
	arena_release();
	fast_path_forget();
	free(buddy.cpus);
	memset(&buddy, 0, sizeof(buddy));
}

/* init_lock held. */
static int do_init(const struct buddy_config *config)
{
	struct buddy_settings s;
	int rseq_lock = 0;
	int rc;

	rc = buddy_parse_config(config, &s);
	if (rc)
		return rc;
	memset(&buddy, 0, sizeof(buddy));
	buddy.settings = s;
	rc = numa_discover(&buddy.settings, &buddy.nr_node_ids, &buddy.real_numa);
	if (!rc) /* may lower nr_node_ids: before anything sizes itself by it */
		rc = memmap_plan(&buddy.settings, &buddy.nr_node_ids, &buddy.memmap);
	if (!rc)
		rc = init_cpus();
	if (!rc)
		rseq_lock = pcp_choose_locking();
	if (!rc)
		rc = arena_reserve();
	if (!rc)
		rc = cma_init_reserved_areas();
	if (!rc) /* every page still free; before the zonelists build the fast-path caches */
		rc = debug_page_alloc_init(&buddy.settings);
	if (rc) {
		teardown();
		return rc;
	}
	buddy.page_group_by_mobility_disabled = mobility_disabled(&s);
	fail_page_alloc_init(&buddy.settings);
	build_all_zonelists();
	init_per_zone_wmark_min();
	init_node_threads();
	page_reporting_init(); /* after the arena: its backing decides the advice */
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			setup_zone_pageset(&NODE_DATA(nid)->node_zones[z]);
	if (!atexit_registered) {
		atexit(at_exit);
		pthread_atfork(fork_prepare, fork_parent, fork_child);
		atexit_registered = true;
	}
	/*
	 * Publish last, after everything the fast paths dereference: the rseq
	 * fast path is gated by pcp_rseq_lock alone, the others by initialized.
	 */
	__atomic_store_n(&buddy.pcp_rseq_lock, rseq_lock, __ATOMIC_RELEASE);
	atomic_store_explicit(&buddy.initialized, 1, memory_order_release);
	stats_dir_start(); /* it reads the views: after initialisation is complete */
	return 0;
}

int buddy_init(const struct buddy_config *config)
{
	int rc;

	pthread_mutex_lock(&init_lock);
	if (atomic_load_explicit(&buddy.initialized, memory_order_relaxed))
		rc = -EBUSY;
	else
		rc = do_init(config);
	buddy.lazy_init_failed = false;
	pthread_mutex_unlock(&init_lock);
	return rc;
}

/* First use without buddy_init(): defaults plus BUDDY_CONF, tried once. */
void buddy_lazy_init(void)
{
	pthread_mutex_lock(&init_lock);
	if (!atomic_load_explicit(&buddy.initialized, memory_order_relaxed) && !buddy.lazy_init_failed) {
		int rc = do_init(NULL);
		if (rc) {
			fprintf(stderr, "libbuddy: initialisation failed (%s); allocations will fail\n",
				strerror(-rc));
			buddy.lazy_init_failed = true;
		}
	}
	pthread_mutex_unlock(&init_lock);
}

void buddy_exit(void)
{
	pthread_mutex_lock(&init_lock);
	if (atomic_load_explicit(&buddy.initialized, memory_order_relaxed)) {
		stats_dir_stop();
		stop_node_threads();
		page_reporting_exit(); /* its blocks are back on the lists once it is joined */
		report_leaked_pages();
		teardown();
	}
	buddy.lazy_init_failed = false;
	pthread_mutex_unlock(&init_lock);
}

int buddy_initialized(void)
{
	return atomic_load_explicit(&buddy.initialized, memory_order_acquire);
}

const char *buddy_version(void)
{
	return BUDDY_VERSION_STRING;
}

int buddy_nr_nodes(void)
{
	return buddy_initialized() ? buddy.nr_node_ids : 0;
}

long buddy_zone_free_pages(int nid, enum zone_type zone)
{
	if (!buddy_initialized() || nid < 0 || nid >= buddy.nr_node_ids || (unsigned)zone >= MAX_NR_ZONES)
		return -1;
	return zone_page_state(&NODE_DATA(nid)->node_zones[zone], NR_FREE_PAGES);
}
