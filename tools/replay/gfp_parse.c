/* SPDX-License-Identifier: MIT */
/*
 * The names come from the kernel's __def_gfpflag_names (include/trace/events/
 * mmflags.h) from 4.7 to 6.18. Each maps to the bits the same meaning has in
 * 4.7. Where a later kernel redefined a combination the 4.7 one is used:
 * GFP_ATOMIC lost __GFP_ATOMIC in 6.3 but still means "high priority, may
 * not sleep"; __GFP_RETRY_MAYFAIL is 4.7's __GFP_REPEAT renamed (4.13).
 */
#include <stdio.h>
#include <string.h>

#include "gfp_parse.h"

struct gfp_name_map {
	const char *name;
	gfp_t mask;
	int dropped; /* a 6.x name with no 4.7 equivalent: counted, contributes nothing */
	size_t len;  /* strlen(name), filled in by the N() initialiser */
};

#define N(name, mask, dropped)                                                                               \
	{                                                                                                    \
		name, mask, dropped, sizeof(name) - 1                                                        \
	}

/* 6.x's GFP_TRANSHUGE_LIGHT (4.10): THP without reclaim. */
#define GFP_TRANSHUGE_LIGHT_47                                                                               \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)

static const struct gfp_name_map gfp_names[] = {
	N("GFP_TRANSHUGE", GFP_TRANSHUGE_LIGHT_47 | __GFP_DIRECT_RECLAIM, 0),
	N("GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT_47, 0),
	N("GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE, 0),
	N("GFP_HIGHUSER", GFP_HIGHUSER, 0),
	N("GFP_USER", GFP_USER, 0),
	N("GFP_TEMPORARY", GFP_TEMPORARY, 0),
	N("GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT, 0),
	N("GFP_KERNEL", GFP_KERNEL, 0),
	N("GFP_NOFS", GFP_NOFS, 0),
	N("GFP_ATOMIC", GFP_ATOMIC, 0),
	N("GFP_NOIO", GFP_NOIO, 0),
	N("GFP_NOWAIT", GFP_NOWAIT, 0),
	N("GFP_DMA", GFP_DMA, 0),
	N("GFP_DMA32", GFP_DMA32, 0),
	N("__GFP_DMA", __GFP_DMA, 0),
	N("__GFP_DMA32", __GFP_DMA32, 0),
	N("__GFP_HIGHMEM", __GFP_HIGHMEM, 0),
	N("__GFP_HIGH", __GFP_HIGH, 0),
	N("__GFP_ATOMIC", __GFP_ATOMIC, 0),
	N("__GFP_IO", __GFP_IO, 0),
	N("__GFP_FS", __GFP_FS, 0),
	N("__GFP_COLD", __GFP_COLD, 0),
	N("__GFP_NOWARN", __GFP_NOWARN, 0),
	N("__GFP_REPEAT", __GFP_REPEAT, 0),
	N("__GFP_RETRY_MAYFAIL", __GFP_REPEAT, 0),
	N("__GFP_NOFAIL", __GFP_NOFAIL, 0),
	N("__GFP_NORETRY", __GFP_NORETRY, 0),
	N("__GFP_COMP", __GFP_COMP, 0),
	N("__GFP_ZERO", __GFP_ZERO, 0),
	N("__GFP_NOMEMALLOC", __GFP_NOMEMALLOC, 0),
	N("__GFP_MEMALLOC", __GFP_MEMALLOC, 0),
	N("__GFP_HARDWALL", __GFP_HARDWALL, 0),
	N("__GFP_THISNODE", __GFP_THISNODE, 0),
	N("__GFP_RECLAIMABLE", __GFP_RECLAIMABLE, 0),
	N("__GFP_MOVABLE", __GFP_MOVABLE, 0),
	N("__GFP_ACCOUNT", __GFP_ACCOUNT, 0),
	N("__GFP_NOTRACK", __GFP_NOTRACK, 0),
	N("__GFP_WRITE", __GFP_WRITE, 0),
	N("__GFP_RECLAIM", __GFP_RECLAIM, 0),
	N("__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM, 0),
	N("__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM, 0),
	N("__GFP_OTHER_NODE", __GFP_OTHER_NODE, 0),
	/* Later additions without a 4.7 bit: debugging and KASAN/memcg hints. */
	N("__GFP_NOLOCKDEP", 0, 1),
	N("__GFP_ZEROTAGS", 0, 1),
	N("__GFP_SKIP_ZERO", 0, 1),
	N("__GFP_SKIP_KASAN", 0, 1),
	N("__GFP_SKIP_KASAN_POISON", 0, 1),
	N("__GFP_SKIP_KASAN_UNPOISON", 0, 1),
	N("__GFP_NO_OBJ_EXT", 0, 1),
	N("__GFP_UNMAPPED", 0, 1),
};

long gfp_name_to_mask(const char *name, size_t len, int *dropped)
{
	for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
		if (gfp_names[i].len == len && memcmp(gfp_names[i].name, name, len) == 0) {
			*dropped = gfp_names[i].dropped;
			return (long)gfp_names[i].mask;
		}
	}
	*dropped = 0;
	return -1;
}

static int is_number(const char *s, size_t len)
{
	size_t i = (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0;

	if (i == len)
		return 0;
	for (; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

static int is_zero(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != '0' && !(i == 1 && (s[i] == 'x' || s[i] == 'X')))
			return 0;
	return 1;
}

static void parse_one(const char *name, size_t len, struct gfp_parse_result *out)
{
	int dropped;
	long mask;

	if (len == 0 || (len == 4 && memcmp(name, "none", 4) == 0))
		return;
	mask = gfp_name_to_mask(name, len, &dropped);
	if (mask >= 0) {
		out->mask |= (gfp_t)mask;
		out->dropped += (unsigned int)dropped;
		return;
	}
	if (is_number(name, len)) {
		/* Leftover bits the kernel printed as hex: its layout, not 4.7's. */
		if (!is_zero(name, len))
			out->numeric++;
		return;
	}
	if (!out->unknown) {
		size_t n = len < sizeof(out->first_unknown) - 1 ? len : sizeof(out->first_unknown) - 1;
		memcpy(out->first_unknown, name, n);
		out->first_unknown[n] = 0;
	}
	out->unknown++;
}

void gfp_parse_names(const char *text, size_t len, struct gfp_parse_result *out)
{
	size_t start = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '|') {
			parse_one(text + start, i - start, out);
			start = i + 1;
		}
	}
}

/* Names that only alias another entry's bits are not printed back. */
static int printable(const struct gfp_name_map *m)
{
	return m->mask && !m->dropped && strcmp(m->name, "__GFP_RETRY_MAYFAIL") &&
	       strcmp(m->name, "__GFP_DMA") && strcmp(m->name, "__GFP_DMA32");
}

char *gfp_format_names(gfp_t mask, char *buf, size_t len)
{
	size_t pos = 0;
	gfp_t left = mask;

	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]) && left && pos < len; i++) {
		const struct gfp_name_map *m = &gfp_names[i];
		if (!printable(m) || (left & m->mask) != m->mask)
			continue;
		left &= ~m->mask;
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", pos ? "|" : "", m->name);
	}
	if (left && pos < len)
		snprintf(buf + pos, len - pos, "%s%#x", pos ? "|" : "", left);
	else if (!mask && len)
		snprintf(buf, len, "0");
	return buf;
}
