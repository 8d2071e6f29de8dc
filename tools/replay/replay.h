/* SPDX-License-Identifier: MIT */
/*
 * The replay: trace events in, allocator calls out, counters kept on both
 * sides. replay_event() is compiled once per allocator (replay_backend.h);
 * the rest of the tool does not know which one it drives.
 */
#ifndef REPLAY_REPLAY_H
#define REPLAY_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "pfn_map.h"
#include "trace_parse.h"

#define NR_MT		   6 /* Unmovable .. Isolate, the 6.x migratetypes a trace prints */
#define NR_ZONES	   MAX_NR_ZONES
#define MAX_FAILED_KINDS   32
#define MAX_SNAPSHOT_ZONES 16

/* One side's view: the kernel's from its trace, the replaying allocator's from its counters. */
struct side_counts {
	unsigned long pcp_refills;	  /* kernel: zone_locked events with percpu_refill=1 (pages) */
	unsigned long pcp_refill_batches; /* runs of them on one CPU: rmqueue_bulk calls */
	unsigned long pcpu_drains;	  /* kernel: pages drained; libbuddy: free_pcppages_bulk calls */
	unsigned long pcpu_drain_batches;
	unsigned long extfrag_events;
	unsigned long extfrag_fragmenting; /* fallbacks from a block below pageblock_order */
	unsigned long allocs_by_order[MAX_ORDER];
	unsigned long allocs_by_mt[NR_MT];
	unsigned long pages_by_zone[NR_ZONES]; /* pages allocated per zone */
};

struct failed_kind {
	unsigned int order;
	gfp_t gfp;
	unsigned long count;
};

struct snapshot {
	double trace_seconds; /* since the first event */
	unsigned long event;
	int nr_zones;
	char zone_name[MAX_SNAPSHOT_ZONES][40]; /* "Node 0, zone Normal" */
	unsigned long nr_free[MAX_SNAPSHOT_ZONES][MAX_ORDER];
	double unusable_order9; /* over all zones */
	unsigned long free_by_mt[NR_MT];
};

/* Kernel zone boundaries by pfn (x86-64's by default, or /proc/zoneinfo's). */
struct zone_span {
	unsigned long start, end;
};

struct replay_opts {
	bool pin_cpus;				 /* follow the traced CPU (sched_setaffinity) */
	int single_cpu;				 /* the CPU of single mode */
	bool keep_zero;				 /* keep __GFP_ZERO (memset) */
	bool no_notes;				 /* no per-event notes on stderr (--bench-csv) */
	unsigned long snapshot_every;		 /* events; 0 = off */
	double snapshot_interval;		 /* trace seconds; 0 = off */
	struct zone_span kernel_zones[NR_ZONES]; /* end == 0: zone absent */
};

struct replay {
	struct replay_opts opt;
	struct pfn_map map;
	const char *allocator;
	/* trace side */
	unsigned long events, allocs, frees, frees_batched, batched_already_freed;
	unsigned long unmatched_frees, double_frees, order_mismatch_frees, split_frees;
	unsigned long failed_allocs, kernel_failed_allocs, alloc_of_live_pfn;
	unsigned long mt_adjusted, zero_stripped, nofail_stripped;
	unsigned long cpu_switches;
	unsigned long live_pages, peak_live_pages;
	struct side_counts kernel, replayed;
	struct failed_kind failed[MAX_FAILED_KINDS];
	int nr_failed_kinds;
	unsigned long failed_other; /* failures beyond the table */
	uint8_t last_kind[TRACE_MAX_CPU + 1];
	int current_cpu;
	/* time */
	uint64_t first_ts, last_ts;
	bool have_ts;
	double seconds; /* allocator work only: parsing and snapshots excluded */
	/* snapshots */
	struct snapshot *snaps;
	int nr_snaps, cap_snaps;
	unsigned long next_snap_event;
	uint64_t next_snap_ts;
	int check_problems;
	bool out_of_memory;
};

/* The allocator the binary was built for: "libbuddy", "jemalloc" ... */
extern const char *const replay_allocator_name;

/* Set the allocator up (conf: BUDDY_CONF keys, libbuddy only) and tear it down. */
int replay_backend_init(const char *conf);
void replay_backend_exit(void);
/* Print one of libbuddy's views ("zoneinfo", "buddyinfo", "vmstat" ...); -1 for the peers. */
int replay_backend_dump(const char *view);

int replay_start(struct replay *r, const struct replay_opts *opt);
/* Replay a batch of events in order; the time spent is added to r->seconds. */
void replay_events(struct replay *r, const struct trace_event *ev, size_t n);
/* Free what is still live, check, read the allocator's counters. */
void replay_finish(struct replay *r);
void replay_destroy(struct replay *r);

/* The kernel side of an event (no allocator involved). */
void replay_count_kernel(struct replay *r, const struct trace_event *ev);
int kernel_zone_of(const struct replay_opts *opt, unsigned long pfn);
void record_failed(struct replay *r, unsigned int order, gfp_t gfp);

#endif /* REPLAY_REPLAY_H */
