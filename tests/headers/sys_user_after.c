#include <buddy/gfp.h>
#include <sys/user.h>

int main(void)
{
	return (int)(PAGE_SIZE - 4096 + (PAGE_MASK & 1) + PAGE_SHIFT - 12);
}
