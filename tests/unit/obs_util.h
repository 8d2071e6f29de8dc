/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the observability suites (views, vmstat, warn_alloc): capture
 * a view as text, split it into lines, read a reference file, pin the test
 * to one CPU so per-CPU lists and counters are deterministic.
 */
#ifndef BUDDY_OBS_UTIL_H
#define BUDDY_OBS_UTIL_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

struct strbuf {
	char *s;
	size_t len, cap;
};

static inline void strbuf_write(void *opaque, const char *text)
{
	struct strbuf *b = opaque;
	size_t n = strlen(text);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->len, text, n + 1);
	b->len += n;
}

/* The view's full text (malloc'd); fails the test if buddy_dump_to does. */
static inline char *view_text(const char *view)
{
	struct strbuf b = { 0 };

	strbuf_write(&b, "");
	assert_int_equal(buddy_dump_to(strbuf_write, &b, view), 0);
	return b.s;
}

static inline char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf b = { 0 };
	char chunk[4096];
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	strbuf_write(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk) - 1, f)) > 0) {
		chunk[n] = 0;
		strbuf_write(&b, chunk);
	}
	fclose(f);
	return b.s;
}

/* Split text in place at '\n'; the last line must end with one. Returns the count. */
static inline int split_lines(char *text, char ***lines_out)
{
	int n = 0, cap = 64;
	char **lines = malloc(sizeof(char *) * (size_t)cap);

	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = 0;
		if (n == cap)
			lines = realloc(lines, sizeof(char *) * (size_t)(cap *= 2));
		lines[n++] = p;
		p = nl + 1;
	}
	*lines_out = lines;
	return n;
}

/* The value on the "name value" line of a vmstat text, or -1. */
static inline long vmstat_value(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return strtol(p + len + 1, NULL, 10);
	return -1;
}

static inline long vmstat_now(const char *name)
{
	char *text = view_text("vmstat");
	long v = vmstat_value(text, name);

	free(text);
	if (v < 0)
		fail_msg("vmstat has no line \"%s\"", name);
	return v;
}

/* Run on the first CPU we may use, so every pcp operation uses one list set. */
static inline int pin_to_one_cpu(void)
{
	cpu_set_t set;

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		CPU_ZERO(&set);
		CPU_SET(c, &set);
		assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
		return c;
	}
	fail_msg("no CPU in the affinity mask");
	return -1;
}

#endif
