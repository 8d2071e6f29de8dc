/* SPDX-License-Identifier: MIT */
/*
 * Watermarks and lowmem reserves against hand-computed kernel values
 * (6.1 formulas, kernel-facts.md "Watermarks" and "lowmem_reserve"):
 *
 *   min_free_kbytes = clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144)
 *   pages_min       = min_free_kbytes / 4                    (4 KiB pages)
 *   tmp             = pages_min * managed / lowmem_pages
 *   min             = tmp   (HIGHMEM, MOVABLE: clamp(managed / 1024, 32, 128))
 *   delta           = max(tmp / 4, managed * watermark_scale_factor / 10000)
 *   low = min + delta, high = low + delta
 *   lowmem_reserve[j] of zone i = (managed of zones i+1..j) / ratio[i]
 *
 * Zone sizes are rounded up to pageblocks (512 pages); NORMAL takes the rest
 * of each node. All divisions truncate.
 *
 * WMARK_PRINT=1 build/plain/tests/test_watermark prints the tables of the
 * 1 GiB and 16 GiB arenas (the numbers quoted in issue 3's note).
 */
#include "test_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void assert_marks(int nid, enum zone_type z, unsigned long min, unsigned long low, unsigned long high)
{
	struct zone *zone = zone_of(nid, z);

	assert_int_equal(wmark_pages(zone, WMARK_MIN), min);
	assert_int_equal(wmark_pages(zone, WMARK_LOW), low);
	assert_int_equal(wmark_pages(zone, WMARK_HIGH), high);
}

static void assert_protection(int nid, enum zone_type z, long p0, long p1, long p2, long p3, long p4)
{
	const long want[MAX_NR_ZONES] = { p0, p1, p2, p3, p4 };
	struct zone *zone = zone_of(nid, z);

	for (int j = 0; j < MAX_NR_ZONES; j++)
		assert_int_equal(test_zone_lowmem_reserve(zone, j), want[j]);
}

static void assert_managed(int nid, unsigned long dma, unsigned long dma32, unsigned long normal)
{
	assert_int_equal(test_zone_managed(zone_of(nid, ZONE_DMA)), dma);
	assert_int_equal(test_zone_managed(zone_of(nid, ZONE_DMA32)), dma32);
	assert_int_equal(test_zone_managed(zone_of(nid, ZONE_NORMAL)), normal);
	/* HighMem and Movable: whatever remains of the node's pages. */
	assert_int_equal(test_zone_managed(zone_of(nid, ZONE_HIGHMEM)) + test_zone_managed(zone_of(nid, ZONE_MOVABLE)),
			 test_node_spanned(nid) - dma - dma32 - normal);
}

/* The zoneinfo-like table the note quotes, from the live zones. */
static void print_table(const char *title)
{
	if (!getenv("WMARK_PRINT"))
		return;
	printf("%s: min_free_kbytes %lu, watermark_scale_factor %d\n", title, test_min_free_kbytes(),
	       test_watermark_scale_factor());
	for (int nid = 0; nid < test_nr_nodes(); nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = zone_of(nid, (enum zone_type)z);
			printf("  Node %d, zone %8s managed %8lu min %6lu low %6lu high %6lu protection: (%ld, %ld, %ld, %ld, %ld)\n",
			       nid, test_zone_name(zone), test_zone_managed(zone), wmark_pages(zone, WMARK_MIN),
			       wmark_pages(zone, WMARK_LOW), wmark_pages(zone, WMARK_HIGH), test_zone_lowmem_reserve(zone, 0),
			       test_zone_lowmem_reserve(zone, 1), test_zone_lowmem_reserve(zone, 2), test_zone_lowmem_reserve(zone, 3),
			       test_zone_lowmem_reserve(zone, 4));
		}
}

