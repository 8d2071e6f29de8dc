/* SPDX-License-Identifier: MIT */
#include <string.h>
#include <sys/resource.h>

#include "report.h"

static const char *const mt_names[NR_MT] = {"Unmovable",  "Movable", "Reclaimable",
					    "HighAtomic", "CMA",     "Isolate"};
static const char *const zone_names[NR_ZONES] = {"DMA", "DMA32", "Normal", "HighMem", "Movable"};

static unsigned long total_allocs(const struct side_counts *s)
{
	unsigned long n = 0;

	for (int o = 0; o < MAX_ORDER; o++)
		n += s->allocs_by_order[o];
	return n;
}

static double per_thousand(unsigned long n, unsigned long allocs)
{
	return allocs ? 1000.0 * (double)n / (double)allocs : 0.0;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_maxrss;
}

static double ns_per_event(const struct replay *r)
{
	return r->events ? r->seconds * 1e9 / (double)r->events : 0.0;
}

static void summary_side(FILE *out, const char *name, const struct side_counts *s)
{
	unsigned long allocs = total_allocs(s), pages = 0;

	for (int z = 0; z < NR_ZONES; z++)
		pages += s->pages_by_zone[z];
	fprintf(out,
		"  %-9s refills %lu (%lu batches, %.1f per 1000 allocs), drains %lu (%lu batches, %.1f per "
		"1000), extfrag %lu\n",
		name, s->pcp_refills, s->pcp_refill_batches, per_thousand(s->pcp_refill_batches, allocs),
		s->pcpu_drains, s->pcpu_drain_batches, per_thousand(s->pcpu_drain_batches, allocs),
		s->extfrag_events);
	fprintf(out, "            zones:");
	for (int z = 0; z < NR_ZONES; z++)
		if (s->pages_by_zone[z])
			fprintf(out, " %s %.1f%%", zone_names[z],
				100.0 * (double)s->pages_by_zone[z] / (double)pages);
	fprintf(out, "\n            orders:");
	for (int o = 0; o < MAX_ORDER; o++)
		if (s->allocs_by_order[o])
			fprintf(out, " %d:%lu", o, s->allocs_by_order[o]);
	fprintf(out, "\n");
}

void report_summary(FILE *out, const struct replay *r, const struct input_counts *in)
{
	fprintf(out, "buddy-replay: %s (%s) through %s, cpu mode %s%s%s\n", in->path, in->codec, r->allocator,
		in->cpu_mode, in->conf ? ", conf " : "", in->conf ? in->conf : "");
	fprintf(out, "  lines %lu: events %lu, malformed %lu, unknown events %lu, reordered %lu (late %lu)\n",
		in->lines, r->events, in->malformed, in->unknown_events, in->reordered, in->late);
	fprintf(out,
		"  allocs %lu, frees %lu (+%lu through mm_page_free_batched; %lu batched events after their "
		"mm_page_free)\n",
		r->allocs, r->frees, r->frees_batched, r->batched_already_freed);
	fprintf(out,
		"  unmatched frees %lu (pages allocated before the trace began), double frees %lu, order "
		"mismatches %lu, split blocks %lu\n",
		r->unmatched_frees, r->double_frees, r->order_mismatch_frees, r->split_frees);
	fprintf(out,
		"  failed allocs %lu (kernel's own failures %lu), live at the end %lu pages, peak %lu "
		"pages\n",
		r->failed_allocs, r->kernel_failed_allocs, r->live_pages, r->peak_live_pages);
	for (int i = 0; i < r->nr_failed_kinds; i++) {
		char names[256];
		fprintf(out, "    failed: %lu x order %u %s\n", r->failed[i].count, r->failed[i].order,
			gfp_format_names(r->failed[i].gfp, names, sizeof(names)));
	}
	if (in->unknown_gfp_names) {
		fprintf(out, "  unknown gfp names %lu:", in->unknown_gfp_names);
		for (int i = 0; i < in->nr_gfp_names; i++)
			fprintf(out, " %s (%lu)", in->gfp_name[i], in->gfp_name_count[i]);
		fprintf(out, "\n");
	}
	fprintf(out,
		"  masks: __GFP_ZERO dropped %lu, __GFP_NOFAIL dropped %lu, migratetype set from the trace "
		"%lu\n",
		r->zero_stripped, r->nofail_stripped, r->mt_adjusted);
	summary_side(out, "kernel", &r->kernel);
	if (!strcmp(r->allocator, "libbuddy"))
		summary_side(out, "libbuddy", &r->replayed);
	fprintf(out,
		"  replay %.3f s, %.1f ns per event (%.2f M events/s); parsing %.3f s; peak RSS %ld KiB; %d "
		"snapshots; buddy_check %d\n",
		r->seconds, ns_per_event(r), r->seconds > 0 ? (double)r->events / r->seconds / 1e6 : 0.0,
		in->parse_seconds, peak_rss_kib(), r->nr_snaps, r->check_problems);
}

