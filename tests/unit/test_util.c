/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "test_util.h"
#include "internal.h"
#include "page_reporting.h"

#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

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

char *test_run_child(void (*fn)(void), int *status)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka turns a fault into a failed test: in the child it must kill */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	size_t cap = 1 << 16, len = 0;
	char *text = calloc(1, cap);
	ssize_t n;
	while ((n = read(fds[0], text + len, cap - len - 1)) > 0)
		len += (size_t)n;
	close(fds[0]);
	waitpid(pid, status, 0);
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

/*
 * The accessor layer (buddy_test.h). The only place in tests/ that names the
 * global state, NODE_DATA and the zone's fields: when they move, change here.
 */

int test_nr_cpus(void) { return buddy.nr_cpu_ids; }
int test_nr_nodes(void) { return buddy.nr_node_ids; }
int test_cpu_node(int cpu) { return buddy.cpus[cpu].node; }
struct buddy_cpu *test_cpu(int cpu) { return &buddy.cpus[cpu]; }
int test_pcp_rseq_lock(void) { return buddy.pcp_rseq_lock; }
bool test_real_numa(void) { return buddy.real_numa; }
int test_node_distance(int from, int to) { return buddy.node_distance[from][to]; }
int test_mobility_grouping_disabled(void) { return buddy.page_group_by_mobility_disabled; }
unsigned long test_min_free_kbytes(void) { return (unsigned long)buddy.settings.min_free_kbytes; }
int test_watermark_scale_factor(void) { return buddy.settings.watermark_scale_factor; }
const struct buddy_settings *test_settings(void) { return &buddy.settings; }

char *test_arena_base(void) { return buddy.arena_base; }
size_t test_arena_bytes(void) { return buddy.arena_bytes; }
int test_arena_backing(void) { return buddy.arena_backing; }
unsigned long test_nr_pages(void) { return buddy.nr_pages; }
struct page *test_mem_map(void) { return buddy.mem_map; }
size_t test_mem_map_bytes(void) { return buddy.mem_map_bytes; }

struct zone *zone_of(int nid, enum zone_type z)
{
	return &NODE_DATA(nid)->node_zones[z];
}

struct zone *normal_zone(void)
{
	return zone_of(0, ZONE_NORMAL);
}

struct zonelist *test_zonelist(int nid, int which)
{
	return &NODE_DATA(nid)->node_zonelists[which];
}

struct zone *test_zonelist_zone(const struct zonelist *zl, int i) { return zl->_zonerefs[i].zone; }
int test_zonelist_zone_idx(const struct zonelist *zl, int i) { return zl->_zonerefs[i].zone_idx; }
struct zoneref *test_zonelist_refs(struct zonelist *zl) { return zl->_zonerefs; }

unsigned long test_node_start_pfn(int nid) { return NODE_DATA(nid)->node_start_pfn; }
unsigned long test_node_spanned(int nid) { return NODE_DATA(nid)->node_spanned_pages; }

const char *test_zone_name(const struct zone *zone) { return zone->name; }
int test_zone_nid(const struct zone *zone) { return zone->node; }
enum zone_type test_zone_idx(const struct zone *zone) { return zone->idx; }
unsigned long test_zone_start_pfn(const struct zone *zone) { return zone->zone_start_pfn; }
unsigned long test_zone_spanned(const struct zone *zone) { return zone->spanned_pages; }
unsigned long test_zone_managed(const struct zone *zone) { return zone->managed_pages; }
void test_zone_set_managed(struct zone *zone, unsigned long pages) { zone->managed_pages = pages; }
unsigned long test_zone_cma_pages(const struct zone *zone) { return zone->cma_pages; }

long test_zone_lowmem_reserve(const struct zone *zone, enum zone_type classzone)
{
	return zone->lowmem_reserve[classzone];
}

unsigned long test_zone_watermark(const struct zone *zone, int wmark)
{
	return wmark_pages(zone, (enum zone_watermarks)wmark);
}

void test_zone_set_reserved_highatomic(struct zone *zone, unsigned long pages)
{
	zone->nr_reserved_highatomic = pages;
}

unsigned long test_zone_reserved_highatomic(const struct zone *zone) { return zone->nr_reserved_highatomic; }
unsigned long test_zone_nr_isolate_pageblock(const struct zone *zone) { return zone->nr_isolate_pageblock; }
unsigned long test_zone_deferred_pfn(const struct zone *zone) { return zone->deferred_pfn; }
unsigned long test_zone_nr_deferred(const struct zone *zone) { return zone->nr_deferred; }
unsigned long test_zone_nr_guard_pages(const struct zone *zone) { return READ_ONCE(zone->nr_guard_pages); }

void test_zone_set_deferred(struct zone *zone, unsigned long pfn, unsigned long nr_blocks)
{
	zone->deferred_pfn = pfn;
	zone->nr_deferred = nr_blocks;
}

void test_zone_lock(struct zone *zone) { zone_lock(zone); }
void test_zone_unlock(struct zone *zone) { zone_unlock(zone); }

unsigned int test_zone_compact_defer_shift(const struct zone *zone)
{
	return READ_ONCE(zone->compact_defer_shift);
}

unsigned int test_zone_compact_considered(const struct zone *zone)
{
	return READ_ONCE(zone->compact_considered);
}

int test_zone_compact_order_failed(const struct zone *zone)
{
	return READ_ONCE(zone->compact_order_failed);
}

bool test_zone_compact_blockskip_flush(const struct zone *zone)
{
	return READ_ONCE(zone->compact_blockskip_flush);
}

struct pglist_data *test_pgdat(int nid)
{
	return NODE_DATA(nid);
}

