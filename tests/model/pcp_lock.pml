/*
 * pcp_lock.pml - the per-CPU (pcp) lock of rseq mode, checked exhaustively
 * with Spin. Run by scripts/model_check.sh; the argument is in docs/pcp.md.
 *
 * One CPU, X, and its lock word (struct buddy_cpu.lock):
 *   0      free
 *   1      held by a local owner, taken by an rseq sequence on X
 *   >= 2   held by a remote locker: its token
 * Four parties take and release X's lock over and over, without bound:
 *   Local(0), Local(1)    threads that run on X now and then and take X's
 *                         lock with rseq_trylock (src/arch/x86_64/rseq_lock.h), as
 *                         pcp_trylock_this_cpu_rseq and the loop in
 *                         pcp_lock_this_cpu_slow (src/pcp.c) do
 *   Remote(0), Remote(1)  threads on other CPUs that take X's lock with
 *                         pcp_lock_cpu (src/pcp.c): drains, buddy_check,
 *                         the views, the slow path's fallback
 *   StoreBuffer           X's store buffer draining into memory
 * Release is pcp_unlock_cpu (src/pcp.h), a store of 0, from anywhere.
 *
 * The kernel and the machine, as modelled:
 * - "cur" is the modelled thread running on X (at most one; NONE when X
 *   runs something else). A Local that wants X's lock gets scheduled there,
 *   preempting the other; it may also leave X (preempted, migrated) at any
 *   point that matters. A thread off X still runs, on some other CPU; only
 *   the steps that must happen on X check that they do.
 * - A Local's sequence is "live" from its start (rseq_cs published) to its
 *   commit or its exit to "busy". While it is live the kernel restarts it -
 *   it can no longer commit - if the thread is switched out of X or
 *   membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, FLAG_CPU, X) interrupts
 *   X (ipi_rseq: smp_mb(), then rseq_preempt of whatever runs there). The
 *   membarrier is one atomic step, the IPI; other steps interleave between
 *   it and the remote locker's re-read of the word.
 * - x86 TSO for the lock word: the thread on X stores into X's store buffer
 *   (three slots), reads its own newest store from there, and the buffer
 *   drains into memory at any time, and wholly on a context switch and in
 *   the membarrier IPI. The CAS is a locked instruction on memory. Stores
 *   off X go straight to memory (a delayed release only holds longer).
 * - Waiting (wait_unlocked's spin, the CAS loop) is a blocking guard; the
 *   pcp lists themselves are a counter of holders.
 * Checked: mutual exclusion and that the word names its holder (asserts),
 * and no deadlock (invalid end states). Not checked: starvation.
 *
 *   spin -a pcp_lock.pml                  the protocol as in src/pcp.c
 *   spin -a -DOLD_PROTOCOL pcp_lock.pml   a9cddad: every remote token is 2
 *   spin -a -DNO_CPU_CHECK pcp_lock.pml   rseq_trylock without its cpu check
 */

#define FREE	0
#define LOCAL	1
#define NONE	2	/* cur: no modelled thread runs on X */
#define OFF_X	3	/* the "who" of a Remote: never on X */
#define EMPTY	255	/* an unused store-buffer slot */

/* remote_lock_token(): tid + 2, unique among live threads; a9cddad used 2. */
#ifdef OLD_PROTOCOL
#define TOKEN(r)	2
#else
#define TOKEN(r)	(2 + (r))
#endif

/* The commit: rseq_trylock's cpu check has put the thread on X; without it, maybe elsewhere. */
#ifdef NO_CPU_CHECK
#define COMMIT(me)	store(me, LOCAL)
#else
#define COMMIT(me)	store_x(LOCAL)
#endif

byte lock = FREE;	/* X's lock word, in memory */
byte sb[3] = EMPTY;	/* X's store buffer: stores to the word not yet in memory, oldest first */
byte cur = NONE;	/* which Local runs on X */
bool live[2];		/* Local(i)'s rseq sequence is in flight, not yet restarted */
byte holders;		/* parties inside the critical section */

/* The word as "who" reads it: on X, its own newest buffered store (store forwarding), else memory. */
#define NEWEST_X	(sb[2] != EMPTY -> sb[2] : (sb[1] != EMPTY -> sb[1] : (sb[0] != EMPTY -> sb[0] : lock)))
#define VIEW(who)	(cur == who -> NEWEST_X : lock)
/* A store by "who" can issue: off X always, on X while the buffer has room. */
#define ROOM(who)	(cur != who || sb[2] == EMPTY)