static void json_array(FILE *f, const unsigned long *v, int n)
{
	fputc('[', f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%lu", i ? ", " : "", v[i]);
	fputc(']', f);
}

static void json_named(FILE *f, const char *const *names, const unsigned long *v, int n)
{
	fputc('{', f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\"%s\": %lu", i ? ", " : "", names[i], v[i]);
	fputc('}', f);
}

static void json_side(FILE *f, const char *key, const struct side_counts *s)
{
	unsigned long allocs = total_allocs(s);

	fprintf(f,
		"  \"%s\": {\"pcp_refills\": %lu, \"pcp_refill_batches\": %lu, \"pcpu_drains\": %lu, "
		"\"pcpu_drain_batches\": %lu, \"extfrag_events\": %lu, \"extfrag_fragmenting\": %lu,\n    "
		"\"refill_batches_per_1000_allocs\": %.3f, "
		"\"drain_batches_per_1000_allocs\": %.3f,\n    \"allocs_by_order\": ",
		key, s->pcp_refills, s->pcp_refill_batches, s->pcpu_drains, s->pcpu_drain_batches,
		s->extfrag_events, s->extfrag_fragmenting, per_thousand(s->pcp_refill_batches, allocs),
		per_thousand(s->pcpu_drain_batches, allocs));
	json_array(f, s->allocs_by_order, MAX_ORDER);
	fprintf(f, ",\n    \"allocs_by_migratetype\": ");
	json_named(f, mt_names, s->allocs_by_mt, NR_MT);
	fprintf(f, ",\n    \"pages_by_zone\": ");
	json_named(f, zone_names, s->pages_by_zone, NR_ZONES);
	fprintf(f, "}");
}

/* Names are plain identifiers, but a truncated trace may hold anything: escape. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_snapshot(FILE *f, const struct snapshot *s)
{
	fprintf(f,
		"    {\"trace_seconds\": %.6f, \"event\": %lu, \"unusable_index_order9\": %.4f, "
		"\"free_pages_by_migratetype\": ",
		s->trace_seconds, s->event, s->unusable_order9);
	json_named(f, mt_names, s->free_by_mt, NR_MT);
	fprintf(f, ", \"buddyinfo\": {");
	for (int z = 0; z < s->nr_zones; z++) {
		fprintf(f, "%s", z ? ", " : "");
		json_string(f, s->zone_name[z]);
		fprintf(f, ": ");
		json_array(f, s->nr_free[z], MAX_ORDER);
	}
	fprintf(f, "}}");
}

static void json_input(FILE *f, const struct input_counts *in)
{
	fprintf(f, "  \"input\": {\"path\": ");
	json_string(f, in->path);
	fprintf(f,
		", \"codec\": \"%s\", \"lines\": %lu, \"malformed_lines\": %lu, \"unknown_events\": %lu, "
		"\"reordered_events\": %lu, \"late_events\": %lu, \"parse_seconds\": %.6f},\n",
		in->codec, in->lines, in->malformed, in->unknown_events, in->reordered, in->late,
		in->parse_seconds);
	fprintf(f, "  \"unknown_gfp_names\": %lu,\n  \"unknown_gfp_name_list\": {", in->unknown_gfp_names);
	for (int i = 0; i < in->nr_gfp_names; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_string(f, in->gfp_name[i]);
		fprintf(f, ": %lu", in->gfp_name_count[i]);
	}
	fprintf(f, "},\n  \"gfp_names_without_4_7_bit\": %lu, \"numeric_gfp_masks\": %lu,\n",
		in->dropped_gfp_names, in->numeric_gfp_masks);
}

static void json_counts(FILE *f, const struct replay *r)
{
	fprintf(f,
		"  \"events\": %lu, \"allocs\": %lu, \"frees\": %lu, \"frees_batched\": %lu, "
		"\"batched_after_free\": %lu,\n",
		r->events, r->allocs, r->frees + r->frees_batched, r->frees_batched,
		r->batched_already_freed);
	fprintf(f,
		"  \"unmatched_frees\": %lu, \"double_frees\": %lu, \"order_mismatch_frees\": %lu, "
		"\"split_blocks\": %lu,\n",
		r->unmatched_frees, r->double_frees, r->order_mismatch_frees, r->split_frees);
	fprintf(f,
		"  \"failed_allocs\": %lu, \"kernel_failed_allocs\": %lu, \"alloc_of_live_pfn\": %lu,\n  "
		"\"failed_summary\": [",
		r->failed_allocs, r->kernel_failed_allocs, r->alloc_of_live_pfn);
	for (int i = 0; i < r->nr_failed_kinds; i++) {
		char names[256];
		fprintf(f, "%s{\"order\": %u, \"gfp\": \"%#x\", \"gfp_names\": \"%s\", \"count\": %lu}",
			i ? ", " : "", r->failed[i].order, r->failed[i].gfp,
			gfp_format_names(r->failed[i].gfp, names, sizeof(names)), r->failed[i].count);
	}
	fprintf(f,
		"],\n  \"live_pages_at_end\": %lu, \"peak_live_pages\": %lu, \"peak_live_blocks\": %zu, "
		"\"peak_rss_kib\": %ld,\n",
		r->live_pages, r->peak_live_pages, r->map.peak, peak_rss_kib());
	fprintf(f,
		"  \"zero_dropped\": %lu, \"nofail_dropped\": %lu, \"migratetype_from_trace\": %lu, "
		"\"cpu_switches\": %lu,\n",
		r->zero_stripped, r->nofail_stripped, r->mt_adjusted, r->cpu_switches);
	fprintf(f,
		"  \"trace_seconds\": %.6f, \"seconds\": %.6f, \"ns_per_event\": %.3f, \"check_problems\": "
		"%d,\n",
		r->have_ts ? (double)(r->last_ts - r->first_ts) * 1e-9 : 0.0, r->seconds, ns_per_event(r),
		r->check_problems);
}

int report_json(const char *path, const struct replay *r, const struct input_counts *in)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"allocator\": \"%s\", \"cpu_mode\": \"%s\", \"conf\": ", r->allocator,
		in->cpu_mode);
	json_string(f, in->conf ? in->conf : "");
	fprintf(f, ",\n");
	json_input(f, in);
	json_counts(f, r);
	json_side(f, "kernel", &r->kernel);
	fprintf(f, ",\n");
	if (!strcmp(r->allocator, "libbuddy"))
		json_side(f, "libbuddy", &r->replayed);
	else
		fprintf(f, "  \"libbuddy\": null");
	fprintf(f, ",\n  \"snapshots\": [\n");
	for (int i = 0; i < r->nr_snaps; i++) {
		json_snapshot(f, &r->snaps[i]);
		fprintf(f, "%s\n", i + 1 < r->nr_snaps ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	rc = ferror(f) ? -1 : 0;
	if (fclose(f))
		rc = -1;
	if (rc)
		fprintf(stderr, "buddy-replay: writing %s failed\n", path);
	return rc;
}

/* bench/run's raw.csv rows: allocator,workload,order,threads,metric,value,unit */
void report_bench_csv(FILE *out, const struct replay *r)
{
	fprintf(out, "%s,replay,-,1,ns-per-event,%.3f,ns/op\n", r->allocator, ns_per_event(r));
	fprintf(out, "%s,replay,-,1,events-per-second,%.3f,Mops/s\n", r->allocator,
		r->seconds > 0 ? (double)r->events / r->seconds / 1e6 : 0.0);
}
