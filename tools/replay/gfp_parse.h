/* SPDX-License-Identifier: MIT */
/*
 * GFP flag names as a 6.x kernel prints them in kmem tracepoints, mapped
 * back to the 4.7 bit layout of <buddy/gfp.h>.
 */
#ifndef REPLAY_GFP_PARSE_H
#define REPLAY_GFP_PARSE_H

#include <stddef.h>

#include <buddy/gfp.h>

/* What one gfp_flags=... field held. */
struct gfp_parse_result {
	gfp_t mask;		/* 4.7-layout bits */
	unsigned int unknown;	/* names not in the table (counted, not fatal) */
	unsigned int dropped;	/* known 6.x names with no 4.7 bit (__GFP_SKIP_ZERO...) */
	unsigned int numeric;	/* bits printed as a number: a 6.x layout, not mappable */
	char first_unknown[48]; /* the first unknown name, for the report */
};

/*
 * Parse "NAME|NAME|0x..." of length len (not NUL-terminated). "0", "none"
 * and the empty string give an empty mask.
 */
void gfp_parse_names(const char *text, size_t len, struct gfp_parse_result *out);

/* The 4.7 mask for one name, or -1 when the name is unknown; *dropped is set for names with no 4.7 bit. */
long gfp_name_to_mask(const char *name, size_t len, int *dropped);

/*
 * A 4.7 mask as names, combined names first ("GFP_HIGHUSER_MOVABLE|__GFP_COMP"),
 * leftover bits in hex. Returns buf.
 */
char *gfp_format_names(gfp_t mask, char *buf, size_t len);

#endif /* REPLAY_GFP_PARSE_H */
