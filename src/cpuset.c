/* SPDX-License-Identifier: MIT */
/*
 * Per-thread cpusets: each thread's mems_allowed (Linux 6.1
 * kernel/cgroup/cpuset.c, the part the page allocator reads). A thread
 * restricts only itself; the count of restricted threads blocks the order-0
 * fast path, which never looks at a cpuset, and unblocks it when the last
 * one lifts its restriction or exits.
 */
#include <errno.h>

#include "cpuset.h"
#include "fast_path.h"
#include "internal.h"

/*
 * The thread's cpuset. seq is the kernel's mems_allowed_seq: only this
 * thread writes it (from buddy_set_mems_allowed, possibly called from a
 * shrinker or OOM notifier inside its own allocation), so a plain counter.
 */
static __thread struct {
	bool restricted;
	buddy_nodemask_t mems_allowed;
	unsigned int seq;
} current_cpuset;

static void forget_cpuset(void)
{
	current_cpuset.restricted = false;
}

struct thread_blocker cpuset_blocker = THREAD_BLOCKER_INIT(FAST_PATH_CPUSET, forget_cpuset);

/* Move the thread in or out of the restricted set. */
static void set_restricted(bool restricted)
{
	if (restricted == current_cpuset.restricted)
		return;
	current_cpuset.restricted = restricted;
	thread_blocker_set(&cpuset_blocker, restricted);
}

int buddy_set_mems_allowed(const buddy_nodemask_t *nodes)
{
	int n = nodes ? nr_nodes_now() : 0, count = 0;

	if (nodes) {
		if (n == 0)
			return -EINVAL; /* no allocator: no nodes to name */
		for (int nid = 0; nid < MAX_NUMNODES; nid++) {
			if (!node_isset(nid, nodes))
				continue;
			if (nid >= n)
				return -EINVAL; /* cpuset.mems: only nodes of the top cpuset */
			count++;
		}
		if (count == 0)
			return -EINVAL;
	}
	current_cpuset.seq++; /* write_seqcount_begin: a racing allocation of ours retries */
	if (!nodes || count == n) {
		set_restricted(false);
		return 0;
	}
	current_cpuset.mems_allowed = *nodes;
	set_restricted(true);
	return 0;
}

int buddy_get_mems_allowed(buddy_nodemask_t *nodes)
{
	if (!nodes)
		return -EINVAL;
	if (current_cpuset.restricted) {
		*nodes = current_cpuset.mems_allowed;
		return 0;
	}
	nodes_clear(nodes);
	for (int nid = 0; nid < nr_nodes_now(); nid++)
		node_set(nid, nodes);
	return 0;
}

const buddy_nodemask_t *cpuset_current_mems_allowed(void)
{
	return current_cpuset.restricted ? &current_cpuset.mems_allowed : NULL;
}

/*
 * 6.1 __cpuset_node_allowed. A node in mems_allowed is allowed; outside it,
 * a hardwall request (__GFP_HARDWALL, which GFP_USER and every fast-path
 * attempt carry) is refused. A softwall request may use the nodes of the
 * nearest hardwalled ancestor cpuset; with no hierarchy here that ancestor
 * is the kernel's top cpuset, which holds every node, so softwall requests
 * may use any node. Interrupts and OOM victims (also allowed anywhere in
 * 6.1) do not exist here; atomic requests never ask (no ALLOC_CPUSET).
 */
bool __cpuset_node_allowed(int node, gfp_t gfp_mask)
{
	if (!current_cpuset.restricted || node_isset(node, &current_cpuset.mems_allowed))
		return true;
	return !(gfp_mask & __GFP_HARDWALL);
}

bool __cpuset_zone_allowed(const struct zone *zone, gfp_t gfp_mask)
{
	return __cpuset_node_allowed(zone->node, gfp_mask);
}

bool cpuset_nodemask_valid_mems_allowed(const buddy_nodemask_t *nodemask)
{
	if (!current_cpuset.restricted)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(nodemask->bits); i++)
		if (nodemask->bits[i] & current_cpuset.mems_allowed.bits[i])
			return true;
	return false;
}

/* A thread-local read: the allocator's full path only, never the fast one. */
unsigned int read_mems_allowed_begin(void)
{
	return current_cpuset.seq;
}

bool read_mems_allowed_retry(unsigned int seq)
{
	return current_cpuset.seq != seq;
}
