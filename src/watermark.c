/* SPDX-License-Identifier: MIT */
/*
 * Watermarks and lowmem reserves: how much of a zone an allocation may use.
 *
 * Formulas follow Linux 6.1 (__setup_per_zone_wmarks, calculate_min_free_kbytes
 * with its 262144 upper clamp, setup_per_zone_lowmem_reserve); the check
 * itself follows the 4.12 / 6.0 zone_watermark_ok shape: ALLOC_HIGH takes half
 * the min mark away, ALLOC_HARDER a further quarter.
 */
#include <errno.h>

#include "internal.h"

#define SWAP_CLUSTER_MAX 32UL

static bool is_highmem_idx(int idx)
{
	return idx == ZONE_HIGHMEM;
}

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = x, y = (x + 1) / 2;

	if (x < 2)
		return x;
	while (y < r) { /* Newton's iteration, monotone from above */
		r = y;
		y = (r + x / r) / 2;
	}
	return r;
}

#define for_each_zone(zone)                                                                                  \
	for (int nid_ = 0; nid_ < buddy.nr_node_ids; nid_++)                                                 \
		for (struct zone *zone = NODE_DATA(nid_)->node_zones;                                        \
		     zone < NODE_DATA(nid_)->node_zones + MAX_NR_ZONES; zone++)

/*
 * 6.1 calculate_min_free_kbytes: sqrt(16 * lowmem_kbytes) clamped to
 * [128, 262144], lowmem_kbytes being what nr_free_buffer_pages() counts - the
 * managed pages of the zones up to NORMAL, on every node, less each zone's
 * high mark. The kernel computes it at boot, before any mark is set, so the
 * high marks count as zero; so do we, every time, so that restoring the
 * default (buddy_set_min_free_kbytes(0)) gives back the start-up value.
 */
unsigned long default_min_free_kbytes(void)
{
	unsigned long lowmem_pages = 0;

	for_each_zone(zone) if (zone->idx <= ZONE_NORMAL) lowmem_pages += zone->managed_pages;

	unsigned long kb = int_sqrt(lowmem_pages * (PAGE_SIZE >> 10) * 16);
	if (kb < 128)
		kb = 128;
	if (kb > 262144)
		kb = 262144;
	return kb;
}

/* 6.1 __setup_per_zone_wmarks. */
void setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)buddy.settings.min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;

	for_each_zone(zone) if (!is_highmem_idx(zone->idx) && zone->idx != ZONE_MOVABLE) lowmem_pages +=
		zone->managed_pages;

	for_each_zone(zone)
	{
		unsigned long managed = zone->managed_pages;
		unsigned long tmp = lowmem_pages ? pages_min * managed / lowmem_pages : 0;

		if (is_highmem_idx(zone->idx) || zone->idx == ZONE_MOVABLE) {
			unsigned long min_pages = managed / 1024;
			if (min_pages < SWAP_CLUSTER_MAX)
				min_pages = SWAP_CLUSTER_MAX;
			if (min_pages > 128)
				min_pages = 128;
			WRITE_ONCE(zone->_watermark[WMARK_MIN], min_pages);
		} else {
			WRITE_ONCE(zone->_watermark[WMARK_MIN], tmp);
		}
		unsigned long scaled = managed * (unsigned long)buddy.settings.watermark_scale_factor / 10000;
		tmp = (tmp >> 2) > scaled ? (tmp >> 2) : scaled;
		WRITE_ONCE(zone->_watermark[WMARK_LOW], zone->_watermark[WMARK_MIN] + tmp);
		WRITE_ONCE(zone->_watermark[WMARK_HIGH], zone->_watermark[WMARK_LOW] + tmp);
		zone_lock(zone); /* the sums, against a boost raised or cleared meanwhile */
		__zone_update_wmarks(zone);
		zone_unlock(zone);
	}
}

/* 6.1 setup_per_zone_lowmem_reserve. */
void setup_per_zone_lowmem_reserve(void)
{
	const int *ratio = buddy.settings.lowmem_reserve_ratio;

	for (int nid = 0; nid < buddy.nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			bool clear = !ratio[i] || !zone->managed_pages;
			unsigned long upper = 0;

			WRITE_ONCE(zone->lowmem_reserve[i], 0);
			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				upper += pgdat->node_zones[j].managed_pages;
				WRITE_ONCE(zone->lowmem_reserve[j],
					   clear ? 0 : (long)(upper / (unsigned long)ratio[i]));
			}
		}
	}
}

