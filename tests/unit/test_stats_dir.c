/* SPDX-License-Identifier: MIT */
/*
 * stats_dir: a background thread keeps the kernel-format views as files,
 * each replaced whole (write, then rename), and buddy_exit() leaves the last
 * state there. scripts/check_stats_dir.sh reads them with jc from a running
 * process.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "obs_util.h"

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"

static char dir[128];

static void make_dir_name(void)
{
	snprintf(dir, sizeof(dir), "/tmp/libbuddy-stats-%d", (int)getpid());
}

/* DIR/view's text, or NULL if it is not there yet. */
static char *file_text(const char *view)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, view);
	if (access(path, R_OK))
		return NULL;
	return read_text_file(path);
}

/* Poll until DIR/view holds exactly the view's text now (the writer runs every 20 ms). */
static bool file_catches_up(const char *view)
{
	char *want = view_text(view);
	bool same = false;

	for (int i = 0; i < 300 && !same; i++) {
		char *got = file_text(view);
		same = got && !strcmp(got, want);
		free(got);
		if (!same)
			usleep(10000);
	}
	free(want);
	return same;
}

/*
 * The five views are there; once the writer has stopped (writer_stopped),
 * nothing else is - no temporary file left behind. While it runs, the one
 * it is writing may be there too.
 */
static void assert_views_present(bool writer_stopped)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (strstr(e->d_name, ".tmp")) {
			assert_false(writer_stopped);
			continue;
		}
		files++;
	}
	closedir(d);
	assert_int_equal(files, 5); /* buddyinfo pagetypeinfo zoneinfo vmstat json */
}

static void test_views_are_kept_current(void **state)
{
	char conf[256];

	(void)state;
	make_dir_name();
	snprintf(conf, sizeof(conf), CONF ",stats_dir:%s,stats_interval_ms:20", dir);
	test_init(conf);
	assert_true(file_catches_up("buddyinfo"));
	struct page *p = alloc_pages(GFP_KERNEL, 5);
	assert_non_null(p);
	assert_true(file_catches_up("buddyinfo")); /* the order-5 split shows */
	assert_true(file_catches_up("pagetypeinfo"));
	assert_views_present(false);
	__free_pages(p, 5);
	buddy_drain_all_pages();
	char *at_free = view_text("buddyinfo");
	test_check_and_exit();

	/* buddy_exit wrote the state it left */
	char *last = file_text("buddyinfo");
	assert_non_null(last);
	assert_string_equal(last, at_free);
	free(last);
	free(at_free);
	assert_views_present(true);
	const char *views[] = {"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "json"};
	for (size_t i = 0; i < 5; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, views[i]);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* A directory that cannot be made: said once on stderr, the allocator works on. */
static void test_unwritable_dir_is_reported_once(void **state)
{
	(void)state;
	stderr_capture_begin();
	test_init(CONF ",stats_dir:/proc/libbuddy-no-such-dir,stats_interval_ms:10");
	usleep(100000); /* about ten attempts */
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(p);
	__free_pages(p, 0);
	test_check_and_exit();
	char *err = stderr_capture_end();
	char *first = strstr(err, "stats_dir /proc/libbuddy-no-such-dir: cannot write");
	assert_non_null(first);
	assert_null(strstr(first + 1, "stats_dir /proc/libbuddy-no-such-dir: cannot write"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views_are_kept_current),
		cmocka_unit_test(test_unwritable_dir_is_reported_once),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_exit);
}