/*
 * 1 GiB, default limits: DMA below 16M = 4096 pages, DMA32 the rest (the
 * arena ends below 4G) = 258048, no Normal. lowmem = 262144 pages = 1048576 kB.
 * min_free_kbytes = int_sqrt(1048576 * 16 = 16777216) = 4096; pages_min = 1024.
 *   DMA:    tmp = 1024*4096/262144   = 16;   delta = max(4, 4096*10/10000 = 4)       = 4   -> 16 / 20 / 24
 *   DMA32:  tmp = 1024*258048/262144 = 1008; delta = max(252, 258048*10/10000 = 258) = 258 -> 1008 / 1266 / 1524
 *   Normal (empty): tmp = 0, delta 0                                                        -> 0 / 0 / 0
 *   HighMem, Movable (empty): min = clamp(0/1024, 32, 128) = 32, delta = max(0, 0)      -> 32 / 32 / 32
 * protection (ratios 256 256 32 0 0):
 *   DMA:    (0, 258048/256 = 1008, 1008, 1008, 1008)
 *   DMA32:  (0, 0, 0, 0, 0) - nothing above it on this node
 */
static void test_default_1g(void **state)
{
	(void)state;
	test_init("arena_size:1G");
	assert_managed(0, 4096, 258048, 0);
	assert_int_equal(test_min_free_kbytes(), 4096);
	assert_marks(0, ZONE_DMA, 16, 20, 24);
	assert_marks(0, ZONE_DMA32, 1008, 1266, 1524);
	assert_marks(0, ZONE_NORMAL, 0, 0, 0);
	assert_marks(0, ZONE_HIGHMEM, 32, 32, 32);
	assert_marks(0, ZONE_MOVABLE, 32, 32, 32);
	assert_protection(0, ZONE_DMA, 0, 1008, 1008, 1008, 1008);
	assert_protection(0, ZONE_DMA32, 0, 0, 0, 0, 0);
	assert_protection(0, ZONE_NORMAL, 0, 0, 0, 0, 0);
	assert_protection(0, ZONE_MOVABLE, 0, 0, 0, 0, 0);
	print_table("1 GiB arena");
	test_check_and_exit();
}

/*
 * 16 GiB, default limits: DMA 4096, DMA32 (16M..4G) 1044480, Normal (4G..16G) 3145728.
 * min_free_kbytes = int_sqrt(16777216 kB * 16 = 268435456) = 16384; pages_min = 4096.
 *   DMA:    tmp = 4096*4096/4194304    = 4;    delta = max(1, 4)                         -> 4 / 8 / 12
 *   DMA32:  tmp = 4096*1044480/4194304 = 1020; delta = max(255, 1044480*10/10000 = 1044) -> 1020 / 2064 / 3108
 *   Normal: tmp = 4096*3145728/4194304 = 3072; delta = max(768, 3145728*10/10000 = 3145) -> 3072 / 6217 / 9362
 *   HighMem, Movable: 32 / 32 / 32
 * protection:
 *   DMA:    (0, 1044480/256 = 4080, (1044480+3145728)/256 = 16368, 16368, 16368)
 *   DMA32:  (0, 0, 3145728/256 = 12288, 12288, 12288)
 */
static void test_default_16g(void **state)
{
	(void)state;
	test_init("arena_size:16G");
	assert_managed(0, 4096, 1044480, 3145728);
	assert_int_equal(test_min_free_kbytes(), 16384);
	assert_marks(0, ZONE_DMA, 4, 8, 12);
	assert_marks(0, ZONE_DMA32, 1020, 2064, 3108);
	assert_marks(0, ZONE_NORMAL, 3072, 6217, 9362);
	assert_marks(0, ZONE_MOVABLE, 32, 32, 32);
	assert_protection(0, ZONE_DMA, 0, 4080, 16368, 16368, 16368);
	assert_protection(0, ZONE_DMA32, 0, 0, 12288, 12288, 12288);
	assert_protection(0, ZONE_NORMAL, 0, 0, 0, 0, 0);
	print_table("16 GiB arena");
	test_check_and_exit();
}

