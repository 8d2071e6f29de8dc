/* SPDX-License-Identifier: MIT */
/*
 * The observability surface as a program sees it through libbuddy.so: every
 * view through buddy_dump and buddy_dump_to, and stats_print at exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <buddy/buddy.h>
#include <buddy/gfp.h>

static const char *const views[] = { "buddyinfo", "pagetypeinfo", "zoneinfo",
				     "vmstat", "extfrag_index", "unusable_index" };

/* The first line each view starts with on this configuration. */
static const char *const first_lines[] = {
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      1 \n",
	"Page block order: 9\n",
	"Node 0, zone      DMA\n",
	"nr_free_pages ",
	"Node 0, zone      DMA -1.000 ",
	"Node 0, zone      DMA 0.000 ",
};

static void count_bytes(void *opaque, const char *text)
{
	*(size_t *)opaque += strlen(text);
}

static void test_every_view_through_the_public_api(void **state)
{
	struct buddy_config cfg = { .arena_size = 64UL << 20, .dma_limit = 4UL << 20, .dma32_limit = 20UL << 20 };
	(void)state;

	assert_int_equal(buddy_init(&cfg), 0);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		char *text = NULL;
		size_t len = 0, counted = 0;
		FILE *f = open_memstream(&text, &len);
		assert_int_equal(buddy_dump(f, views[i]), 0);
		fclose(f);
		assert_true(!strncmp(text, first_lines[i], strlen(first_lines[i])));
		assert_int_equal(buddy_dump_to(count_bytes, &counted, views[i]), 0);
		assert_int_equal(counted, len);
		free(text);
	}
	assert_int_equal(buddy_dump(stdout, "meminfo"), -EINVAL);
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
}

/* stats_print through the config struct: the views land on stderr when the program exits. */
static void test_stats_print_at_exit(void **state)
{
	char path[] = "/tmp/buddy_obs_XXXXXX";
	int fd = mkstemp(path), status;
	(void)state;

	assert_true(fd >= 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct buddy_config cfg = { .arena_size = 64UL << 20, .dma_limit = 4UL << 20, .dma32_limit = 20UL << 20,
					    .stats_print = "buddyinfo+vmstat" };
		dup2(fd, STDERR_FILENO);
		if (buddy_init(&cfg))
			_exit(1);
		__free_pages(alloc_pages(GFP_KERNEL, 3), 3);
		exit(0);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	FILE *f = fopen(path, "r");
	char buf[8192] = { 0 };
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	unlink(path);
	assert_true(n > 0);
	assert_true(!strncmp(buf, "Node 0, zone      DMA ", 22));
	assert_non_null(strstr(buf, "\npgalloc_normal 8\n"));
	assert_non_null(strstr(buf, "\npgfree 8\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_view_through_the_public_api),
		cmocka_unit_test(test_stats_print_at_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