struct buddy_kthread *test_kcompactd(int nid)
{
	return &NODE_DATA(nid)->kcompactd;
}

unsigned long test_nr_free(const struct zone *zone, unsigned int order)
{
	return zone->free_area[order].nr_free;
}

unsigned long test_nr_free_mt(const struct zone *zone, unsigned int order, int mt)
{
	return zone->free_area[order].nr_free_mt[mt];
}

void test_adjust_nr_free(struct zone *zone, unsigned int order, int mt, long delta)
{
	struct free_area *area = &zone->free_area[order];

	area->nr_free += (unsigned long)delta;
	if (mt >= 0)
		area->nr_free_mt[mt] += (unsigned long)delta;
}

struct list_head *test_free_list(struct zone *zone, unsigned int order, int mt)
{
	return &zone->free_area[order].free_list[mt];
}

struct per_cpu_pages *test_pcp(struct zone *zone, int cpu)
{
	return &zone->per_cpu_pageset[cpu];
}

int test_pcp_count(const struct zone *zone, int cpu) { return zone->per_cpu_pageset[cpu].count; }
int test_pcp_high(const struct zone *zone, int cpu) { return zone->per_cpu_pageset[cpu].high; }
int test_pcp_batch(const struct zone *zone, int cpu) { return zone->per_cpu_pageset[cpu].batch; }
int test_pcp_reserve_count(const struct zone *zone, int cpu) { return zone->per_cpu_pageset[cpu].reserve_count; }
long test_zone_pcp_reserve_total(const struct zone *zone) { return atomic_load(&zone->pcp_reserve_total); }

unsigned long test_zone_flags(const struct zone *zone)
{
	return __atomic_load_n(&zone->flags, __ATOMIC_RELAXED);
}

void test_zone_flag(struct zone *zone, int bit, bool on)
{
	if (on)
		__atomic_fetch_or(&zone->flags, 1UL << bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&zone->flags, ~(1UL << bit), __ATOMIC_RELAXED);
}

struct list_head *test_pcp_list(struct zone *zone, int cpu, unsigned int order, int mt)
{
	return &zone->per_cpu_pageset[cpu].lists[order_to_pindex(mt, order)];
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

size_t take_all_pages(gfp_t gfp, struct page_stack *s)
{
	size_t n = 0;
	struct page *p;

	do {
		while ((p = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL) {
			page_stack_push(s, p);
			n++;
		}
		buddy_drain_all_pages();
		p = alloc_pages(gfp | __GFP_NOWARN, 0);
		if (p) {
			page_stack_push(s, p);
			n++;
		}
	} while (p);
	return n;
}

void pcp_decay_to_high_min(void)
{
	int one = 1;

	/* an eighth a step: 200 steps bring any high down */
	for (int i = 0; i < 200; i++)
		assert_int_equal(buddy_ctl("vm.stat_refresh", NULL, NULL, &one, sizeof(one)), 0);
}

int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int pin_to_node(int nid)
{
	for (int cpu = 0; cpu < test_nr_cpus(); cpu++)
		if (test_cpu_node(cpu) == nid && pin_to_cpu(cpu) == 0)
			return cpu;
	return -1;
}

void unpin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void *free_on_cpu1(void *arg)
{
	struct stash *s = arg;

	if (pin_to_cpu(1) != 0)
		return (void *)1;
	for (int i = 0; i < s->n; i++)
		__free_pages(s->pages[i], 0);
	return NULL;
}

static char watchdog_msg[160];

static void watchdog_fired(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, watchdog_msg, strlen(watchdog_msg)) < 0)
		_exit(2);
	_exit(1);
}

void test_watchdog_start(unsigned int seconds, const char *what)
{
	snprintf(watchdog_msg, sizeof(watchdog_msg), "watchdog: %s did not return within %u s\n", what, seconds);
	signal(SIGALRM, watchdog_fired);
	alarm(seconds);
}

void test_watchdog_stop(void)
{
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

/* ---- reclaim */

static struct buddy_kthread *kswapd_of(int nid)
{
	return &NODE_DATA(nid)->kswapd;
}

void test_kswapd_wait_idle(int nid)
{
	struct buddy_kthread *kt = kswapd_of(nid);

	pthread_mutex_lock(&kt->lock);
	while (kt->started && (kt->woken || kt->running))
		pthread_cond_wait(&kt->wait, &kt->lock);
	pthread_mutex_unlock(&kt->lock);
}

bool test_kswapd_started(int nid)
{
	return kthread_started(kswapd_of(nid));
}

unsigned long test_kswapd_runs(int nid)
{
	struct buddy_kthread *kt = kswapd_of(nid);

	pthread_mutex_lock(&kt->lock);
	unsigned long runs = kt->runs;
	pthread_mutex_unlock(&kt->lock);
	return runs;
}

int test_kswapd_failures(int nid)
{
	return READ_ONCE(NODE_DATA(nid)->kswapd_failures);
}

bool test_node_unreclaimable(int nid)
{
	return test_kswapd_failures(nid) >= 16; /* MAX_RECLAIM_RETRIES */
}

unsigned long test_zone_watermark_boost(const struct zone *zone)
{
	return READ_ONCE(zone->watermark_boost);
}

int test_settings_watermark_boost_factor(void)
{
	return READ_ONCE(buddy.settings.watermark_boost_factor);
}

/* ---- free page reporting */

unsigned long test_zone_reported_pages(const struct zone *zone)
{
	return READ_ONCE(zone->reported_pages);
}

bool test_page_reporting_started(void)
{
	return kthread_started(&buddy.reporting.worker);
}
