/* SPDX-License-Identifier: MIT */
/*
 * Reclaim (Linux 6.1 mm/vmscan.c, the parts a page allocator without page
 * cache keeps): direct reclaim (try_to_free_pages) and kswapd
 * (wakeup_kswapd, balance_pgdat), both reclaiming through the registered
 * shrinkers (shrinker.c), and the clearing of watermark boosts. See
 * docs/reclaim.md.
 *
 * shrink_node is reduced to shrink_slab: the shrinkers stand for the LRU
 * lists, so the pages they free count as scanned and stolen (pgscan_*,
 * pgsteal_*) as well as slabs_scanned.
 */

#include "compaction.h"
#include "nofail.h"
#include "os.h"
#include "sched_mm.h"
#include "shrinker.h"
#include "trace_vmscan.h"
#include "vmscan.h"

#define SWAP_CLUSTER_MAX 32UL
/* The kernel's HZ/10: a wake-up this soon after kswapd fell asleep hit the low mark quickly. */
#define KSWAPD_NAP_MS 100

struct scan_control {
	unsigned long nr_to_reclaim;
	gfp_t gfp_mask;
	int order;
	int priority;
	int reclaim_idx;
	bool kswapd;		    /* counts *_kswapd instead of *_direct */
	struct buddy_kthread *stop; /* kswapd's thread, to leave early on kthread_stop */
	unsigned long nr_scanned;
	unsigned long nr_reclaimed;
};

static bool kswapd_enabled(void)
{
	return buddy.settings.kswapd >= 0;
}

static void count_if(enum vm_event_item item, unsigned long n)
{
	if (n)
		count_vm_events(item, n);
}

/* 6.1 shrink_node, reduced to its slab half. No lock held. */
static void shrink_node(pg_data_t *pgdat, struct scan_control *sc)
{
	struct shrink_result res = {0, 0};

	shrink_slab(sc->gfp_mask, pgdat->node_id, sc->priority, sc->stop, &res);
	sc->nr_scanned += res.scanned;
	sc->nr_reclaimed += res.freed;
	count_if(sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, res.scanned);
	count_if(sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, res.freed);
	if (res.freed) /* progress: the node is worth reclaiming again */
		WRITE_ONCE(pgdat->kswapd_failures, 0);
}

/* ------------------------------------------------------------ direct reclaim */

/* 6.1 shrink_zones: each node with an eligible zone in the zonelist, once. */
static void shrink_zones(struct zonelist *zonelist, const buddy_nodemask_t *nodemask, struct scan_control *sc)
{
	buddy_nodemask_t done;

	nodes_clear(&done);
	for (struct zoneref *z = zonelist->_zonerefs; z->zone; z++) {
		struct zone *zone = z->zone;

		if (z->zone_idx > sc->reclaim_idx || !populated_zone(zone))
			continue;
		if (nodemask && !node_isset(zone->node, nodemask))
			continue;
		if (node_isset(zone->node, &done))
			continue;
		node_set(zone->node, &done);
		shrink_node(zone->zone_pgdat, sc);
	}
}

unsigned long try_to_free_pages(struct zonelist *zonelist, int order, gfp_t gfp_mask,
				buddy_nodemask_t *nodemask)
{
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.gfp_mask = current_gfp_context(gfp_mask),
		.order = order,
		.priority = DEF_PRIORITY,
		.reclaim_idx = (int)gfp_zone_fast(gfp_mask),
	};
	unsigned int noreclaim;

	if (sc.reclaim_idx >= MAX_NR_ZONES || !zonelist)
		return 0;
	noreclaim = memalloc_noreclaim_save();
	trace_mm_vmscan_direct_reclaim_begin(order, sc.gfp_mask);
	count_vm_events((enum vm_event_item)(ALLOCSTALL_DMA + sc.reclaim_idx), 1);
	do {
		sc.nr_scanned = 0;
		shrink_zones(zonelist, nodemask, &sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	} while (--sc.priority >= 0);
	trace_mm_vmscan_direct_reclaim_end(sc.nr_reclaimed);
	memalloc_noreclaim_restore(noreclaim);
	return sc.nr_reclaimed;
}

/* ------------------------------------------------------------ balance */

bool pgdat_balanced(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	bool any = false;

	for (int i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!populated_zone(zone))
			continue;
		any = true;
		if (zone_watermark_ok(zone, (unsigned)order, wmark_pages(zone, WMARK_HIGH), highest_zoneidx,
				      0))
			return true;
	}
	return !any; /* nothing eligible on this node: nothing to balance */
}

static bool pgdat_watermark_boosted(pg_data_t *pgdat, int highest_zoneidx)
{
	for (int i = highest_zoneidx; i >= 0; i--)
		if (populated_zone(&pgdat->node_zones[i]) && READ_ONCE(pgdat->node_zones[i].watermark_boost))
			return true;
	return false;
}

