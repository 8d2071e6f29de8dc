/* SPDX-License-Identifier: MIT */
/*
 * buddy_ctl(): every run-time setting read and written by name, the way
 * sysctl(2) and jemalloc's mallctl() work - the "vm.*" names of the kernel's
 * sysctls, plus read-only statistics ("vmstat.<counter>", "version", ...).
 *
 *   int v; size_t len = sizeof(v);
 *   buddy_ctl("vm.watermark_scale_factor", &v, &len, NULL, 0);     read
 *   v = 100;
 *   buddy_ctl("vm.watermark_scale_factor", NULL, NULL, &v, sizeof(v));  write
 *
 * A read copies the value to oldp when *oldlenp is large enough and sets
 * *oldlenp to its size; a write takes newlen bytes from newp and goes
 * through the setter of the same name (the same range checks as BUDDY_CONF).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/migrate.h>

#include "fail_page_alloc.h"
#include "internal.h"
#include "page_reporting.h"

enum ctl_type {
	CTL_INT,       /* an int setting */
	CTL_INT_ZONES, /* int[MAX_NR_ZONES] */
	CTL_ULONG,     /* read-only unsigned long */
	CTL_STRING,    /* read-only const char * */
};

struct ctl_entry {
	const char *name;
	enum ctl_type type;
	int (*get)(void *value);       /* fills an int, int[], unsigned long or const char * */
	int (*set)(const void *value); /* NULL: read-only */
};

/* ------------------------------------------------ the settings */

static int get_min_free_kbytes(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.min_free_kbytes);
	return 0;
}
static int set_min_free_kbytes(const void *v)
{
	return buddy_set_min_free_kbytes(*(const int *)v);
}

static int get_watermark_scale_factor(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.watermark_scale_factor);
	return 0;
}
static int set_watermark_scale_factor(const void *v)
{
	return buddy_set_watermark_scale_factor(*(const int *)v);
}

static int get_lowmem_reserve_ratio(void *v)
{
	int *ratio = v;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		ratio[i] = READ_ONCE(buddy.settings.lowmem_reserve_ratio[i]);
	return 0;
}
static int set_lowmem_reserve_ratio(const void *v)
{
	return buddy_set_lowmem_reserve_ratio(v);
}

static int get_percpu_pagelist_high_fraction(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.percpu_pagelist_high_fraction);
	return 0;
}
static int set_percpu_pagelist_high_fraction(const void *v)
{
	return buddy_set_percpu_pagelist_high_fraction(*(const int *)v);
}

static int get_watermark_boost_factor(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.watermark_boost_factor);
	return 0;
}
static int set_watermark_boost_factor(const void *v)
{
	return buddy_set_watermark_boost_factor(*(const int *)v);
}

static int get_compaction_proactiveness(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.compaction_proactiveness);
	return 0;
}
static int set_compaction_proactiveness(const void *v)
{
	return buddy_set_compaction_proactiveness(*(const int *)v);
}

static int get_extfrag_threshold(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.extfrag_threshold);
	return 0;
}
static int set_extfrag_threshold(const void *v)
{
	return buddy_set_extfrag_threshold(*(const int *)v);
}

/* vm.compact_memory: write-only, any int value compacts every zone (as writing the sysctl does). */
static int set_compact_memory(const void *v)
{
	(void)v;
	buddy_compact_memory();
	return 0;
}

/* ------------------------------------------------ free page reporting (page_reporting.c) */

/* The kernel's module parameter /sys/module/page_reporting/parameters/page_reporting_order. */
static int get_page_reporting_order(void *v)
{
	*(int *)v = (int)READ_ONCE(buddy.reporting.order);
	return 0;
}
static int set_page_reporting_order(const void *v)
{
	int order = *(const int *)v;

	if (buddy_setting_check("page_reporting_order", order))
		return -EINVAL;
	if (buddy.arena_backing == ARENA_PAGES_HUGETLB && order < pageblock_order)
		return -EINVAL; /* hugetlb pages go back whole */
	WRITE_ONCE(buddy.reporting.order, (unsigned int)order);
	return 0;
}

/* On (1) or off (0) at run time; blocks already given back stay so. */
static int get_page_reporting_enabled(void *v)
{
	*(int *)v = READ_ONCE(buddy.reporting.enabled);
	return 0;
}
static int set_page_reporting_enabled(const void *v)
{
	int on = *(const int *)v;

	if (on != 0 && on != 1)
		return -EINVAL;
	WRITE_ONCE(buddy.reporting.enabled, on);
	return 0;
}

static int get_page_reporting_delay_ms(void *v)
{
	*(int *)v = READ_ONCE(buddy.settings.page_reporting_delay_ms);
	return 0;
}
static int set_page_reporting_delay_ms(const void *v)
{
	int ms = *(const int *)v;

	if (buddy_setting_check("page_reporting_delay_ms", ms))
		return -EINVAL;
	WRITE_ONCE(buddy.settings.page_reporting_delay_ms, ms);
	return 0;
}

/*
 * vm.stat_refresh: write-only, any int value. The kernel's write folds the
 * per-CPU counters and (6.7) runs decay_pcp_high on every CPU's lists; here
 * the counters need no folding, so it is the decay.
 */
static int set_stat_refresh(const void *v)
{
	(void)v;
	buddy_decay_pcp_high_all();
	return 0;
}

/* ------------------------------------------------ read-only facts */

static int get_version(void *v)
{
	*(const char **)v = buddy_version();
	return 0;
}

static int get_arena_bytes(void *v)
{
	*(unsigned long *)v = buddy.arena_bytes;
	return 0;
}