inline drain_one()
{
	lock = sb[0];
	sb[0] = sb[1];
	sb[1] = sb[2];
	sb[2] = EMPTY
}

/* Everything X stored reaches memory: context switch (run queue lock), membarrier's IPI. */
inline flush_x()
{
	do
	:: sb[0] != EMPTY -> drain_one()
	:: else -> break
	od
}

/* Any time, the oldest buffered store reaches memory. */
proctype StoreBuffer()
{
end:	do
	:: atomic { sb[0] != EMPTY -> drain_one() }
	od
}

/* A store by the thread on X (ROOM checked): into the buffer. */
inline store_x(v)
{
	if
	:: sb[0] == EMPTY -> sb[0] = v
	:: sb[0] != EMPTY && sb[1] == EMPTY -> sb[1] = v
	:: sb[1] != EMPTY -> sb[2] = v
	fi
}

inline store(who, v)
{
	if
	:: cur == who -> store_x(v)
	:: else -> lock = v
	fi
}

/* The kernel restarts the sequence of whatever runs on X. */
inline interrupt_x()
{
	if
	:: cur != NONE -> live[cur] = false
	:: else
	fi
}

/* Entering and leaving the critical section: the properties checked. */
inline enter(who, word)
{
	holders++;
	assert(holders == 1);		/* mutual exclusion */
	assert(VIEW(who) == word)	/* the word names its owner */
}

inline leave_cs(who, word)
{
	assert(VIEW(who) == word);	/* nobody overwrote it while held */
	holders--
}

proctype Local(byte me)
{
	byte seen;

end_idle:
	do
	:: true ->
retry:		/* rs->cpu_id reads X: the thread is scheduled there, preempting the other */
		atomic {
			if
			:: cur != me -> flush_x(); interrupt_x(); cur = me
			:: else
			fi
		};
		/* it may be preempted or migrated before its sequence starts */
		if
		:: skip
		:: atomic { cur == me -> flush_x(); cur = NONE }
		fi;
		/* rseq_trylock: "leaq 3b; movq %rax, rseq_cs": the sequence starts */
		live[me] = true;
#ifndef NO_CPU_CHECK
		/* "cmpl %[cpu], %[cpu_id]; jnz retry": still on X? */
		if
		:: cur != me -> live[me] = false; goto retry
		:: else
		fi;
#endif
		/* "cmpl $0, %[lock]"; a restarted sequence goes to its abort handler, then retry */
		atomic {
			if
			:: !live[me] -> goto retry
			:: else -> seen = VIEW(me)
			fi
		};
		if
		:: seen != FREE ->	/* "jnz busy": leave, wait_unlocked, try again */
			live[me] = false;
			(VIEW(me) == FREE);
			goto retry
		:: else
		fi;
		/* "movl $1, %[lock]": the commit, a plain store, unless restarted first */
		atomic {
			if
			:: !live[me] -> goto retry
			:: live[me] && ROOM(me) -> COMMIT(me); live[me] = false; enter(me, LOCAL)
			fi
		};
		/* Held; preempted or migrated perhaps (the other Local's switch-in). pcp_unlock_cpu: */
		atomic { ROOM(me) -> leave_cs(me, LOCAL); store(me, FREE) }
	od
}

proctype Remote(byte r)
{
end_idle:
	do
	:: true ->
again:		/* pcp_lock_cpu: CAS 0 -> token (on memory); while nonzero, wait_unlocked */
		atomic { lock == FREE -> lock = TOKEN(r) };
		/* membarrier(PRIVATE_EXPEDITED_RSEQ, FLAG_CPU, X): the IPI's smp_mb(), then the restart */
		atomic { flush_x(); interrupt_x() };
		/* "if (atomic_load(&cpu->lock) != token) continue;" */
		atomic {
			if
			:: lock == TOKEN(r) -> enter(OFF_X, TOKEN(r))
			:: else -> goto again
			fi
		};
		/* pcp_unlock_cpu */
		atomic { leave_cs(OFF_X, TOKEN(r)); lock = FREE }
	od
}

init
{
	atomic {
		run StoreBuffer();
		run Local(0);
		run Local(1);
		run Remote(0);
		run Remote(1)
	}
}
