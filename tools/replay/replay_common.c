/* SPDX-License-Identifier: MIT */
/* The kernel's side of the trace: what its events say, whatever replays them. */
#include "replay.h"

int kernel_zone_of(const struct replay_opts *opt, unsigned long pfn)
{
	for (int z = NR_ZONES - 1; z >= 0; z--)
		if (opt->kernel_zones[z].end && pfn >= opt->kernel_zones[z].start &&
		    pfn < opt->kernel_zones[z].end)
			return z;
	return ZONE_NORMAL;
}

/* A zone_locked event without percpu_refill: a separate "kind" for batching. */
#define LAST_ZONE_LOCKED_SINGLE NR_TRACE_KINDS

static void count_batch(struct replay *r, const struct trace_event *ev, uint8_t kind, unsigned long *batches)
{
	if (r->last_kind[ev->cpu] != kind)
		(*batches)++;
}

void replay_count_kernel(struct replay *r, const struct trace_event *ev)
{
	struct side_counts *k = &r->kernel;
	uint8_t kind = ev->kind;

	switch (ev->kind) {
	case EV_ALLOC:
		if (ev->pfn == TRACE_PFN_NONE)
			break;
		k->allocs_by_order[ev->order]++;
		if (ev->migratetype >= 0 && ev->migratetype < NR_MT)
			k->allocs_by_mt[ev->migratetype]++;
		k->pages_by_zone[kernel_zone_of(&r->opt, ev->pfn)] += 1UL << ev->order;
		break;
	case EV_ZONE_LOCKED:
		if (!ev->percpu_refill) {
			kind = LAST_ZONE_LOCKED_SINGLE;
			break;
		}
		k->pcp_refills++;
		count_batch(r, ev, kind, &k->pcp_refill_batches);
		break;
	case EV_PCPU_DRAIN:
		k->pcpu_drains++;
		count_batch(r, ev, kind, &k->pcpu_drain_batches);
		break;
	case EV_EXTFRAG:
		k->extfrag_events++;
		if (ev->fallback_order < pageblock_order)
			k->extfrag_fragmenting++;
		break;
	default:
		break;
	}
	r->last_kind[ev->cpu] = kind;
}

void record_failed(struct replay *r, unsigned int order, gfp_t gfp)
{
	for (int i = 0; i < r->nr_failed_kinds; i++) {
		if (r->failed[i].order == order && r->failed[i].gfp == gfp) {
			r->failed[i].count++;
			return;
		}
	}
	if (r->nr_failed_kinds == MAX_FAILED_KINDS) {
		r->failed_other++;
		return;
	}
	r->failed[r->nr_failed_kinds++] = (struct failed_kind){.order = order, .gfp = gfp, .count = 1};
}
