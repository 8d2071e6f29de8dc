/* SPDX-License-Identifier: MIT */
/*
 * The reports behind mmdebug.h's assertions, in the kernel's words
 * (mm/debug.c dump_page, and BUG()'s "kernel BUG at file:line!"). Built in
 * every configuration; only BUDDY_DEBUG_VM builds call them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* "src/page_alloc.c" from whatever path the build passed as __FILE__. */
static const char *short_file(const char *file)
{
	const char *src = NULL;

	for (const char *p = strstr(file, "src/"); p; p = strstr(p + 1, "src/"))
		src = p;
	if (src)
		return src;
	const char *slash = strrchr(file, '/');
	return slash ? slash + 1 : file;
}

static __noreturn void bug_at(const char *file, int line)
{
	fprintf(stderr,
		"------------[ cut here ]------------\n"
		"kernel BUG at %s:%d!\n"
		"%s: BUDDY_DEBUG_VM assertion failed, aborting\n",
		short_file(file), line, buddy_progname());
	fflush(stderr);
	abort();
}

void vm_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s\n", what);
	bug_at(file, line);
}

void vm_bug_page(const struct page *page, const char *file, int line, const char *what)
{
	dump_page(page, what);
	bug_at(file, line);
}

void vm_warn(const char *file, int line, const char *what)
{
	fprintf(stderr,
		"------------[ cut here ]------------\n"
		"WARNING: at %s:%d %s (%s)\n",
		short_file(file), line, what, buddy_progname());
}

static const char *const page_flag_names[NR_PAGEFLAGS] = {
	[PG_buddy] = "buddy",	    [PG_pcp] = "pcp",
	[PG_head] = "head",	    [PG_tail] = "tail",
	[PG_reserved] = "reserved", [PG_movable] = "movable",
	[PG_isolated] = "isolated", [PG_free_hooks] = "free_hooks",
	[PG_reported] = "reported", [PG_zeroed] = "zeroed",
	[PG_guard] = "guard",
};
_Static_assert(ARRAY_SIZE(page_flag_names) == NR_PAGEFLAGS, "a name for every page flag");

/*
 * mm/debug.c's dump_page: the descriptor's fields, its flags by name with the
 * node and zone of its recorded zone, the raw words, and why it was dumped.
 */
void dump_page(const struct page *page, const char *reason)
{
	unsigned long flags = page_flags(page);
	unsigned long pfn = page_to_pfn_fast(page);
	const unsigned long *raw = (const unsigned long *)page;
	char names[128] = "";
	size_t len = 0;

	for (int f = 0; f < NR_PAGEFLAGS; f++)
		if (flags & (1UL << f))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s|", page_flag_names[f]);
	fprintf(stderr,
		"page:%p refcount:%d mapcount:0 mapping:0000000000000000 index:0x%lx pfn:0x%lx\n"
		"order:%lu alloc_order:%u%s\n"
		"flags: 0x%lx(%snode=%d|zone=%d)\n",
		(const void *)page, page_ref_count((struct page *)page), page->index, pfn, page->private,
		page->alloc_order, pfn_valid(pfn) ? "" : " (pfn outside the arena)", flags, names,
		page->zone ? page->zone->node : -1, page->zone ? (int)page->zone->idx : -1);
	_Static_assert(sizeof(struct page) == 8 * sizeof(unsigned long), "two raw lines of four words");
	for (int i = 0; i < 8; i += 4)
		fprintf(stderr, "raw: %016lx %016lx %016lx %016lx\n", raw[i], raw[i + 1], raw[i + 2],
			raw[i + 3]);
	fprintf(stderr, "page dumped because: %s\n", reason);
}

bool pcp_lock_held(const struct per_cpu_pages *pcp, const struct page *page)
{
	struct zone *zone = pfn_to_zone(page_to_pfn_fast(page));
	long cpu;

	if (!zone || !zone->per_cpu_pageset)
		return false;
	cpu = pcp - zone->per_cpu_pageset;
	if (cpu < 0 || cpu >= buddy.nr_cpu_ids)
		return false;
	return atomic_load_explicit(&buddy.cpus[cpu].lock, memory_order_relaxed) != 0;
}