/*
 * 8 GiB in two fake nodes, default limits: node 0 [0, 4G) holds DMA 4096 and
 * DMA32 1044480, node 1 [4G, 8G) Normal 1048576 alone. lowmem counts every
 * node: 2097152 pages = 8388608 kB, min_free_kbytes = int_sqrt(134217728) =
 * 11585, pages_min = 2896, shared over all lowmem zones of all nodes:
 *   node 0 DMA:    2896*4096/2097152    = 5;    delta max(1, 4)       -> 5 / 9 / 13
 *   node 0 DMA32:  2896*1044480/2097152 = 1442; delta max(360, 1044)  -> 1442 / 2486 / 3530
 *   node 1 Normal: 2896*1048576/2097152 = 1448; delta max(362, 1048)  -> 1448 / 2496 / 3544
 * Reserves are per node: node 0's DMA keeps 1044480/256 = 4080 from DMA32
 * requests and the same from Normal ones (node 0 has no Normal); node 1's
 * Normal has no zone below it to protect.
 */
static void test_default_8g_two_nodes(void **state)
{
	(void)state;
	test_init("arena_size:8G,numa_fake:2");
	assert_managed(0, 4096, 1044480, 0);
	assert_managed(1, 0, 0, 1048576);
	assert_int_equal(test_min_free_kbytes(), 11585);
	assert_marks(0, ZONE_DMA, 5, 9, 13);
	assert_marks(0, ZONE_DMA32, 1442, 2486, 3530);
	assert_marks(1, ZONE_NORMAL, 1448, 2496, 3544);
	assert_protection(0, ZONE_DMA, 0, 4080, 4080, 4080, 4080);
	assert_protection(0, ZONE_DMA32, 0, 0, 0, 0, 0);
	assert_protection(1, ZONE_NORMAL, 0, 0, 0, 0, 0);
	print_table("8 GiB arena, 2 nodes");
	test_check_and_exit();
}

/*
 * 64M arena with dma_limit:4M, dma32_limit:20M: DMA 1024, DMA32 4096, NORMAL 11264;
 * lowmem 16384 pages = 65536 kB. Tunables from BUDDY_CONF-style options:
 * min_free_kbytes 2048 -> pages_min 512; watermark_scale_factor 200;
 * lowmem_reserve_ratio 128 64 16 0 0.
 *   DMA:    tmp = 512*1024/16384  = 32;  delta = max(8, 1024*200/10000 = 20)    = 20  -> 32 / 52 / 72
 *   DMA32:  tmp = 512*4096/16384  = 128; delta = max(32, 4096*200/10000 = 81)   = 81  -> 128 / 209 / 290
 *   Normal: tmp = 512*11264/16384 = 352; delta = max(88, 11264*200/10000 = 225) = 225 -> 352 / 577 / 802
 * protection:
 *   DMA:   (0, 4096/128 = 32, 15360/128 = 120, 120, 120)
 *   DMA32: (0, 0, 11264/64 = 176, 176, 176)
 */
static void test_tunables_from_conf(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M,min_free_kbytes:2048,watermark_scale_factor:200,"
		  "lowmem_reserve_ratio:128 64 16 0 0");
	assert_managed(0, 1024, 4096, 11264);
	assert_int_equal(test_min_free_kbytes(), 2048);
	assert_marks(0, ZONE_DMA, 32, 52, 72);
	assert_marks(0, ZONE_DMA32, 128, 209, 290);
	assert_marks(0, ZONE_NORMAL, 352, 577, 802);
	assert_protection(0, ZONE_DMA, 0, 32, 120, 120, 120);
	assert_protection(0, ZONE_DMA32, 0, 0, 176, 176, 176);
	assert_protection(0, ZONE_NORMAL, 0, 0, 0, 0, 0);
	test_check_and_exit();
}