bool pgdat_node_unreclaimable(const pg_data_t *pgdat)
{
	return READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES;
}

/*
 * 6.1 kswapd_shrink_node: one shrink_node pass aiming at the eligible
 * zones' high marks. True when enough was scanned that the priority need
 * not rise. A high-order run that freed twice its size goes on at order 0.
 */
static bool kswapd_shrink_node(pg_data_t *pgdat, struct scan_control *sc)
{
	sc->nr_to_reclaim = 0;
	for (int z = 0; z <= sc->reclaim_idx; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long high = wmark_pages(zone, WMARK_HIGH);

		if (populated_zone(zone))
			sc->nr_to_reclaim += high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
	}
	shrink_node(pgdat, sc);
	if (sc->order && sc->nr_reclaimed >= (2UL << sc->order)) /* compact_gap */
		sc->order = 0;
	return sc->nr_scanned >= sc->nr_to_reclaim;
}

/* The boosts balance_pgdat found (and will clear); their sum. */
static unsigned long snapshot_boosts(pg_data_t *pgdat, int highest_zoneidx, unsigned long *zone_boosts)
{
	unsigned long sum = 0;

	for (int i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		zone_boosts[i] = populated_zone(zone) ? READ_ONCE(zone->watermark_boost) : 0;
		sum += zone_boosts[i];
	}
	return sum;
}

/* Take back what was boosted when the run started; later boosts stay. */
static void clear_boosts(pg_data_t *pgdat, int highest_zoneidx, const unsigned long *zone_boosts)
{
	for (int i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone_boosts[i])
			continue;
		zone_lock(zone); /* boost_watermark raises it under the lock */
		unsigned long boost = zone->watermark_boost;
		__zone_set_watermark_boost(zone, boost - (boost < zone_boosts[i] ? boost : zone_boosts[i]));
		zone_unlock(zone);
	}
}

/*
 * 6.7 set_reclaim_active / clear_reclaim_active: while kswapd reclaims a
 * node, the pcp frees of its eligible zones keep little (nr_pcp_high).
 */
static void set_reclaim_active(pg_data_t *pgdat, int highest_zoneidx, bool on)
{
	for (int z = 0; z <= highest_zoneidx; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		if (on)
			__atomic_fetch_or(&zone->flags, 1UL << ZONE_RECLAIM_ACTIVE, __ATOMIC_RELAXED);
		else
			__atomic_fetch_and(&zone->flags, ~(1UL << ZONE_RECLAIM_ACTIVE), __ATOMIC_RELAXED);
	}
}

/*
 * 6.1 balance_pgdat: reclaim at rising priority until some eligible zone
 * meets its high mark for order. A boosted node is reclaimed for its boost
 * even when balanced, gently (the priority stops at DEF_PRIORITY - 2) and
 * only while that makes progress. A run that freed nothing counts as a
 * failure. Returns the order the node was balanced for.
 */
static int balance_pgdat(pg_data_t *pgdat, int order, int highest_zoneidx, struct buddy_kthread *kt)
{
	unsigned long zone_boosts[MAX_NR_ZONES] = {0};
	struct scan_control sc = {.gfp_mask = GFP_KERNEL, .order = order, .kswapd = true, .stop = kt};
	unsigned long nr_boost_reclaim;
	bool boosted;

	count_vm_events(PAGEOUTRUN, 1);
	nr_boost_reclaim = snapshot_boosts(pgdat, highest_zoneidx, zone_boosts);
	boosted = nr_boost_reclaim != 0;
	set_reclaim_active(pgdat, highest_zoneidx, true);
restart:
	sc.priority = DEF_PRIORITY;
	do {
		unsigned long nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true;
		bool balanced;

		sc.reclaim_idx = highest_zoneidx;
		balanced = pgdat_balanced(pgdat, sc.order, highest_zoneidx);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0; /* real pressure: reclaim as for an unboosted node */
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		if (nr_boost_reclaim && sc.priority == DEF_PRIORITY - 2)
			raise_priority = false;
		sc.nr_scanned = 0;
		if (kswapd_shrink_node(pgdat, &sc))
			raise_priority = false;
		if (kthread_should_stop(kt))
			break;
		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= nr_boost_reclaim < nr_reclaimed ? nr_boost_reclaim : nr_reclaimed;
		if (nr_boost_reclaim && !nr_reclaimed)
			break; /* the boost cannot be reclaimed: no endless loop for it */
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);

	if (!sc.nr_reclaimed)
		__atomic_fetch_add(&pgdat->kswapd_failures, 1, __ATOMIC_RELAXED);
	else
		wake_nofail_waiters_if_any(); /* __GFP_NOFAIL requests sleep until pages come back */
out:
	set_reclaim_active(pgdat, highest_zoneidx, false);
	if (boosted) {
		clear_boosts(pgdat, highest_zoneidx, zone_boosts);
		wakeup_kcompactd(pgdat, pageblock_order, highest_zoneidx); /* room now to defragment */
	}
	return sc.order;
}

