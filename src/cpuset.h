/* SPDX-License-Identifier: MIT */
/*
 * The calling thread's cpuset, reduced to what the page allocator reads of
 * it (Linux 6.1 include/linux/cpuset.h): mems_allowed, the nodes the thread
 * may allocate from, and the seqcount that tells an allocation the mask
 * changed under it. Each thread sets its own (buddy_set_mems_allowed);
 * there is no hierarchy - see __cpuset_node_allowed for what that means for
 * softwall requests.
 */
#ifndef BUDDY_CPUSET_H
#define BUDDY_CPUSET_H

#include <stdatomic.h>
#include <stdbool.h>

#include <buddy/gfp.h>

#include "compiler.h"
#include "fast_path.h"

struct zone;

/* Threads with a restricted mems_allowed; any blocks the fast path (FAST_PATH_CPUSET). */
HIDDEN extern struct thread_blocker cpuset_blocker;

/* 6.1 cpusets_enabled(): one relaxed load, false in every process that never restricts a thread. */
static inline bool cpusets_enabled(void)
{
	return thread_blocker_any(&cpuset_blocker);
}

/* The thread's mems_allowed, or NULL when it may use every node. */
HIDDEN const buddy_nodemask_t *cpuset_current_mems_allowed(void);
/* 6.1 __cpuset_node_allowed: may this thread take a page of node for gfp? */
HIDDEN bool __cpuset_node_allowed(int node, gfp_t gfp_mask);
HIDDEN bool __cpuset_zone_allowed(const struct zone *zone, gfp_t gfp_mask);
/* 6.1 cpuset_nodemask_valid_mems_allowed: does nodemask share a node with mems_allowed? */
HIDDEN bool cpuset_nodemask_valid_mems_allowed(const buddy_nodemask_t *nodemask);
/*
 * 6.1 read_mems_allowed_begin / read_mems_allowed_retry: a cookie taken
 * before an allocation, and whether mems_allowed changed since - the
 * allocation then retries rather than fail on a stale mask.
 */
HIDDEN unsigned int read_mems_allowed_begin(void);
HIDDEN bool read_mems_allowed_retry(unsigned int seq);

#endif /* BUDDY_CPUSET_H */
