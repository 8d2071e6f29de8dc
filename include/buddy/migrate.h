/* SPDX-License-Identifier: MIT */
/*
 * <buddy/migrate.h> - movable pages and compaction (Linux 6.1
 * include/linux/migrate.h, non-LRU movable pages as zsmalloc and the balloon
 * use them).
 *
 * In user space only the owner of a page knows where it is referenced, so a
 * page can move only when its owner registered callbacks for it. Pages never
 * marked are pinned: compaction and alloc_contig_range go around them.
 *
 * The locking contract (docs/compaction.md has the whole of it):
 * - The callbacks are called by the thread that compacts: kcompactd, the
 *   allocating thread in direct compaction, the caller of
 *   buddy_compact_memory(), or of alloc_contig_range/alloc_contig_pages/
 *   buddy_cma_alloc. libbuddy holds none of its locks while calling one.
 * - isolate_page(page, mode) returns true when the owner gives the page up
 *   for now; until putback_page or a successful migrate_page, the owner must
 *   not write to it (reading is fine). The library holds its own reference
 *   on an isolated page.
 * - migrate_page(dst, src, mode): the library has already copied src's bytes
 *   and page_private to dst and marked dst movable with the same ops; the
 *   owner repoints its references to dst (it may copy again under its own
 *   lock) and returns 0, or -EAGAIN to be retried later, or another
 *   negative errno to give up on this page (it is put back). On 0, src
 *   belongs to the library again and is freed; the owner must not free it.
 * - putback_page(page): the page stays where it was and is the owner's again.
 * - An owner may free its movable page at any time, also while it is
 *   isolated: the free drops the owner's reference and the library frees
 *   the page when it lets go of it, without calling back. If migrate_page
 *   is called for a page the owner freed meanwhile, it must return -EAGAIN
 *   (the library then notices and frees the page).
 * - Callbacks must not call fork() and must not wait for a lock that a
 *   thread calling fork() may hold: fork() waits until no page is isolated.
 */
#ifndef BUDDY_MIGRATE_H
#define BUDDY_MIGRATE_H

#include <stdbool.h>

#include <buddy/gfp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How hard migration may try (the kernel's enum migrate_mode, minus SYNC_NO_COPY). */
enum migrate_mode {
	MIGRATE_ASYNC,	    /* never block: direct compaction's first attempt */
	MIGRATE_SYNC_LIGHT, /* may block a little: kcompactd, later direct compaction */
	MIGRATE_SYNC,	    /* may block: buddy_compact_memory, alloc_contig_range */
};

/* Passed to isolate_page: the kernel's isolate_mode_t bits that apply here. */
typedef unsigned int isolate_mode_t;
#define ISOLATE_ASYNC_MIGRATE ((isolate_mode_t)0x4) /* isolating for asynchronous migration */

struct movable_operations {
	bool (*isolate_page)(struct page *page, isolate_mode_t mode);
	int (*migrate_page)(struct page *dst, struct page *src, enum migrate_mode mode);
	void (*putback_page)(struct page *page);
};

/*
 * Mark an allocated page (the first page of an allocation made with
 * __GFP_MOVABLE, any order) movable with ops. Misuse - a page not allocated
 * as movable, a free page, a tail page, a page already movable, incomplete
 * ops - is reported on stderr ("Bad page state") and changes nothing. The
 * first page marked starts the node's kcompactd.
 */
BUDDY_API void __SetPageMovable(struct page *page, const struct movable_operations *ops);
/* The page is pinned again (call it before freeing if you like; freeing does it too). */
BUDDY_API void __ClearPageMovable(struct page *page);
BUDDY_API bool PageMovable(struct page *page);
/* True while compaction holds the page isolated (between isolate_page and putback/migrate). */
BUDDY_API bool PageIsolated(struct page *page);

/* The owner's cookie for an allocated page; copied to the new page by migration. */
BUDDY_API void set_page_private(struct page *page, unsigned long private);
BUDDY_API unsigned long page_private(struct page *page);

/*
 * Compact every zone of every node (writing /proc/sys/vm/compact_memory),
 * or of one node (/sys/devices/system/node/nodeN/compact): synchronous, in
 * the calling thread. buddy_compact_node returns 0, or -EINVAL for no such
 * node (or before the allocator is initialised; buddy_compact_memory then
 * does nothing).
 */
BUDDY_API void buddy_compact_memory(void);
BUDDY_API int buddy_compact_node(int nid);

/*
 * vm.compaction_proactiveness (0..100, default 20; 0 turns proactive
 * compaction off) and vm.extfrag_threshold (0..1000, default 500). 0, or
 * -EINVAL changing nothing, or -ENODEV when the allocator cannot start.
 */
BUDDY_API int buddy_set_compaction_proactiveness(int proactiveness);
BUDDY_API int buddy_set_extfrag_threshold(int threshold);

#ifdef __cplusplus
}
#endif

#endif /* BUDDY_MIGRATE_H */
