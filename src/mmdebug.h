/* SPDX-License-Identifier: MIT */
/*
 * Debug assertions, the kernel's CONFIG_DEBUG_VM (include/linux/mmdebug.h).
 * BUDDY_DEBUG_VM, set by the CMake option of that name, is
 *   0  off: every macro below compiles to a sizeof of its condition, which is
 *      type-checked and never evaluated;
 *   1  VM_BUG_ON checks in the free-list, merge, split, pcp and prep helpers,
 *      and lock-held assertions (zone_lock() records its holder);
 *   2  all of 1, and the zone checker (check.c) on every zone_unlock(), run
 *      while the lock is still held.
 * A failed check prints the page in the kernel's words and aborts
 * (vm_bug_page, mmdebug.c). Layers: compiler.h < list.h < sanitizer.h <
 * mmdebug.h < mm_types.h; the lock helpers that need struct zone are in
 * mmzone.h, those that need struct buddy_cpu in pcp.h.
 */
#ifndef BUDDY_MMDEBUG_H
#define BUDDY_MMDEBUG_H

#include <stdbool.h>

#include "compiler.h"

#ifndef BUDDY_DEBUG_VM
#define BUDDY_DEBUG_VM 0
#endif

struct page;
struct zone;
struct per_cpu_pages;

/* mmdebug.c: the reports. They print to stderr; the two BUG ones abort. */
HIDDEN __noreturn __cold void vm_bug(const char *file, int line, const char *what);
HIDDEN __noreturn __cold void vm_bug_page(const struct page *page, const char *file, int line,
					  const char *what);
HIDDEN __cold void vm_warn(const char *file, int line, const char *what);
HIDDEN __cold void dump_page(const struct page *page, const char *reason);
/* The lock of the CPU whose list pcp is (found through page's zone) is held. */
HIDDEN bool pcp_lock_held(const struct per_cpu_pages *pcp, const struct page *page);
/* check.c: the zone checker with zone->lock held; a problem is a BUG. */
HIDDEN void vm_check_zone_locked(struct zone *zone);

/* Type-check an expression without evaluating it. */
#define BUILD_BUG_ON_INVALID(e) ((void)sizeof(!(e)))

#if BUDDY_DEBUG_VM
#define VM_BUG_ON(cond)                                                                                      \
	do {                                                                                                 \
		if (unlikely(cond))                                                                          \
			vm_bug(__FILE__, __LINE__, "VM_BUG_ON(" #cond ")");                                  \
	} while (0)
#define VM_BUG_ON_PAGE(cond, page)                                                                           \
	do {                                                                                                 \
		if (unlikely(cond))                                                                          \
			vm_bug_page(page, __FILE__, __LINE__, "VM_BUG_ON_PAGE(" #cond ")");                  \
	} while (0)
#define VM_WARN_ON_ONCE(cond)                                                                                \
	do {                                                                                                 \
		static int vm_warned_;                                                                       \
		if (unlikely(cond) && !__atomic_exchange_n(&vm_warned_, 1, __ATOMIC_RELAXED))                \
			vm_warn(__FILE__, __LINE__, "VM_WARN_ON_ONCE(" #cond ")");                           \
	} while (0)
#else
#define VM_BUG_ON(cond)		   BUILD_BUG_ON_INVALID(cond)
#define VM_BUG_ON_PAGE(cond, page) (BUILD_BUG_ON_INVALID(cond), BUILD_BUG_ON_INVALID(page))
#define VM_WARN_ON_ONCE(cond)	   BUILD_BUG_ON_INVALID(cond)
#endif

/* The expensive level: whole-structure checks (mimalloc's mi_assert_expensive). */
#define VM_DEBUG_EXPENSIVE (BUDDY_DEBUG_VM >= 2)

#endif /* BUDDY_MMDEBUG_H */
