/* SPDX-License-Identifier: MIT */
/*
 * The OS layer (os.h): the only file that makes system calls. Each wrapper
 * is one call with the flags libbuddy always uses; policy (which node, when
 * to fence, what a failure means) stays with the caller.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <numaif.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#include "os.h"

static size_t round_up_sz(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

char *os_reserve(size_t len, size_t align)
{
	char *raw = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	char *base = (char *)round_up_sz((uintptr_t)raw, align);
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	size_t tail = (size_t)(raw + len + align - (base + len));
	if (tail)
		munmap(base + len, tail);
	return base;
}

int os_commit(void *addr, size_t len)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26) /* MAP_HUGE_SHIFT 26, log2(2 MiB) */
#endif

/* No MAP_NORESERVE: the pool's pages are reserved now, or the call fails, never a SIGBUS later. */
int os_commit_hugetlb(void *addr, size_t len)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}

int os_commit_file(void *addr, size_t len, int fd, size_t offset)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, (off_t)offset);
	return p == MAP_FAILED ? -errno : 0;
}

int os_advise_hugepages(void *addr, size_t len)
{
	return madvise(addr, len, MADV_HUGEPAGE) ? -errno : 0;
}

int os_discard(void *addr, size_t len, enum os_discard_advice advice)
{
	return madvise(addr, len, advice == OS_DISCARD_FREE ? MADV_FREE : MADV_DONTNEED) ? -errno : 0;
}

int os_file_grow(int fd, size_t size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if ((size_t)st.st_size >= size)
		return 0;
	return ftruncate(fd, (off_t)size) ? -errno : 0;
}

int os_open_sized_file(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return -errno;
	rc = os_file_grow(fd, size);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

void os_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int os_make_dir(const char *path)
{
	return mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
}

int os_rename(const char *from, const char *to)
{
	return rename(from, to) ? -errno : 0;
}

void os_deadline_after_ms(struct timespec *deadline, int clock, unsigned int ms)
{
	clock_gettime((clockid_t)clock, deadline);
	deadline->tv_sec += ms / 1000;
	deadline->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
}

int os_protect(void *addr, size_t len, int accessible)
{
	return mprotect(addr, len, accessible ? PROT_READ | PROT_WRITE : PROT_NONE) ? -errno : 0;
}

void os_release(void *addr, size_t len)
{
	if (addr)
		munmap(addr, len);
}

/* calloc does not promise untouched pages: a block it reuses from the heap is cleared by hand. */
void *os_map_zeroed(size_t bytes)
{
	void *p =
		mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int os_bind_to_node(void *addr, size_t len, int nid, int max_node)
{
	unsigned long mask[max_node / (8 * sizeof(unsigned long)) + 1];

	memset(mask, 0, sizeof(mask));
	mask[nid / (8 * sizeof(unsigned long))] |= 1UL << (nid % (8 * sizeof(unsigned long)));
	return mbind(addr, len, MPOL_BIND, mask, (unsigned long)max_node + 1, 0) != 0 ? -errno : 0;
}

int os_membarrier_register_rseq(void)
{
	return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0) != 0 ? -1 : 0;
}

int os_membarrier_rseq_fence(int cpu)
{
	return syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU,
		       cpu) != 0
		       ? -1
		       : 0;
}

int os_current_cpu(void)
{
	return sched_getcpu();
}

void os_yield(void)
{
	sched_yield();
}

int os_nr_cpus(void)
{
	return get_nprocs_conf();
}

int os_thread_id(void)
{
	return (int)gettid();
}

long os_clock_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

long os_clock_coarse_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

unsigned long os_llc_bytes(void)
{
	long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
	long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);

	return l3 > 0 ? (unsigned long)l3 : l2 > 0 ? (unsigned long)l2 : 0;
}
