/* <sys/user.h> defines PAGE_SHIFT, PAGE_SIZE and PAGE_MASK too: no redefinition warning either way. */
#include <sys/user.h>
#include <buddy/gfp.h>

int main(void)
{
	return (int)(PAGE_SIZE - 4096 + (PAGE_MASK & 1) + PAGE_SHIFT - 12);
}
