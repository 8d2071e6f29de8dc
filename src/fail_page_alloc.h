/* SPDX-License-Identifier: MIT */
/*
 * Fault injection on the page allocator, as the kernel's fail_page_alloc
 * (CONFIG_FAIL_PAGE_ALLOC, Documentation/fault-injection/fault-injection.rst):
 * a request that passes the filters (min_order, __GFP_NOFAIL, the two ignore
 * flags) goes through the fault attribute's should_fail (space, interval,
 * probability, times; lib/fault-inject.c) and may be made to fail at once,
 * in prepare_alloc_pages, before any zone is looked at.
 *
 * Set from BUDDY_CONF (fail_page_alloc:<interval>/<probability>/<space>/<times>
 * and the fail_page_alloc_* keys) at buddy_init, and at run time through
 * buddy_ctl("fail_page_alloc.<debugfs file name>"). While it can fail a
 * request (probability > 0 and times != 0) it blocks the order-0 fast paths
 * (fast_path.h); off, it costs the full path one load and the fast paths
 * nothing.
 */
#ifndef BUDDY_FAIL_PAGE_ALLOC_H
#define BUDDY_FAIL_PAGE_ALLOC_H

#include <stdatomic.h>
#include <stdbool.h>

#include <buddy/gfp.h>

#include "compiler.h"

struct buddy_settings;

/* True while a request may be failed; read on every full-path allocation. */
HIDDEN extern atomic_bool fail_page_alloc_armed;

HIDDEN bool __should_fail_alloc_page(gfp_t gfp_mask, unsigned int order);

/* The kernel's should_fail_alloc_page (6.1 page_alloc.c): true = fail this request. */
static inline bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	if (likely(!atomic_load_explicit(&fail_page_alloc_armed, memory_order_relaxed)))
		return false;
	return __should_fail_alloc_page(gfp_mask, order);
}

/* buddy_init: the attribute from the settings (BUDDY_CONF); arms or disarms it. */
HIDDEN void fail_page_alloc_init(const struct buddy_settings *s);

/*
 * buddy_ctl's names below "fail_page_alloc.": probability, interval, times,
 * space, verbose, ignore-gfp-wait, ignore-gfp-highmem, min-order, seed (the
 * debugfs files, plus the PRNG's seed). get fills *value; set checks the
 * range and returns 0 or -EINVAL. -ENOENT for another name.
 */
HIDDEN int fail_page_alloc_get(const char *name, long long *value);
HIDDEN int fail_page_alloc_set(const char *name, long long value);

#endif