/*
 * HighMem and Movable populated: arena 64M, dma_limit 4M, dma32_limit 20M,
 * highmem_start 48M, movablecore 8M -> DMA 1024, DMA32 4096, Normal 16384 -
 * 9216 = 7168, HighMem 2048, Movable (taken from the top of HighMem) 2048 pages. lowmem (DMA..Normal) 12288 pages = 49152 kB:
 * min_free_kbytes = int_sqrt(786432) = 886, pages_min = 221, shared over the
 * 12288 non-highmem, non-movable pages:
 *   DMA     221*1024/12288 = 18,  delta max(4, 1)   -> 18 / 22 / 26
 *   DMA32   221*4096/12288 = 73,  delta max(18, 4)  -> 73 / 91 / 109
 *   Normal  221*7168/12288 = 128, delta max(32, 7)  -> 128 / 160 / 192
 *   HighMem tmp = 221*2048/12288 = 36 but min = clamp(2048/1024, 32, 128) = 32;
 *           delta max(36/4 = 9, 2) = 9              -> 32 / 41 / 50
 *   Movable the same                                -> 32 / 41 / 50
 * protection (256 256 32 0 0):
 *   DMA    (0, 4096/256 = 16, 11264/256 = 44, 13312/256 = 52, 15360/256 = 60)
 *   DMA32  (0, 0, 7168/256 = 28, 9216/256 = 36, 11264/256 = 44)
 *   Normal (0, 0, 0, 2048/32 = 64, 4096/32 = 128); HighMem ratio 0: all 0
 */
static void test_highmem_and_movable(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M,highmem_start:48M,movablecore:8M");
	assert_managed(0, 1024, 4096, 7168);
	assert_int_equal(test_min_free_kbytes(), 886);
	assert_marks(0, ZONE_DMA, 18, 22, 26);
	assert_marks(0, ZONE_DMA32, 73, 91, 109);
	assert_marks(0, ZONE_NORMAL, 128, 160, 192);
	assert_marks(0, ZONE_HIGHMEM, 32, 41, 50);
	assert_marks(0, ZONE_MOVABLE, 32, 41, 50);
	assert_protection(0, ZONE_DMA, 0, 16, 44, 52, 60);
	assert_protection(0, ZONE_DMA32, 0, 0, 28, 36, 44);
	assert_protection(0, ZONE_NORMAL, 0, 0, 0, 64, 128);
	assert_protection(0, ZONE_HIGHMEM, 0, 0, 0, 0, 0);
	assert_protection(0, ZONE_MOVABLE, 0, 0, 0, 0, 0);
	test_check_and_exit();
}

/* pcp high follows the low mark (6.1 zone_highsize); the setters must refresh it too. */
static void assert_pcp_follows_low(void)
{
	for (int nid = 0; nid < test_nr_nodes(); nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = zone_of(nid, (enum zone_type)z);
			int ncpus = 0;

			if (!test_zone_spanned(zone))
				continue;
			for (int c = 0; c < test_nr_cpus(); c++)
				ncpus += test_cpu_node(c) == nid;
			if (!ncpus)
				ncpus = test_nr_cpus();
			for (int c = 0; c < test_nr_cpus(); c++) {
				long want = (long)(wmark_pages(zone, WMARK_LOW) / (unsigned long)ncpus);

				assert_true(test_pcp_batch(zone, c) >= 1);
				if (want < 4L * test_pcp_batch(zone, c))
					want = 4L * test_pcp_batch(zone, c);
				/* pcp.c may raise high to 3 pageblocks on large zones; not these. */
				assert_int_equal(test_pcp_high(zone, c), want);
			}
		}
}

/*
 * The setters recompute every zone, like writing the sysctls. Same 64M
 * layout (DMA 1024, DMA32 4096, NORMAL 11264), defaults first:
 * min_free_kbytes = int_sqrt(65536 * 16) = 1024 -> pages_min 256.
 *   DMA 256*1024/16384 = 16, delta max(4, 1) = 4       -> 16 / 20 / 24
 *   DMA32 64, delta max(16, 4) = 16                     -> 64 / 80 / 96
 *   Normal 176, delta max(44, 11) = 44                  -> 176 / 220 / 264
 *   protection DMA (0, 16, 60, 60, 60); DMA32 (0, 0, 44, 44, 44)
 */
