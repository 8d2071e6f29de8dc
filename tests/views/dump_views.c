/* SPDX-License-Identifier: MIT */
/*
 * Put the allocator in a busy state (several orders and mobilities held,
 * two fake nodes, CMA), then write every view of that one state into DIR:
 * DIR/buddyinfo ... DIR/unusable_index and DIR/json. check_json_view.py
 * checks that the JSON agrees with the text. Usage: dump_views DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

static const char *const views[] = {"buddyinfo", "pagetypeinfo",   "zoneinfo", "vmstat",
				    "extfrag_index", "unusable_index", "json"};

int main(int argc, char **argv)
{
	struct buddy_config cfg = {.conf = "arena_size:128M,dma_limit:4M,dma32_limit:20M,numa_fake:2,cma:8M"};
	static struct page *held[600];
	static unsigned int order[600];
	static const gfp_t masks[] = {GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
				      GFP_DMA32, GFP_ATOMIC};
	int n = 0;

	if (argc != 2 || buddy_init(&cfg))
		return 2;
	for (int i = 0; i < 600; i++) {
		order[n] = (unsigned int)(i % 7);
		held[n] = alloc_pages(masks[i % 5] | __GFP_NOWARN, order[n]);
		n += held[n] != NULL;
	}
	for (int i = 0; i < n; i += 3) /* free a third: holes of every order */
		__free_pages(held[i], order[i]);
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", argv[1], views[v]);
		FILE *f = fopen(path, "w");
		if (!f || buddy_dump(f, views[v]) || fclose(f))
			return 1;
	}
	return 0;
}
