/* SPDX-License-Identifier: MIT */
/*
 * The blocks live in the replay, by kernel pfn: an open-addressing hash
 * (linear probing, backward-shift deletion, so no tombstones) that grows with
 * the live blocks, plus one bit per kernel pfn saying "freed in this trace"
 * (allocated chunk by chunk: 32 KiB per GiB of the traced machine's pfn range)
 * to tell a double free from a free of a page allocated before the trace.
 * Memory is proportional to live blocks, never to events.
 */
#ifndef REPLAY_PFN_MAP_H
#define REPLAY_PFN_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pfn_entry {
	unsigned long pfn; /* PFN_EMPTY: a free slot */
	void *handle;	   /* the replaying allocator's block; NULL if it failed */
	uint8_t order;
	uint8_t zone; /* where the replaying allocator put it */
	uint8_t comp; /* allocated with __GFP_COMP: never split */
};

#define PFN_EMPTY (~0UL)

struct pfn_map {
	struct pfn_entry *slots;
	size_t mask; /* capacity - 1 */
	size_t count;
	size_t peak;
	uint64_t **freed_chunks; /* bitmap chunks by pfn >> FREED_CHUNK_SHIFT */
	size_t nr_chunks;
};

int pfn_map_init(struct pfn_map *m);
void pfn_map_destroy(struct pfn_map *m);

struct pfn_entry *pfn_map_find(const struct pfn_map *m, unsigned long pfn);
static inline size_t pfn_map_slot(const struct pfn_map *m, unsigned long pfn)
{
	return (size_t)((pfn * 0x9E3779B97F4A7C15ull) >> 20) & m->mask;
}

static inline void pfn_map_prefetch(const struct pfn_map *m, unsigned long pfn)
{
	__builtin_prefetch(&m->slots[pfn_map_slot(m, pfn)]);
}

/* Insert (pfn must not be present); NULL when out of memory. */
struct pfn_entry *pfn_map_insert(struct pfn_map *m, unsigned long pfn);
void pfn_map_remove(struct pfn_map *m, struct pfn_entry *e);

/* The "freed in this trace" bit. */
bool pfn_map_was_freed(const struct pfn_map *m, unsigned long pfn);
int pfn_map_set_freed(struct pfn_map *m, unsigned long pfn, bool freed);

/* Bytes the map holds now (slots and bitmap). */
size_t pfn_map_bytes(const struct pfn_map *m);

/* Visit every entry (removal during the walk is not allowed). */
#define pfn_map_for_each(m, e)                                                                               \
	for ((e) = (m)->slots; (e) <= (m)->slots + (m)->mask; (e)++)                                         \
		if ((e)->pfn != PFN_EMPTY)

#endif /* REPLAY_PFN_MAP_H */
