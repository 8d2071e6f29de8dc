/* SPDX-License-Identifier: MIT */
/*
 * Taking a CPU's pcp lock from the fast paths (pcp_lock.c has the slow
 * parts): inline, and here rather than in pcp.h because they read the state.
 * The protocol and why it is mutually exclusive: docs/pcp.md.
 */
#ifndef BUDDY_PCP_LOCK_H
#define BUDDY_PCP_LOCK_H

#include "state.h"

/* ------------------------------------------------------- pcp_lock.c: taking the CPU lock */

/*
 * Here, not in pcp.h, because they read the state. The CPU this thread runs on: the cpu_id field of the rseq
 * area glibc registers for every thread (one load), else sched_getcpu().
 */
static inline int pcp_cpu_id(void)
{
	if (likely(__rseq_size >= 8)) {
		const struct rseq *rs =
			(const struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
		unsigned int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
		if (likely(cpu < (unsigned int)buddy.nr_cpu_ids))
			return (int)cpu;
	}
	return pcp_cpu_id_slow();
}

/*
 * One attempt at the current CPU's lock, for the fast paths: NULL when it is
 * busy, when the rseq sequence was interrupted, or before initialisation -
 * the caller then takes the full path, which waits. This rseq variant is
 * also NULL in atomic mode; it never calls out, so the fast paths built on
 * it stay leaf functions.
 */
static inline struct buddy_cpu *pcp_trylock_this_cpu_rseq(void)
{
#ifdef BUDDY_RSEQ_LOCK
	/* acquire: a plain mov on x86, but nothing below may be read before it */
	if (likely(__atomic_load_n(&buddy.pcp_rseq_lock, __ATOMIC_ACQUIRE))) {
		struct rseq *rs = rseq_area();
		unsigned int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);

		if (likely(cpu < (unsigned int)buddy.nr_cpu_ids) &&
		    likely(rseq_trylock(rs, &buddy.cpus[cpu].lock, cpu) == 0))
			return &buddy.cpus[cpu];
	}
#endif
	return NULL;
}

/* Lock the current CPU's lists. */
static inline struct buddy_cpu *pcp_lock_this_cpu(void)
{
#ifdef BUDDY_RSEQ_LOCK
	if (likely(buddy.pcp_rseq_lock)) {
		struct buddy_cpu *cpu = pcp_trylock_this_cpu_rseq();
		return likely(cpu) ? cpu : pcp_lock_this_cpu_slow();
	}
#endif
	struct buddy_cpu *cpu = &buddy.cpus[pcp_cpu_id()];

	if (unlikely(atomic_exchange_explicit(&cpu->lock, 1, memory_order_acquire)))
		pcp_lock_cpu(cpu);
	return cpu;
}

/* One attempt in either locking mode; the atomic one may call sched_getcpu(). */
static inline struct buddy_cpu *pcp_trylock_this_cpu(void)
{
	/*
	 * initialized first: once it reads 1, pcp_rseq_lock holds its final
	 * value, so this thread cannot take the atomic way while others on the
	 * same CPU take the rseq one.
	 */
	if (unlikely(!atomic_load_explicit(&buddy.initialized, memory_order_acquire)))
		return NULL;
#ifdef BUDDY_RSEQ_LOCK
	if (likely(buddy.pcp_rseq_lock))
		return pcp_trylock_this_cpu_rseq();
#endif

	struct buddy_cpu *cpu = &buddy.cpus[pcp_cpu_id()];

	if (unlikely(atomic_exchange_explicit(&cpu->lock, 1, memory_order_acquire)))
		return NULL;
	return cpu;
}

#endif /* BUDDY_PCP_LOCK_H */