static void test_setters_recompute(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	assert_int_equal(test_min_free_kbytes(), 1024);
	assert_marks(0, ZONE_DMA, 16, 20, 24);
	assert_marks(0, ZONE_DMA32, 64, 80, 96);
	assert_marks(0, ZONE_NORMAL, 176, 220, 264);
	assert_protection(0, ZONE_DMA, 0, 16, 60, 60, 60);
	assert_protection(0, ZONE_DMA32, 0, 0, 44, 44, 44);
	assert_pcp_follows_low();

	/* min_free_kbytes 4096 -> pages_min 1024: DMA 64 (delta max(16, 1)), DMA32 256 (64), Normal 704 (176). */
	assert_int_equal(buddy_set_min_free_kbytes(4096), 0);
	assert_marks(0, ZONE_DMA, 64, 80, 96);
	assert_marks(0, ZONE_DMA32, 256, 320, 384);
	assert_marks(0, ZONE_NORMAL, 704, 880, 1056);
	assert_pcp_follows_low();

	/* watermark_scale_factor 1000: managed / 10 = 102, 409, 1126 beat tmp / 4 = 16, 64, 176. */
	assert_int_equal(buddy_set_watermark_scale_factor(1000), 0);
	assert_marks(0, ZONE_DMA, 64, 166, 268);
	assert_marks(0, ZONE_DMA32, 256, 665, 1074);
	assert_marks(0, ZONE_NORMAL, 704, 1830, 2956);
	assert_pcp_follows_low();

	/* Ratios 32 0 32 0 0: DMA (0, 4096/32 = 128, 15360/32 = 480, ...); DMA32 ratio 0: no reserve. */
	const int ratio[MAX_NR_ZONES] = { 32, 0, 32, 0, 0 };
	assert_int_equal(buddy_set_lowmem_reserve_ratio(ratio), 0);
	assert_protection(0, ZONE_DMA, 0, 128, 480, 480, 480);
	assert_protection(0, ZONE_DMA32, 0, 0, 0, 0, 0);
	assert_protection(0, ZONE_NORMAL, 0, 0, 0, 0, 0);
	assert_marks(0, ZONE_NORMAL, 704, 1830, 2956);

	/* 0 restores the formula (1024, the start-up value); the scale factor stays 1000. */
	assert_int_equal(buddy_set_min_free_kbytes(0), 0);
	assert_int_equal(test_min_free_kbytes(), 1024);
	assert_marks(0, ZONE_DMA, 16, 118, 220);
	assert_marks(0, ZONE_DMA32, 64, 473, 882);
	assert_marks(0, ZONE_NORMAL, 176, 1302, 2428);

	/* Out-of-range values are refused and change nothing. */
	assert_int_equal(buddy_set_min_free_kbytes(-1), -EINVAL);
	assert_int_equal(buddy_set_watermark_scale_factor(0), -EINVAL);
	assert_int_equal(buddy_set_watermark_scale_factor(3001), -EINVAL);
	const int bad[MAX_NR_ZONES] = { 256, -1, 32, 0, 0 };
	assert_int_equal(buddy_set_lowmem_reserve_ratio(bad), -EINVAL);
	assert_int_equal(buddy_set_lowmem_reserve_ratio(NULL), -EINVAL);
	assert_marks(0, ZONE_NORMAL, 176, 1302, 2428);
	assert_protection(0, ZONE_DMA, 0, 128, 480, 480, 480);
	test_check_and_exit();
}

/*
 * 128M in two fake nodes: node 0 [0, 64M) has DMA 1024, DMA32 4096 and
 * Normal 11264 pages, node 1 [64M, 128M) Normal 16384 alone. lowmem counts
 * both nodes, 32768 pages = 131072 kB, so min_free_kbytes = int_sqrt(2097152)
 * = 1448 and pages_min = 362, shared out over 32768 pages:
 *   node 0 DMA 362*1024/32768 = 11 (delta max(2, 1) = 2)        -> 11 / 13 / 15
 *   node 0 DMA32 362*4096/32768 = 45 (delta max(11, 4) = 11)    -> 45 / 56 / 67
 *   node 0 Normal 362*11264/32768 = 124 (delta max(31, 11))     -> 124 / 155 / 186
 *   node 1 Normal 362*16384/32768 = 181 (delta max(45, 16))     -> 181 / 226 / 271
 * Reserves are per node: node 0 DMA (0, 16, 60, ...), DMA32 (0, 0, 44, ...).
 * watermark_scale_factor 100 then gives deltas 10, 40, 112 and 163.
 */
