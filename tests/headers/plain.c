/* Without libnuma: nodemask_t is the kernel's name for buddy_nodemask_t. */
#include <buddy/gfp.h>

int main(void)
{
	nodemask_t m;
	buddy_nodemask_t *same = &m;

	nodes_clear(same);
	return node_isset(0, &m) + MPOL_DEFAULT;
}
