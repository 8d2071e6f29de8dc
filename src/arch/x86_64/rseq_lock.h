/* SPDX-License-Identifier: MIT */
/*
 * The rseq lock attempt on x86-64 (see the CPU-lock comment in pcp.h): one
 * restartable sequence that takes the current CPU's pcp lock if it is free.
 * Not under TSan, which does not understand the sequence.
 */
#ifndef BUDDY_ARCH_X86_64_RSEQ_LOCK_H
#define BUDDY_ARCH_X86_64_RSEQ_LOCK_H

#include <stdatomic.h>
#include <sys/rseq.h>

#include "../../sanitizer.h"

#ifndef BUDDY_TSAN
#define BUDDY_RSEQ_LOCK 1
#define BUDDY_RSEQ_SIG	0x53053053 /* glibc's registered abort signature on x86 */

static inline struct rseq *rseq_area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

/* 0: locked; 1: preempted, migrated or not on cpu - retry; 2: lock busy. */
static inline int rseq_trylock(struct rseq *rs, atomic_int *lock, unsigned int cpu)
{
	__asm__ goto(".pushsection __rseq_cs, \"aw\"\n\t"
		     ".balign 32\n\t"
		     "3:\n\t"
		     ".long 0x0, 0x0\n\t"	   /* version, flags */
		     ".quad 1f, (2f - 1f), 4f\n\t" /* start, length, abort */
		     ".popsection\n\t"
		     "leaq 3b(%%rip), %%rax\n\t"
		     "movq %%rax, %[rseq_cs]\n\t"
		     "1:\n\t"
		     "cmpl %[cpu], %[cpu_id]\n\t"
		     "jnz %l[retry]\n\t"
		     "cmpl $0, %[lock]\n\t"
		     "jnz %l[busy]\n\t"
		     "movl $1, %[lock]\n\t" /* commit */
		     "2:\n\t"
		     ".pushsection __rseq_failure, \"ax\"\n\t"
		     ".byte 0x0f, 0xb9, 0x3d\n\t" /* ud1 with the signature as operand */
		     ".long 0x53053053\n\t"
		     "4:\n\t"
		     "jmp %l[retry]\n\t"
		     ".popsection\n\t"
		     :
		     : [cpu] "r"(cpu), [cpu_id] "m"(rs->cpu_id), [rseq_cs] "m"(rs->rseq_cs), [lock] "m"(*lock)
		     : "memory", "cc", "rax"
		     : retry, busy);
	return 0;
retry:
	return 1;
busy:
	return 2;
}
#endif /* !BUDDY_TSAN */

#endif /* BUDDY_ARCH_X86_64_RSEQ_LOCK_H */