static void test_setters_every_node(void **state)
{
	(void)state;
	test_init("arena_size:128M,numa_fake:2,dma_limit:4M,dma32_limit:20M");
	assert_int_equal(test_min_free_kbytes(), 1448);
	assert_managed(0, 1024, 4096, 11264);
	assert_managed(1, 0, 0, 16384);
	assert_marks(0, ZONE_DMA, 11, 13, 15);
	assert_marks(0, ZONE_DMA32, 45, 56, 67);
	assert_marks(0, ZONE_NORMAL, 124, 155, 186);
	assert_marks(1, ZONE_NORMAL, 181, 226, 271);
	assert_protection(0, ZONE_DMA, 0, 16, 60, 60, 60);
	assert_protection(0, ZONE_DMA32, 0, 0, 44, 44, 44);
	assert_protection(1, ZONE_NORMAL, 0, 0, 0, 0, 0);
	assert_int_equal(buddy_set_watermark_scale_factor(100), 0);
	assert_marks(0, ZONE_DMA, 11, 21, 31);
	assert_marks(0, ZONE_DMA32, 45, 85, 125);
	assert_marks(0, ZONE_NORMAL, 124, 236, 348);
	assert_marks(1, ZONE_NORMAL, 181, 344, 507);
	assert_pcp_follows_low();
	test_check_and_exit();
}

/*
 * The real kernel's numbers: linux-6.18-proc/zoneinfo and vm-sysctls show
 * min_free_kbytes 67584 (16896 pages) and managed 3840 / 772917 / 262144 for
 * DMA / DMA32 / Normal, an empty Movable zone. Give our zones those managed
 * counts and the same tunable, and the marks and protection must be the
 * ones that machine printed:
 *   DMA    16896*3840/1038901   = 62,    delta max(15, 3)      -> 62 / 77 / 92
 *   DMA32  16896*772917/1038901 = 12570, delta max(3142, 772)  -> 12570 / 15712 / 18854
 *   Normal 16896*262144/1038901 = 4263,  delta max(1065, 262)  -> 4263 / 5328 / 6393
 *   Movable (empty) 32 / 32 / 32
 *   protection DMA (0, 3019, 4043, 4043, 4043), DMA32 (0, 0, 1024, 1024, 1024)
 */
static void test_matches_real_zoneinfo(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	const unsigned long managed[MAX_NR_ZONES] = { 3840, 772917, 262144, 0, 0 };
	unsigned long saved[MAX_NR_ZONES];

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		saved[z] = test_zone_managed(zone_of(0, (enum zone_type)z));
		test_zone_set_managed(zone_of(0, (enum zone_type)z), managed[z]);
	}
	assert_int_equal(buddy_set_min_free_kbytes(67584), 0);
	assert_marks(0, ZONE_DMA, 62, 77, 92);
	assert_marks(0, ZONE_DMA32, 12570, 15712, 18854);
	assert_marks(0, ZONE_NORMAL, 4263, 5328, 6393);
	assert_marks(0, ZONE_MOVABLE, 32, 32, 32);
	assert_protection(0, ZONE_DMA, 0, 3019, 4043, 4043, 4043);
	assert_protection(0, ZONE_DMA32, 0, 0, 1024, 1024, 1024);
	assert_protection(0, ZONE_NORMAL, 0, 0, 0, 0, 0);
	assert_protection(0, ZONE_MOVABLE, 0, 0, 0, 0, 0);

	for (int z = 0; z < MAX_NR_ZONES; z++)
		test_zone_set_managed(zone_of(0, (enum zone_type)z), saved[z]);
	assert_int_equal(buddy_set_min_free_kbytes(0), 0);
	test_check_and_exit();
}

/*
 * The clamps of min_free_kbytes: int_sqrt(lowmem_kbytes * 16) below 128
 * gives 128 (lowmem under 1 MiB), above 262144 gives 262144 (lowmem above
 * 4 TiB). Managed counts are set by hand to reach both ends.
 */
