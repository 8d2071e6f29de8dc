/* SPDX-License-Identifier: MIT */
/*
 * Puts events back in timestamp order. perf script can print each CPU's
 * buffer in turn, so a free on CPU 1 may come before the allocation on CPU 0
 * it undoes. The last `window` events are held back; the oldest leaves when
 * the window is full. Events in order (the usual case) wait in a FIFO, the
 * few that arrive out of order in a min-heap on (timestamp, line number); the
 * oldest is the older of the two fronts. An event older than one already
 * released ("late") cannot be put back: it is counted and replayed as it comes.
 */
#ifndef REPLAY_REORDER_H
#define REPLAY_REORDER_H

#include <stddef.h>

#include "trace_parse.h"

struct reorder {
	struct trace_event *heap; /* out-of-order arrivals */
	struct trace_event *fifo; /* in-order arrivals, a ring */
	size_t heap_count, fifo_head, fifo_count, window;
	uint64_t released_ts;	 /* newest timestamp already released */
	uint64_t max_ts;	 /* newest timestamp pushed */
	unsigned long reordered; /* pushed with a timestamp older than one before it */
	unsigned long late;	 /* released out of order: beyond the window */
};

int reorder_init(struct reorder *r, size_t window);
void reorder_destroy(struct reorder *r);
/* Push ev; when the window is full the oldest comes out in *out (returns 1). */
int reorder_push(struct reorder *r, const struct trace_event *ev, struct trace_event *out);
/* Drain at the end: 1 and the oldest in *out, 0 when empty. */
int reorder_pop(struct reorder *r, struct trace_event *out);

#endif /* REPLAY_REORDER_H */
