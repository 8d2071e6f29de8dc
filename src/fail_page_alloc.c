/* SPDX-License-Identifier: MIT */
/*
 * fail_page_alloc: the kernel's page allocator fault injection
 * (fail_page_alloc.h). The attribute follows lib/fault-inject.c's struct
 * fault_attr and should_fail (6.1), the filters mm/page_alloc.c's
 * __should_fail_alloc_page (6.1; mm/fail_page_alloc.c from 6.6). What is
 * left out: the per-task fail-nth and make-it-fail filters, the stack-trace
 * filters (require-start/-end, reject-start/-end) and the verbose rate
 * limit (verbose_ratelimit_*), which the kernel also leaves off by default.
 *
 * One attribute per process, as the kernel has one per boot: every field is
 * an atomic read racily by the allocating threads, written by the setters
 * under attr_lock. The random numbers come from a seeded splitmix64 stream,
 * so the same seed and the same single-threaded sequence of requests fail
 * the same requests again.
 */
#include <errno.h>
#include <execinfo.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fail_page_alloc.h"
#include "fast_path.h"
#include "internal.h"
#include "os.h"

atomic_bool fail_page_alloc_armed;

static struct {
	/* lib/fault-inject.c's struct fault_attr */
	atomic_long probability; /* percent, 0..100 */
	atomic_long interval;	 /* fail one call in interval (of those that get that far) */
	atomic_int times;	 /* failures left; -1 = no limit */
	atomic_int space;	 /* pages to let through before failing */
	atomic_int verbose;	 /* 0 silent, 1 a line per failure, 2 the line and a backtrace */
	atomic_ulong count;	 /* calls that reached the interval test */
	/* mm/page_alloc.c's fail_page_alloc around it */
	atomic_bool ignore_gfp_reclaim; /* debugfs ignore-gfp-wait */
	atomic_bool ignore_gfp_highmem;
	atomic_uint min_order;
	/* libbuddy's: the random stream (prandom in the kernel) and its seed */
	atomic_ullong rng;
	atomic_ullong seed;
} attr;

/* Serialises the setters, and arming with the fast-path blocker. */
static pthread_mutex_t attr_lock = PTHREAD_MUTEX_INITIALIZER;

#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ULL

