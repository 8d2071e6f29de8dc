/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "test_util.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * BUDDY_TEST_CONF_EXTRA is appended to every configuration, so ctest can run
 * a suite again in another mode (e.g. pcp_lock:atomic).
 */
void test_init(const char *conf)
{
	static char buf[512];
	const char *extra = getenv("BUDDY_TEST_CONF_EXTRA");

	if (extra && *extra) {
		snprintf(buf, sizeof(buf), "%s%s%s", conf ? conf : "", conf && *conf ? "," : "", extra);
		conf = buf;
	}
	struct buddy_config cfg = { .conf = conf };
	if (buddy_initialized()) {	/* an earlier test failed midway: don't cascade */
		fprintf(stderr, "test_init: allocator still initialised by an earlier test; resetting\n");
		buddy_exit();
	}
	int rc = buddy_init(&cfg);
	if (rc)
		fail_msg("buddy_init(\"%s\") = %d", conf ? conf : "", rc);
}

void assert_consistent(void)
{
	assert_int_equal(buddy_check(), 0);
}

void test_check_and_exit(void)
{
	buddy_drain_all_pages();
	assert_int_equal(buddy_check(), 0);
	buddy_exit();
}

static int saved_stderr = -1;
static FILE *capture_file;

void stderr_capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(capture_file), STDERR_FILENO);
}

char *stderr_capture_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	long len = ftell(capture_file);
	char *text = calloc(1, (size_t)len + 1);
	rewind(capture_file);
	if (len > 0 && fread(text, 1, (size_t)len, capture_file) != (size_t)len)
		text[0] = 0;
	fclose(capture_file);
	/* Echo it so a failing test still shows what was reported. */
	fputs(text, stderr);
	return text;
}

long zone_free(enum zone_type zone)
{
	return buddy_zone_free_pages(0, zone);
}

long free_after_drain(int nid, enum zone_type z)
{
	buddy_drain_all_pages();
	return buddy_zone_free_pages(nid, z);
}

struct zone *zone_of(int nid, enum zone_type z)
{
	return &NODE_DATA(nid)->node_zones[z];
}

struct zone *normal_zone(void)
{
	return zone_of(0, ZONE_NORMAL);
}

int test_teardown_exit(void **state)
{
	(void)state;
	buddy_exit();
	return 0;
}

void page_stack_push(struct page_stack *s, struct page *p)
{
	if (s->nr == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->pages = realloc(s->pages, s->cap * sizeof(*s->pages));
		assert_non_null(s->pages);
	}
	s->pages[s->nr++] = p;
}

void page_stack_free_all(struct page_stack *s)
{
	for (size_t i = 0; i < s->nr; i++)
		__free_pages(s->pages[i], 0);
	free(s->pages);
	s->pages = NULL;
	s->nr = s->cap = 0;
}
