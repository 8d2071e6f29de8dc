/* SPDX-License-Identifier: MIT */
/*
 * <buddy/gfp.h> - the kernel's page allocator API, in user space.
 *
 * GFP bit values follow the Linux 4.7 layout bit for bit (26 bits). The
 * allocation functions keep the 4.x names and shapes; a preferred node and an
 * optional nodemask replace the kernel's zonelist argument.
 */
#ifndef BUDDY_GFP_H
#define BUDDY_GFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BUDDY_API __attribute__((visibility("default")))

typedef unsigned int gfp_t;

/* Plain bit values; use the __GFP_* names below. */
#define ___GFP_DMA	      0x01u
#define ___GFP_HIGHMEM	      0x02u
#define ___GFP_DMA32	      0x04u
#define ___GFP_MOVABLE	      0x08u
#define ___GFP_RECLAIMABLE    0x10u
#define ___GFP_HIGH	      0x20u
#define ___GFP_IO	      0x40u
#define ___GFP_FS	      0x80u
#define ___GFP_COLD	      0x100u
#define ___GFP_NOWARN	      0x200u
#define ___GFP_REPEAT	      0x400u
#define ___GFP_NOFAIL	      0x800u
#define ___GFP_NORETRY	      0x1000u
#define ___GFP_MEMALLOC	      0x2000u
#define ___GFP_COMP	      0x4000u
#define ___GFP_ZERO	      0x8000u
#define ___GFP_NOMEMALLOC     0x10000u
#define ___GFP_HARDWALL	      0x20000u
#define ___GFP_THISNODE	      0x40000u
#define ___GFP_ATOMIC	      0x80000u
#define ___GFP_ACCOUNT	      0x100000u
#define ___GFP_NOTRACK	      0x200000u
#define ___GFP_DIRECT_RECLAIM 0x400000u
#define ___GFP_OTHER_NODE     0x800000u
#define ___GFP_WRITE	      0x1000000u
#define ___GFP_KSWAPD_RECLAIM 0x2000000u

/* Zone modifiers: the low four bits index gfp_zone()'s table. */
#define __GFP_DMA     ((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM ((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32   ((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE ((gfp_t)___GFP_MOVABLE)
#define GFP_ZONEMASK  (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)

/* Page mobility and placement. */
#define __GFP_RECLAIMABLE ((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_WRITE	  ((gfp_t)___GFP_WRITE)
#define __GFP_HARDWALL	  ((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE	  ((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT	  ((gfp_t)___GFP_ACCOUNT)

/* Watermark modifiers. */
#define __GFP_ATOMIC	 ((gfp_t)___GFP_ATOMIC)
#define __GFP_HIGH	 ((gfp_t)___GFP_HIGH)
#define __GFP_MEMALLOC	 ((gfp_t)___GFP_MEMALLOC)
#define __GFP_NOMEMALLOC ((gfp_t)___GFP_NOMEMALLOC)

/* Reclaim modifiers. */
#define __GFP_IO	     ((gfp_t)___GFP_IO)
#define __GFP_FS	     ((gfp_t)___GFP_FS)
#define __GFP_DIRECT_RECLAIM ((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM ((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM	     ((gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define __GFP_REPEAT	     ((gfp_t)___GFP_REPEAT)
#define __GFP_NOFAIL	     ((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY	     ((gfp_t)___GFP_NORETRY)
/*
 * 4.13 renamed __GFP_REPEAT to __GFP_RETRY_MAYFAIL and gave it its present
 * meaning at every order: retry while reclaim makes progress, but never
 * invoke the OOM step and fail rather than loop forever. Same bit; both
 * names mean the 4.13+ behaviour here.
 */
#define __GFP_RETRY_MAYFAIL __GFP_REPEAT

/* Action modifiers. */
#define __GFP_COLD		     ((gfp_t)___GFP_COLD)
#define __GFP_NOWARN		     ((gfp_t)___GFP_NOWARN)
#define __GFP_COMP		     ((gfp_t)___GFP_COMP)
#define __GFP_ZERO		     ((gfp_t)___GFP_ZERO)
#define __GFP_NOTRACK		     ((gfp_t)___GFP_NOTRACK)
#define __GFP_NOTRACK_FALSE_POSITIVE (__GFP_NOTRACK)
#define __GFP_OTHER_NODE	     ((gfp_t)___GFP_OTHER_NODE)

