/* SPDX-License-Identifier: MIT */
/*
 * Kernel-format views (buddy_dump): each view is a function that prints the
 * same lines, widths and spacing as the /proc or debugfs file it is named
 * after, through a write callback so it can go to a FILE or anywhere else.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "internal.h"

void dump_printf(buddy_write_cb *cb, void *opaque, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cb(opaque, buf);
}

/* /proc/buddyinfo: free blocks per order, populated zones only. */
void dump_buddyinfo(buddy_write_cb *cb, void *opaque)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[z];
			unsigned long nr_free[MAX_ORDER];

			if (!populated_zone(zone))
				continue;
			pthread_mutex_lock(&zone->lock);
			for (int o = 0; o < MAX_ORDER; o++)
				nr_free[o] = zone->free_area[o].nr_free;
			pthread_mutex_unlock(&zone->lock);
			dump_printf(cb, opaque, "Node %d, zone %8s ", nid, zone->name);
			for (int o = 0; o < MAX_ORDER; o++)
				dump_printf(cb, opaque, "%6lu ", nr_free[o]);
			cb(opaque, "\n");
		}
	}
}

struct view {
	const char *name;
	dump_fn fn;
};

static const struct view views[] = {
	{ "buddyinfo", dump_buddyinfo },
};

int buddy_dump_to(buddy_write_cb *write_cb, void *cbopaque, const char *view)
{
	if (!view || !write_cb)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		if (strcmp(views[i].name, view))
			continue;
		buddy_ensure_init();
		if (!buddy.initialized)
			return -ENODEV;
		views[i].fn(write_cb, cbopaque);
		return 0;
	}
	return -EINVAL;
}

static void write_to_file(void *opaque, const char *text)
{
	fputs(text, (FILE *)opaque);
}

int buddy_dump(FILE *out, const char *view)
{
	return buddy_dump_to(write_to_file, out ? out : stdout, view);
}

/* BUDDY_CONF stats_print:VIEW[/VIEW...]: dump them to stderr at exit. */
void dump_stats_at_exit(void)
{
	char list[sizeof(buddy.settings.stats_print)];
	char *save = NULL;

	if (!buddy.initialized || !buddy.settings.stats_print[0])
		return;
	memcpy(list, buddy.settings.stats_print, sizeof(list));
	for (char *v = strtok_r(list, "/+ ", &save); v; v = strtok_r(NULL, "/+ ", &save)) {
		if (!strcmp(v, "true") || !strcmp(v, "all")) {
			for (size_t i = 0; i < ARRAY_SIZE(views); i++)
				buddy_dump(stderr, views[i].name);
			continue;
		}
		if (buddy_dump(stderr, v))
			fprintf(stderr, "libbuddy: stats_print: unknown view \"%s\"\n", v);
	}
}
