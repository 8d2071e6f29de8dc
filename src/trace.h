/* SPDX-License-Identifier: MIT */
/*
 * USDT probes named after the kernel's kmem tracepoints, provider "buddy".
 * Each is one nop in the code plus an ELF note (readelf -n libbuddy.so)
 * that bpftrace, perf and SystemTap attach to; with no tracer attached the
 * cost is that nop and the few instructions that compute its arguments.
 * Without <sys/sdt.h> (or with -DBUDDY_NO_SDT) every wrapper is empty.
 *
 * Arguments, as the kernel's TP_STRUCT fields (pfn instead of the page):
 *   mm_page_alloc             pfn (-1 on failure), order, gfp_flags, migratetype
 *   mm_page_free              pfn, order
 *   mm_page_alloc_zone_locked pfn, order, migratetype, percpu_refill
 *   mm_page_pcpu_drain        pfn, order, migratetype
 *   mm_page_alloc_extfrag     pfn, alloc_order, fallback_order, alloc_migratetype,
 *                             fallback_migratetype, change_ownership
 */
#ifndef BUDDY_TRACE_H
#define BUDDY_TRACE_H

#include "internal.h"

#if !defined(BUDDY_NO_SDT) && defined(__has_include)
#if __has_include(<sys/sdt.h>)
/*
 * Every argument in a register: sdt.h's default constraint also allows an
 * immediate ("4@$0" where the compiler proved the order is 0), which the
 * perf probe of Debian 12 (6.1) cannot parse - it then fails the whole probe
 * group with "File exists". The price is a register load of the constant at
 * such a site, none where the value is already in a register.
 */
#define STAP_SDT_ARG_CONSTRAINT r
#include <sys/sdt.h>
#define BUDDY_HAVE_SDT 1
#endif
#endif

#ifdef BUDDY_HAVE_SDT
#define buddy_probe2(name, a, b)	     DTRACE_PROBE2(buddy, name, a, b)
#define buddy_probe3(name, a, b, c)	     DTRACE_PROBE3(buddy, name, a, b, c)
#define buddy_probe4(name, a, b, c, d)	     DTRACE_PROBE4(buddy, name, a, b, c, d)
#define buddy_probe6(name, a, b, c, d, e, f) DTRACE_PROBE6(buddy, name, a, b, c, d, e, f)
#else
#define buddy_probe2(name, a, b)       ((void)(a), (void)(b))
#define buddy_probe3(name, a, b, c)    ((void)(a), (void)(b), (void)(c))
#define buddy_probe4(name, a, b, c, d) ((void)(a), (void)(b), (void)(c), (void)(d))
#define buddy_probe6(name, a, b, c, d, e, f)                                                                 \
	((void)(a), (void)(b), (void)(c), (void)(d), (void)(e), (void)(f))
#endif

/* The result of an allocation request; page is NULL when it failed. */
static __always_inline void trace_mm_page_alloc(const struct page *page, unsigned int order, gfp_t gfp_flags,
						int migratetype)
{
	unsigned long pfn = page ? page_to_pfn_fast(page) : -1UL;
	buddy_probe4(mm_page_alloc, pfn, order, gfp_flags, migratetype);
}

/* A block whose last reference is gone, before it reaches a pcp or buddy list. */
static inline void trace_mm_page_free(const struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn_fast(page);
	buddy_probe2(mm_page_free, pfn, order);
}

/* A block taken off the buddy lists under zone->lock. */
static inline void trace_mm_page_alloc_zone_locked(const struct page *page, unsigned int order,
						   int migratetype, int percpu_refill)
{
	unsigned long pfn = page_to_pfn_fast(page);
	buddy_probe4(mm_page_alloc_zone_locked, pfn, order, migratetype, percpu_refill);
}

/* A block returned from a pcp list to the buddy lists. */
static inline void trace_mm_page_pcpu_drain(const struct page *page, unsigned int order, int migratetype)
{
	unsigned long pfn = page_to_pfn_fast(page);
	buddy_probe3(mm_page_pcpu_drain, pfn, order, migratetype);
}

/*
 * A fallback: alloc_migratetype took a block of fallback_order from
 * fallback_migratetype's lists; change_ownership says whether the pageblock
 * now belongs to the requester. zone->lock held.
 */
static inline void trace_mm_page_alloc_extfrag(const struct zone *zone, const struct page *page,
					       int alloc_order, int fallback_order, int alloc_migratetype,
					       int fallback_migratetype)
{
	unsigned long pfn = page_to_pfn_fast(page);
	int change_ownership = get_pfnblock_migratetype(zone, pfn) == alloc_migratetype;
	buddy_probe6(mm_page_alloc_extfrag, pfn, alloc_order, fallback_order, alloc_migratetype,
		     fallback_migratetype, change_ownership);
}

#endif /* BUDDY_TRACE_H */
