/* SPDX-License-Identifier: MIT */
/*
 * Page poisoning (Linux 6.1 mm/page_poison.c, page_poison=on): free pages
 * hold PAGE_POISON; the allocation that takes one checks the pattern and
 * reports a page written while free with the kernel's words - "pagealloc:
 * memory corruption", or "pagealloc: single bit error" for one flipped bit -
 * then a hex dump of the bytes from the first to the last that differ, and
 * dump_page.
 *
 * The kernel poisons every page at boot, so it can check every page it hands
 * out. Filling a whole arena at buddy_init would commit all of its memory;
 * instead one bit per page says the page holds the poison (as 4.x-5.10 kept
 * PAGE_EXT_DEBUG_POISON in page_ext), and only such pages are checked. The
 * bits are set and cleared atomically: pages of one word are freed and
 * allocated on different CPUs at once.
 *
 * Below it: os.c, mmdebug.c (dump_page). Caller: debug_page_alloc.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "os.h"
#include "page_poison.h"

bool _page_poisoning_enabled;

static unsigned long *poisoned; /* one bit per page of the arena */
static size_t poisoned_bytes;
static atomic_long report_window; /* start of the current 5 s window, in ms */
static atomic_int reports_in_window;

int page_poison_init(bool on)
{
	_page_poisoning_enabled = false;
	if (!on)
		return 0;
	poisoned_bytes = (buddy.nr_pages + 8 * sizeof(long) - 1) / (8 * sizeof(long)) * sizeof(long);
	poisoned = os_map_zeroed(poisoned_bytes);
	if (!poisoned)
		return -ENOMEM;
	atomic_store(&report_window, 0);
	atomic_store(&reports_in_window, 0);
	_page_poisoning_enabled = true;
	return 0;
}

void page_poison_exit(void)
{
	os_release(poisoned, poisoned_bytes);
	poisoned = NULL;
	_page_poisoning_enabled = false;
}

#define BITS_PER_LONG_ (8 * sizeof(long))

static void set_page_poison(unsigned long pfn)
{
	__atomic_fetch_or(&poisoned[pfn / BITS_PER_LONG_], 1UL << (pfn % BITS_PER_LONG_), __ATOMIC_RELAXED);
}

/* Was the page poisoned? Clears the bit. */
static bool test_and_clear_page_poison(unsigned long pfn)
{
	unsigned long bit = 1UL << (pfn % BITS_PER_LONG_);

	return __atomic_fetch_and(&poisoned[pfn / BITS_PER_LONG_], ~bit, __ATOMIC_RELAXED) & bit;
}

void __kernel_poison_pages(struct page *page, unsigned long n)
{
	unsigned long pfn = page_to_pfn_fast(page);

	memset(pfn_to_virt(pfn), PAGE_POISON, n << PAGE_SHIFT);
	for (unsigned long i = 0; i < n; i++)
		set_page_poison(pfn + i);
}

/* 6.1 check_poison_mem's ratelimit: at most 10 reports in 5 seconds. */
static bool poison_report_ratelimit(void)
{
	long now = os_clock_ms(), start = atomic_load(&report_window);

	if (now - start >= 5000 && atomic_compare_exchange_strong(&report_window, &start, now))
		atomic_store(&reports_in_window, 0);
	return atomic_fetch_add(&reports_in_window, 1) < 10;
}

static bool single_bit_flip(unsigned char a, unsigned char b)
{
	unsigned char error = a ^ b;

	return error && !(error & (error - 1));
}

/*
 * print_hex_dump(KERN_ERR, "", DUMP_PREFIX_ADDRESS, 16, 1, buf, len, true):
 * each row its address, 16 bytes in hex, and the same as text from column 49.
 */
static void print_hex_dump_bytes(const unsigned char *buf, size_t len)
{
	for (size_t row = 0; row < len; row += 16) {
		size_t n = len - row < 16 ? len - row : 16;
		char hex[16 * 3 + 1] = "", text[17] = "";

		for (size_t i = 0; i < n; i++) {
			unsigned char c = buf[row + i];
			snprintf(hex + 3 * i, 4, i + 1 < n ? "%02x " : "%02x", c);
			text[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		fprintf(stderr, "%016lx: %-49s%s\n", (unsigned long)(buf + row), hex, text);
	}
}

/* The first byte of [mem, mem + bytes) that is not PAGE_POISON, or NULL (the kernel's memchr_inv). */
static const unsigned char *first_unpoisoned(const unsigned char *mem, size_t bytes)
{
	const uint64_t pattern = 0x0101010101010101ULL * PAGE_POISON;
	size_t i = 0;

	/* a word at a time (the page is page-aligned); the byte loop finds which one */
	for (; i + 8 <= bytes; i += 8) {
		uint64_t w;
		memcpy(&w, mem + i, 8);
		if (w != pattern)
			break;
	}
	for (; i < bytes; i++)
		if (mem[i] != PAGE_POISON)
			return mem + i;
	return NULL;
}

/* 6.1 check_poison_mem: the first and last byte that differ, reported once per page. */
static bool check_poison_mem(struct page *page, const unsigned char *mem, size_t bytes)
{
	const unsigned char *start = first_unpoisoned(mem, bytes), *end = mem + bytes - 1;

	if (!start)
		return true;
	while (end > start && *end == PAGE_POISON)
		end--;
	if (!poison_report_ratelimit())
		return false;
	if (start == end && single_bit_flip(*start, PAGE_POISON))
		fprintf(stderr, "pagealloc: single bit error\n");
	else
		fprintf(stderr, "pagealloc: memory corruption\n");
	print_hex_dump_bytes(start, (size_t)(end - start) + 1);
	dump_page(page, "pagealloc: corrupted page details");
	return false;
}

bool __kernel_unpoison_pages(struct page *page, unsigned long n)
{
	unsigned long pfn = page_to_pfn_fast(page);
	bool clean = true;

	for (unsigned long i = 0; i < n; i++)
		if (test_and_clear_page_poison(pfn + i) &&
		    !check_poison_mem(page + i, pfn_to_virt(pfn + i), PAGE_SIZE))
			clean = false;
	return clean;
}
