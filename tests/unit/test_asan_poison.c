/* SPDX-License-Identifier: MIT */
/*
 * Under AddressSanitizer, pages handed out are unpoisoned and freed pages are
 * poisoned, so a use-after-free inside the arena is caught. Each misuse runs
 * in a child process whose crash report the parent reads. Without ASan the
 * suite has nothing to check and skips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "test_util.h"

#ifdef BUDDY_ASAN
static void write_after_free(void)
{
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	char *p = (char *)__get_free_pages(GFP_KERNEL, 2);
	p[0] = 1;
	free_pages((unsigned long)p, 2);
	((volatile char *)p)[3 * PAGE_SIZE + 5] = 2;	/* freed: must be reported */
}

static void reuse_after_realloc(void)
{
	test_init("arena_size:16M,dma_limit:0,dma32_limit:0");
	char *p = (char *)__get_free_pages(GFP_KERNEL, 0);
	free_pages((unsigned long)p, 0);
	char *q = (char *)__get_free_pages(GFP_KERNEL, 0);	/* the same page, from the pcp list */
	assert_ptr_equal(p, q);
	memset(q, 3, PAGE_SIZE);	/* allocated again: fine */
	free_pages((unsigned long)q, 0);
	buddy_exit();
}

static void test_use_after_free_is_caught(void **state)
{
	(void)state;
	int status;
	char *text = test_run_child(write_after_free, &status);
	assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(text, "AddressSanitizer: use-after-poison"));
	free(text);
}

static void test_reallocated_page_is_usable_again(void **state)
{
	(void)state;
	int status;
	char *text = test_run_child(reuse_after_realloc, &status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_null(strstr(text, "AddressSanitizer"));
	free(text);
}
#else
static void test_use_after_free_is_caught(void **state)
{
	(void)state;
	skip();
}

static void test_reallocated_page_is_usable_again(void **state)
{
	(void)state;
	skip();
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_use_after_free_is_caught),
		cmocka_unit_test(test_reallocated_page_is_usable_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
