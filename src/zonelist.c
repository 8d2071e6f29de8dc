/* SPDX-License-Identifier: MIT */
/*
 * Zonelists, ordered as the kernel orders them (node order, the only order
 * since 4.14): the node's own zones from the highest down, then every other
 * node's zones, nearest node first by numa distance. Between nodes at the
 * same distance the kernel's find_next_best_node "prefers the next node": a
 * node numbered below the local one is penalised, so for node k ties go
 * k+1, k+2, ..., then 0, 1, ..., k-1, spreading the fallback pressure instead
 * of piling every node onto node 0. (The kernel also weighs its per-node
 * load counter and prefers nodes without CPUs; we keep only the penalty, a
 * deterministic rule.) The NOFALLBACK list (__GFP_THISNODE) holds only the
 * node's own zones.
 */
#include <string.h>

#include "fast_path.h"
#include "internal.h"

static int add_node_zones(struct zonelist *zl, int pos, pg_data_t *pgdat)
{
	for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
		struct zone *zone = &pgdat->node_zones[z];
		if (!populated_zone(zone))
			continue;
		zl->_zonerefs[pos].zone = zone;
		zl->_zonerefs[pos].zone_idx = z;
		pos++;
	}
	return pos;
}

/* Does node a come before node b in nid's fallback order? */
static bool node_closer(int nid, int a, int b)
{
	int da = buddy.node_distance[nid][a], db = buddy.node_distance[nid][b];

	if (a == nid || b == nid)
		return a == nid;
	if (da != db)
		return da < db;
	if ((a < nid) != (b < nid))
		return b < nid;
	return a < b;
}

/* Nodes in nid's fallback order, nid itself first (insertion sort, n <= 64). */
static void nodes_by_distance(int nid, int order[MAX_NUMNODES])
{
	int n = buddy.nr_node_ids;

	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++) {
		int v = order[i], j = i;
		while (j > 0 && node_closer(nid, v, order[j - 1])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
}

static void build_zonelists(pg_data_t *pgdat)
{
	int order[MAX_NUMNODES];
	struct zonelist *fallback = &pgdat->node_zonelists[ZONELIST_FALLBACK];
	struct zonelist *thisnode = &pgdat->node_zonelists[ZONELIST_NOFALLBACK];
	int pos = 0;

	memset(pgdat->node_zonelists, 0, sizeof(pgdat->node_zonelists));
	nodes_by_distance(pgdat->node_id, order);
	for (int i = 0; i < buddy.nr_node_ids; i++)
		pos = add_node_zones(fallback, pos, NODE_DATA(order[i]));
	fallback->_zonerefs[pos].zone = NULL;
	pos = add_node_zones(thisnode, 0, pgdat);
	thisnode->_zonerefs[pos].zone = NULL;
}

/* The first entry of zl that a request for zones <= high may use. */
static struct zoneref *first_usable(struct zonelist *zl, int high)
{
	struct zoneref *z = zl->_zonerefs;

	while (z->zone && z->zone_idx > high)
		z++;
	return z;
}

void build_all_zonelists(void)
{
	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		build_zonelists(pgdat);
		for (int l = 0; l < MAX_ZONELISTS; l++)
			for (int high = 0; high < MAX_NR_ZONES; high++)
				pgdat->first_zoneref[l][high] = first_usable(&pgdat->node_zonelists[l], high);
	}
	fast_path_refresh();
}