static void test_min_free_kbytes_clamps(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	struct zone *dma = zone_of(0, ZONE_DMA), *dma32 = zone_of(0, ZONE_DMA32), *normal = zone_of(0, ZONE_NORMAL);
	unsigned long s0 = test_zone_managed(dma), s1 = test_zone_managed(dma32), s2 = test_zone_managed(normal);

	/* 100 pages = 400 kB: int_sqrt(6400) = 80 -> 128. */
	test_zone_set_managed(dma, 100);
	test_zone_set_managed(dma32, 0);
	test_zone_set_managed(normal, 0);
	assert_int_equal(default_min_free_kbytes(), 128);
	/* 255 pages = 1020 kB: int_sqrt(16320) = 127 -> 128; 257 pages: int_sqrt(16448) = 128. */
	test_zone_set_managed(dma, 255);
	assert_int_equal(default_min_free_kbytes(), 128);
	test_zone_set_managed(dma, 257);
	assert_int_equal(default_min_free_kbytes(), 128);
	/* 1 GiB = 262144 pages: 4096 (as in test_default_1g). Highmem/movable do not count. */
	test_zone_set_managed(dma, 262144);
	test_zone_set_managed(zone_of(0, ZONE_MOVABLE), 1UL << 30);
	assert_int_equal(default_min_free_kbytes(), 4096);
	test_zone_set_managed(zone_of(0, ZONE_MOVABLE), 0);
	/* 4 TiB = 2^30 pages = 2^32 kB: int_sqrt(2^36) = 262144 exactly; 8 TiB: 370727 -> 262144. */
	test_zone_set_managed(normal, 1UL << 30);
	test_zone_set_managed(dma, 0);
	assert_int_equal(default_min_free_kbytes(), 262144);
	test_zone_set_managed(normal, 1UL << 31);
	assert_int_equal(default_min_free_kbytes(), 262144);
	/* Just under 4 TiB: int_sqrt((2^30 - 1) * 64) = 262143. */
	test_zone_set_managed(normal, (1UL << 30) - 1);
	assert_int_equal(default_min_free_kbytes(), 262143);

	test_zone_set_managed(dma, s0);
	test_zone_set_managed(dma32, s1);
	test_zone_set_managed(normal, s2);
	test_check_and_exit();
}

/*
 * __zone_watermark_ok's arithmetic (4.12 / 6.0 shape) with an explicit
 * free count. Mark 100:
 *   plain:        fail when free <= 100
 *   ALLOC_HIGH:   min = 100 - 100/2 = 50
 *   ALLOC_HARDER: min = 100 - 100/4 = 75
 *   both:         min = 50 - 50/4 = 38
 *   order 3:      free -= 7 first
 *   classzone:    + lowmem_reserve[classzone]
 *   highatomic:   reserved pages do not count unless ALLOC_HARDER
 */
static void test_zone_watermark_ok_arithmetic(void **state)
{
	(void)state;
	test_init("arena_size:64M,dma_limit:4M,dma32_limit:20M");
	struct zone *z = zone_of(0, ZONE_NORMAL), *dma = zone_of(0, ZONE_DMA);

	assert_true(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_WMARK_MIN, 101));
	assert_false(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_WMARK_MIN, 100));
	assert_true(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HIGH, 51));
	assert_false(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HIGH, 50));
	assert_true(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HARDER, 76));
	assert_false(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HARDER, 75));
	assert_true(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HIGH | ALLOC_HARDER, 39));
	assert_false(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HIGH | ALLOC_HARDER, 38));
	/* Order 3 (a fresh zone has free order-10 blocks): 108 - 7 = 101 > 100. */
	assert_true(__zone_watermark_ok(z, 3, 100, ZONE_NORMAL, 0, 108));
	assert_false(__zone_watermark_ok(z, 3, 100, ZONE_NORMAL, 0, 107));
	/* DMA asked for on behalf of a NORMAL request keeps lowmem_reserve[NORMAL] = 60 back. */
	assert_true(__zone_watermark_ok(dma, 0, 16, ZONE_DMA, 0, 17));
	assert_false(__zone_watermark_ok(dma, 0, 16, ZONE_NORMAL, 0, 76));
	assert_true(__zone_watermark_ok(dma, 0, 16, ZONE_NORMAL, 0, 77));
	assert_false(__zone_watermark_ok(dma, 0, 16, ZONE_MOVABLE, 0, 76));
	/* 20 pages reserved as highatomic are not free for ordinary requests. */
	test_zone_set_reserved_highatomic(z, 20);
	assert_false(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, 0, 120));
	assert_true(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, 0, 121));
	assert_true(__zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_HARDER, 101));
	test_zone_set_reserved_highatomic(z, 0);
	/* The live wrapper uses NR_FREE_PAGES: a fresh zone is far above its marks. */
	assert_true(zone_watermark_ok(z, 0, wmark_pages(z, WMARK_HIGH), ZONE_NORMAL, 0));
	test_check_and_exit();
}

