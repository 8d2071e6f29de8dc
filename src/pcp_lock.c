/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU lock (struct buddy_cpu.lock) that guards a CPU's pcp lists in
 * every zone and its event counters: which CPU this thread runs on, taking
 * the local lock after a failed rseq attempt, taking any CPU's lock from
 * anywhere (drains, checks, stats), choosing rseq or atomic locking once at
 * start-up, and the fork handlers. The inline fast attempts are in internal.h
 * and arch/.../rseq_lock.h; pcp.c's lists, vmstat.c's counters and dump.c's
 * views sit above this file. The argument for the rseq lock is docs/pcp.md.
 */
#include <stdlib.h>

#include "internal.h"
#include "os.h"

/* ------------------------------------------------------------ CPU identity */

/* No rseq (e.g. under valgrind) or an unexpected CPU number. */
int pcp_cpu_id_slow(void)
{
	int cpu = os_current_cpu();

	if (unlikely(cpu < 0 || cpu >= buddy.nr_cpu_ids))
		cpu = cpu < 0 ? 0 : cpu % buddy.nr_cpu_ids;
	return cpu;
}

static void wait_unlocked(struct buddy_cpu *cpu, int *spins)
{
	/* Held by a preempted or migrated thread, or a remote drain: wait, then give way. */
	while (atomic_load_explicit(&cpu->lock, memory_order_relaxed)) {
		if (++*spins > 64) {
			os_yield();
			*spins = 0;
		} else {
			cpu_relax();
		}
	}
}

/*
 * The value a remote locker writes into a CPU's lock word. With rseq locking
 * it must say who wrote it: the thread's id (unique among live threads) plus
 * 2, so that it can never be 0 (free) or 1 (a local rseq owner). In atomic
 * mode every locker uses an atomic read-modify-write and 2 serves all.
 */
static int remote_lock_token(void)
{
#ifdef BUDDY_RSEQ_LOCK
	if (buddy.pcp_rseq_lock)
		return os_thread_id() + 2;
#endif
	return 2;
}

/*
 * Take any CPU's lock, from anywhere: compare-and-swap it from 0 to our token.
 *
 * With rseq locking that is not enough on its own: a thread on that CPU may
 * have read 0 just before our swap and be about to commit its own 1 with a
 * plain store. So we fence the CPU (membarrier PRIVATE_EXPEDITED_RSEQ): a
 * sequence still in flight there restarts and will see the lock taken, and a
 * sequence that already committed is visible to our next load. The lock is
 * ours only if the word still holds our own token: a local commit may have
 * overwritten it, been released, and another remote locker may have put its
 * own token there since - a bare "still reads 2" cannot tell those apart.
 * The argument, and the model checked in CI, are in docs/pcp.md.
 */
void pcp_lock_cpu(struct buddy_cpu *cpu)
{
	const int token = remote_lock_token();
	int spins = 0;

	for (;;) {
		int expected = 0;

		while (!atomic_compare_exchange_weak_explicit(&cpu->lock, &expected, token,
							      memory_order_acquire, memory_order_relaxed)) {
			expected = 0;
			wait_unlocked(cpu, &spins);
		}
#ifdef BUDDY_RSEQ_LOCK
		if (buddy.pcp_rseq_lock) {
			if (os_membarrier_rseq_fence(cpu->id))
				abort(); /* registered at start-up: cannot fail */
			if (atomic_load_explicit(&cpu->lock, memory_order_acquire) != token)
				continue; /* a local locker committed over us: it owns it */
		}
#endif
		return;
	}
}

/* The rseq attempt lost: the lock was busy, or the thread moved. */
struct buddy_cpu *pcp_lock_this_cpu_slow(void)
{
#ifdef BUDDY_RSEQ_LOCK
	int spins = 0;

	for (;;) {
		struct rseq *rs = rseq_area();
		unsigned int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);

		if (cpu >= (unsigned int)buddy.nr_cpu_ids)
			break;
		int rc = rseq_trylock(rs, &buddy.cpus[cpu].lock, cpu);
		if (rc == 0)
			return &buddy.cpus[cpu];
		if (rc == 2)
			wait_unlocked(&buddy.cpus[cpu], &spins);
	}
#endif
	struct buddy_cpu *cpu = &buddy.cpus[pcp_cpu_id()];
	pcp_lock_cpu(cpu);
	return cpu;
}

/*
 * Choose how pcp locks are taken (see pcp.h): rseq needs glibc's rseq
 * registration and membarrier's expedited-rseq fence. Returns the value for
 * buddy.pcp_rseq_lock, which do_init publishes only once the pagesets exist:
 * the rseq fast path reads nothing else before it dereferences them.
 */
int pcp_choose_locking(void)
{
#ifdef BUDDY_RSEQ_LOCK
	if (buddy.settings.pcp_lock < 0 || __rseq_size < 20)
		return 0;
	if (os_membarrier_register_rseq() != 0)
		return 0;
	if (rseq_area()->cpu_id >= (unsigned int)buddy.nr_cpu_ids)
		return 0;
	return 1;
#else
	return 0;
#endif
}

/* Number of CPU slots: every CPU the system may bring online. */
int pcp_nr_cpu_ids(void)
{
	int n = os_nr_cpus();

	if (n < 1)
		n = 1;
	return n > MAX_NR_CPUS ? MAX_NR_CPUS : n;
}

/* ------------------------------------------------------------ fork */

/* Every CPU's lock, the way a drain takes it. */
void pcp_fork_lock(void)
{
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		pcp_lock_cpu(&buddy.cpus[c]);
}

/*
 * In the child the locks' owners are gone and its one thread owns them all:
 * clear them. The membarrier registration belongs to the address space, so
 * the child registers again, and falls back to the atomic lock should that
 * fail - safe now, with no other thread to take the rseq way.
 */
void pcp_fork_unlock(bool child)
{
	if (child && buddy.pcp_rseq_lock && pcp_choose_locking() == 0)
		__atomic_store_n(&buddy.pcp_rseq_lock, 0, __ATOMIC_RELEASE);
	for (int c = buddy.nr_cpu_ids - 1; c >= 0; c--)
		pcp_unlock_cpu(&buddy.cpus[c]);
}
