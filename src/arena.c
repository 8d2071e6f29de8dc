/* SPDX-License-Identifier: MIT */
/*
 * The arena: one virtual reservation holding every node's pages, mapped one
 * node at a time (each node's slice is its own mmap, bound to that node), and
 * the mem_map of page descriptors beside it, mapped and bound the same way.
 * pfn N is the page at arena_base + N * PAGE_SIZE, and the base is aligned to
 * a max-order block, so a block of order n is aligned to PAGE_SIZE << n.
 * Which pfns make up which node and zone is memmap.c's plan (the simulated
 * physical map); this file maps it and builds the nodes and zones.
 *
 * Nothing here touches per-page metadata for the whole arena: each new zone's
 * free pages are put on its lists, or deferred, by free_area.c
 * (init_zone_free_area).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "os.h"

#define MAX_BLOCK_BYTES (MAX_ORDER_NR_PAGES * PAGE_SIZE)

static size_t round_up_sz(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/*
 * Memory for one node's slice of the arena, as the hugepages and arena_file
 * keys ask: a file's range (at the slice's offset in the arena), the
 * hugetlb pool, or anonymous memory - with MADV_HUGEPAGE for thp.
 */
static int commit_arena_slice(char *addr, size_t len)
{
	int rc;

	if (buddy.arena_fd >= 0)
		return os_commit_file(addr, len, buddy.arena_fd, (size_t)(addr - buddy.arena_base));
	if (buddy.arena_backing == ARENA_PAGES_HUGETLB) {
		rc = os_commit_hugetlb(addr, len);
		if (!rc)
			return 0;
		fprintf(stderr,
			"libbuddy: hugepages:hugetlb: no %zu MiB of 2 MiB huge pages in the pool (%s; "
			"see vm.nr_hugepages): using 4 KiB pages\n",
			len >> 20, strerror(-rc));
		buddy.arena_backing = ARENA_PAGES_4K;
	}
	rc = os_commit(addr, len);
	if (!rc && buddy.arena_backing == ARENA_PAGES_THP && os_advise_hugepages(addr, len))
		buddy.arena_backing = ARENA_PAGES_4K; /* no THP in this kernel: nothing lost */
	return rc;
}

/* One node's slice of a reservation: its own mapping, bound to the node. */
static int map_node_slice(char *addr, size_t len, int nid, bool arena)
{
	int rc = arena ? commit_arena_slice(addr, len) : os_commit(addr, len);

	if (rc)
		return rc;
	numa_bind_range(addr, len, nid);
	return 0;
}

/* The file behind the arena, if the settings name one: arena_fd, or arena_file opened here. */
static int open_arena_file(void)
{
	const struct buddy_settings *s = &buddy.settings;
	int fd;

	buddy.arena_fd = -1;
	buddy.arena_backing = s->hugepages;
	if (s->arena_fd > 0) {
		int rc = os_file_grow(s->arena_fd, buddy.arena_bytes);
		if (rc) {
			fprintf(stderr, "libbuddy: arena_fd %d: cannot size it to %zu bytes: %s\n",
				s->arena_fd, buddy.arena_bytes, strerror(-rc));
			return rc;
		}
		buddy.arena_fd = s->arena_fd;
	} else if (s->arena_file[0]) {
		fd = os_open_sized_file(s->arena_file, buddy.arena_bytes);
		if (fd < 0) {
			fprintf(stderr, "libbuddy: arena_file %s: %s\n", s->arena_file, strerror(-fd));
			return fd;
		}
		buddy.arena_fd = fd;
		buddy.arena_fd_owned = true;
	}
	if (buddy.arena_fd >= 0)
		buddy.arena_backing = ARENA_PAGES_4K; /* the file's own pages: hugetlbfs gives huge ones */
	return 0;
}

#ifdef BUDDY_ASAN
/* One bit per max-order block ever poisoned; set lock-free by the freeing paths. */
static unsigned long *poisoned_blocks;

void arena_poison_pages(void *addr, size_t size)
{
	size_t first = (size_t)((char *)addr - buddy.arena_base) / MAX_BLOCK_BYTES;
	size_t last = (size_t)((char *)addr + size - 1 - buddy.arena_base) / MAX_BLOCK_BYTES;
	const size_t bits = 8 * sizeof(unsigned long);

	for (size_t b = first; poisoned_blocks && b <= last; b++)
		__atomic_fetch_or(&poisoned_blocks[b / bits], 1UL << (b % bits), __ATOMIC_RELAXED);
	__asan_poison_memory_region(addr, size);
}

void arena_unpoison_all(void)
{
	size_t blocks = (buddy.arena_bytes + MAX_BLOCK_BYTES - 1) / MAX_BLOCK_BYTES;
	const size_t bits = 8 * sizeof(unsigned long);

	for (size_t b = 0; poisoned_blocks && b < blocks; b++) {
		size_t len =
			buddy.arena_bytes - b * MAX_BLOCK_BYTES; /* the last block may be a partial one */
		if (len > MAX_BLOCK_BYTES)
			len = MAX_BLOCK_BYTES;
		if (poisoned_blocks[b / bits] & (1UL << (b % bits)))
			__asan_unpoison_memory_region(buddy.arena_base + b * MAX_BLOCK_BYTES, len);
	}
	free(poisoned_blocks);
	poisoned_blocks = NULL;
}

static void arena_poison_tracking_init(void)
{
	size_t bits = 8 * sizeof(unsigned long);

	poisoned_blocks =
		calloc(((buddy.arena_bytes + MAX_BLOCK_BYTES - 1) / MAX_BLOCK_BYTES + bits - 1) / bits,
		       sizeof(unsigned long));
}
#else
static void arena_poison_tracking_init(void)
{
}
#endif

