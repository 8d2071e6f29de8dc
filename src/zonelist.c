/* SPDX-License-Identifier: MIT */
/*
 * Zonelists, ordered as the kernel orders them (node order, the default since
 * 4.14): the node's own zones from the highest down, then every other node's
 * zones, nodes sorted by numa distance (ties by node id). The NOFALLBACK list
 * (__GFP_THISNODE) holds only the node's own zones.
 */
#include <string.h>

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

/* Nodes by distance from nid; a stable sort keeps lower ids first on ties. */
static void nodes_by_distance(int nid, int order[MAX_NUMNODES])
{
	int n = buddy.nr_node_ids;

	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++) {
		int v = order[i], j = i;
		while (j > 0 && buddy.node_distance[nid][order[j - 1]] > buddy.node_distance[nid][v]) {
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
}
