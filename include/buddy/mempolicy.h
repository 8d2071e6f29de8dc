/* SPDX-License-Identifier: MIT */
/*
 * <buddy/mempolicy.h> - the calling thread's memory policy (set_mempolicy(2)
 * over libbuddy's nodes) and its cpuset (the nodes it may allocate from).
 * Included by <buddy/gfp.h>.
 *
 * alloc_pages(), alloc_page(), __get_free_pages() and the calls built on
 * them follow the calling thread's policy, as the kernel's alloc_pages()
 * follows the task's (Linux 6.1 mm/mempolicy.c); alloc_pages_node(),
 * __alloc_pages_nodemask() and the bulk calls do not. Every allocation
 * honours the thread's mems_allowed (kernel/cgroup/cpuset.c rules, see
 * buddy_set_mems_allowed(3)). docs/zone-policy.md describes both.
 */
#ifndef BUDDY_MEMPOLICY_H
#define BUDDY_MEMPOLICY_H

#include <buddy/gfp.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel's mode numbers (include/uapi/linux/mempolicy.h), spelt as
 * libnuma's <numaif.h> spells them so that either header may come first.
 */
// clang-format off
#ifndef MPOL_DEFAULT
#define MPOL_DEFAULT     0
#endif
#ifndef MPOL_PREFERRED
#define MPOL_PREFERRED   1
#endif
#ifndef MPOL_BIND
#define MPOL_BIND        2
#endif
#ifndef MPOL_INTERLEAVE
#define MPOL_INTERLEAVE  3
#endif
#ifndef MPOL_LOCAL
#define MPOL_LOCAL       4
#endif
#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY   5
#endif
// clang-format on

/*
 * set_mempolicy(2) for the calling thread: mode one of MPOL_*, nodes a
 * mask of maxnode - 1 bits (the syscall's convention; maxnode 0 or nodes
 * NULL is an empty mask). Returns 0 or -EINVAL: an unknown mode or mode
 * flag, a mask for MPOL_DEFAULT or MPOL_LOCAL, an empty mask for the
 * others (MPOL_PREFERRED with an empty mask means MPOL_LOCAL), a bit at
 * MAX_NUMNODES or above, or a mask with no node that exists and that the
 * thread's mems_allowed allows.
 */
BUDDY_API int buddy_set_mempolicy(int mode, const buddy_nodemask_t *nodes, unsigned long maxnode);
/*
 * get_mempolicy(2) without flags: the thread's mode (MPOL_DEFAULT if it set
 * none) and nodes (empty for MPOL_DEFAULT and MPOL_LOCAL). Either pointer
 * may be NULL; -EINVAL if nodes is given and maxnode < the number of nodes.
 */
BUDDY_API int buddy_get_mempolicy(int *mode, buddy_nodemask_t *nodes, unsigned long maxnode);

/*
 * The calling thread's cpuset: the nodes it may allocate from. NULL, or a
 * mask holding every node, lifts the restriction. -EINVAL for an empty
 * mask or a node that does not exist.
 */
BUDDY_API int buddy_set_mems_allowed(const buddy_nodemask_t *nodes);
/* The thread's mems_allowed: every node when unrestricted. */
BUDDY_API int buddy_get_mems_allowed(buddy_nodemask_t *nodes);

#ifdef __cplusplus
}
#endif

#endif /* BUDDY_MEMPOLICY_H */
