/* libnuma's <numa.h> before <buddy/gfp.h>: nodemask_t stays libnuma's, ours is buddy_nodemask_t. */
#include <numa.h>
#include <numaif.h>
#include <buddy/gfp.h>

int main(void)
{
	nodemask_t libnuma_mask;     /* libnuma's */
	buddy_nodemask_t buddy_mask; /* libbuddy's */

	nodemask_zero(&libnuma_mask);
	nodes_clear(&buddy_mask);
	node_set(0, &buddy_mask);
	(void)buddy_set_mempolicy(MPOL_BIND, &buddy_mask, MAX_NUMNODES + 1);
	return node_isset(0, &buddy_mask) - 1 + (int)libnuma_mask.n[0] + MPOL_PREFERRED_MANY - 5;
}
