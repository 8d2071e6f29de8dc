/* SPDX-License-Identifier: MIT */
/*
 * struct page: the descriptor, its flags, its reference count and its order
 * (the kernel's mm_types.h and page-flags.h / page_ref.h, in short).
 */
#ifndef BUDDY_MM_TYPES_H
#define BUDDY_MM_TYPES_H

#include <stdatomic.h>
#include <stdbool.h>

#include "list.h"
#include "mmdebug.h"
#include "sanitizer.h"

/*
 * The page descriptor, out of band: one per page of the arena in a separate
 * array (mem_map), never inside a page handed out. All-zero means "never
 * used": the array is mapped lazily and the OS supplies zero pages, which is
 * how start-up avoids touching per-page metadata (deferred struct page init).
 */
struct movable_operations;

struct page {
	unsigned long flags; /* PG_* bits, zone and node in the top bits */
	union {
		struct list_head lru; /* free list or pcp list linkage */
		struct {	      /* tail page of a compound page */
			struct page *compound_head;
			unsigned long compound_order;
		};
	};
	unsigned long private;	  /* buddy order when PageBuddy */
	unsigned long index;	  /* free: migratetype of the list it is on; in use: the request's */
	atomic_int _refcount;	  /* 0 while free */
	unsigned int alloc_order; /* head page: order it was allocated with */
	struct zone *zone;	  /* in use: page_zone() without decoding flags */
	/* PageMovable: its owner's callbacks (migrate.h); also pads to 64 bytes, so pfn <-> page is a shift
	 */
	const struct movable_operations *movable_ops;
};

enum pageflags {
	PG_buddy,      /* head of a free block on a buddy free list */
	PG_pcp,	       /* parked on a per-CPU list */
	PG_head,       /* head of a compound page */
	PG_tail,       /* tail of a compound page */
	PG_reserved,   /* not managed by the allocator */
	PG_movable,    /* in use, and its owner registered movable_ops (__SetPageMovable) */
	PG_isolated,   /* movable and isolated for migration: the library holds a reference */
	PG_free_hooks, /* allocated while a debug mode watches frees: its free takes the full path */
	/* page_reporting.h: */
	PG_reported, /* head of a free block whose memory was given back to the OS (PageReported) */
	PG_zeroed,   /* taken from a reported block that reads as zero: __GFP_ZERO may skip the memset */
	PG_guard,    /* a guard page of debug_guardpage_minorder: free, off the lists (debug_page_alloc.h) */
	NR_PAGEFLAGS
};

/*
 * page->flags is read without the owner's lock in one place by design:
 * __free_one_page peeks at a neighbour's PageBuddy under zone->lock while the
 * neighbour's owner may be writing its flags. Only the owner writes, so a
 * relaxed load and store (plain moves on x86) keep it well-defined.
 */
static inline unsigned long page_flags(const struct page *p)
{
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
}
static inline void set_page_flags(struct page *p, unsigned long flags)
{
	__atomic_store_n(&p->flags, flags, __ATOMIC_RELAXED);
}
static inline bool page_flag(const struct page *p, enum pageflags f)
{
	return (page_flags(p) >> f) & 1;
}
static inline void set_page_flag(struct page *p, enum pageflags f)
{
	set_page_flags(p, page_flags(p) | (1UL << f));
}
static inline void clear_page_flag(struct page *p, enum pageflags f)
{
	set_page_flags(p, page_flags(p) & ~(1UL << f));
}
/*
 * Flags that two threads may change at once on an in-use page (the owner
 * marks it movable while compaction isolates it): atomic read-modify-write.
 * Returns the flags before the change.
 */
static inline unsigned long page_flags_set_atomic(struct page *p, unsigned long bits)
{
	return __atomic_fetch_or(&p->flags, bits, __ATOMIC_ACQ_REL);
}
static inline unsigned long page_flags_clear_atomic(struct page *p, unsigned long bits)
{
	return __atomic_fetch_and(&p->flags, ~bits, __ATOMIC_ACQ_REL);
}
#define PageBuddy(p)	  page_flag(p, PG_buddy)
#define PageHead(p)	  page_flag(p, PG_head)
#define PageTail(p)	  page_flag(p, PG_tail)
#define PagePcp(p)	  page_flag(p, PG_pcp)
#define __PageMovable(p)  page_flag(p, PG_movable)
#define __PageIsolated(p) page_flag(p, PG_isolated)
#define PageFreeHooks(p)  page_flag(p, PG_free_hooks)
#define PageGuard(p)	  page_flag(p, PG_guard)

/*
 * For assertions: is the page linked into a list? list_del leaves NULL links
 * and a tail page's compound_head is a page whose lru.prev never points back
 * here, so only a listed page passes. The load is relaxed: the neighbour may
 * be another thread's.
 */
static inline bool page_on_list(const struct page *p)
{
	const struct list_head *next = p->lru.next;

	return next && __atomic_load_n(&next->prev, __ATOMIC_RELAXED) == &p->lru;
}

static inline unsigned int buddy_order(const struct page *p)
{
	return (unsigned int)p->private;
}
static inline int page_ref_count(struct page *p)
{
	return atomic_load_explicit(&p->_refcount, memory_order_relaxed);
}
static inline void set_page_count(struct page *p, int v)
{
	atomic_store_explicit(&p->_refcount, v, memory_order_relaxed);
}
/*
 * The kernel's page_ref_freeze: drop the count from exactly count to 0 in one
 * atomic step. Of two threads freeing the same page at once, one wins.
 */
static inline bool page_ref_freeze(struct page *p, int count)
{
	return atomic_compare_exchange_strong_explicit(&p->_refcount, &count, 0, memory_order_acq_rel,
						       memory_order_relaxed);
}
/* get_page_unless_zero: take a reference only on a page that has one; false on a free page. */
static inline bool page_ref_inc_unless_zero(struct page *p)
{
	int refs = page_ref_count(p);

	do {
		if (refs <= 0)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&p->_refcount, &refs, refs + 1, memory_order_relaxed,
							memory_order_relaxed));
	return true;
}
/* put_page_testzero: drop one reference unless there is none; *last when it was the last. */
static inline bool page_ref_dec_unless_zero(struct page *p, bool *last)
{
	int refs = page_ref_count(p);

	do {
		if (refs <= 0)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&p->_refcount, &refs, refs - 1, memory_order_acq_rel,
							memory_order_relaxed));
	*last = refs == 1;
	return true;
}

#endif /* BUDDY_MM_TYPES_H */
