/* SPDX-License-Identifier: MIT */
/*
 * Fragmentation benchmark: does grouping pages by mobility keep order-9
 * blocks available after churn?
 *
 * For grouping on and off, with the same seed: fill the arena to 90% with a
 * random mix of unmovable, reclaimable and movable allocations of orders
 * 0-3, some long-lived and most short-lived, freeing short-lived ones at
 * random on the way (churn); then free every short-lived allocation and
 * report
 *  - the unusable free space index for order 9 (debugfs unusable_index: the
 *    share of free memory not in free blocks of order >= 9; 0 is best),
 *  - how many order-9 movable allocations then succeed, against the most
 *    that free memory could hold (free pages / 512),
 *  - how many pageblocks hold no live unmovable or reclaimable page: the
 *    blocks compaction could empty by migrating movable pages.
 * In the "on" and "off" rows nothing is migrated: what survives is exactly
 * what placement alone achieved. That is why movable allocations are
 * short-lived by default there (try -m 1 or -m 5: the third number still
 * shows what grouping kept). The "compacted" row (grouping on) keeps -c% of
 * the movable allocations too, marks them movable with an owner that
 * repoints its index when a page moves, and runs buddy_compact_memory()
 * before measuring: what compaction wins back (issue 11).
 *
 * Usage: frag [-a arena] [-s seed] [-f fill%] [-u long%] [-r long%] [-m long%]
 *             [-c long%] [-g on|off|both|compact|all]
 * -u/-r/-m: share of unmovable/reclaimable/movable allocations that are
 * long-lived (default 40/40/0); -c: movable long-lived share in the
 * compacted row (default 40). -g all (the default) runs the three rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>
#include <buddy/migrate.h>

struct alloc {
	struct page *page;
	unsigned int order;
	int mt;
};

struct params {
	const char *arena;
	unsigned long seed;
	int fill_pct;
	int long_pct[3];	/* per migratetype: unmovable, movable, reclaimable */
	int compact_movable_pct;	/* the compacted row's long-lived movable share */
};

struct result {
	double unusable;
	long order9_ok;
	long order9_max;
	long free_pages;
	long alloc_failures;
	long clean_blocks;	/* pageblocks holding no unmovable or reclaimable page */
	long nr_blocks;
};

static unsigned long rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

/* Free blocks per order, summed over every zone of every node (buddyinfo). */
struct buddyinfo {
	char text[16384];
	size_t len;
};

static void collect(void *opaque, const char *text)
{
	struct buddyinfo *b = opaque;
	size_t n = strlen(text);

	if (b->len + n < sizeof(b->text)) {
		memcpy(b->text + b->len, text, n + 1);
		b->len += n;
	}
}

static void free_blocks_per_order(unsigned long nr_free[MAX_ORDER])
{
	struct buddyinfo b = { .len = 0 };

	memset(nr_free, 0, sizeof(unsigned long) * MAX_ORDER);
	buddy_drain_all_pages();
	buddy_dump_to(collect, &b, "buddyinfo");
	for (char *line = strtok(b.text, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strstr(line, "zone");
		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;	/* the zone name */
		for (int o = 0; o < MAX_ORDER; o++)
			nr_free[o] += strtoul(p, &p, 10);
	}
}

/* The kernel's unusable_free_index for one order, as a fraction. */
static double unusable_free_index(const unsigned long nr_free[MAX_ORDER], unsigned int order, long *free_pages)
{
	unsigned long free = 0, suitable = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		free += nr_free[o] << o;
		if (o >= order)
			suitable += nr_free[o] << (o - order);
	}
	*free_pages = (long)free;
	if (!free)
		return 1.0;
	return (double)(free - (suitable << order)) / (double)free;
}

/*
 * Pageblocks holding a live unmovable or reclaimable allocation: the ones
 * that compaction (migrating movable pages, a later issue) could never empty.
 */
static long pinned_blocks(const struct alloc *live, size_t n, long nr_blocks)
{
	char *pinned = calloc((size_t)nr_blocks + 1, 1);
	long count = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned long b = page_to_pfn(live[i].page) / pageblock_nr_pages;
		if (live[i].mt != 1 && b < (unsigned long)nr_blocks && !pinned[b]) {
			pinned[b] = 1;
			count++;
		}
	}
	free(pinned);
	return count;
}

/* The compacted row's owner: page_private is the index in the long-lived array. */
static struct alloc *owned;

static bool bench_isolate(struct page *page, isolate_mode_t mode)
{
	(void)page;
	(void)mode;
	return true;
}

static int bench_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	(void)mode;
	owned[page_private(src)].page = dst;
	return 0;
}

static void bench_putback(struct page *page)
{
	(void)page;
}

static const struct movable_operations bench_ops = {
	.isolate_page = bench_isolate,
	.migrate_page = bench_migrate,
	.putback_page = bench_putback,
};