static int get_nr_nodes(void *v)
{
	*(unsigned long *)v = (unsigned long)buddy.nr_node_ids;
	return 0;
}

static const struct ctl_entry ctl_table[] = {
	{"vm.min_free_kbytes", CTL_INT, get_min_free_kbytes, set_min_free_kbytes},
	{"vm.watermark_scale_factor", CTL_INT, get_watermark_scale_factor, set_watermark_scale_factor},
	{"vm.lowmem_reserve_ratio", CTL_INT_ZONES, get_lowmem_reserve_ratio, set_lowmem_reserve_ratio},
	{"vm.percpu_pagelist_high_fraction", CTL_INT, get_percpu_pagelist_high_fraction,
	 set_percpu_pagelist_high_fraction},
	{"vm.watermark_boost_factor", CTL_INT, get_watermark_boost_factor, set_watermark_boost_factor},
	{"vm.compaction_proactiveness", CTL_INT, get_compaction_proactiveness, set_compaction_proactiveness},
	{"vm.extfrag_threshold", CTL_INT, get_extfrag_threshold, set_extfrag_threshold},
	{"vm.compact_memory", CTL_INT, NULL, set_compact_memory},
	{"page_reporting.enabled", CTL_INT, get_page_reporting_enabled, set_page_reporting_enabled},
	{"page_reporting.order", CTL_INT, get_page_reporting_order, set_page_reporting_order},
	{"page_reporting.delay_ms", CTL_INT, get_page_reporting_delay_ms, set_page_reporting_delay_ms},
	{"vm.stat_refresh", CTL_INT, NULL, set_stat_refresh},
	{"version", CTL_STRING, get_version, NULL},
	{"arena.bytes", CTL_ULONG, get_arena_bytes, NULL},
	{"arena.nodes", CTL_ULONG, get_nr_nodes, NULL},
};

static size_t ctl_size(enum ctl_type type)
{
	switch (type) {
	case CTL_INT:
		return sizeof(int);
	case CTL_INT_ZONES:
		return sizeof(int) * MAX_NR_ZONES;
	case CTL_ULONG:
		return sizeof(unsigned long);
	case CTL_STRING:
		return sizeof(const char *);
	}
	return 0;
}

/* ------------------------------------------------ vmstat.<counter> */

struct vmstat_lookup {
	const char *name;
	unsigned long value;
	bool found;
};

/* dump_vmstat's lines are "name value\n", one per call. */
static void vmstat_line(void *opaque, const char *line)
{
	struct vmstat_lookup *l = opaque;
	size_t n = strlen(l->name);

	if (!l->found && !strncmp(line, l->name, n) && line[n] == ' ') {
		l->value = strtoul(line + n + 1, NULL, 10);
		l->found = true;
	}
}

/* "vmstat.pgfree" and the like: any line of the vmstat view, read-only. */
static int ctl_vmstat(const char *counter, void *oldp, size_t *oldlenp, const void *newp)
{
	struct vmstat_lookup l = {.name = counter};

	if (newp)
		return -EPERM;
	dump_vmstat(vmstat_line, &l);
	if (!l.found)
		return -ENOENT;
	if (!oldlenp)
		return 0;
	if (oldp && *oldlenp < sizeof(unsigned long))
		return -EINVAL;
	if (oldp)
		*(unsigned long *)oldp = l.value;
	*oldlenp = sizeof(unsigned long);
	return 0;
}

/* ------------------------------------------------ fail_page_alloc.<file> */

/*
 * The kernel's /sys/kernel/debug/fail_page_alloc/ files by their names: an
 * int each (times may be -1), but "seed", a long long. Read and write.
 */
static int ctl_fault(const char *file, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	bool wide = !strcmp(file, "seed");
	size_t size = wide ? sizeof(long long) : sizeof(int);
	long long v;
	int rc = fail_page_alloc_get(file, &v);

	if (rc)
		return rc;
	if (oldlenp) {
		if (oldp && *oldlenp < size)
			return -EINVAL;
		if (oldp && wide)
			*(long long *)oldp = v;
		else if (oldp)
			*(int *)oldp = (int)v;
		*oldlenp = size;
	}
	if (!newp)
		return 0;
	if (newlen != size)
		return -EINVAL;
	return fail_page_alloc_set(file, wide ? *(const long long *)newp : *(const int *)newp);
}

/* ------------------------------------------------ the call */

static const struct ctl_entry *find_ctl(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ctl_table); i++)
		if (!strcmp(ctl_table[i].name, name))
			return &ctl_table[i];
	return NULL;
}

int buddy_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen)
{
	const struct ctl_entry *e;
	union {
		int i[MAX_NR_ZONES];
		unsigned long ul;
		const char *s;
	} old;

	if (!name || (oldp && !oldlenp))
		return -EINVAL;
	buddy_ensure_init();
	if (!buddy_initialized())
		return -ENODEV;
	if (!strncmp(name, "vmstat.", 7))
		return ctl_vmstat(name + 7, oldp, oldlenp, newp);
	if (!strncmp(name, "fail_page_alloc.", 16))
		return ctl_fault(name + 16, oldp, oldlenp, newp, newlen);
	e = find_ctl(name);
	if (!e)
		return -ENOENT;
	size_t size = ctl_size(e->type);
	if (oldlenp) {
		if (!e->get)
			return -EPERM;
		if (oldp && *oldlenp < size)
			return -EINVAL;
		if (oldp) {
			e->get(&old);
			memcpy(oldp, &old, size);
		}
		*oldlenp = size;
	}
	if (newp) {
		if (!e->set)
			return -EPERM;
		if (newlen != size)
			return -EINVAL;
		return e->set(newp);
	}
	return 0;
}
