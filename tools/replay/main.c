/* SPDX-License-Identifier: MIT */
/*
 * buddy-replay: replay a kernel page-allocation trace (perf script text of
 * the kmem:mm_page_* events) through libbuddy or a malloc peer. docs/replay.md
 * has the recipe; `buddy-replay --help` the options.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input.h"
#include "machine.h"
#include "reorder.h"
#include "replay.h"
#include "report.h"

#define BATCH 4096

struct options {
	const char *path, *json, *conf, *allocator, *zoneinfo, *dump;
	bool like_machine, strict, quiet, bench_csv;
	double scale;
	unsigned long reorder_window, max_errors;
	struct replay_opts ropt;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: buddy-replay [options] [TRACE|-]\n"
		"Replays perf script / trace_pipe text of kmem:mm_page_* events (plain, .gz, .xz, .zst).\n"
		"  --json FILE              write the results as JSON\n"
		"  --conf KEY:VAL,...       BUDDY_CONF keys for the arena (default arena_size:8G)\n"
		"  --like-this-machine      size the arena and zones from /proc/zoneinfo\n"
		"  --zoneinfo FILE          read FILE instead of /proc/zoneinfo\n"
		"  --scale F                multiply those sizes by F (default 1)\n"
		"  --snapshot-events N      snapshot every N events\n"
		"  --snapshot-interval S    snapshot every S seconds of trace time\n"
		"  --cpu-mode single|pin    one pinned CPU (default) or follow the traced CPU\n"
		"  --cpu N                  the CPU of single mode (default 0)\n"
		"  --allocator NAME         libbuddy (default), jemalloc, mimalloc, tcmalloc, glibc\n"
		"  --keep-zero              keep __GFP_ZERO (libbuddy then zeroes every such page)\n"
		"  --reorder-window N       events held to restore timestamp order (default 4096)\n"
		"  --strict                 stop with exit status 3 at the first malformed line\n"
		"  --max-errors N           malformed lines printed (default 5)\n"
		"  --dump VIEW              print a libbuddy view at the end (zoneinfo, buddyinfo, "
		"pagetypeinfo, vmstat...)\n"
		"  --bench-csv              print bench/run CSV rows instead of the summary\n"
		"  --quiet                  no summary\n");
}

/* --allocator X in a binary built for Y: run the sibling built for X. */
static void exec_sibling(const char *name, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0) {
		perror("buddy-replay: /proc/self/exe");
		exit(1);
	}
	self[n] = 0;
	slash = strrchr(self, '/');
	*slash = 0;
	if (!strcmp(name, "libbuddy"))
		snprintf(path, sizeof(path), "%s/buddy-replay", self);
	else
		snprintf(path, sizeof(path), "%s/buddy-replay-%s", self, name);
	if (access(path, X_OK)) {
		fprintf(stderr,
			"buddy-replay: allocator %s not built (no %s; install its -dev package and "
			"rebuild)\n",
			name, path);
		exit(1);
	}
	execv(path, argv);
	perror(path);
	exit(1);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum {
		O_JSON = 256,
		O_CONF,
		O_LIKE,
		O_ZONEINFO,
		O_SCALE,
		O_SNAP_N,
		O_SNAP_T,
		O_CPU_MODE,
		O_CPU,
		O_ALLOC,
		O_KEEP_ZERO,
		O_WINDOW,
		O_STRICT,
		O_MAX_ERR,
		O_CSV,
		O_DUMP,
		O_QUIET,
		O_HELP
	};
	static const struct option longopts[] = {
		{"json", 1, 0, O_JSON},
		{"conf", 1, 0, O_CONF},
		{"like-this-machine", 0, 0, O_LIKE},
		{"zoneinfo", 1, 0, O_ZONEINFO},
		{"scale", 1, 0, O_SCALE},
		{"snapshot-events", 1, 0, O_SNAP_N},
		{"snapshot-interval", 1, 0, O_SNAP_T},
		{"cpu-mode", 1, 0, O_CPU_MODE},
		{"cpu", 1, 0, O_CPU},
		{"allocator", 1, 0, O_ALLOC},
		{"keep-zero", 0, 0, O_KEEP_ZERO},
		{"reorder-window", 1, 0, O_WINDOW},
		{"strict", 0, 0, O_STRICT},
		{"max-errors", 1, 0, O_MAX_ERR},
		{"bench-csv", 0, 0, O_CSV},
		{"dump", 1, 0, O_DUMP},
		{"quiet", 0, 0, O_QUIET},
		{"help", 0, 0, O_HELP},
		{0, 0, 0, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->scale = 1.0;
	o->reorder_window = 4096;
	o->max_errors = 5;
	o->zoneinfo = "/proc/zoneinfo";
	o->allocator = replay_allocator_name;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			o->json = optarg;
			break;
		case O_CONF:
			o->conf = optarg;
			break;
		case O_LIKE:
			o->like_machine = true;
			break;
		case O_ZONEINFO:
			o->zoneinfo = optarg;
			break;
		case O_SCALE:
			o->scale = strtod(optarg, NULL);
			break;
		case O_SNAP_N:
			o->ropt.snapshot_every = strtoul(optarg, NULL, 0);
			break;
		case O_SNAP_T:
			o->ropt.snapshot_interval = strtod(optarg, NULL);
			break;
		case O_CPU_MODE:
			if (strcmp(optarg, "single") && strcmp(optarg, "pin"))
				return -1;
			o->ropt.pin_cpus = !strcmp(optarg, "pin");
			break;
		case O_CPU:
			o->ropt.single_cpu = atoi(optarg);
			break;
		case O_ALLOC:
			o->allocator = optarg;
			break;
		case O_KEEP_ZERO:
			o->ropt.keep_zero = true;
			break;
		case O_WINDOW:
			o->reorder_window = strtoul(optarg, NULL, 0);
			break;
		case O_STRICT:
			o->strict = true;
			break;
		case O_MAX_ERR:
			o->max_errors = strtoul(optarg, NULL, 0);
			break;
		case O_CSV:
			o->bench_csv = true;
			o->ropt.no_notes = true;
			o->max_errors = 0;
			break;
		case O_DUMP:
			o->dump = optarg;
			break;
		case O_QUIET:
			o->quiet = true;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (o->scale <= 0 || o->scale > 64 || o->ropt.single_cpu < 0 || o->reorder_window == 0)
		return -1;
	o->path = optind < argc ? argv[optind] : "-";
	return optind + 1 < argc ? -1 : 0;
}

static void note_gfp_name(struct input_counts *ic, const char *name)
{
	for (int i = 0; i < ic->nr_gfp_names; i++) {
		if (!strcmp(ic->gfp_name[i], name)) {
			ic->gfp_name_count[i]++;
			return;
		}
	}
	if (ic->nr_gfp_names < MAX_GFP_NAMES) {
		snprintf(ic->gfp_name[ic->nr_gfp_names], sizeof(ic->gfp_name[0]), "%s", name);
		ic->gfp_name_count[ic->nr_gfp_names++] = 1;
	}
}

struct reader {
	struct input *in;
	struct reorder ro;
	struct input_counts ic;
	const struct options *o;
	struct trace_event batch[BATCH];
	size_t n;
};

static void flush_batch(struct reader *rd, struct replay *r)
{
	replay_events(r, rd->batch, rd->n);
	rd->n = 0;
}

static void take_event(struct reader *rd, struct replay *r, const struct trace_event *ev, const char *unknown)
{
	struct trace_event out;

	rd->ic.unknown_gfp_names += ev->gfp_unknown;
	rd->ic.dropped_gfp_names += ev->gfp_dropped;
	rd->ic.numeric_gfp_masks += ev->gfp_numeric;
	if (ev->gfp_unknown)
		note_gfp_name(&rd->ic, unknown);
	if (reorder_push(&rd->ro, ev, &out)) {
		rd->batch[rd->n++] = out;
		if (rd->n == BATCH)
			flush_batch(rd, r);
	}
}

/* Returns 0, or 3 for a malformed line under --strict. */
static int read_lines(struct reader *rd, struct replay *r)
{
	struct trace_event ev;
	char unknown[48];
	const char *why;
	size_t len;
	int cut;
	char *line;

	while ((line = input_getline(rd->in, &len, &cut))) {
		enum parse_status st = trace_parse_line(line, &ev, &why, unknown);

		rd->ic.lines++;
		if (cut && st == PARSE_OK) {
			st = PARSE_BAD;
			why = "line too long";
		}
		switch (st) {
		case PARSE_OK:
			ev.seq = rd->ic.lines;
			take_event(rd, r, &ev, unknown);
			break;
		case PARSE_SKIP:
			rd->ic.skipped++;
			break;
		case PARSE_UNKNOWN_EVENT:
			if (++rd->ic.unknown_events <= 3 && !rd->o->ropt.no_notes)
				fprintf(stderr,
					"buddy-replay: line %lu: skipping an event it does not replay: "
					"%.120s\n",
					rd->ic.lines, line);
			break;
		case PARSE_BAD:
			if (++rd->ic.malformed <= rd->o->max_errors || rd->o->strict)
				fprintf(stderr, "buddy-replay: line %lu: malformed (%s): %.160s\n",
					rd->ic.lines, why, line);
			if (rd->o->strict)
				return 3;
			break;
		}
	}
	return 0;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int replay_file(const struct options *o, const char *conf, struct replay *r, struct reader *rd)
{
	struct trace_event ev;
	double t0 = wall();
	int rc;

	rd->o = o;
	rd->in = input_open(o->path);
	if (!rd->in)
		return 1;
	if (reorder_init(&rd->ro, o->reorder_window) || replay_start(r, &o->ropt)) {
		fprintf(stderr, "buddy-replay: out of memory\n");
		return 1;
	}
	rd->ic.codec = input_codec(rd->in);
	rd->ic.path = o->path;
	rd->ic.conf = conf;
	rd->ic.cpu_mode = o->ropt.pin_cpus ? "pin" : "single";
	rc = read_lines(rd, r);
	if (!rc && input_failed(rd->in)) {
		fprintf(stderr, "buddy-replay: %s: read or decompression error (truncated file?)\n", o->path);
		rc = o->strict ? 3 : 0;
		rd->ic.malformed++;
	}
	while (reorder_pop(&rd->ro, &ev)) {
		rd->batch[rd->n++] = ev;
		if (rd->n == BATCH)
			flush_batch(rd, r);
	}
	flush_batch(rd, r);
	rd->ic.reordered = rd->ro.reordered;
	rd->ic.late = rd->ro.late;
	replay_finish(r);
	rd->ic.parse_seconds = wall() - t0 - r->seconds;
	input_close(rd->in);
	reorder_destroy(&rd->ro);
	return rc;
}

int main(int argc, char **argv)
{
	static char conf[512];
	static struct reader rd;
	struct options o;
	struct replay r;
	int rc;

	memset(&r, 0, sizeof(r));
	if (parse_options(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (strcmp(o.allocator, replay_allocator_name))
		exec_sibling(o.allocator, argv);
	machine_default_zones(o.ropt.kernel_zones);
	snprintf(conf, sizeof(conf), "arena_size:8G");
	if (o.like_machine &&
	    machine_from_zoneinfo(o.zoneinfo, o.scale, conf, sizeof(conf), o.ropt.kernel_zones))
		return 1;
	if (o.conf)
		snprintf(conf + strlen(conf), sizeof(conf) - strlen(conf), ",%s", o.conf);
	if (replay_backend_init(conf))
		return 1;
	rc = replay_file(&o, conf, &r, &rd);
	if (!rc || rc == 3) {
		if (o.bench_csv)
			report_bench_csv(stdout, &r);
		else if (!o.quiet)
			report_summary(stdout, &r, &rd.ic);
		if (o.dump && replay_backend_dump(o.dump))
			rc = rc ? rc : 1;
		if (o.json && report_json(o.json, &r, &rd.ic))
			rc = 1;
		if (r.check_problems)
			rc = rc ? rc : 4;
	}
	replay_destroy(&r);
	replay_backend_exit();
	return rc;
}