static int run(const struct params *pp, bool grouping, bool compact, struct result *res)
{
	static const gfp_t gfp_of[3] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE };
	char conf[256];
	struct buddy_config cfg = { 0 };

	snprintf(conf, sizeof(conf), "arena_size:%s,dma_limit:0,dma32_limit:0,mobility_grouping:%s,compaction_proactiveness:0",
		 pp->arena, grouping ? "on" : "off");
	cfg.conf = conf;
	if (buddy_init(&cfg))
		return -1;

	long total = buddy_zone_free_pages(0, ZONE_NORMAL) * buddy_nr_nodes();
	long target = total / 100 * pp->fill_pct, live_pages = 0;
	size_t cap = (size_t)total + 16;
	struct alloc *lng = malloc(cap * sizeof(*lng)), *shrt = malloc(cap * sizeof(*shrt));
	size_t nl = 0, ns = 0;
	unsigned long seed = pp->seed;
	int long_pct[3] = { pp->long_pct[0], compact ? pp->compact_movable_pct : pp->long_pct[1], pp->long_pct[2] };

	owned = lng;

	res->alloc_failures = 0;
	while (live_pages < target) {
		/* Churn: one in four steps frees a random short-lived allocation. */
		if (ns && rnd(&seed) % 4 == 0) {
			size_t i = rnd(&seed) % ns;
			__free_pages(shrt[i].page, shrt[i].order);
			live_pages -= 1L << shrt[i].order;
			shrt[i] = shrt[--ns];
			continue;
		}
		unsigned long r = rnd(&seed) % 100;
		int mt = r < 25 ? 0 : r < 40 ? 2 : 1;		/* 25% unmovable, 15% reclaimable, 60% movable */
		unsigned long o = rnd(&seed) % 100;
		unsigned int order = o < 50 ? 0 : o < 70 ? 1 : o < 85 ? 2 : 3;
		bool is_long = (int)(rnd(&seed) % 100) < long_pct[mt];
		struct page *page = alloc_pages(gfp_of[mt] | __GFP_NOWARN, order);

		if (!page) {
			if (++res->alloc_failures > 1000)
				break;	/* the watermarks say the arena is full */
			continue;
		}
		struct alloc a = { page, order, mt };
		if (is_long && compact && mt == 1) {
			set_page_private(page, nl);
			__SetPageMovable(page, &bench_ops);
		}
		if (is_long)
			lng[nl++] = a;
		else
			shrt[ns++] = a;
		live_pages += 1L << order;
	}
	/* The short-lived ones go. */
	while (ns) {
		ns--;
		__free_pages(shrt[ns].page, shrt[ns].order);
	}

	if (compact)
		buddy_compact_memory();
	res->nr_blocks = total / (long)pageblock_nr_pages;
	res->clean_blocks = res->nr_blocks - pinned_blocks(lng, nl, res->nr_blocks);

	unsigned long nr_free[MAX_ORDER];
	free_blocks_per_order(nr_free);
	res->unusable = unusable_free_index(nr_free, pageblock_order, &res->free_pages);
	res->order9_max = res->free_pages / (long)pageblock_nr_pages;

	/* How many order-9 allocations succeed now. */
	struct alloc *big = malloc(((size_t)res->order9_max + 1) * sizeof(*big));
	size_t nb = 0;
	struct page *p;
	while (nb <= (size_t)res->order9_max &&
	       (p = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, pageblock_order)))
		big[nb++] = (struct alloc){ p, pageblock_order, 1 };
	res->order9_ok = (long)nb;

	while (nb) {
		nb--;
		__free_pages(big[nb].page, big[nb].order);
	}
	while (nl) {
		nl--;
		__free_pages(lng[nl].page, lng[nl].order);
	}
	free(big);
	free(lng);
	free(shrt);
	buddy_drain_all_pages();
	int problems = buddy_check();
	buddy_exit();
	return problems ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct params pp = { .arena = "512M", .seed = 1, .fill_pct = 90, .long_pct = { 40, 0, 40 },
			     .compact_movable_pct = 40 };
	const char *modes = "all";
	int c;

	while ((c = getopt(argc, argv, "a:s:f:u:r:m:c:g:")) != -1) {
		switch (c) {
		case 'a': pp.arena = optarg; break;
		case 's': pp.seed = strtoul(optarg, NULL, 0); break;
		case 'f': pp.fill_pct = atoi(optarg); break;
		case 'u': pp.long_pct[0] = atoi(optarg); break;
		case 'm': pp.long_pct[1] = atoi(optarg); break;
		case 'r': pp.long_pct[2] = atoi(optarg); break;
		case 'c': pp.compact_movable_pct = atoi(optarg); break;
		case 'g': modes = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-a arena] [-s seed] [-f fill%%] [-u long%%] [-r long%%] "
					"[-m long%%] [-c long%%] [-g on|off|both|compact|all]\n", argv[0]);
			return 2;
		}
	}
	printf("arena %s, seed %lu, fill %d%%, long-lived unmovable %d%% reclaimable %d%% movable %d%%\n",
	       pp.arena, pp.seed, pp.fill_pct, pp.long_pct[0], pp.long_pct[2], pp.long_pct[1]);
	printf("%-9s %19s %18s %11s %26s\n", "grouping", "unusable_index(9)", "order-9 allocs ok", "free pages",
	       "blocks without unmovable");
	/* rows: grouping on, grouping off, grouping on with movable pages kept and compacted */
	static const char *const row_name[3] = { "on", "off", "compacted" };
	for (int row = 0; row < 3; row++) {
		struct result res;
		bool all = !strcmp(modes, "all"), both = !strcmp(modes, "both");
		if (!all && !(both && row < 2) && strcmp(modes, row == 2 ? "compact" : row_name[row]))
			continue;
		if (run(&pp, row != 1, row == 2, &res)) {
			fprintf(stderr, "frag: run %s failed\n", row_name[row]);
			return 1;
		}
		printf("%-9s %19.3f %9ld of %-6ld %11ld %16ld of %-6ld\n", row_name[row], res.unusable,
		       res.order9_ok, res.order9_max, res.free_pages, res.clean_blocks, res.nr_blocks);
	}
	if (strcmp(modes, "on") && strcmp(modes, "off") && strcmp(modes, "both"))
		printf("compacted: grouping on, %d%% of movable allocations kept (marked movable), "
		       "then buddy_compact_memory()\n", pp.compact_movable_pct);
	return 0;
}
