/* SPDX-License-Identifier: MIT */
/* libbuddy's views, read back through buddy_dump_to() and parsed. */
#include <stdlib.h>
#include <string.h>

#include <buddy/buddy.h>

#include "buddy_views.h"

struct text {
	char *buf;
	size_t len, cap;
};

static void collect(void *opaque, const char *s)
{
	struct text *t = opaque;
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *b = realloc(t->buf, cap);
		if (!b)
			return;
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

static int read_view(const char *view, struct text *t)
{
	memset(t, 0, sizeof(*t));
	if (buddy_dump_to(collect, t, view) || !t->buf) {
		free(t->buf);
		return -1;
	}
	return 0;
}

static const char *const vmstat_keys[] = {"buddy_pcp_refill",	"buddy_pcp_drain", "buddy_extfrag",
					  "buddy_pgalloc_fail", "pgalloc_dma",	   "pgalloc_dma32",
					  "pgalloc_normal",	"pgalloc_high",	   "pgalloc_movable"};

int views_read_counters(struct buddy_counters *c)
{
	unsigned long *dst[] = {&c->pcp_refill, &c->pcp_drain,	&c->extfrag,
				&c->alloc_fail, &c->pgalloc[0], &c->pgalloc[1],
				&c->pgalloc[2], &c->pgalloc[3], &c->pgalloc[4]};
	struct text t;

	memset(c, 0, sizeof(*c));
	if (read_view("vmstat", &t))
		return -1;
	for (char *line = strtok(t.buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		for (size_t i = 0; i < sizeof(vmstat_keys) / sizeof(vmstat_keys[0]); i++)
			if ((size_t)(sp - line) == strlen(vmstat_keys[i]) &&
			    !memcmp(line, vmstat_keys[i], (size_t)(sp - line)))
				*dst[i] = strtoul(sp + 1, NULL, 10);
	}
	free(t.buf);
	return 0;
}

/* "Node 0, zone   Normal    n0 n1 ... n10" */
static void parse_buddyinfo(struct snapshot *s, char *buf)
{
	for (char *line = strtok(buf, "\n"); line && s->nr_zones < MAX_SNAPSHOT_ZONES;
	     line = strtok(NULL, "\n")) {
		char *p = strstr(line, "zone");
		int z = s->nr_zones;
		char *end;

		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		end = strchr(p, ' ');
		if (!end)
			continue;
		snprintf(s->zone_name[z], sizeof(s->zone_name[z]), "%.*s %.*s",
			 (int)(strchr(line, ',') - line), line, (int)(end - p), p);
		p = end;
		for (int o = 0; o < MAX_ORDER; o++)
			s->nr_free[z][o] = strtoul(p, &p, 10);
		s->nr_zones++;
	}
}

/* "Node    0, zone   Normal, type    Unmovable   n0 ... n10" (">100000" when capped) */
static void parse_pagetypeinfo(struct snapshot *s, char *buf)
{
	static const char *const mt_names[NR_MT] = {"Unmovable",  "Movable", "Reclaimable",
						    "HighAtomic", "CMA",     "Isolate"};

	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strstr(line, ", type ");
		int mt = -1;

		if (!p || strncmp(line, "Node", 4))
			continue;
		p += 7;
		while (*p == ' ')
			p++;
		for (int i = 0; i < NR_MT; i++)
			if (!strncmp(p, mt_names[i], strlen(mt_names[i])) && p[strlen(mt_names[i])] == ' ')
				mt = i;
		if (mt < 0)
			continue;
		p = strchr(p, ' ');
		for (int o = 0; o < MAX_ORDER && p; o++) {
			while (*p == ' ' || *p == '>')
				p++;
			s->free_by_mt[mt] += strtoul(p, &p, 10) << o;
		}
	}
}

/* The kernel's unusable free space index (mm/vmstat.c) for order 9, over all zones. */
static double unusable_index(const struct snapshot *s, unsigned int order)
{
	unsigned long free = 0, suitable = 0;

	for (int z = 0; z < s->nr_zones; z++) {
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			free += s->nr_free[z][o] << o;
			if (o >= order)
				suitable += s->nr_free[z][o] << o;
		}
	}
	return free ? (double)(free - suitable) / (double)free : 0.0;
}

int views_snapshot(struct snapshot *s)
{
	struct text t;

	if (read_view("buddyinfo", &t))
		return -1;
	parse_buddyinfo(s, t.buf);
	free(t.buf);
	if (read_view("pagetypeinfo", &t))
		return -1;
	parse_pagetypeinfo(s, t.buf);
	free(t.buf);
	s->unusable_order9 = unusable_index(s, pageblock_order);
	return 0;
}