/*
 * zone->lock is held for a few list operations at a time, like the kernel's
 * spinlock: an adaptive mutex spins briefly before sleeping, so two CPUs
 * refilling and draining their lists do not bounce through futex sleeps.
 */
static void init_zone_lock(pthread_mutex_t *lock)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

static const char *const zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "HighMem", "Movable"};

static int init_zone(pg_data_t *pgdat, enum zone_type idx, unsigned long start, unsigned long pages)
{
	struct zone *zone = &pgdat->node_zones[idx];

	zone->zone_pgdat = pgdat;
	zone->node = pgdat->node_id;
	zone->idx = idx;
	zone->name = zone_names[idx];
	zone->zone_start_pfn = start;
	zone->spanned_pages = pages;
	zone->present_pages = pages;
	zone->managed_pages = pages;
	init_zone_lock(&zone->lock);
	for (int o = 0; o < MAX_ORDER; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[t]);
	zone->pageblock_flags = alloc_pageblock_flags(pages);
	if (!zone->pageblock_flags)
		return -ENOMEM;
	if (pages) {
		zone_lock(zone); /* nobody else runs yet, but the "__" helpers assert it */
		init_zone_free_area(zone);
		zone_unlock(zone);
	}
	return 0;
}

/* A node and its zones, as memmap.c planned them. */
static int init_node(int nid)
{
	const struct memmap *m = &buddy.memmap;
	pg_data_t *pgdat = aligned_alloc(CACHELINE, round_up_sz(sizeof(*pgdat), CACHELINE));

	if (!pgdat)
		return -ENOMEM;
	memset(pgdat, 0, sizeof(*pgdat));
	buddy.node_data[nid] = pgdat;
	pgdat->node_id = nid;
	pgdat->node_start_pfn = m->node_start_pfn[nid];
	pgdat->node_spanned_pages = m->node_start_pfn[nid + 1] - m->node_start_pfn[nid];
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		int rc =
			init_zone(pgdat, (enum zone_type)z, m->zone_start_pfn[nid][z], m->zone_pages[nid][z]);
		if (rc)
			return rc;
		if (m->zone_pages[nid][z])
			pgdat->nr_zones = z + 1;
	}
	return 0;
}

/* Node nid's slice of the arena and of mem_map: its own mappings, bound to the node. */
static int map_node(int nid)
{
	unsigned long start = buddy.memmap.node_start_pfn[nid], end = buddy.memmap.node_start_pfn[nid + 1];
	int rc = map_node_slice(buddy.arena_base + start * PAGE_SIZE, (end - start) * PAGE_SIZE, nid, true);

	if (!rc)
		rc = map_node_slice((char *)(buddy.mem_map + start), (end - start) * sizeof(struct page), nid,
				    false);
	return rc;
}

/*
 * The arena as memmap_plan laid it out (init.c plans it right after the
 * topology is known): one reservation for every node's pages, one for
 * mem_map, each node's slice mapped and bound, then its zones built.
 */
int arena_reserve(void)
{
	int nodes = buddy.nr_node_ids;
	int rc;

	buddy.nr_pages = buddy.memmap.node_start_pfn[nodes];
	buddy.arena_bytes = buddy.nr_pages * PAGE_SIZE;
	buddy.mem_map_bytes = buddy.nr_pages * sizeof(struct page);

	rc = open_arena_file();
	if (rc)
		return rc;
	buddy.arena_base = os_reserve(buddy.arena_bytes, MAX_BLOCK_BYTES);
	arena_poison_tracking_init();
	buddy.mem_map = (struct page *)os_reserve(buddy.mem_map_bytes, PAGE_SIZE);
	if (!buddy.arena_base || !buddy.mem_map) {
		fprintf(stderr, "libbuddy: cannot reserve %zu bytes of address space\n", buddy.arena_bytes);
		arena_release();
		return -ENOMEM;
	}
	for (int nid = 0; nid < nodes; nid++) {
		rc = map_node(nid);
		if (!rc)
			rc = init_node(nid);
		if (rc) {
			arena_release();
			return rc;
		}
	}
	return 0;
}

void arena_release(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		pg_data_t *pgdat = buddy.node_data[nid];
		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			free(pgdat->node_zones[z].pageblock_flags);
			free_zone_pageset(&pgdat->node_zones[z]);
			pthread_mutex_destroy(&pgdat->node_zones[z].lock);
		}
		free(pgdat);
		buddy.node_data[nid] = NULL;
	}
	/*
	 * ASan keeps its poison of free pages after munmap; a later mapping at
	 * the same address (a thread's stack, say) would trip over it.
	 */
	arena_unpoison_all();
	os_release(buddy.arena_base, buddy.arena_bytes);
	os_release(buddy.mem_map, buddy.mem_map_bytes);
	buddy.arena_base = NULL;
	buddy.mem_map = NULL;
	if (buddy.arena_fd_owned)
		os_close(buddy.arena_fd);
	buddy.arena_fd = -1;
	buddy.arena_fd_owned = false;
}

void arena_fork_lock(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (buddy.node_data[nid])
			for (int z = 0; z < MAX_NR_ZONES; z++)
				pthread_mutex_lock(&buddy.node_data[nid]->node_zones[z].lock);
}

void arena_fork_unlock(bool child)
{
	for (int nid = MAX_NUMNODES - 1; nid >= 0; nid--)
		if (buddy.node_data[nid])
			for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
				pthread_mutex_t *lock = &buddy.node_data[nid]->node_zones[z].lock;
				if (child)
					init_zone_lock(lock);
				else
					pthread_mutex_unlock(lock);
			}
}
