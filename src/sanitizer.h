/* SPDX-License-Identifier: MIT */
/*
 * Sanitizer hooks: which sanitizer the build runs under (BUDDY_TSAN,
 * BUDDY_ASAN), and ASan poisoning of free pages (no-ops without ASan).
 */
#ifndef BUDDY_SANITIZER_H
#define BUDDY_SANITIZER_H

#include <stddef.h>

#include "compiler.h"

#if defined(__SANITIZE_THREAD__)
#define BUDDY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BUDDY_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define BUDDY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BUDDY_ASAN 1
#endif
#endif

#ifdef BUDDY_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
/*
 * arena.c: poison, and remember which max-order blocks were ever poisoned,
 * so that arena_release lifts exactly those (ASan keeps the shadow after
 * munmap, and clearing the shadow of a whole 1 TiB arena would commit
 * 128 GiB of it).
 */
HIDDEN void arena_poison_pages(void *addr, size_t size);
HIDDEN void arena_unpoison_all(void);
#define poison_pages(addr, size)   arena_poison_pages((addr), (size))
#define unpoison_pages(addr, size) __asan_unpoison_memory_region((addr), (size))
#define PAGE_POISONING		   1
#else
#define poison_pages(addr, size)   ((void)(addr), (void)(size))
#define unpoison_pages(addr, size) ((void)(addr), (void)(size))
#define arena_unpoison_all()	   ((void)0)
#define PAGE_POISONING		   0
#endif

#endif /* BUDDY_SANITIZER_H */
