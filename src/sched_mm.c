/* SPDX-License-Identifier: MIT */
/* Per-thread allocation scopes: include/buddy/sched_mm.h. */
#include "sched_mm.h"

__thread unsigned int current_flags;

/* Set bits and return the ones that were set before, for the restore. */
static unsigned int scope_save(unsigned int bits)
{
	unsigned int old = current_flags & bits;

	current_flags |= bits;
	return old;
}

static void scope_restore(unsigned int bits, unsigned int saved)
{
	current_flags = (current_flags & ~bits) | (saved & bits);
}

unsigned int memalloc_noreclaim_save(void)
{
	return scope_save(PF_MEMALLOC);
}

void memalloc_noreclaim_restore(unsigned int flags)
{
	scope_restore(PF_MEMALLOC, flags);
}

unsigned int memalloc_nofs_save(void)
{
	return scope_save(PF_MEMALLOC_NOFS);
}

void memalloc_nofs_restore(unsigned int flags)
{
	scope_restore(PF_MEMALLOC_NOFS, flags);
}

unsigned int memalloc_noio_save(void)
{
	return scope_save(PF_MEMALLOC_NOIO);
}

void memalloc_noio_restore(unsigned int flags)
{
	scope_restore(PF_MEMALLOC_NOIO, flags);
}
