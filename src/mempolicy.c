/* SPDX-License-Identifier: MIT */
/*
 * Task memory policies (Linux 6.1 mm/mempolicy.c): set_mempolicy and
 * get_mempolicy for the calling thread, and the decisions alloc_pages
 * takes from the policy. Each thread has its own; the count of threads
 * with one blocks the order-0 fast path, which never looks at a policy,
 * until the last clears it or exits.
 *
 * Left out: mode flags (MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES,
 * MPOL_F_NUMA_BALANCING: -EINVAL), VMA policies (mbind) and home nodes,
 * rebinding a policy when mems_allowed changes, and following the thread's
 * real get_mempolicy() on real NUMA nodes.
 */
#include <errno.h>
#include <string.h>

#include "cpuset.h"
#include "fast_path.h"
#include "internal.h"
#include "mempolicy.h"

/* The thread's policy; il_prev is the kernel's task->il_prev. */
static __thread struct {
	bool set;
	struct mempolicy pol;
	int il_prev;
} current_policy;

static void forget_policy(void)
{
	current_policy.set = false;
}

struct thread_blocker mempolicy_blocker = THREAD_BLOCKER_INIT(FAST_PATH_MEMPOLICY, forget_policy);

static void set_has_policy(bool set)
{
	if (set == current_policy.set)
		return;
	current_policy.set = set;
	thread_blocker_set(&mempolicy_blocker, set);
}

static bool nodes_empty(const buddy_nodemask_t *m)
{
	for (size_t i = 0; i < ARRAY_SIZE(m->bits); i++)
		if (m->bits[i])
			return false;
	return true;
}

static int first_node(const buddy_nodemask_t *m)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (node_isset(nid, m))
			return nid;
	return MAX_NUMNODES;
}

/*
 * 6.1 get_nodes: the syscall's maxnode counts one more than the bits it
 * passes. Our mask type holds MAX_NUMNODES bits, so more cannot be given.
 */
static int get_nodes(buddy_nodemask_t *out, const buddy_nodemask_t *nmask, unsigned long maxnode)
{
	nodes_clear(out);
	if (maxnode == 0 || !nmask || --maxnode == 0)
		return 0;
	if (maxnode > PAGE_SIZE * 8)
		return -EINVAL;
	for (int nid = 0; nid < MAX_NUMNODES && (unsigned long)nid < maxnode; nid++)
		if (node_isset(nid, nmask))
			node_set(nid, out);
	return 0;
}

/*
 * 6.1 mpol_new's checks of mode against the mask: MPOL_DEFAULT and
 * MPOL_LOCAL take none, MPOL_PREFERRED with none is MPOL_LOCAL, the others
 * need one. Returns the mode to store, or -EINVAL.
 */
static int mpol_new_mode(int mode, const buddy_nodemask_t *nodes)
{
	if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL)
		return nodes_empty(nodes) ? mode : -EINVAL;
	if (mode == MPOL_PREFERRED && nodes_empty(nodes))
		return MPOL_LOCAL;
	return nodes_empty(nodes) ? -EINVAL : mode;
}

/*
 * 6.1 mpol_set_nodemask: the given nodes that exist and that the thread's
 * cpuset allows; none left is -EINVAL. MPOL_PREFERRED keeps the first.
 */
static int mpol_set_nodemask(struct mempolicy *pol, const buddy_nodemask_t *nodes)
{
	const buddy_nodemask_t *mems = cpuset_current_mems_allowed();
	int n = nr_nodes_now();

	nodes_clear(&pol->nodes);
	if (pol->mode == MPOL_LOCAL)
		return 0;
	for (int nid = 0; nid < n; nid++)
		if (node_isset(nid, nodes) && (!mems || node_isset(nid, mems)))
			node_set(nid, &pol->nodes);
	if (nodes_empty(&pol->nodes))
		return -EINVAL;
	if (pol->mode == MPOL_PREFERRED) {
		int nid = first_node(&pol->nodes);
		nodes_clear(&pol->nodes);
		node_set(nid, &pol->nodes);
	}
	return 0;
}

