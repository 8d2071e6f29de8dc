// SPDX-License-Identifier: MIT
// The same, from C++: the public headers compile as C++ and link with C linkage.
#include <cstdio>
#include <cstring>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

int main()
{
	unsigned long addr = __get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);

	if (!addr)
		return 1;
	std::memset(reinterpret_cast<void *>(addr), 1, 8192);
	free_pages(addr, 1);
	if (buddy_check() != 0)
		return 2;
	std::printf("consumer (C++): libbuddy %s ok\n", buddy_version());
	buddy_exit();
	return 0;
}
