/* SPDX-License-Identifier: MIT */
/*
 * GFP masks as names, the way the kernel's %pGg format prints them in
 * warn_alloc and tracepoints: walk a table whose combined masks come first
 * (most bits first), take every entry whose bits are all still set, then
 * print whatever bits no name covers as hex. The table is the 4.7 one,
 * matching the 4.7 bit layout of <buddy/gfp.h>.
 */
#include <stdarg.h>

#include "internal.h"

struct gfp_name {
	gfp_t mask;
	const char *name;
};

static const struct gfp_name gfpflag_names[] = {
	{GFP_TRANSHUGE, "GFP_TRANSHUGE"},
	{GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"},
	{GFP_HIGHUSER, "GFP_HIGHUSER"},
	{GFP_USER, "GFP_USER"},
	{GFP_TEMPORARY, "GFP_TEMPORARY"},
	{GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"},
	{GFP_KERNEL, "GFP_KERNEL"},
	{GFP_NOFS, "GFP_NOFS"},
	{GFP_ATOMIC, "GFP_ATOMIC"},
	{GFP_NOIO, "GFP_NOIO"},
	{GFP_NOWAIT, "GFP_NOWAIT"},
	{GFP_DMA, "GFP_DMA"},
	{__GFP_HIGHMEM, "__GFP_HIGHMEM"},
	{GFP_DMA32, "GFP_DMA32"},
	{__GFP_HIGH, "__GFP_HIGH"},
	{__GFP_ATOMIC, "__GFP_ATOMIC"},
	{__GFP_IO, "__GFP_IO"},
	{__GFP_FS, "__GFP_FS"},
	{__GFP_COLD, "__GFP_COLD"},
	{__GFP_NOWARN, "__GFP_NOWARN"},
	{__GFP_REPEAT, "__GFP_REPEAT"},
	{__GFP_NOFAIL, "__GFP_NOFAIL"},
	{__GFP_NORETRY, "__GFP_NORETRY"},
	{__GFP_COMP, "__GFP_COMP"},
	{__GFP_ZERO, "__GFP_ZERO"},
	{__GFP_NOMEMALLOC, "__GFP_NOMEMALLOC"},
	{__GFP_MEMALLOC, "__GFP_MEMALLOC"},
	{__GFP_HARDWALL, "__GFP_HARDWALL"},
	{__GFP_THISNODE, "__GFP_THISNODE"},
	{__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"},
	{__GFP_MOVABLE, "__GFP_MOVABLE"},
	{__GFP_ACCOUNT, "__GFP_ACCOUNT"},
	{__GFP_NOTRACK, "__GFP_NOTRACK"},
	{__GFP_WRITE, "__GFP_WRITE"},
	{__GFP_RECLAIM, "__GFP_RECLAIM"},
	{__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"},
	{__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"},
	{__GFP_OTHER_NODE, "__GFP_OTHER_NODE"},
};

/* snprintf that keeps counting past the end, so the caller learns the full length. */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...) __printf(4, 5);
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*pos < len ? buf + *pos : NULL, *pos < len ? len - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

int format_gfp_flags(char *buf, size_t len, gfp_t gfp_mask)
{
	size_t pos = 0;
	gfp_t left = gfp_mask;

	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(gfpflag_names) && left; i++) {
		gfp_t mask = gfpflag_names[i].mask;

		if ((left & mask) != mask)
			continue;
		left &= ~mask;
		append(buf, len, &pos, "%s%s", gfpflag_names[i].name, left ? "|" : "");
	}
	if (left)
		append(buf, len, &pos, "%#x", left);
	return (int)pos;
}
