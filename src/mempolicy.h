/* SPDX-License-Identifier: MIT */
/*
 * The calling thread's memory policy as the allocator reads it (Linux 6.1
 * mm/mempolicy.c: get_task_policy, policy_node, policy_nodemask,
 * interleave_nodes). page_alloc.c's alloc_pages applies it; this file
 * only decides.
 */
#ifndef BUDDY_MEMPOLICY_INTERNAL_H
#define BUDDY_MEMPOLICY_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include <buddy/gfp.h>

#include "compiler.h"
#include "fast_path.h"

struct mempolicy {
	unsigned short mode; /* MPOL_*, never MPOL_DEFAULT (that is no policy) */
	buddy_nodemask_t nodes;
};

/* Threads with a policy; any blocks the fast path (FAST_PATH_MEMPOLICY). */
HIDDEN extern struct thread_blocker mempolicy_blocker;

/*
 * 6.1 get_task_policy: the thread's policy, or NULL for the default (local
 * allocation). A policy none of whose nodes exists now - set before a
 * buddy_exit and a smaller buddy_init - counts as the default.
 */
HIDDEN const struct mempolicy *get_task_policy(void);
/* 6.1 interleave_nodes: the policy's node after the thread's il_prev, which it advances. */
HIDDEN int interleave_nodes(const struct mempolicy *pol);
/* 6.1 policy_node: the preferred node for pol, nd being the local one. */
HIDDEN int policy_node(gfp_t gfp, const struct mempolicy *pol, int nd);
/* 6.1 policy_nodemask: the nodemask pol imposes on a gfp request, or NULL. */
HIDDEN buddy_nodemask_t *policy_nodemask(gfp_t gfp, const struct mempolicy *pol);

#endif /* BUDDY_MEMPOLICY_INTERNAL_H */
