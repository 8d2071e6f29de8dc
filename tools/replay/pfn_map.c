/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "pfn_map.h"

#define INITIAL_SLOTS	  4096
#define FREED_CHUNK_SHIFT 18 /* 2^18 pfns (1 GiB) per 32 KiB chunk */

#define slot_of pfn_map_slot

static struct pfn_entry *alloc_slots(size_t n)
{
	struct pfn_entry *s = malloc(n * sizeof(*s));

	if (s)
		for (size_t i = 0; i < n; i++)
			s[i].pfn = PFN_EMPTY;
	return s;
}

int pfn_map_init(struct pfn_map *m)
{
	memset(m, 0, sizeof(*m));
	m->slots = alloc_slots(INITIAL_SLOTS);
	m->mask = INITIAL_SLOTS - 1;
	return m->slots ? 0 : -1;
}

void pfn_map_destroy(struct pfn_map *m)
{
	for (size_t i = 0; i < m->nr_chunks; i++)
		free(m->freed_chunks[i]);
	free(m->freed_chunks);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

struct pfn_entry *pfn_map_find(const struct pfn_map *m, unsigned long pfn)
{
	for (size_t i = slot_of(m, pfn);; i = (i + 1) & m->mask) {
		struct pfn_entry *e = &m->slots[i];
		if (e->pfn == pfn)
			return e;
		if (e->pfn == PFN_EMPTY)
			return NULL;
	}
}

static struct pfn_entry *place(struct pfn_map *m, unsigned long pfn)
{
	size_t i = slot_of(m, pfn);

	while (m->slots[i].pfn != PFN_EMPTY)
		i = (i + 1) & m->mask;
	m->slots[i].pfn = pfn;
	return &m->slots[i];
}

/* Double the table at 50% load: short probe sequences matter more than memory. */
static int grow(struct pfn_map *m)
{
	struct pfn_entry *old = m->slots;
	size_t old_n = m->mask + 1;

	m->slots = alloc_slots(old_n * 2);
	if (!m->slots) {
		m->slots = old;
		return -1;
	}
	m->mask = old_n * 2 - 1;
	for (size_t i = 0; i < old_n; i++)
		if (old[i].pfn != PFN_EMPTY)
			*place(m, old[i].pfn) = old[i];
	free(old);
	return 0;
}

struct pfn_entry *pfn_map_insert(struct pfn_map *m, unsigned long pfn)
{
	struct pfn_entry *e;

	if ((m->count + 1) * 2 > m->mask + 1 && grow(m))
		return NULL;
	e = place(m, pfn);
	e->handle = NULL;
	e->order = 0;
	e->zone = 0;
	e->comp = 0;
	if (++m->count > m->peak)
		m->peak = m->count;
	return e;
}

/* Backward-shift deletion: pull later entries of the probe run into the hole. */
void pfn_map_remove(struct pfn_map *m, struct pfn_entry *e)
{
	size_t hole = (size_t)(e - m->slots);

	for (size_t i = (hole + 1) & m->mask; m->slots[i].pfn != PFN_EMPTY; i = (i + 1) & m->mask) {
		size_t home = slot_of(m, m->slots[i].pfn);
		/* Movable into the hole when its home is not in (hole, i]. */
		if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
			m->slots[hole] = m->slots[i];
			hole = i;
		}
	}
	m->slots[hole].pfn = PFN_EMPTY;
	m->count--;
}

bool pfn_map_was_freed(const struct pfn_map *m, unsigned long pfn)
{
	size_t c = pfn >> FREED_CHUNK_SHIFT;
	unsigned long bit = pfn & ((1UL << FREED_CHUNK_SHIFT) - 1);

	if (c >= m->nr_chunks || !m->freed_chunks[c])
		return false;
	return (m->freed_chunks[c][bit / 64] >> (bit % 64)) & 1;
}

int pfn_map_set_freed(struct pfn_map *m, unsigned long pfn, bool freed)
{
	size_t c = pfn >> FREED_CHUNK_SHIFT;
	unsigned long bit = pfn & ((1UL << FREED_CHUNK_SHIFT) - 1);

	if (c >= m->nr_chunks) {
		if (!freed)
			return 0;
		size_t n = c + 1;
		uint64_t **p = realloc(m->freed_chunks, n * sizeof(*p));
		if (!p)
			return -1;
		memset(p + m->nr_chunks, 0, (n - m->nr_chunks) * sizeof(*p));
		m->freed_chunks = p;
		m->nr_chunks = n;
	}
	if (!m->freed_chunks[c]) {
		if (!freed)
			return 0;
		m->freed_chunks[c] = calloc((1UL << FREED_CHUNK_SHIFT) / 64, sizeof(uint64_t));
		if (!m->freed_chunks[c])
			return -1;
	}
	if (freed)
		m->freed_chunks[c][bit / 64] |= 1ull << (bit % 64);
	else
		m->freed_chunks[c][bit / 64] &= ~(1ull << (bit % 64));
	return 0;
}

size_t pfn_map_bytes(const struct pfn_map *m)
{
	size_t b = (m->mask + 1) * sizeof(struct pfn_entry) + m->nr_chunks * sizeof(uint64_t *);

	for (size_t i = 0; i < m->nr_chunks; i++)
		if (m->freed_chunks[i])
			b += (1UL << FREED_CHUNK_SHIFT) / 8;
	return b;
}
