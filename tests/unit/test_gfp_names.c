/* SPDX-License-Identifier: MIT */
/*
 * The GFP decoder prints masks as the kernel's %pGg: combined names first
 * (the table's order, most bits first), then single bits, then leftover
 * bits in hex, joined by '|'.
 */
#include "test_util.h"

#include <string.h>

#include "internal.h"

static void expect_names(gfp_t gfp, const char *expect)
{
	char buf[512];
	int len = format_gfp_flags(buf, sizeof(buf), gfp);

	if (strcmp(buf, expect))
		fail_msg("0x%x: got \"%s\", expected \"%s\"", gfp, buf, expect);
	assert_int_equal(len, (int)strlen(expect));
}

/* Each combined name on its own decodes to itself. */
static void test_every_group_name(void **state)
{
	(void)state;
	expect_names(GFP_TRANSHUGE, "GFP_TRANSHUGE");
	expect_names(GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE");
	expect_names(GFP_HIGHUSER, "GFP_HIGHUSER");
	expect_names(GFP_USER, "GFP_USER");
	expect_names(GFP_TEMPORARY, "GFP_TEMPORARY");
	expect_names(GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT");
	expect_names(GFP_KERNEL, "GFP_KERNEL");
	expect_names(GFP_NOFS, "GFP_NOFS");
	expect_names(GFP_ATOMIC, "GFP_ATOMIC");
	expect_names(GFP_NOIO, "GFP_NOIO");
	expect_names(GFP_NOWAIT, "GFP_NOWAIT");
	expect_names(GFP_DMA, "GFP_DMA");
	expect_names(GFP_DMA32, "GFP_DMA32");
}

/*
 * Every single bit. The two reclaim bits together are GFP_NOIO (its exact
 * value), which comes before __GFP_RECLAIM in the table, as in the kernel;
 * __GFP_KSWAPD_RECLAIM alone is GFP_NOWAIT.
 */
static void test_every_single_bit(void **state)
{
	(void)state;
	expect_names(__GFP_DMA, "GFP_DMA");
	expect_names(__GFP_HIGHMEM, "__GFP_HIGHMEM");
	expect_names(__GFP_DMA32, "GFP_DMA32");
	expect_names(__GFP_MOVABLE, "__GFP_MOVABLE");
	expect_names(__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE");
	expect_names(__GFP_HIGH, "__GFP_HIGH");
	expect_names(__GFP_IO, "__GFP_IO");
	expect_names(__GFP_FS, "__GFP_FS");
	expect_names(__GFP_COLD, "__GFP_COLD");
	expect_names(__GFP_NOWARN, "__GFP_NOWARN");
	expect_names(__GFP_REPEAT, "__GFP_REPEAT");
	expect_names(__GFP_NOFAIL, "__GFP_NOFAIL");
	expect_names(__GFP_NORETRY, "__GFP_NORETRY");
	expect_names(__GFP_MEMALLOC, "__GFP_MEMALLOC");
	expect_names(__GFP_COMP, "__GFP_COMP");
	expect_names(__GFP_ZERO, "__GFP_ZERO");
	expect_names(__GFP_NOMEMALLOC, "__GFP_NOMEMALLOC");
	expect_names(__GFP_HARDWALL, "__GFP_HARDWALL");
	expect_names(__GFP_THISNODE, "__GFP_THISNODE");
	expect_names(__GFP_ATOMIC, "__GFP_ATOMIC");
	expect_names(__GFP_ACCOUNT, "__GFP_ACCOUNT");
	expect_names(__GFP_NOTRACK, "__GFP_NOTRACK");
	expect_names(__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM");
	expect_names(__GFP_OTHER_NODE, "__GFP_OTHER_NODE");
	expect_names(__GFP_WRITE, "__GFP_WRITE");
	expect_names(__GFP_KSWAPD_RECLAIM, "GFP_NOWAIT");
	expect_names(__GFP_RECLAIM, "GFP_NOIO");
	/* Every bit of the 26-bit mask has a name: nothing is left as hex. */
	for (unsigned int bit = 0; bit < __GFP_BITS_SHIFT; bit++) {
		char buf[128];
		format_gfp_flags(buf, sizeof(buf), 1u << bit);
		assert_null(strstr(buf, "0x"));
	}
}

/* Group first, then what it did not cover, in table order. */
static void test_combinations(void **state)
{
	(void)state;
	expect_names(GFP_KERNEL | __GFP_ZERO, "GFP_KERNEL|__GFP_ZERO");
	expect_names(GFP_KERNEL | __GFP_NOWARN | __GFP_COMP, "GFP_KERNEL|__GFP_NOWARN|__GFP_COMP");
	expect_names(GFP_ATOMIC | __GFP_NOWARN, "GFP_ATOMIC|__GFP_NOWARN");
	expect_names(GFP_KERNEL | GFP_DMA, "GFP_KERNEL|GFP_DMA");
	expect_names(GFP_KERNEL | __GFP_MOVABLE, "GFP_KERNEL|__GFP_MOVABLE");
	/* GFP_USER|__GFP_HIGHMEM is GFP_HIGHUSER: the larger name wins. */
	expect_names(GFP_USER | __GFP_HIGHMEM, "GFP_HIGHUSER");
	expect_names(GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_THISNODE,
		     "GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_THISNODE");
	/* GFP_ATOMIC's bits plus __GFP_IO|__GFP_FS: GFP_NOFS does not fit (no direct reclaim). */
	expect_names(GFP_ATOMIC | __GFP_IO | __GFP_FS, "GFP_ATOMIC|__GFP_IO|__GFP_FS");
	expect_names(__GFP_DIRECT_RECLAIM | __GFP_IO, "__GFP_IO|__GFP_DIRECT_RECLAIM");
	expect_names(GFP_NOWAIT | __GFP_ZERO | __GFP_MEMALLOC, "GFP_NOWAIT|__GFP_ZERO|__GFP_MEMALLOC");
}

/* Bits above __GFP_BITS_SHIFT have no name: printed as one hex number at the end. */
static void test_unknown_bits_and_zero(void **state)
{
	(void)state;
	expect_names(0, "");
	expect_names(1u << 26, "0x4000000");
	expect_names(GFP_KERNEL | 1u << 30, "GFP_KERNEL|0x40000000");
	expect_names(__GFP_ZERO | 0xc0000000u, "__GFP_ZERO|0xc0000000");
}

/* Like snprintf: truncates safely and returns the full length. */
static void test_truncation(void **state)
{
	char buf[8];
	(void)state;
	int len = format_gfp_flags(buf, sizeof(buf), GFP_KERNEL | __GFP_ZERO);
	assert_int_equal(len, (int)strlen("GFP_KERNEL|__GFP_ZERO"));
	assert_string_equal(buf, "GFP_KER");
	assert_int_equal(format_gfp_flags(NULL, 0, GFP_KERNEL), (int)strlen("GFP_KERNEL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_group_name),
		cmocka_unit_test(test_every_single_bit),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_unknown_bits_and_zero),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
