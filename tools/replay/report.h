/* SPDX-License-Identifier: MIT */
/* The human summary and the --json file. */
#ifndef REPLAY_REPORT_H
#define REPLAY_REPORT_H

#include <stdio.h>

#include "replay.h"

#define MAX_GFP_NAMES 32

/* What the reader saw, besides the events it handed on. */
struct input_counts {
	unsigned long lines, malformed, unknown_events, skipped;
	unsigned long unknown_gfp_names, dropped_gfp_names, numeric_gfp_masks;
	unsigned long reordered, late;
	char gfp_name[MAX_GFP_NAMES][48];
	unsigned long gfp_name_count[MAX_GFP_NAMES];
	int nr_gfp_names;
	char first_unknown_event[64];
	double parse_seconds;
	const char *codec;
	const char *path;
	const char *conf;
	const char *cpu_mode;
};

void report_summary(FILE *out, const struct replay *r, const struct input_counts *in);
int report_json(const char *path, const struct replay *r, const struct input_counts *in);
void report_bench_csv(FILE *out, const struct replay *r);

#endif /* REPLAY_REPORT_H */
