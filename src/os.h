/* SPDX-License-Identifier: MIT */
/*
 * The OS layer: every system call libbuddy makes goes through these named
 * wrappers, defined in os.c, the only file that calls mmap, madvise, mbind,
 * membarrier, sched_getcpu, the clock and friends (like mimalloc's prim.c).
 * It knows nothing of pages or zones, so the core can be run against a fake.
 * libnuma's topology queries stay in numa.c.
 */
#ifndef BUDDY_OS_H
#define BUDDY_OS_H

#include <stddef.h>

#include "compiler.h"

/* Reserve len bytes of address space aligned to align, nothing mapped; NULL on failure. */
HIDDEN char *os_reserve(size_t len, size_t align);
/* Map [addr, addr + len) of a reservation read-write, zero-filled, lazily; 0 or -errno. */
HIDDEN int os_commit(void *addr, size_t len);
/*
 * The same from the huge page pool (MAP_HUGETLB, 2 MiB pages): addr and len
 * 2 MiB-aligned; -ENOMEM when the pool (vm.nr_hugepages) lacks the pages.
 */
HIDDEN int os_commit_hugetlb(void *addr, size_t len);
/* Map [addr, addr + len) of a reservation to fd at offset, shared, read-write; 0 or -errno. */
HIDDEN int os_commit_file(void *addr, size_t len, int fd, size_t offset);
/* Ask for transparent huge pages on a range (MADV_HUGEPAGE); 0 or -errno. */
HIDDEN int os_advise_hugepages(void *addr, size_t len);
/* Open (creating, mode 0600) the file at path and make it at least size bytes; fd or -errno. */
HIDDEN int os_open_sized_file(const char *path, size_t size);
/* Make an open file at least size bytes; 0 or -errno. */
HIDDEN int os_file_grow(int fd, size_t size);
HIDDEN void os_close(int fd);
/* mkdir(path, 0755); 0 if made or already there, else -errno. */
HIDDEN int os_make_dir(const char *path);
/* rename(from, to), atomic within a file system; 0 or -errno. */
HIDDEN int os_rename(const char *from, const char *to);
/* How os_discard gives memory back: madvise MADV_DONTNEED or MADV_FREE. */
enum os_discard_advice { OS_DISCARD_DONTNEED, OS_DISCARD_FREE };
/* Give the memory of [addr, addr + len) back, keeping the mapping (page reporting); 0 or -errno. */
HIDDEN int os_discard(void *addr, size_t len, enum os_discard_advice advice);
/*
 * Make [addr, addr + len) of a mapping inaccessible (PROT_NONE) or read-write
 * again (debug_pagealloc); page-aligned. 0 or -errno (-ENOMEM past
 * vm.max_map_count, -EINVAL inside a huge page).
 */
HIDDEN int os_protect(void *addr, size_t len, int accessible);
/* Give a reservation or mapping back; a no-op for NULL. */
HIDDEN void os_release(void *addr, size_t len);
/*
 * Zeroed scratch memory straight from the OS, for bitmaps sized by the arena
 * (buddy_check's): pages nobody writes are never faulted in. NULL on failure.
 */
HIDDEN void *os_map_zeroed(size_t bytes);
/* Place a range's memory on node nid (mbind MPOL_BIND); 0 or -errno. */
HIDDEN int os_bind_to_node(void *addr, size_t len, int nid, int max_node);

/* membarrier(REGISTER_PRIVATE_EXPEDITED_RSEQ), once per address space; 0 on success. */
HIDDEN int os_membarrier_register_rseq(void);
/* Restart any rseq critical section running on cpu (PRIVATE_EXPEDITED_RSEQ); 0 on success. */
HIDDEN int os_membarrier_rseq_fence(int cpu);

HIDDEN int os_current_cpu(void); /* sched_getcpu(): -1 when unknown */
HIDDEN void os_yield(void);
HIDDEN int os_nr_cpus(void);   /* every CPU the system may bring online */
HIDDEN int os_thread_id(void); /* gettid() */
HIDDEN long os_clock_ms(void); /* CLOCK_MONOTONIC, in ms */

/* CLOCK_MONOTONIC_COARSE, in ms: a tick's resolution, cheaper (the pcp decay tick). */
HIDDEN long os_clock_coarse_ms(void);
/* The last-level cache in bytes (L3, else L2); 0 when unknown. */
HIDDEN unsigned long os_llc_bytes(void);
struct timespec;
/* *deadline = now + ms on clock (CLOCK_REALTIME or CLOCK_MONOTONIC), for pthread_cond_timedwait. */
HIDDEN void os_deadline_after_ms(struct timespec *deadline, int clock, unsigned int ms);

#endif /* BUDDY_OS_H */
