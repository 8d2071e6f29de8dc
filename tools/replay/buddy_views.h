/* SPDX-License-Identifier: MIT */
/*
 * What only libbuddy can show: its vmstat counters and, for snapshots, its
 * buddyinfo and pagetypeinfo views (read through buddy_dump_to, the public
 * API). The malloc peers get the empty stubs.
 */
#ifndef REPLAY_BUDDY_VIEWS_H
#define REPLAY_BUDDY_VIEWS_H

#include "replay.h"

struct buddy_counters {
	unsigned long pcp_refill, pcp_drain, extfrag, alloc_fail;
	unsigned long pgalloc[NR_ZONES];
};

#ifdef BK_LIBBUDDY
int views_read_counters(struct buddy_counters *c);
int views_snapshot(struct snapshot *s);
#else
static inline int views_read_counters(struct buddy_counters *c)
{
	(void)c;
	return -1;
}
static inline int views_snapshot(struct snapshot *s)
{
	(void)s;
	return -1;
}
#endif

#endif /* REPLAY_BUDDY_VIEWS_H */