/* 6.1 kernel_set_mempolicy / do_set_mempolicy, without mode flags. */
int buddy_set_mempolicy(int mode, const buddy_nodemask_t *nmask, unsigned long maxnode)
{
	struct mempolicy pol;
	buddy_nodemask_t nodes;
	int err;

	if (mode < 0 || mode > MPOL_PREFERRED_MANY)
		return -EINVAL; /* also any MPOL_F_* flag: none is supported */
	err = get_nodes(&nodes, nmask, maxnode);
	if (err)
		return err;
	mode = mpol_new_mode(mode, &nodes);
	if (mode < 0)
		return mode;
	if (mode == MPOL_DEFAULT) {
		set_has_policy(false);
		return 0;
	}
	pol.mode = (unsigned short)mode;
	err = mpol_set_nodemask(&pol, &nodes);
	if (err)
		return err;
	current_policy.pol = pol;
	if (mode == MPOL_INTERLEAVE)
		current_policy.il_prev = MAX_NUMNODES - 1; /* the first allocation takes the first node */
	set_has_policy(true);
	return 0;
}

/* 6.1 do_get_mempolicy with flags 0. */
int buddy_get_mempolicy(int *mode, buddy_nodemask_t *nodes, unsigned long maxnode)
{
	if (nodes && maxnode < (unsigned long)nr_nodes_now())
		return -EINVAL;
	if (mode)
		*mode = current_policy.set ? current_policy.pol.mode : MPOL_DEFAULT;
	if (nodes) {
		nodes_clear(nodes);
		if (current_policy.set)
			*nodes = current_policy.pol.nodes;
	}
	return 0;
}

/* Does the policy name a node that exists now? (MPOL_LOCAL names none and always applies.) */
static bool policy_usable(const struct mempolicy *pol)
{
	int n = buddy.nr_node_ids;

	if (pol->mode == MPOL_LOCAL)
		return true;
	for (int nid = 0; nid < n; nid++)
		if (node_isset(nid, &pol->nodes))
			return true;
	return false;
}

const struct mempolicy *get_task_policy(void)
{
	if (!current_policy.set || !policy_usable(&current_policy.pol))
		return NULL;
	return &current_policy.pol;
}

/* 6.1 next_node_in: the first node of the mask after prev, wrapping; only nodes that exist. */
static int next_node_in(int prev, const buddy_nodemask_t *m)
{
	int n = buddy.nr_node_ids;

	for (int i = 1; i <= n; i++) {
		int nid = (prev + i) % n;
		if (node_isset(nid, m))
			return nid;
	}
	return MAX_NUMNODES;
}

int interleave_nodes(const struct mempolicy *pol)
{
	int prev = current_policy.il_prev;
	int next = next_node_in(prev >= buddy.nr_node_ids ? -1 : prev, &pol->nodes);

	if (next < MAX_NUMNODES)
		current_policy.il_prev = next;
	return next < MAX_NUMNODES ? next : NUMA_NO_NODE;
}

int policy_node(gfp_t gfp, const struct mempolicy *pol, int nd)
{
	(void)gfp; /* 6.1 warns once for MPOL_BIND with __GFP_THISNODE; alloc_pages never gets there */
	if (pol->mode == MPOL_PREFERRED)
		return first_node(&pol->nodes);
	return nd;
}

/*
 * 6.1 apply_policy_zone: MPOL_BIND binds only requests that may use the
 * highest zone below ZONE_MOVABLE that some node has (policy_zone); lower
 * zones - a GFP_DMA32 request on a machine with Normal memory - are not
 * confined.
 */
static bool apply_policy_zone(gfp_t gfp)
{
	enum zone_type policy_zone = ZONE_DMA;

	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		for (int z = ZONE_MOVABLE - 1; z > (int)policy_zone; z--)
			if (populated_zone(&NODE_DATA(nid)->node_zones[z]))
				policy_zone = (enum zone_type)z;
	return gfp_zone(gfp) >= policy_zone;
}

buddy_nodemask_t *policy_nodemask(gfp_t gfp, const struct mempolicy *pol)
{
	buddy_nodemask_t *nodes = (buddy_nodemask_t *)&pol->nodes; /* the allocator reads it only */

	if (pol->mode == MPOL_BIND && apply_policy_zone(gfp) && cpuset_nodemask_valid_mems_allowed(nodes))
		return nodes;
	if (pol->mode == MPOL_PREFERRED_MANY)
		return nodes;
	return NULL;
}
