/* SPDX-License-Identifier: MIT */
/*
 * Reports in the kernel's words: "Bad page state" for misuse of a page,
 * "page allocation failure" (warn_alloc) for a request that cannot be met.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *buddy_progname(void)
{
	extern char *program_invocation_short_name;
	return program_invocation_short_name ? program_invocation_short_name : "?";
}

void bad_page(struct page *page, unsigned long pfn, const char *reason)
{
	fprintf(stderr,
		"BUG: Bad page state in process %s  pfn:%05lx\n"
		"page:%p refcount:%d order:%u flags:%#lx\n"
		"page dumped because: %s\n",
		buddy_progname(), pfn, (void *)page, page_ref_count(page), page->alloc_order, page_flags(page), reason);
}

void bad_address(const void *addr, const char *reason)
{
	fprintf(stderr,
		"BUG: Bad page state in process %s  addr:%p\n"
		"page dumped because: %s\n",
		buddy_progname(), addr, reason);
}

void warn_alloc(gfp_t gfp_mask, unsigned int order, const char *why)
{
	fprintf(stderr, "%s: page allocation failure: order:%u, mode:%#x%s%s\n", buddy_progname(), order,
		gfp_mask, why ? ": " : "", why ? why : "");
}
