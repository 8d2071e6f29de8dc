/* SPDX-License-Identifier: MIT */
/*
 * What backs the arena: 4 KiB anonymous pages (the default), transparent huge
 * pages (hugepages:thp), the hugetlb pool (hugepages:hugetlb, falling back to
 * 4 KiB pages with a message when the pool is short), or a file: arena_file
 * (opened, created and sized here) or arena_fd (the caller's memfd).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buddy_test.h"
#include "test_util.h"

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"

/* A kB line of a /proc file ("AnonHugePages:", "HugePages_Free:"), or -1. */
static long proc_value(const char *path, const char *key)
{
	char line[256];
	long value = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key))) {
			value = atol(line + strlen(key));
			break;
		}
	fclose(f);
	return value;
}

static bool thp_available(void)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return false;
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = 0;
	fclose(f);
	return strstr(mode, "[always]") || strstr(mode, "[madvise]");
}

/* Allocate and touch n order-9 blocks (2 MiB each), then free them. */
static void touch_huge_blocks(int n, long *anon_huge_kb)
{
	struct page *blocks[16];

	assert_true(n <= 16);
	for (int i = 0; i < n; i++) {
		blocks[i] = alloc_pages(GFP_HIGHUSER_MOVABLE, 9);
		assert_non_null(blocks[i]);
		memset(page_address(blocks[i]), 0xa5, 2 << 20);
	}
	*anon_huge_kb = proc_value("/proc/self/smaps_rollup", "AnonHugePages:");
	for (int i = 0; i < n; i++)
		__free_pages(blocks[i], 9);
}

static void test_thp_arena_gets_huge_pages(void **state)
{
	long huge_kb;

	(void)state;
	if (!thp_available())
		skip(); /* THP "never" or not built into this kernel */
	test_init(CONF ",hugepages:thp");
	assert_int_equal(test_arena_backing(), BUDDY_HUGEPAGES_THP);
	touch_huge_blocks(8, &huge_kb);
	print_message("hugepages:thp: AnonHugePages %ld kB after touching 16 MiB\n", huge_kb);
	assert_true(huge_kb > 0);
	test_check_and_exit();
}

/* Without the key the arena stays on 4 KiB pages (THP "always" aside). */
static void test_default_arena_has_no_madvised_huge_pages(void **state)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	long huge_kb;

	(void)state;
	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = 0;
		fclose(f);
	}
	if (!strstr(mode, "[madvise]"))
		skip(); /* only "madvise" mode tells the two apart */
	test_init(CONF);
	touch_huge_blocks(8, &huge_kb);
	assert_int_equal(huge_kb, 0);
	test_check_and_exit();
}

/* With no huge pages in the pool: a message naming the sysctl, then 4 KiB pages that work. */
static void test_hugetlb_without_a_pool_falls_back(void **state)
{
	(void)state;
	long free_huge = proc_value("/proc/meminfo", "HugePages_Free:");
	if (free_huge < 0 || free_huge >= 32)
		skip(); /* a pool large enough: the fallback cannot be seen */
	stderr_capture_begin();
	test_init(CONF ",hugepages:hugetlb");
	char *err = stderr_capture_end();
	assert_int_equal(test_arena_backing(), BUDDY_HUGEPAGES_OFF);
	assert_non_null(strstr(err, "hugepages:hugetlb"));
	assert_non_null(strstr(err, "vm.nr_hugepages"));
	free(err);
	struct page *page = alloc_pages(GFP_KERNEL, 3);
	assert_non_null(page);
	memset(page_address(page), 1, 8 * 4096);
	__free_pages(page, 3);
	test_check_and_exit();
}

/* Each page's bytes are in the file at pfn * 4096. */
static void assert_page_in_file(int fd, struct page *page, unsigned char pattern)
{
	unsigned char buf[4096];

	memset(page_address(page), pattern, sizeof(buf));
	assert_int_equal(pread(fd, buf, sizeof(buf), (off_t)(page_to_pfn(page) * 4096)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], pattern);
}

static void test_arena_fd_maps_the_callers_memfd(void **state)
{
	(void)state;
	int fd = memfd_create("libbuddy-test", MFD_CLOEXEC);
	assert_true(fd > 0);
	struct buddy_config cfg = {.arena_fd = fd, .conf = CONF};
	assert_int_equal(buddy_init(&cfg), 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal((size_t)st.st_size, test_arena_bytes()); /* grown to the arena */
	struct page *a = alloc_pages(GFP_KERNEL, 0), *b = alloc_pages(GFP_DMA32, 2);
	assert_non_null(a);
	assert_non_null(b);
	assert_page_in_file(fd, a, 0x3c);
	assert_page_in_file(fd, b, 0xc3);
	__free_pages(a, 0);
	__free_pages(b, 2);
	test_check_and_exit();
	assert_int_equal(fcntl(fd, F_GETFD) >= 0, 1); /* the caller's: left open */
	close(fd);
}

static void test_arena_file_is_created_and_sized(void **state)
{
	char path[128], conf[256];

	(void)state;
	snprintf(path, sizeof(path), "/dev/shm/libbuddy-test-%d", (int)getpid());
	unlink(path);
	snprintf(conf, sizeof(conf), CONF ",arena_file:%s", path);
	test_init(conf);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, test_arena_bytes());
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	assert_non_null(page);
	assert_page_in_file(fd, page, 0x77);
	__free_pages(page, 1);
	close(fd);
	test_check_and_exit();
	unlink(path);
}

static void test_bad_backing_is_refused_with_a_reason(void **state)
{
	(void)state;
	struct buddy_config cfg = {.conf = CONF ",arena_file:/nonexistent-dir/pool"};
	stderr_capture_begin();
	int rc = buddy_init(&cfg);
	char *err = stderr_capture_end();
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err, "arena_file /nonexistent-dir/pool"));
	free(err);
	assert_false(buddy_initialized());

	struct buddy_config bad_fd = {.arena_fd = 100000, .conf = CONF};
	stderr_capture_begin();
	rc = buddy_init(&bad_fd);
	err = stderr_capture_end();
	assert_int_equal(rc, -EBADF);
	assert_non_null(strstr(err, "arena_fd 100000"));
	free(err);

	struct buddy_config bad_word = {.conf = CONF ",hugepages:giant"};
	stderr_capture_begin();
	rc = buddy_init(&bad_word);
	free(stderr_capture_end());
	assert_int_equal(rc, -EINVAL);
	assert_false(buddy_initialized());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thp_arena_gets_huge_pages),
		cmocka_unit_test(test_default_arena_has_no_madvised_huge_pages),
		cmocka_unit_test(test_hugetlb_without_a_pool_falls_back),
		cmocka_unit_test(test_arena_fd_maps_the_callers_memfd),
		cmocka_unit_test(test_arena_file_is_created_and_sized),
		cmocka_unit_test(test_bad_backing_is_refused_with_a_reason),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_exit);
}
