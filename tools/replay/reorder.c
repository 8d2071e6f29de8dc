/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "reorder.h"

static int before(const struct trace_event *a, const struct trace_event *b)
{
	return a->ts_ns < b->ts_ns || (a->ts_ns == b->ts_ns && a->seq < b->seq);
}

int reorder_init(struct reorder *r, size_t window)
{
	r->window = window ? window : 1;
	r->heap_count = 0;
	r->fifo_head = 0;
	r->fifo_count = 0;
	r->released_ts = 0;
	r->max_ts = 0;
	r->reordered = 0;
	r->late = 0;
	r->heap = malloc((r->window + 1) * sizeof(*r->heap));
	r->fifo = malloc((r->window + 1) * sizeof(*r->fifo));
	return r->heap && r->fifo ? 0 : -1;
}

void reorder_destroy(struct reorder *r)
{
	free(r->heap);
	free(r->fifo);
	r->heap = NULL;
	r->fifo = NULL;
}

/* Both sifts move a hole instead of swapping: one copy per level, not three. */
static void sift_up(struct reorder *r, size_t i)
{
	struct trace_event ev = r->heap[i];

	while (i && before(&ev, &r->heap[(i - 1) / 2])) {
		r->heap[i] = r->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->heap[i] = ev;
}

static void sift_down(struct reorder *r, size_t i)
{
	struct trace_event ev = r->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, m;
		if (l >= r->heap_count)
			break;
		m = l + 1 < r->heap_count && before(&r->heap[l + 1], &r->heap[l]) ? l + 1 : l;
		if (!before(&r->heap[m], &ev))
			break;
		r->heap[i] = r->heap[m];
		i = m;
	}
	r->heap[i] = ev;
}

static struct trace_event *fifo_at(struct reorder *r, size_t i)
{
	return &r->fifo[(r->fifo_head + i) % (r->window + 1)];
}

static void heap_pop(struct reorder *r, struct trace_event *out)
{
	*out = r->heap[0];
	r->heap[0] = r->heap[--r->heap_count];
	sift_down(r, 0);
}

int reorder_pop(struct reorder *r, struct trace_event *out)
{
	if (r->fifo_count && (!r->heap_count || before(fifo_at(r, 0), &r->heap[0]))) {
		*out = *fifo_at(r, 0);
		r->fifo_head = (r->fifo_head + 1) % (r->window + 1);
		r->fifo_count--;
	} else if (r->heap_count) {
		heap_pop(r, out);
	} else {
		return 0;
	}
	if (out->ts_ns < r->released_ts)
		r->late++;
	else
		r->released_ts = out->ts_ns;
	return 1;
}

int reorder_push(struct reorder *r, const struct trace_event *ev, struct trace_event *out)
{
	if (ev->ts_ns < r->max_ts)
		r->reordered++;
	else
		r->max_ts = ev->ts_ns;
	/* In order with the FIFO's newest: append (seq grows, so equal timestamps stay in order). */
	if (!r->fifo_count || !before(ev, fifo_at(r, r->fifo_count - 1))) {
		*fifo_at(r, r->fifo_count) = *ev;
		r->fifo_count++;
	} else {
		r->heap[r->heap_count++] = *ev;
		sift_up(r, r->heap_count - 1);
	}
	if (r->heap_count + r->fifo_count > r->window)
		return reorder_pop(r, out);
	return 0;
}
