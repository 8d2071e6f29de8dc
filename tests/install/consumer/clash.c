/* SPDX-License-Identifier: MIT */
/*
 * A program whose own globals carry the names of libbuddy's internals: linked
 * statically against libbuddy.a, it must link (no "multiple definition") and
 * both its definitions and the library must work.
 */
#include <stdio.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

int buddy = 7;
int zone_statistics(int x);
int expand(int x);
void bad_page(void);

int expand(int x)
{
	return x * 2;
}

int zone_statistics(int x)
{
	return x + 1;
}

void bad_page(void)
{
	puts("the program's own bad_page");
}

int main(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	if (!page || expand(buddy) != 14 || zone_statistics(1) != 2)
		return 1;
	__free_pages(page, 0);
	bad_page();
	if (buddy_check() != 0)
		return 2;
	puts("clash: static libbuddy.a beside the program's expand, bad_page, buddy, zone_statistics: ok");
	buddy_exit();
	return 0;
}
