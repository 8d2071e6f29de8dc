/* SPDX-License-Identifier: MIT */
/*
 * One line of `perf script`, `trace-cmd report` or trace_pipe text holding a
 * kmem:mm_page_* event, parsed into a struct trace_event. No allocation, no
 * sscanf: the replay parses millions of lines.
 */
#ifndef REPLAY_TRACE_PARSE_H
#define REPLAY_TRACE_PARSE_H

#include <stdint.h>

#include "gfp_parse.h"

enum trace_kind {
	EV_ALLOC,	 /* mm_page_alloc */
	EV_FREE,	 /* mm_page_free */
	EV_FREE_BATCHED, /* mm_page_free_batched */
	EV_ZONE_LOCKED,	 /* mm_page_alloc_zone_locked */
	EV_PCPU_DRAIN,	 /* mm_page_pcpu_drain */
	EV_EXTFRAG,	 /* mm_page_alloc_extfrag */
	NR_TRACE_KINDS
};

struct trace_event {
	uint64_t ts_ns;
	uint64_t seq; /* line order, the tie-break between equal timestamps */
	unsigned long pfn;
	gfp_t gfp;		/* EV_ALLOC: 4.7 layout */
	uint8_t kind;		/* enum trace_kind */
	uint8_t order;		/* alloc_order for EV_EXTFRAG */
	int8_t migratetype;	/* alloc_migratetype for EV_EXTFRAG; -1 when not printed */
	uint8_t percpu_refill;	/* EV_ZONE_LOCKED */
	uint8_t fallback_order; /* EV_EXTFRAG */
	int8_t fallback_migratetype;
	uint8_t change_ownership;
	uint16_t cpu;
	uint16_t gfp_unknown; /* names not understood in this event's gfp_flags */
	uint16_t gfp_dropped;
	uint16_t gfp_numeric;
};

enum parse_status {
	PARSE_OK,
	PARSE_SKIP,	     /* blank, comment, or an event that is not an mm_page_* one we use */
	PARSE_UNKNOWN_EVENT, /* a well-formed line of another event */
	PARSE_BAD,	     /* malformed: *why says what is wrong */
};

/* The pfn the kernel prints for a failed allocation (page NULL). */
#define TRACE_PFN_NONE (~0UL)
/* Pfns above this are malformed (2^40 pages = 4 PiB). */
#define TRACE_PFN_MAX (1UL << 40)
#define TRACE_MAX_CPU 4095

/*
 * Parse one NUL-terminated line. On PARSE_BAD *why points to a static
 * reason. unknown_name receives the first unknown gfp name (may be NULL).
 */
enum parse_status trace_parse_line(const char *line, struct trace_event *ev, const char **why,
				   char unknown_name[48]);

/* Parse an unsigned number, 0x-prefixed hex or decimal, of exactly len characters. */
int parse_ulong(const char *s, size_t len, unsigned long *out);

const char *trace_kind_name(enum trace_kind kind);

#endif /* REPLAY_TRACE_PARSE_H */