/* ------------------------------------------------------------ kswapd */

static long monotonic_ms(void)
{
	return os_clock_ms();
}

/* 6.1 prepare_kswapd_sleep: balanced, or hopeless (left to direct reclaim). */
static bool prepare_kswapd_sleep(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	return pgdat_node_unreclaimable(pgdat) || pgdat_balanced(pgdat, order, highest_zoneidx);
}

/* The request wakeup_kswapd recorded, taken (reset) by kswapd; prev when there is none. */
static void take_kswapd_request(pg_data_t *pgdat, int *order, int *highest_zoneidx)
{
	int idx = __atomic_exchange_n(&pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES, __ATOMIC_RELAXED);

	*order = __atomic_exchange_n(&pgdat->kswapd_order, 0, __ATOMIC_RELAXED);
	if (idx != MAX_NR_ZONES)
		*highest_zoneidx = idx;
}

/*
 * kswapd's loop body (6.1 kswapd and kswapd_try_to_sleep): balance the node
 * for the recorded request, again while it is not balanced afterwards, and
 * go to sleep (return) once it is, or once it is hopeless. The kernel naps
 * HZ/10 before sleeping and counts the wake-ups during the nap
 * (kswapd_low_wmark_hit_quickly) and the naps after which the node was no
 * longer balanced (kswapd_high_wmark_hit_quickly); here a wake-up within
 * HZ/10 of falling asleep counts as the first, a node found unbalanced
 * right after balancing as the second.
 */
void kswapd_work(struct buddy_kthread *kt)
{
	pg_data_t *pgdat = kt->data;
	unsigned int noreclaim = memalloc_noreclaim_save(); /* the kernel's kswapd runs PF_MEMALLOC */
	long slept = READ_ONCE(pgdat->kswapd_slept_ms);
	int highest_zoneidx = MAX_NR_ZONES - 1;
	int alloc_order, reclaim_order;

	if (slept && monotonic_ms() - slept < KSWAPD_NAP_MS)
		count_vm_events(KSWAPD_LOW_WMARK_HIT_QUICKLY, 1);
	while (!kthread_should_stop(kt)) {
		take_kswapd_request(pgdat, &alloc_order, &highest_zoneidx);
		trace_mm_vmscan_kswapd_wake(pgdat->node_id, highest_zoneidx, alloc_order);
		reclaim_order = balance_pgdat(pgdat, alloc_order, highest_zoneidx, kt);
		if (prepare_kswapd_sleep(pgdat, reclaim_order, highest_zoneidx)) {
			wakeup_kcompactd(pgdat, alloc_order, highest_zoneidx);
			WRITE_ONCE(pgdat->kswapd_slept_ms, monotonic_ms());
			break;
		}
		count_vm_events(KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
		if (!shrinkers_registered())
			break; /* nothing to reclaim with: spinning would not balance it */
	}
	memalloc_noreclaim_restore(noreclaim);
}

/* Record the request and wake the thread; see wakeup_kswapd. */
static void __wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order, int highest_zoneidx)
{
	pg_data_t *pgdat = zone->zone_pgdat;
	int curr = READ_ONCE(pgdat->kswapd_highest_zoneidx);

	if (!populated_zone(zone) || !kswapd_enabled())
		return;
	/* racing wakers may lose a raise; the kernel's plain writes race the same way */
	if (curr == MAX_NR_ZONES || curr < highest_zoneidx)
		WRITE_ONCE(pgdat->kswapd_highest_zoneidx, highest_zoneidx);
	if (READ_ONCE(pgdat->kswapd_order) < order)
		WRITE_ONCE(pgdat->kswapd_order, order);
	if (pgdat_node_unreclaimable(pgdat) || (pgdat_balanced(pgdat, order, highest_zoneidx) &&
						!pgdat_watermark_boosted(pgdat, highest_zoneidx))) {
		/* memory enough but maybe too fragmented for order: compaction's call */
		if (!(gfp_flags & __GFP_DIRECT_RECLAIM))
			wakeup_kcompactd(pgdat, order, highest_zoneidx);
		return;
	}
	trace_mm_vmscan_wakeup_kswapd(pgdat->node_id, highest_zoneidx, order, gfp_flags);
	kthread_wake(&pgdat->kswapd);
}

void wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order, enum zone_type highest_zoneidx)
{
	if (gfp_flags & __GFP_KSWAPD_RECLAIM)
		__wakeup_kswapd(zone, gfp_flags, order, (int)highest_zoneidx);
}

void wakeup_kswapd_boosted(struct zone *zone)
{
	__wakeup_kswapd(zone, 0, 0, (int)zone->idx);
}