/* The next number of the stream: splitmix64, one atomic add per number, so threads never share one. */
static uint32_t fault_random_u32(void)
{
	unsigned long long z =
		atomic_fetch_add_explicit(&attr.rng, SPLITMIX_GAMMA, memory_order_relaxed) + SPLITMIX_GAMMA;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* The kernel's prandom_u32_max(ceil): a number in [0, ceil) by multiply-shift. */
static uint32_t fault_random_below(uint32_t ceil)
{
	return (uint32_t)(((uint64_t)fault_random_u32() * ceil) >> 32);
}

/* 0 asks for a seed from the clock and the pid; the one in use is kept for buddy_ctl to read. */
static void fault_seed(unsigned long long seed)
{
	if (!seed)
		seed = ((unsigned long long)os_clock_ms() << 20) ^ (unsigned long long)getpid();
	atomic_store_explicit(&attr.seed, seed, memory_order_relaxed);
	atomic_store_explicit(&attr.rng, seed, memory_order_relaxed);
}

/* attr_lock held. Armed while a request can fail; the order-0 fast paths stay off while it is. */
static void __update_armed(void)
{
	bool armed = atomic_load(&attr.probability) > 0 && atomic_load(&attr.times) != 0;

	if (armed == atomic_load(&fail_page_alloc_armed))
		return;
	if (armed)
		fast_path_block(FAST_PATH_FAIL_PAGE_ALLOC);
	atomic_store(&fail_page_alloc_armed, armed);
	if (!armed)
		fast_path_unblock(FAST_PATH_FAIL_PAGE_ALLOC);
}

static void update_armed(void)
{
	pthread_mutex_lock(&attr_lock);
	__update_armed();
	pthread_mutex_unlock(&attr_lock);
}

/* lib/fault-inject.c's fail_dump: the kernel's line, then (verbose 2) the stack as dump_stack would. */
static __noinline __cold void fail_dump(void)
{
	int verbose = atomic_load_explicit(&attr.verbose, memory_order_relaxed);

	if (verbose <= 0)
		return;
	fprintf(stderr,
		"FAULT_INJECTION: forcing a failure.\n"
		"name fail_page_alloc, interval %ld, probability %ld, space %d, times %d\n",
		atomic_load(&attr.interval), atomic_load(&attr.probability), atomic_load(&attr.space),
		atomic_load(&attr.times));
	if (verbose > 1) {
		void *frames[32];
		int n = backtrace(frames, 32);

		fflush(stderr);
		backtrace_symbols_fd(frames, n, STDERR_FILENO);
	}
}

/* times != -1: one failure fewer, never below 0 (atomic_dec_not_zero). */
static void consume_time(void)
{
	int t = atomic_load_explicit(&attr.times, memory_order_relaxed);

	while (t != -1 && t != 0)
		if (atomic_compare_exchange_weak_explicit(&attr.times, &t, t - 1, memory_order_relaxed,
							  memory_order_relaxed)) {
			if (t == 1)
				update_armed(); /* the last one: the fast paths may come back */
			return;
		}
}

/* space > size: let the request through and take its size off the budget. */
static bool consume_space(int size)
{
	int s = atomic_load_explicit(&attr.space, memory_order_relaxed);

	while (s > size)
		if (atomic_compare_exchange_weak_explicit(&attr.space, &s, s - size, memory_order_relaxed,
							  memory_order_relaxed))
			return true;
	return false;
}

/*
 * lib/fault-inject.c's should_fail (6.1) without the task and stack
 * filters, with 6.2's FAULT_NOWARN: a __GFP_NOWARN request fails silently.
 * (6.1 set attr->no_warn on such a request and never cleared it, so one
 * __GFP_NOWARN caller silenced every later report; 6.2 made it per call.)
 */
static bool should_fail(int size, bool nowarn)
{
	long interval;

	if (atomic_load_explicit(&attr.probability, memory_order_relaxed) == 0)
		return false;
	if (atomic_load_explicit(&attr.times, memory_order_relaxed) == 0)
		return false;
	if (consume_space(size))
		return false;
	interval = atomic_load_explicit(&attr.interval, memory_order_relaxed);
	if (interval > 1 &&
	    (atomic_fetch_add_explicit(&attr.count, 1, memory_order_relaxed) + 1) % (unsigned long)interval)
		return false;
	if (atomic_load_explicit(&attr.probability, memory_order_relaxed) <= (long)fault_random_below(100))
		return false;
	if (!nowarn)
		fail_dump();
	consume_time();
	return true;
}

/* 6.1 __should_fail_alloc_page: the filters, then should_fail with the request's size in pages. */
bool __should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	if (order < atomic_load_explicit(&attr.min_order, memory_order_relaxed))
		return false;
	if (gfp_mask & __GFP_NOFAIL)
		return false;
	if (atomic_load_explicit(&attr.ignore_gfp_highmem, memory_order_relaxed) &&
	    (gfp_mask & __GFP_HIGHMEM))
		return false;
	if (atomic_load_explicit(&attr.ignore_gfp_reclaim, memory_order_relaxed) &&
	    (gfp_mask & __GFP_DIRECT_RECLAIM))
		return false;
	if (!should_fail(1 << order, gfp_mask & __GFP_NOWARN))
		return false;
	count_vm_events(FAIL_PAGE_ALLOC_INJECTED, 1);
	return true;
}

void fail_page_alloc_init(const struct buddy_settings *s)
{
	pthread_mutex_lock(&attr_lock);
	atomic_store(&attr.interval, s->fail_interval);
	atomic_store(&attr.probability, s->fail_probability);
	atomic_store(&attr.space, s->fail_space);
	atomic_store(&attr.times, s->fail_times);
	atomic_store(&attr.verbose, s->fail_verbose);
	atomic_store(&attr.ignore_gfp_reclaim, s->fail_ignore_gfp_wait);
	atomic_store(&attr.ignore_gfp_highmem, s->fail_ignore_gfp_highmem);
	atomic_store(&attr.min_order, (unsigned int)s->fail_min_order);
	atomic_store(&attr.count, 0);
	fault_seed((unsigned long long)s->fail_seed);
	__update_armed();
	pthread_mutex_unlock(&attr_lock);
}

