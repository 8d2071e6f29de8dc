/* SPDX-License-Identifier: MIT */
/*
 * demo: allocate a mix of orders from several zones, show /proc/buddyinfo
 * before, during and after, free everything and show that the buddy system
 * coalesced it all back.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

#define NR_ALLOCS 64

static void print_nonzero_vmstat(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	buddy_dump(f, "vmstat");
	fclose(f);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		const char *value = strrchr(line, ' ');
		if (value && strcmp(value, " 0") != 0)
			printf("%s\n", line);
	}
	free(text);
}

int main(void)
{
	static const gfp_t masks[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_DMA32, GFP_KERNEL | __GFP_ZERO,
				       GFP_ATOMIC, GFP_DMA };
	struct { struct page *page; unsigned int order; } allocs[NR_ALLOCS];
	int rc = buddy_init(NULL);

	if (rc) {
		fprintf(stderr, "buddy_init failed: %d\n", rc);
		return 1;
	}
	printf("== buddyinfo after buddy_init()\n");
	buddy_dump(stdout, "buddyinfo");

	srand(42);
	for (int i = 0; i < NR_ALLOCS; i++) {
		unsigned int order = (unsigned int)(rand() % MAX_ORDER);
		gfp_t gfp = masks[i % (sizeof(masks) / sizeof(masks[0]))];

		allocs[i].order = order;
		allocs[i].page = alloc_pages(gfp, order);
		if (!allocs[i].page) {
			fprintf(stderr, "allocation %d (order %u) failed\n", i, order);
			return 1;
		}
		char *p = page_address(allocs[i].page);
		p[0] = (char)i;	/* the memory is ours to use */
	}
	printf("\n== buddyinfo with %d blocks of orders 0..%d allocated\n", NR_ALLOCS, MAX_ORDER - 1);
	buddy_dump(stdout, "buddyinfo");

	for (int i = 0; i < NR_ALLOCS; i++)
		__free_pages(allocs[i].page, allocs[i].order);
	buddy_drain_all_pages();
	printf("\n== buddyinfo after freeing everything and draining the per-CPU lists\n");
	buddy_dump(stdout, "buddyinfo");

	printf("\n== pagetypeinfo\n");
	buddy_dump(stdout, "pagetypeinfo");
	printf("\n== vmstat (the counters that moved)\n");
	print_nonzero_vmstat();

	rc = buddy_check();
	printf("\nbuddy_check: %s\n", rc ? "INCONSISTENT" : "consistent");
	/* No buddy_exit(): BUDDY_CONF=stats_print:VIEWS dumps those views at exit. */
	const char *conf = getenv("BUDDY_CONF");
	if (conf && strstr(conf, "stats_print:"))
		printf("\n== at exit, BUDDY_CONF=%s prints its views on stderr:\n", conf);
	fflush(stdout);
	return rc ? 1 : 0;
}
