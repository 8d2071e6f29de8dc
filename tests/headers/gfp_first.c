/*
 * <buddy/gfp.h> before <numa.h>: the includer says so with
 * BUDDY_NO_NODEMASK_T (a typedef gfp.h made could not be taken back).
 */
#define BUDDY_NO_NODEMASK_T
#include <buddy/gfp.h>
#include <numaif.h>
#include <numa.h>

int main(void)
{
	nodemask_t libnuma_mask;
	buddy_nodemask_t buddy_mask;

	nodemask_zero(&libnuma_mask);
	nodes_clear(&buddy_mask);
	return node_isset(0, &buddy_mask) + (int)libnuma_mask.n[0] + MPOL_DEFAULT;
}