#define __GFP_BITS_SHIFT 26
#define __GFP_BITS_MASK	 ((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))

/* The usual combinations. */
#define GFP_ATOMIC	     (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL	     (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT   (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT	     (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO	     (__GFP_RECLAIM)
#define GFP_NOFS	     (__GFP_RECLAIM | __GFP_IO)
#define GFP_TEMPORARY	     (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_RECLAIMABLE)
#define GFP_USER	     (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA		     __GFP_DMA
#define GFP_DMA32	     __GFP_DMA32
#define GFP_HIGHUSER	     (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE                                                                                        \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN) &             \
	 ~__GFP_RECLAIM)

#define GFP_MOVABLE_MASK  (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

/*
 * Geometry. <sys/user.h> defines the first three too: guarded, and spelt
 * token for token as glibc spells them, so either include order is clean.
 */
// clang-format off
#ifndef PAGE_SHIFT
#define PAGE_SHIFT		12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#endif
#ifndef PAGE_MASK
#define PAGE_MASK		(~(PAGE_SIZE-1))
#endif
// clang-format on
#define MAX_ORDER		11
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))
#define pageblock_order		9
#define pageblock_nr_pages	(1UL << pageblock_order)
#define PAGE_ALLOC_COSTLY_ORDER 3

#define NUMA_NO_NODE (-1)
#define MAX_NUMNODES 64

/* Zones, in the kernel's order. */
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_HIGHMEM, ZONE_MOVABLE, MAX_NR_ZONES };

/* Migratetypes (6.1 numbering with CMA and isolation always present). */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

/*
 * A set of nodes, as the kernel's nodemask_t. The API names it
 * buddy_nodemask_t, because libnuma's <numa.h> has a nodemask_t of its own
 * (a different struct). nodemask_t is an alias for it unless <numa.h> was
 * included first (its guard _NUMA_H is defined) or the includer defines
 * BUDDY_NO_NODEMASK_T - which it must do to include <numa.h> after this
 * header: a typedef cannot be taken back. docs/zone-policy.md "Headers".
 */
typedef struct buddy_nodemask {
	unsigned long bits[(MAX_NUMNODES + 63) / 64];
} buddy_nodemask_t;
#if !defined(_NUMA_H) && !defined(BUDDY_NO_NODEMASK_T)
typedef buddy_nodemask_t nodemask_t;
#endif

static inline void nodes_clear(buddy_nodemask_t *m)
{
	for (size_t i = 0; i < sizeof(m->bits) / sizeof(m->bits[0]); i++)
		m->bits[i] = 0;
}
static inline void node_set(int nid, buddy_nodemask_t *m)
{
	m->bits[nid / 64] |= 1UL << (nid % 64);
}
static inline void node_clear(int nid, buddy_nodemask_t *m)
{
	m->bits[nid / 64] &= ~(1UL << (nid % 64));
}
static inline int node_isset(int nid, const buddy_nodemask_t *m)
{
	return (int)((m->bits[nid / 64] >> (nid % 64)) & 1);
}

/* The out-of-band page descriptor; its layout is private. */
struct page;

/* Allocation. */
BUDDY_API struct page *__alloc_pages_nodemask(gfp_t gfp_mask, unsigned int order, int preferred_nid,
					      buddy_nodemask_t *nodemask);
BUDDY_API struct page *alloc_pages_node(int nid, gfp_t gfp_mask, unsigned int order);
BUDDY_API struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
#define alloc_page(gfp_mask) alloc_pages(gfp_mask, 0)

/*
 * Bulk allocation of order-0 pages (5.13+): fills the NULL slots of
 * page_array[0..nr_pages) under one hold of the CPU's pcp lock and returns
 * how many slots are populated from the start (set ones included; it stops
 * at the first slot it cannot fill). The preferred node's zones only;
 * falls back to a single allocation when the pcp cannot serve.
 */
