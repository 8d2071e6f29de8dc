/* SPDX-License-Identifier: MIT */
/*
 * Replaying events through one allocator (compiled once per backend).
 *
 * One thread replays every event in timestamp order, so a free always comes
 * after the allocation it undoes even when the two ran on different CPUs.
 * libbuddy picks the pcp list from the CPU the thread runs on (rseq), so
 * "on the traced CPU" means moving the thread: --cpu-mode pin calls
 * sched_setaffinity whenever the traced CPU changes (CPU c of the trace runs
 * on allowed CPU c mod n); the default single mode pins the thread to one
 * CPU for the whole replay, which is deterministic and fast.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay_backend.h"

#include "buddy_views.h"

const char *const replay_allocator_name = RB_NAME;

static int allowed_cpus[1024];
static int nr_allowed;

/*
 * The replay's own CPU time: on a shared machine wall time would count the
 * time other processes held the CPU. Read once per batch of events.
 */
static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void find_allowed_cpus(void)
{
	cpu_set_t set;

	nr_allowed = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE && nr_allowed < 1024; c++)
			if (CPU_ISSET(c, &set))
				allowed_cpus[nr_allowed++] = c;
}

static void run_on_cpu(struct replay *r, int traced_cpu)
{
	int target;
	cpu_set_t set;

	if (!nr_allowed)
		return;
	target = allowed_cpus[traced_cpu % nr_allowed];
	if (target == r->current_cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(target, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == 0) {
		r->current_cpu = target;
		r->cpu_switches++;
	}
}

/* The mask libbuddy gets: the traced one, minus what would change the experiment. */
static gfp_t replay_gfp(struct replay *r, const struct trace_event *ev)
{
	static const gfp_t mt_bits[MIGRATE_PCPTYPES] = {0, __GFP_MOVABLE, __GFP_RECLAIMABLE};
	gfp_t gfp = ev->gfp;

	if ((gfp & __GFP_ZERO) && !r->opt.keep_zero) {
		gfp &= ~__GFP_ZERO; /* memset is not the allocator's work, and the peers skip it */
		r->zero_stripped++;
	}
	if (gfp & __GFP_NOFAIL) {
		gfp &= ~__GFP_NOFAIL; /* a replay must not loop forever on a full arena */
		r->nofail_stripped++;
	}
	/* The traced migratetype wins over what the mask says (6.x maps a few names differently). */
	if (ev->migratetype >= 0 && ev->migratetype < MIGRATE_PCPTYPES &&
	    (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT) != ev->migratetype) {
		gfp = (gfp & ~GFP_MOVABLE_MASK) | mt_bits[ev->migratetype];
		r->mt_adjusted++;
	}
	return gfp;
}

static void release(struct replay *r, struct pfn_entry *e)
{
	if (e->handle)
		rb_free(e->handle, e->order);
	r->live_pages -= 1UL << e->order;
	pfn_map_remove(&r->map, e);
}

static void mark_freed(struct replay *r, unsigned long pfn)
{
	if (pfn_map_set_freed(&r->map, pfn, true))
		r->out_of_memory = true;
}

static void do_alloc(struct replay *r, const struct trace_event *ev)
{
	struct pfn_entry *e;
	gfp_t gfp;
	void *h;

	if (ev->pfn == TRACE_PFN_NONE) {
		r->kernel_failed_allocs++;
		return;
	}
	e = pfn_map_find(&r->map, ev->pfn);
	if (e) { /* the trace lost the free (perf drops events under load) */
		r->alloc_of_live_pfn++;
		release(r, e);
	}
	gfp = replay_gfp(r, ev);
	h = rb_alloc(gfp, ev->order);
	e = pfn_map_insert(&r->map, ev->pfn);
	if (!e) {
		if (h)
			rb_free(h, ev->order);
		r->out_of_memory = true;
		return;
	}
	e->order = ev->order;
	e->handle = h;
	e->comp = (gfp & __GFP_COMP) != 0;
	pfn_map_set_freed(&r->map, ev->pfn, false);
	r->allocs++;
	r->live_pages += 1UL << ev->order;
	if (r->live_pages > r->peak_live_pages)
		r->peak_live_pages = r->live_pages;
	if (!h) {
		r->failed_allocs++;
		record_failed(r, ev->order, gfp);
		return;
	}
	e->zone = (uint8_t)rb_zone(h);
	r->replayed.allocs_by_order[ev->order]++;
	r->replayed.allocs_by_mt[(gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT]++;
	r->replayed.pages_by_zone[e->zone] += 1UL << ev->order;
}

/*
 * A non-compound block the kernel split (split_page) and now frees page by
 * page: split it here too, one order-0 entry per page.
 */
static struct pfn_entry *split_block(struct replay *r, struct pfn_entry *e, unsigned long want)
{
	unsigned long head = e->pfn;
	unsigned int order = e->order;
	void *h = e->handle;
	uint8_t zone = e->zone;

	if (h)
		rb_split(h, order);
	e->order = 0;
	for (unsigned long i = 1; i < (1UL << order); i++) {
		struct pfn_entry *piece = pfn_map_insert(&r->map, head + i);
		if (!piece) {
			r->out_of_memory = true;
			break;
		}
		piece->handle = h ? rb_piece(h, i) : NULL;
		piece->zone = zone;
	}
	r->split_frees++;
	return pfn_map_find(&r->map, want);
}

/* The live block containing pfn at a lower order, if any. */
static struct pfn_entry *find_container(struct replay *r, unsigned long pfn)
{
	for (unsigned int k = 1; k < MAX_ORDER; k++) {
		unsigned long head = pfn & ~((1UL << k) - 1);
		struct pfn_entry *e;

		if (head == pfn)
			continue;
		e = pfn_map_find(&r->map, head);
		if (e)
			return e->order >= k ? e : NULL;
	}
	return NULL;
}

static void report_double_free(struct replay *r, const struct trace_event *ev)
{
	/* On 6.x nearly all are pages alloc_pages_bulk() handed out: its fast path is not traced. */
	if (++r->double_frees <= 5 && !r->opt.no_notes)
		fprintf(stderr,
			"buddy-replay: double free in the trace: pfn %#lx order %u on cpu %u at %.6f (an "
			"untraced "
			"alloc_pages_bulk allocation in between, lost events, or a kernel bug)\n",
			ev->pfn, ev->order, ev->cpu, (double)ev->ts_ns * 1e-9);
}

static void free_missing(struct replay *r, const struct trace_event *ev, bool batched)
{
	bool freed_before = pfn_map_was_freed(&r->map, ev->pfn);

	if (batched) {
		/* mm_page_free came first for this page (free_pages_prepare): already done. */
		if (freed_before)
			r->batched_already_freed++;
		else
			r->unmatched_frees++;
	} else if (freed_before) {
		report_double_free(r, ev);
	} else {
		r->unmatched_frees++; /* allocated before the trace began */
	}
	mark_freed(r, ev->pfn);
}

static void do_free(struct replay *r, const struct trace_event *ev, bool batched)
{
	struct pfn_entry *e = pfn_map_find(&r->map, ev->pfn);

	if (!e && !batched) {
		e = find_container(r, ev->pfn);
		if (e && !e->comp)
			e = split_block(r, e, ev->pfn);
		else
			e = NULL;
	} else if (!batched && e->order > ev->order && !e->comp) {
		/* (mm_page_free_batched always prints order 0: it frees the whole block) */
		e = split_block(r, e, ev->pfn);
	}
	if (!e) {
		free_missing(r, ev, batched);
		return;
	}
	if (!batched && e->order != ev->order)
		r->order_mismatch_frees++;
	release(r, e);
	mark_freed(r, ev->pfn);
	if (batched)
		r->frees_batched++;
	else
		r->frees++;
}

static void take_snapshot(struct replay *r, const struct trace_event *ev)
{
	struct snapshot *s;

	if (r->opt.snapshot_every)
		r->next_snap_event = r->events + r->opt.snapshot_every;
	if (r->opt.snapshot_interval > 0) {
		while (r->next_snap_ts <= ev->ts_ns)
			r->next_snap_ts += (uint64_t)(r->opt.snapshot_interval * 1e9);
	}
	if (r->nr_snaps == r->cap_snaps) {
		int cap = r->cap_snaps ? r->cap_snaps * 2 : 64;
		struct snapshot *n = realloc(r->snaps, (size_t)cap * sizeof(*n));
		if (!n)
			return;
		r->snaps = n;
		r->cap_snaps = cap;
	}
	s = &r->snaps[r->nr_snaps];
	memset(s, 0, sizeof(*s));
	s->trace_seconds = (double)(ev->ts_ns - r->first_ts) * 1e-9;
	s->event = r->events;
	if (views_snapshot(s) == 0)
		r->nr_snaps++;
}

static bool snapshot_due(const struct replay *r, const struct trace_event *ev)
{
	return r->events >= r->next_snap_event || ev->ts_ns >= r->next_snap_ts;
}

static void first_event(struct replay *r, const struct trace_event *ev)
{
	r->have_ts = true;
	r->first_ts = ev->ts_ns;
	r->next_snap_ts = r->opt.snapshot_interval > 0 ? ev->ts_ns : UINT64_MAX;
	r->next_snap_event = r->opt.snapshot_every ? 0 : ULONG_MAX;
}

static void replay_one(struct replay *r, const struct trace_event *ev)
{
	if (r->opt.pin_cpus)
		run_on_cpu(r, ev->cpu);
	replay_count_kernel(r, ev);
	switch (ev->kind) {
	case EV_ALLOC:
		do_alloc(r, ev);
		break;
	case EV_FREE:
		do_free(r, ev, false);
		break;
	case EV_FREE_BATCHED:
		/* The usual case, decided by the bitmap alone: a live block never has its freed bit. */
		if (pfn_map_was_freed(&r->map, ev->pfn))
			r->batched_already_freed++;
		else
			do_free(r, ev, true);
		break;
	default:
		break;
	}
	r->events++;
	if (ev->ts_ns > r->last_ts)
		r->last_ts = ev->ts_ns;
}

void replay_events(struct replay *r, const struct trace_event *ev, size_t n)
{
	double t0 = now_seconds();

	for (size_t i = 0; i < n; i++) {
		/* The map is bigger than the caches: start loading a later event's slot now. */
		if (i + 8 < n)
			pfn_map_prefetch(&r->map, ev[i + 8].pfn);
		if (!r->have_ts)
			first_event(r, &ev[i]);
		if (snapshot_due(r, &ev[i])) {
			r->seconds += now_seconds() - t0;
			take_snapshot(r, &ev[i]);
			t0 = now_seconds();
		}
		replay_one(r, &ev[i]);
	}
	r->seconds += now_seconds() - t0;
}

static struct buddy_counters counters_at_start;

int replay_backend_init(const char *conf)
{
	return rb_init(conf);
}

int replay_backend_dump(const char *view)
{
	return rb_dump(view);
}

void replay_backend_exit(void)
{
	rb_exit();
}

int replay_start(struct replay *r, const struct replay_opts *opt)
{
	memset(r, 0, sizeof(*r));
	r->opt = *opt;
	r->allocator = replay_allocator_name;
	r->current_cpu = -1;
	memset(r->last_kind, 0xff, sizeof(r->last_kind));
	if (pfn_map_init(&r->map))
		return -1;
	find_allowed_cpus();
	if (!opt->pin_cpus)
		run_on_cpu(r, opt->single_cpu);
	views_read_counters(&counters_at_start);
	return 0;
}

/* libbuddy's own counters over the replay (vmstat deltas). */
static void read_replayed_counters(struct replay *r)
{
	struct buddy_counters end;

	if (views_read_counters(&end))
		return;
	r->replayed.pcp_refills = end.pcp_refill - counters_at_start.pcp_refill;
	r->replayed.pcp_refill_batches = r->replayed.pcp_refills;
	r->replayed.pcpu_drains = end.pcp_drain - counters_at_start.pcp_drain;
	r->replayed.pcpu_drain_batches = r->replayed.pcpu_drains;
	/* libbuddy's buddy_extfrag counts only the fragmenting fallbacks (fallback.c). */
	r->replayed.extfrag_events = end.extfrag - counters_at_start.extfrag;
	r->replayed.extfrag_fragmenting = r->replayed.extfrag_events;
}

void replay_finish(struct replay *r)
{
	struct pfn_entry *e;

	read_replayed_counters(r);
	/* Give back what the trace left live, so the allocator can be checked whole. */
	pfn_map_for_each(&r->map, e)
	{
		if (e->handle)
			rb_free(e->handle, e->order);
		e->handle = NULL;
	}
	r->check_problems = rb_check();
}

void replay_destroy(struct replay *r)
{
	pfn_map_destroy(&r->map);
	free(r->snaps);
	r->snaps = NULL;
}
