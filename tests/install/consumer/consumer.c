/* SPDX-License-Identifier: MIT */
/* An out-of-tree program built against an installed libbuddy. */
#include <stdio.h>
#include <string.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

int main(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 2);

	if (!page)
		return 1;
	memset(page_address(page), 0x5a, 4096 << 2);
	__free_pages(page, 2);
	if (buddy_check() != 0)
		return 2;
	if (strcmp(buddy_version(), BUDDY_VERSION_STRING) != 0)
		return 3;
	printf("consumer: libbuddy %s (headers %d.%d.%d) ok\n", buddy_version(), BUDDY_VERSION_MAJOR,
	       BUDDY_VERSION_MINOR, BUDDY_VERSION_PATCH);
	buddy_exit();
	return 0;
}
