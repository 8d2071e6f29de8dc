/* SPDX-License-Identifier: MIT */
/*
 * No rseq lock attempt on this architecture: BUDDY_RSEQ_LOCK stays undefined
 * and the per-CPU locks are always taken with an atomic exchange (pcp.h).
 * To add one, define BUDDY_RSEQ_LOCK, rseq_area() and rseq_trylock() as
 * arch/x86_64/rseq_lock.h does, with the architecture's abort signature.
 */
#ifndef BUDDY_ARCH_GENERIC_RSEQ_LOCK_H
#define BUDDY_ARCH_GENERIC_RSEQ_LOCK_H

#endif /* BUDDY_ARCH_GENERIC_RSEQ_LOCK_H */