/* ------------------------------------------------ buddy_ctl's names */

enum fault_field {
	F_PROBABILITY,
	F_INTERVAL,
	F_TIMES,
	F_SPACE,
	F_VERBOSE,
	F_IGNORE_WAIT,
	F_IGNORE_HIGHMEM,
	F_MIN_ORDER,
	F_SEED,
};

/* The debugfs file names (/sys/kernel/debug/fail_page_alloc/), each with its range. */
static const struct {
	const char *name;
	enum fault_field field;
	long long min, max;
} fault_files[] = {
	{"probability", F_PROBABILITY, 0, 100},
	{"interval", F_INTERVAL, 0, INT_MAX},
	{"times", F_TIMES, -1, INT_MAX},
	{"space", F_SPACE, 0, INT_MAX},
	{"verbose", F_VERBOSE, 0, 2},
	{"ignore-gfp-wait", F_IGNORE_WAIT, 0, 1},
	{"ignore-gfp-highmem", F_IGNORE_HIGHMEM, 0, 1},
	{"min-order", F_MIN_ORDER, 0, MAX_ORDER},
	{"seed", F_SEED, 0, LLONG_MAX},
};

static int find_file(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fault_files); i++)
		if (!strcmp(fault_files[i].name, name))
			return (int)i;
	return -1;
}

int fail_page_alloc_get(const char *name, long long *value)
{
	int i = find_file(name);

	if (i < 0)
		return -ENOENT;
	switch (fault_files[i].field) {
	case F_PROBABILITY:
		*value = atomic_load(&attr.probability);
		break;
	case F_INTERVAL:
		*value = atomic_load(&attr.interval);
		break;
	case F_TIMES:
		*value = atomic_load(&attr.times);
		break;
	case F_SPACE:
		*value = atomic_load(&attr.space);
		break;
	case F_VERBOSE:
		*value = atomic_load(&attr.verbose);
		break;
	case F_IGNORE_WAIT:
		*value = atomic_load(&attr.ignore_gfp_reclaim);
		break;
	case F_IGNORE_HIGHMEM:
		*value = atomic_load(&attr.ignore_gfp_highmem);
		break;
	case F_MIN_ORDER:
		*value = atomic_load(&attr.min_order);
		break;
	case F_SEED:
		*value = (long long)atomic_load(&attr.seed);
		break;
	}
	return 0;
}

/* attr_lock held. */
static void __set_field(enum fault_field field, long long v)
{
	switch (field) {
	case F_PROBABILITY:
		atomic_store(&attr.probability, (long)v);
		break;
	case F_INTERVAL:
		atomic_store(&attr.interval, (long)v);
		break;
	case F_TIMES:
		atomic_store(&attr.times, (int)v);
		break;
	case F_SPACE:
		atomic_store(&attr.space, (int)v);
		break;
	case F_VERBOSE:
		atomic_store(&attr.verbose, (int)v);
		break;
	case F_IGNORE_WAIT:
		atomic_store(&attr.ignore_gfp_reclaim, v != 0);
		break;
	case F_IGNORE_HIGHMEM:
		atomic_store(&attr.ignore_gfp_highmem, v != 0);
		break;
	case F_MIN_ORDER:
		atomic_store(&attr.min_order, (unsigned int)v);
		break;
	case F_SEED:
		fault_seed((unsigned long long)v);
		break;
	}
}

int fail_page_alloc_set(const char *name, long long value)
{
	int i = find_file(name);

	if (i < 0)
		return -ENOENT;
	if (value < fault_files[i].min || value > fault_files[i].max)
		return -EINVAL;
	pthread_mutex_lock(&attr_lock);
	__set_field(fault_files[i].field, value);
	__update_armed();
	pthread_mutex_unlock(&attr_lock);
	return 0;
}