BUDDY_API unsigned long __alloc_pages_bulk(gfp_t gfp, int preferred_nid, buddy_nodemask_t *nodemask,
					   unsigned long nr_pages, struct page **page_array);
BUDDY_API unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages, struct page **page_array);
BUDDY_API unsigned long alloc_pages_bulk_array_node(gfp_t gfp, int nid, unsigned long nr_pages,
						    struct page **page_array);

BUDDY_API unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
BUDDY_API unsigned long get_zeroed_page(gfp_t gfp_mask);
#define __get_free_page(gfp_mask)	 __get_free_pages((gfp_mask), 0)
#define __get_dma_pages(gfp_mask, order) __get_free_pages((gfp_mask) | GFP_DMA, (order))

BUDDY_API void *alloc_pages_exact(size_t size, gfp_t gfp_mask);
BUDDY_API void free_pages_exact(void *virt, size_t size);

/* Freeing. */
BUDDY_API void __free_pages(struct page *page, unsigned int order);
BUDDY_API void free_pages(unsigned long addr, unsigned int order);
/* 4.x: free one order-0 page to the hot (head) or cold (tail) end of the pcp list. */
BUDDY_API void free_hot_cold_page(struct page *page, bool cold);
/*
 * Batched put_page: drop one reference on each of pages[0..nr) and free
 * those whose last reference went (each with its allocation's order), the
 * pcp-order ones under one hold of the CPU's pcp lock. NULL entries are
 * skipped; a bad entry is reported as a single free's would be.
 */
BUDDY_API void release_pages(struct page **pages, int nr);
#define __free_page(page) __free_pages((page), 0)
#define free_page(addr)	  free_pages((addr), 0)

/*
 * Every function here that takes a struct page (and the freeing ones above)
 * first checks that the pointer is one of the allocator's descriptors. A bad one - NULL, foreign,
 * misaligned, or any pointer after buddy_exit() - is reported on stderr
 * ("Bad page state") and the call does nothing: page_count gives 0,
 * page_address NULL, page_to_pfn ~0UL, page_zonenum MAX_NR_ZONES and
 * page_to_nid NUMA_NO_NODE.
 */

/* Splitting and reference counts. */
BUDDY_API void split_page(struct page *page, unsigned int order);
BUDDY_API void get_page(struct page *page);
BUDDY_API void put_page(struct page *page);
BUDDY_API int page_count(struct page *page);

/* Translation and identity. */
BUDDY_API void *page_address(const struct page *page);
BUDDY_API struct page *virt_to_page(const void *addr);
BUDDY_API unsigned long page_to_pfn(const struct page *page);
BUDDY_API struct page *pfn_to_page(unsigned long pfn);
BUDDY_API enum zone_type page_zonenum(const struct page *page);
BUDDY_API int page_to_nid(const struct page *page);
BUDDY_API int numa_node_id(void);

/*
 * Physically contiguous ranges of order-0 pages, one reference each (the
 * kernel's CONFIG_CONTIG_ALLOC API). alloc_contig_range takes exactly
 * [start_pfn, end_pfn) - one zone, migratetype MIGRATE_MOVABLE or MIGRATE_CMA,
 * the pageblocks it touches get that type afterwards - and returns 0, -EBUSY
 * when a page of the range is in use (nothing changes), or -EINVAL.
 * alloc_contig_pages finds nr_pages free ones aligned to a multiple of
 * nr_pages. free_contig_range drops one reference per page.
 */
BUDDY_API int alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype,
				 gfp_t gfp_mask);
BUDDY_API struct page *alloc_contig_pages(unsigned long nr_pages, gfp_t gfp_mask, int nid,
					  buddy_nodemask_t *nodemask);
BUDDY_API void free_contig_range(unsigned long pfn, unsigned long nr_pages);

/* Zone and migratetype selection, exposed so programs can reason about masks. */
BUDDY_API enum zone_type gfp_zone(gfp_t flags);
BUDDY_API int gfpflags_to_migratetype(gfp_t gfp_flags);

#ifdef __cplusplus
}
#endif

/* Task memory policy and cpuset (mems_allowed): alloc_pages() follows them. */
#include <buddy/mempolicy.h>

#endif /* BUDDY_GFP_H */
