/* SPDX-License-Identifier: MIT */
/*
 * NUMA topology: real nodes from libnuma, or fake ones (BUDDY_CONF
 * numa_fake:N or numa_fake:<size>, like the kernel's numa=fake) so that node
 * fallback is testable on a one-node machine. This is the only file that asks libnuma about the
 * topology; binding memory to a node (mbind) goes through os.c.
 */
#include <errno.h>
#include <string.h>

/* libnuma's nodemask_t stays libnuma's: ours is buddy_nodemask_t (gfp.h). */
#include <numa.h>

#include "internal.h"
#include "os.h"

/* Fake nodes: a given matrix, or the kernel's LOCAL 10 / REMOTE 20. */
static void fake_distances(const struct buddy_settings *s, int n)
{
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			buddy.node_distance[a][b] =
				s->distance_given ? s->distance[a][b] : (a == b ? 10 : 20);
}

int numa_discover(struct buddy_settings *s, int *nr_nodes, bool *real)
{
	if (s->numa_fake > 0 && s->numa_fake_size) {
		fprintf(stderr, "libbuddy: numa_fake: a node count or a node size, not both\n");
		return -EINVAL;
	}
	int fake = s->numa_fake_size ? memmap_fake_nodes_by_size(s) : s->numa_fake;
	if (fake > 0) {
		if (s->distance_given && s->distance_nodes != fake) {
			fprintf(stderr, "libbuddy: numa_distance must be a %dx%d matrix\n", fake, fake);
			return -EINVAL;
		}
		*nr_nodes = fake;
		*real = false;
		fake_distances(s, fake);
		return 0;
	}
	if (s->distance_given) {
		fprintf(stderr, "libbuddy: numa_distance needs numa_fake\n");
		return -EINVAL;
	}
	if (numa_available() < 0) {
		*nr_nodes = 1;
		*real = false;
		buddy.node_distance[0][0] = 10;
		return 0;
	}
	int n = numa_max_node() + 1;
	if (n > MAX_NUMNODES)
		n = MAX_NUMNODES;
	*nr_nodes = n;
	*real = true;
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++) {
			int d = numa_distance(a, b);
			buddy.node_distance[a][b] = d > 0 ? d : (a == b ? 10 : 20);
		}
	return 0;
}

/* Place a range's memory on a node; a no-op for fake nodes. */
void numa_bind_range(void *addr, size_t len, int nid)
{
	if (!buddy.real_numa || len == 0)
		return;
	int rc = os_bind_to_node(addr, len, nid, MAX_NUMNODES);
	if (rc)
		fprintf(stderr, "libbuddy: mbind to node %d failed: %s\n", nid, strerror(-rc));
}

/* The node a CPU belongs to: libnuma's answer, or round-robin on fake nodes. */
int numa_cpu_to_node(int cpu)
{
	if (buddy.real_numa) {
		int nid = numa_node_of_cpu(cpu);
		return (nid >= 0 && nid < buddy.nr_node_ids) ? nid : 0;
	}
	return cpu % buddy.nr_node_ids;
}