/*
 * The order part of the check: with only order-0 blocks free, an order-1
 * request fails however many pages are free; a HIGHATOMIC block counts only
 * for ALLOC_HARDER. Fill the single zone (MEMALLOC ignores the marks), free
 * every other page: no two free pages are buddies.
 */
static void test_zone_watermark_ok_orders(void **state)
{
	(void)state;
	test_init("arena_size:8M,dma_limit:0,dma32_limit:0");
	struct zone *z = zone_of(0, ZONE_NORMAL);
	unsigned long n = test_zone_managed(z), got = 0;
	struct page **pages = calloc(n, sizeof(*pages));

	assert_non_null(pages);
	while (got < n && (pages[got] = alloc_pages(GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOWARN, 0)))
		got++;
	assert_int_equal(got, n);
	for (unsigned long i = 0; i < n; i++)
		if (page_to_pfn(pages[i]) % 2 == 0) {
			__free_pages(pages[i], 0);
			pages[i] = NULL;
		}
	buddy_drain_all_pages();
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), n / 2);
	assert_true(__zone_watermark_ok(z, 0, 0, ZONE_NORMAL, 0, 1L << 20));
	assert_false(__zone_watermark_ok(z, 1, 0, ZONE_NORMAL, 0, 1L << 20));
	assert_false(__zone_watermark_ok(z, 1, 0, ZONE_NORMAL, ALLOC_HARDER | ALLOC_HIGH, 1L << 20));

	/* Pretend one order-5 block sits on the HIGHATOMIC list (counters only, restored). */
	test_zone_lock(z);
	test_adjust_nr_free(z, 5, MIGRATE_HIGHATOMIC, 1);
	assert_false(__zone_watermark_ok(z, 1, 0, ZONE_NORMAL, 0, 1L << 20));
	assert_true(__zone_watermark_ok(z, 1, 0, ZONE_NORMAL, ALLOC_HARDER, 1L << 20));
	assert_true(__zone_watermark_ok(z, 5, 0, ZONE_NORMAL, ALLOC_HARDER, 1L << 20));
	assert_false(__zone_watermark_ok(z, 6, 0, ZONE_NORMAL, ALLOC_HARDER, 1L << 20));
	test_adjust_nr_free(z, 5, MIGRATE_HIGHATOMIC, -1);
	test_zone_unlock(z);

	for (unsigned long i = 0; i < n; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	free(pages);
	test_check_and_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_1g),
		cmocka_unit_test(test_default_16g),
		cmocka_unit_test(test_default_8g_two_nodes),
		cmocka_unit_test(test_tunables_from_conf),
		cmocka_unit_test(test_highmem_and_movable),
		cmocka_unit_test(test_setters_recompute),
		cmocka_unit_test(test_setters_every_node),
		cmocka_unit_test(test_matches_real_zoneinfo),
		cmocka_unit_test(test_min_free_kbytes_clamps),
		cmocka_unit_test(test_zone_watermark_ok_arithmetic),
		cmocka_unit_test(test_zone_watermark_ok_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