/*
 * Is there enough free memory in z, above mark plus the reserve kept for
 * allocations that could have used a higher zone, and a free block of at
 * least the requested order that these alloc_flags may take?
 */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
			 unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;

	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (!(alloc_flags & ALLOC_HARDER))
		free_pages -= (long)READ_ONCE(z->nr_reserved_highatomic);
	else
		min -= min / 4;
	if (!(alloc_flags & ALLOC_CMA))
		free_pages -= zone_page_state(z, NR_FREE_CMA_PAGES);

	if (free_pages <= min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;

	/*
	 * A block of order or above on a list of a pcp type (6.1 walks the
	 * orders asking each free_area; pcptype_free_orders has the answer in
	 * one word). Failing that, only a CMA block (ALLOC_CMA) or a
	 * highatomic one (ALLOC_HARDER) will do.
	 */
	if (READ_ONCE(z->pcptype_free_orders) >> order)
		return true;
	if (!(alloc_flags & (ALLOC_CMA | ALLOC_HARDER)))
		return false;
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];

		if ((alloc_flags & ALLOC_CMA) && READ_ONCE(area->nr_free_mt[MIGRATE_CMA]))
			return true;
		if ((alloc_flags & ALLOC_HARDER) && READ_ONCE(area->nr_free_mt[MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   zone_page_state(z, NR_FREE_PAGES));
}

/*
 * Writers of the tunables are serialised, as the kernel's sysctl handlers are
 * by setup_per_zone_wmarks' lock; allocators read the marks racily
 * (READ_ONCE) and see either the old or the new value of each. Static: the
 * setters may take it while no allocator exists (buddy_state zeroed).
 */
static pthread_mutex_t tunables_lock = PTHREAD_MUTEX_INITIALIZER;

static int begin_tunable_write(void)
{
	buddy_ensure_init();
	if (!atomic_load_explicit(&buddy.initialized, memory_order_acquire))
		return -ENODEV;
	pthread_mutex_lock(&tunables_lock);
	return 0;
}

/* Every zone of every node, then the pcp limits that follow the low mark. */
static void end_tunable_write(void)
{
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	for_each_zone(zone) if (zone->spanned_pages) zone_pcp_update(zone);
	pthread_mutex_unlock(&tunables_lock);
}

/* The one place where min_free_kbytes' 0 ("the kernel formula") is resolved. */
static void set_min_free_kbytes(int kbytes)
{
	buddy.settings.min_free_kbytes = kbytes ? kbytes : (int)default_min_free_kbytes();
}

/*
 * The setters take the range of their BUDDY_CONF key (config.c's table), so
 * a value BUDDY_CONF refuses is refused here too.
 */

/* Like writing vm.min_free_kbytes (0 .. 2^30); 0 (our extension) restores the formula's value. */
int buddy_set_min_free_kbytes(int kbytes)
{
	if (buddy_setting_check("min_free_kbytes", kbytes))
		return -EINVAL;
	if (begin_tunable_write())
		return -ENODEV;
	set_min_free_kbytes(kbytes);
	end_tunable_write();
	return 0;
}

/* Like writing vm.watermark_scale_factor (1..3000, the 6.1 range). */
int buddy_set_watermark_scale_factor(int factor)
{
	if (buddy_setting_check("watermark_scale_factor", factor))
		return -EINVAL;
	if (begin_tunable_write())
		return -ENODEV;
	buddy.settings.watermark_scale_factor = factor;
	end_tunable_write();
	return 0;
}

/* Like writing vm.lowmem_reserve_ratio: one ratio per zone, 0 = no reserve. */
int buddy_set_lowmem_reserve_ratio(const int ratio[MAX_NR_ZONES])
{
	if (!ratio)
		return -EINVAL;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (buddy_setting_check("lowmem_reserve_ratio", ratio[i]))
			return -EINVAL;
	if (begin_tunable_write())
		return -ENODEV;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		buddy.settings.lowmem_reserve_ratio[i] = ratio[i];
	end_tunable_write();
	return 0;
}

/* Like writing vm.percpu_pagelist_high_fraction (0, or 8 .. 2^30): every pcp high and batch again. */
int buddy_set_percpu_pagelist_high_fraction(int fraction)
{
	if (buddy_setting_check("percpu_pagelist_high_fraction", fraction))
		return -EINVAL;
	if (begin_tunable_write())
		return -ENODEV;
	buddy.settings.percpu_pagelist_high_fraction = fraction;
	end_tunable_write();
	return 0;
}

/*
 * Like writing vm.watermark_boost_factor (0 .. INT_MAX, 0 = no boosting).
 * Nothing to recompute: boost_watermark reads it at each fallback.
 */
int buddy_set_watermark_boost_factor(int factor)
{
	if (buddy_setting_check("watermark_boost_factor", factor))
		return -EINVAL;
	if (begin_tunable_write())
		return -ENODEV;
	WRITE_ONCE(buddy.settings.watermark_boost_factor, factor);
	pthread_mutex_unlock(&tunables_lock);
	return 0;
}

/* The kernel's mult_frac: x * numer / denom without overflowing x * numer. */
static unsigned long mult_frac(unsigned long x, unsigned long numer, unsigned long denom)
{
	return (x / denom) * numer + (x % denom) * numer / denom;
}

/*
 * 6.1 boost_watermark: a fallback is about to mix migratetypes in a
 * pageblock, so raise the zone's marks by a pageblock, up to
 * watermark_boost_factor / 10000 of the high mark (at least a pageblock),
 * for kswapd to reclaim until the boost is gone. Not in zones of fewer than
 * four pageblocks (boosting would exhaust them), nor without kswapd (no one
 * would take the boost back). zone->lock held.
 */
bool boost_watermark(struct zone *zone)
{
	unsigned long factor = (unsigned long)READ_ONCE(buddy.settings.watermark_boost_factor);
	unsigned long max_boost;

	lockdep_assert_zone_held(zone);
	if (!factor || buddy.settings.kswapd < 0)
		return false;
	if (pageblock_nr_pages * 4 > zone->managed_pages)
		return false;
	max_boost = mult_frac(READ_ONCE(zone->_watermark[WMARK_HIGH]), factor, 10000);
	if (!max_boost) /* marks not set up: reclaim could not meet a boost either */
		return false;
	if (max_boost < pageblock_nr_pages)
		max_boost = pageblock_nr_pages;
	unsigned long boost = zone->watermark_boost + pageblock_nr_pages;
	__zone_set_watermark_boost(zone, boost < max_boost ? boost : max_boost);
	return true;
}

/* The initial computation, at buddy_init. */
void init_per_zone_wmark_min(void)
{
	set_min_free_kbytes(buddy.settings.min_free_kbytes);
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
}

void tunables_fork_lock(void)
{
	pthread_mutex_lock(&tunables_lock);
}

void tunables_fork_unlock(bool child)
{
	fork_unlock_mutex(&tunables_lock, child);
}
