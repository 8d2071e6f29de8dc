/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU list lock against remote lockers, in the lock mode the build
 * picks (rseq on x86-64 unless BUDDY_TEST_CONF_EXTRA says pcp_lock:atomic).
 * Remote lockers - drain_all_pages, drain_local_pages, the slow path's
 * drain, buddy_check, the views, the tunable setters - take a CPU's lock
 * while threads running there take it on the fast path; two remote lockers
 * racing once broke mutual exclusion (issue 17): a hang in
 * free_pcppages_bulk, or corrupt pcp counts.
 *
 *  - drain_race: the reproducer. Allocator threads alloc/free order-0
 *    GFP_KERNEL pages over 32 slots each while drainer threads loop on
 *    buddy_drain_all_pages(); all allocators but the first also drain their
 *    own CPU every few operations, and threads are pinned (see pin_to).
 *  - remote_lockers_<N>: N workers allocate orders 0..10 with random valid
 *    masks and free in random order, a quarter through another worker's
 *    mailbox (remote frees), now and then draining their own CPU, while one
 *    thread drains every CPU, one reads every view, one runs buddy_check()
 *    (which must find nothing: it holds every CPU and zone lock) and one
 *    moves the watermark tunables.
 *
 * Every page handed out is claimed in an owner map (a page handed out twice
 * is caught at once), tagged, and verified at free. A watchdog fails the run
 * when a thread makes no progress for BUDDY_STRESS_WATCHDOG seconds (default
 * 10), naming the scenario, seed and stuck thread, rather than leaving it to
 * the ctest timeout. Each scenario ends with every block freed, a drain,
 * buddy_check() == 0 and each zone's free count exactly the starting one.
 *
 * Bounded by time: 3 s per scenario by default, in every build.
 *   BUDDY_STRESS_SECONDS=N        run each scenario N seconds (long soak)
 *   BUDDY_STRESS_THREADS=2,3,8    worker counts for remote_lockers (default 4)
 *   BUDDY_STRESS_ONLY=drain_race  or remote_lockers: one scenario only
 *   BUDDY_STRESS_ALLOCATORS=N     drain_race allocators (default 2)
 *   BUDDY_STRESS_DRAINERS=N       drain_race drainers (default 3)
 *   BUDDY_STRESS_LOCAL_DRAIN_EVERY=N  ops between an allocator's own drains (8)
 *   BUDDY_STRESS_PIN=0            leave drain_race's threads to the scheduler
 *   BUDDY_STRESS_SEED=S           replay each thread's operation sequence
 *   BUDDY_STRESS_WATCHDOG=N       seconds without progress that make a hang
 * A seed replays the operations each thread asks for, not the interleaving.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "internal.h"	/* BUDDY_ASAN/BUDDY_TSAN */
#include "buddy_test.h"	/* test_pcp_rseq_lock(): to say which lock ran */

#define CONF "arena_size:64M,dma_limit:4M,dma32_limit:20M"
#define ARENA_PAGES ((64UL << 20) / PAGE_SIZE)

#define MAX_WORKERS 16
#define MAX_THREADS (MAX_WORKERS + 8)
#define SLOTS 32		/* drain_race: the 32 slots per allocator */
#define MAX_HELD 32		/* remote_lockers: blocks a worker holds at most */
#define MAILBOX 64
#define MAX_COUNTS 8		/* worker counts in BUDDY_STRESS_THREADS */
#define WORKER_DRAIN_EVERY 16	/* remote_lockers: a worker drains its own CPU this often */

static const char *const views[] = { "buddyinfo", "pagetypeinfo", "zoneinfo",
				     "vmstat", "extfrag_index", "unusable_index" };

/* --------------------------------------------------------------- settings */

static double run_seconds = 3;		/* per scenario */
static double watchdog_seconds = 10;
static unsigned long base_seed;
static int nr_allocators = 2, nr_drainers = 3;
static int local_drain_every = 8;
static int worker_counts[MAX_COUNTS] = { 4 };
static int nr_worker_counts = 1;

/* ---------------------------------------------------- progress and errors */

/* One per thread: the watchdog's view of it. Own cache line each. */
struct watched {
	_Alignas(CACHELINE) atomic_long ops;
	atomic_int active;
	char name[24];
};

static struct {
	const char *name;
	unsigned long seed;
	struct timespec start;
	struct watched threads[MAX_THREADS];
	int nr_threads;
	atomic_int stop;		/* threads: finish now */
	atomic_int done;		/* watchdog: the scenario is over */
	int pin;			/* drain_race: threads pin themselves (pin_to) */
	cpu_set_t cpus;			/* the CPUs we may run on */
	atomic_long errors;		/* tag, owner, zeroing, view, setter failures */
	atomic_long check_reports;	/* nonzero buddy_check() results during the run */
	atomic_long alloc_failures;
} run;

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - run.start.tv_sec) + (double)(now.tv_nsec - run.start.tv_nsec) / 1e9;
}

static struct watched *watch(const char *fmt, int i)
{
	assert_true(run.nr_threads < MAX_THREADS);
	struct watched *w = &run.threads[run.nr_threads++];

	snprintf(w->name, sizeof(w->name), fmt, i);
	atomic_store(&w->ops, 0);
	atomic_store(&w->active, 1);
	return w;
}

static inline void progress(struct watched *w)
{
	atomic_fetch_add_explicit(&w->ops, 1, memory_order_relaxed);
}

/* Report the first few problems as they happen; all of them count. */
static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&run.errors, 1) >= 20)
		return;
	fprintf(stderr, "%s (seed %lu, %.1f s): ", run.name, run.seed, elapsed());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static long total_ops(void)
{
	long sum = 0;

	for (int i = 0; i < run.nr_threads; i++)
		sum += atomic_load(&run.threads[i].ops);
	return sum;
}

/*
 * A hung run cannot be joined or checked (buddy_check would wait for the
 * same locks): say what stopped, then end the process with a failure.
 */
static _Noreturn void hang(const struct watched *stuck, double idle)
{
	fprintf(stderr,
		"\nWATCHDOG: %s (seed %lu, pcp lock %s): thread %s made no progress for %.0f s, %.1f s into "
		"the run - a hang (a CPU lock held twice, or a pcp list corrupted by it?)\n",
		run.name, run.seed, test_pcp_rseq_lock() ? "rseq" : "atomic", stuck->name, idle, elapsed());
	for (int i = 0; i < run.nr_threads; i++)
		fprintf(stderr, "  %-20s %12ld ops%s\n", run.threads[i].name,
			atomic_load(&run.threads[i].ops),
			atomic_load(&run.threads[i].active) ? "" : " (finished)");
	fprintf(stderr, "  total %ld ops, %ld errors, %ld buddy_check reports\n", total_ops(),
		atomic_load(&run.errors), atomic_load(&run.check_reports));
	printf("[  FAILED  ] %s: hung (watchdog)\n", run.name);
	fflush(stdout);
	fflush(stderr);
	_exit(1);
}

/*
 * A crash in a worker (a free list corrupted by two lock holders) would
 * otherwise end the process silently: cmocka's handler cannot unwind another
 * thread. Say which scenario and seed, then die of the signal. The
 * sanitizers report crashes themselves and keep their own handlers.
 */
#if !defined(BUDDY_ASAN) && !defined(BUDDY_TSAN)
static char crash_note[160];
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
static struct sigaction saved_actions[ARRAY_SIZE(crash_signals)];

static void crash_handler(int sig)
{
	ssize_t rc = write(STDERR_FILENO, crash_note, strlen(crash_note));
	(void)rc;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_crashes(bool on)
{
	static bool caught;
	struct sigaction sa = { .sa_handler = crash_handler };

	if (on == caught)
		return;
	caught = on;
	snprintf(crash_note, sizeof(crash_note), "\nCRASH: %s (seed %lu, pcp lock %s) died of a signal\n",
		 run.name, run.seed, test_pcp_rseq_lock() ? "rseq" : "atomic");
	for (size_t i = 0; i < ARRAY_SIZE(crash_signals); i++) {
		if (on)
			sigaction(crash_signals[i], &sa, &saved_actions[i]);
		else
			sigaction(crash_signals[i], &saved_actions[i], NULL);
	}
}
#else
static void catch_crashes(bool on)
{
	(void)on;
}
#endif

static void *watchdog(void *arg)
{
	long last[MAX_THREADS];
	double since[MAX_THREADS];
	(void)arg;

	for (int i = 0; i < MAX_THREADS; i++) {
		last[i] = -1;
		since[i] = 0;
	}
	while (!atomic_load(&run.done)) {
		usleep(100 * 1000);
		double now = elapsed();
		for (int i = 0; i < run.nr_threads; i++) {
			struct watched *w = &run.threads[i];
			long ops = atomic_load_explicit(&w->ops, memory_order_relaxed);

			if (ops != last[i] || !atomic_load(&w->active)) {
				last[i] = ops;
				since[i] = now;
			} else if (now - since[i] > watchdog_seconds) {
				hang(w, now - since[i]);
			}
		}
	}
	return NULL;
}

/* ------------------------------------------------------ blocks and owners */

struct block {
	struct page *page;
	unsigned int order;
	uint64_t tag;
};

/* Which block holds each page: 0 when the test holds none. */
static _Atomic uint32_t owner[ARENA_PAGES];

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint32_t owner_id(const struct block *b)
{
	return (uint32_t)(b->tag ^ (b->tag >> 32)) | 1;
}

/* A new block: each page unowned (else it was handed out twice), zeroed if asked, then tagged. */
static void take_block(const struct block *b, gfp_t gfp)
{
	unsigned long pfn = page_to_pfn(b->page);
	char *base = page_address(b->page);
	uint32_t id = owner_id(b);

	if (pfn + (1UL << b->order) > ARENA_PAGES || (pfn & ((1UL << b->order) - 1))) {
		error("order-%u block at pfn %#lx: outside the arena or misaligned", b->order, pfn);
		return;
	}
	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint32_t was = atomic_exchange_explicit(&owner[pfn + i], id, memory_order_relaxed);
		if (was)
			error("pfn %#lx handed out in an order-%u block while block %#x still holds it",
			      pfn + i, b->order, was);
	}
	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint64_t t;
		memcpy(&t, base + i * PAGE_SIZE, sizeof(t));
		if ((gfp & __GFP_ZERO) && t)
			error("__GFP_ZERO order-%u block at pfn %#lx: page %lu not zeroed", b->order, pfn, i);
		memcpy(base + i * PAGE_SIZE, &b->tag, sizeof(b->tag));
	}
}

/* Verify the tags and give up ownership before the block goes back. */
static void release_block(const struct block *b)
{
	unsigned long pfn = page_to_pfn(b->page);
	char *base = page_address(b->page);
	uint32_t id = owner_id(b);

	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint64_t t;
		memcpy(&t, base + i * PAGE_SIZE, sizeof(t));
		if (t != b->tag)
			error("order-%u block at pfn %#lx: page %lu tag %#llx, wrote %#llx", b->order, pfn, i,
			      (unsigned long long)t, (unsigned long long)b->tag);
		if (pfn + i < ARENA_PAGES) {
			uint32_t was = atomic_exchange_explicit(&owner[pfn + i], 0, memory_order_relaxed);
			if (was != id)
				error("pfn %#lx freed by block %#x but owned by %#x", pfn + i, id, was);
		}
	}
}

/* Every way to free a block, chosen by r. */
static void free_block(const struct block *b, unsigned int r)
{
	release_block(b);
	if (b->order == 0 && r % 4 == 0)
		free_hot_cold_page(b->page, r & 8);
	else if (r % 4 == 1)
		free_pages((unsigned long)page_address(b->page), b->order);
	else
		__free_pages(b->page, b->order);
}

/* ------------------------------------------------------------ scenario setup */

static long initial_free[MAX_NR_ZONES];
static char *initial_buddyinfo;

static char *view_text(const char *view)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(buddy_dump(f, view), 0);
	fclose(f);
	return text;
}

static void start_scenario(const char *name, unsigned long seed)
{
	static char conf[512];
	const char *extra = getenv("BUDDY_TEST_CONF_EXTRA");

	snprintf(conf, sizeof(conf), "%s%s%s", CONF, extra && *extra ? "," : "",
		 extra && *extra ? extra : "");
	struct buddy_config cfg = { .conf = conf };
	assert_int_equal(buddy_init(&cfg), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		initial_free[z] = buddy_zone_free_pages(0, (enum zone_type)z);
	initial_buddyinfo = view_text("buddyinfo");

	memset(owner, 0, sizeof(owner));
	run.name = name;
	run.seed = seed;
	run.nr_threads = 0;
	atomic_store(&run.stop, 0);
	atomic_store(&run.done, 0);
	atomic_store(&run.errors, 0);
	atomic_store(&run.check_reports, 0);
	atomic_store(&run.alloc_failures, 0);
	clock_gettime(CLOCK_MONOTONIC, &run.start);
	catch_crashes(true);
	printf("%s: seed %lu, %.0f s, pcp lock %s, conf %s\n", name, seed, run_seconds,
	       test_pcp_rseq_lock() ? "rseq" : "atomic", conf);
}

/* Let the threads run for run_seconds, the main thread watched too. */
static void run_for_a_while(struct watched *me)
{
	while (elapsed() < run_seconds) {
		usleep(50 * 1000);
		progress(me);
	}
	atomic_store(&run.stop, 1);
}

/* Everything is freed by now: drain, check, and compare with the start. */
static void finish_scenario(struct watched *me, pthread_t dog, bool same_buddyinfo)
{
	progress(me);
	buddy_drain_all_pages();
	progress(me);
	int problems = buddy_check();
	progress(me);
	atomic_store(&run.done, 1);
	pthread_join(dog, NULL);
	catch_crashes(false);

	long ops = total_ops();
	printf("%s: %ld ops in %.1f s (%ld allocation failures); %ld errors, %ld buddy_check reports during "
	       "the run\n",
	       run.name, ops, elapsed(), atomic_load(&run.alloc_failures), atomic_load(&run.errors),
	       atomic_load(&run.check_reports));
	for (int i = 0; i < run.nr_threads; i++)
		printf("  %-20s %12ld\n", run.threads[i].name, atomic_load(&run.threads[i].ops));
	if (atomic_load(&run.errors) || atomic_load(&run.check_reports) || problems)
		fail_msg("%s (seed %lu): %ld errors, %ld buddy_check reports during the run, %d at the end",
			 run.name, run.seed, atomic_load(&run.errors), atomic_load(&run.check_reports),
			 problems);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (buddy_zone_free_pages(0, (enum zone_type)z) != initial_free[z])
			fail_msg("%s (seed %lu): zone %d has %ld free pages, %ld at the start", run.name,
				 run.seed, z, buddy_zone_free_pages(0, (enum zone_type)z), initial_free[z]);
	if (same_buddyinfo) {
		char *now = view_text("buddyinfo");
		assert_string_equal(now, initial_buddyinfo);
		free(now);
	}
	free(initial_buddyinfo);
	initial_buddyinfo = NULL;
	buddy_exit();
}

/* -------------------------------------------------- scenario 1: drain_race */

/*
 * The rseq lock is contended only across CPUs: a remote locker's
 * compare-and-swap must land inside another CPU's restartable sequence, and
 * a second remote locker must take the word before the first reads it back.
 * The allocating thread itself is the likeliest second locker when it drains
 * its own CPU right after a fast-path operation. So the allocators after the
 * first also call drain_local_pages every few operations, each alone on a
 * CPU, and the first allocator (the thread, as it was) shares the
 * remaining CPU with the drainers. On a9cddad (2 CPUs) this layout hung or
 * crashed within its 3 s in 91 of 92 runs, nearly always in the first
 * second; left to the scheduler (BUDDY_STRESS_PIN=0), in 5 of 10.
 */
static void pin_to(int nth_allowed_cpu)
{
	cpu_set_t one;
	int n = 0;

	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &run.cpus) && n++ == nth_allowed_cpu) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
			return;
		}
}

static void *slot_allocator(void *arg)
{
	struct watched *w = arg;
	int me = (int)(w - run.threads) - 1;	/* run.threads[0] is main */
	uint64_t rng = run.seed * 2654435761u + (uint64_t)me + 1;
	uint64_t drain_every = me > 0 ? (uint64_t)local_drain_every : 0;
	struct block slots[SLOTS] = { 0 };
	int nr_cpus = CPU_COUNT(&run.cpus);

	if (run.pin)
		pin_to(me == 0 ? 0 : 1 + (me - 1) % (nr_cpus - 1));
	for (uint64_t op = 1; !atomic_load_explicit(&run.stop, memory_order_relaxed); op++) {
		struct block *b = &slots[xorshift(&rng) % SLOTS];

		if (b->page) {
			release_block(b);
			__free_pages(b->page, 0);
			b->page = NULL;
		} else {
			b->page = alloc_pages(GFP_KERNEL, 0);
			if (!b->page) {
				error("alloc_pages(GFP_KERNEL, 0) failed with at most %d pages held", SLOTS);
				continue;
			}
			b->order = 0;
			b->tag = (uint64_t)(me + 1) << 48 | op << 8;
			take_block(b, GFP_KERNEL);
		}
		if (drain_every && op % drain_every == 0)
			buddy_drain_local_pages();
		progress(w);
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].page) {
			release_block(&slots[i]);
			__free_pages(slots[i].page, 0);
		}
	atomic_store(&w->active, 0);
	return NULL;
}

static void *drainer(void *arg)
{
	struct watched *w = arg;

	if (run.pin)
		pin_to(0);
	while (!atomic_load_explicit(&run.stop, memory_order_relaxed)) {
		buddy_drain_all_pages();
		progress(w);
	}
	atomic_store(&w->active, 0);
	return NULL;
}

static void test_drain_race(void **state)
{
	pthread_t threads[MAX_THREADS], dog;
	const char *pin = getenv("BUDDY_STRESS_PIN");
	int n = 0;
	(void)state;

	start_scenario("drain_race", base_seed);
	run.pin = (!pin || atoi(pin)) && sched_getaffinity(0, sizeof(run.cpus), &run.cpus) == 0 &&
		  CPU_COUNT(&run.cpus) > 1;
	printf("drain_race: %d allocators (all but the first drain their CPU every %d ops), %d drainers, "
	       "%s\n",
	       nr_allocators, local_drain_every, nr_drainers, run.pin ? "pinned" : "not pinned");
	struct watched *me = watch("main", 0);
	for (int i = 0; i < nr_allocators; i++)
		assert_int_equal(
			pthread_create(&threads[n++], NULL, slot_allocator, watch("allocator %d", i)), 0);
	for (int i = 0; i < nr_drainers; i++)
		assert_int_equal(pthread_create(&threads[n++], NULL, drainer, watch("drainer %d", i)), 0);
	assert_int_equal(pthread_create(&dog, NULL, watchdog, NULL), 0);
	run_for_a_while(me);
	for (int i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		progress(me);
	}
	finish_scenario(me, dog, true);
}

/* ---------------------------------------------- scenario 2: remote_lockers */

struct mailbox {
	pthread_mutex_t lock;
	struct block slots[MAILBOX];
	int n;
};

static struct mailbox mailboxes[MAX_WORKERS];
static int nr_workers;

static unsigned int random_order(uint64_t *rng)
{
	unsigned int r = (unsigned int)(xorshift(rng) % 100);

	if (r < 45)
		return 0;
	if (r < 70)
		return 1 + r % 3;		/* 1..3, the other pcp orders */
	if (r < 80)
		return pageblock_order;		/* 9, on the pcp lists too */
	if (r < 97)
		return 4 + r % 5;		/* 4..8: straight to the buddy lists */
	if (r < 99)
		return MAX_ORDER - 1;
	return 9 + r % 2;
}

/*
 * A random valid mask: a base type, maybe a zone modifier (none with
 * __GFP_HIGHMEM: two zone bits are GFP_ZONE_BAD), maybe a mobility bit (never
 * MOVABLE and RECLAIMABLE together), and any of the action and watermark
 * modifiers. Not __GFP_NOFAIL: without reclaim it may wait forever.
 */
static gfp_t random_gfp(uint64_t *rng)
{
	static const gfp_t bases[] = { GFP_KERNEL, GFP_ATOMIC,		GFP_NOWAIT,	      GFP_NOIO,
				       GFP_NOFS,   GFP_USER,		GFP_TEMPORARY,	      GFP_HIGHUSER,
				       GFP_HIGHUSER_MOVABLE, GFP_KERNEL_ACCOUNT, GFP_TRANSHUGE, 0 };
	static const gfp_t zones[] = { 0, 0, __GFP_DMA, __GFP_DMA32 };
	static const gfp_t mobility[] = { 0, 0, __GFP_MOVABLE, __GFP_RECLAIMABLE };
	static const gfp_t modifiers[] = { __GFP_ZERO,	   __GFP_COMP,	     __GFP_COLD,   __GFP_HIGH,
					   __GFP_NORETRY, __GFP_NOMEMALLOC, __GFP_THISNODE, __GFP_HARDWALL,
					   __GFP_WRITE,	   __GFP_ACCOUNT,    __GFP_NOTRACK, __GFP_REPEAT,
					   __GFP_OTHER_NODE };
	uint64_t r = xorshift(rng);
	gfp_t gfp = bases[r % ARRAY_SIZE(bases)];

	r /= ARRAY_SIZE(bases);
	if (!(gfp & __GFP_HIGHMEM))
		gfp |= zones[r % ARRAY_SIZE(zones)];
	r /= ARRAY_SIZE(zones);
	if (!(gfp & GFP_MOVABLE_MASK))
		gfp |= mobility[r % ARRAY_SIZE(mobility)];
	r /= ARRAY_SIZE(mobility);
	for (size_t i = 0; i < ARRAY_SIZE(modifiers); i++, r >>= 2)
		if (r % 4 == 0)
			gfp |= modifiers[i];
	if (xorshift(rng) % 64 == 0)
		gfp |= __GFP_MEMALLOC;		/* may dig into the reserves: rarely */
	return gfp | __GFP_NOWARN;
}

static void post(int to, const struct block *b, unsigned int r)
{
	struct mailbox *m = &mailboxes[to];

	pthread_mutex_lock(&m->lock);
	if (m->n < MAILBOX) {
		m->slots[m->n++] = *b;
		b = NULL;
	}
	pthread_mutex_unlock(&m->lock);
	if (b)
		free_block(b, r);
}

static void drain_mailbox(int me, uint64_t *rng)
{
	struct mailbox *m = &mailboxes[me];
	struct block got[MAILBOX];
	int n;

	pthread_mutex_lock(&m->lock);
	n = m->n;
	memcpy(got, m->slots, sizeof(got[0]) * (size_t)n);
	m->n = 0;
	pthread_mutex_unlock(&m->lock);
	for (int i = 0; i < n; i++)
		free_block(&got[i], (unsigned int)xorshift(rng));
}

static void *worker(void *arg)
{
	struct watched *w = arg;
	int me = (int)(w - run.threads) - 1;	/* run.threads[0] is main */
	uint64_t rng = run.seed * 2654435761u + (uint64_t)me + 1;
	struct block held[MAX_HELD];
	int nheld = 0;

	for (uint64_t op = 1; !atomic_load_explicit(&run.stop, memory_order_relaxed); op++) {
		unsigned int r = (unsigned int)(xorshift(&rng) % 100);

		if (r < 55 && nheld < MAX_HELD) {
			struct block b = { .order = random_order(&rng) };
			gfp_t gfp = random_gfp(&rng);

			b.page = (r & 1) ? alloc_pages(gfp, b.order) : alloc_pages_node(0, gfp, b.order);
			if (b.page) {
				b.tag = (uint64_t)(me + 1) << 48 | op << 8 | b.order;
				take_block(&b, gfp);
				held[nheld++] = b;
			} else {
				atomic_fetch_add_explicit(&run.alloc_failures, 1, memory_order_relaxed);
			}
		} else if (nheld) {
			int i = (int)(xorshift(&rng) % (uint64_t)nheld);
			struct block b = held[i];

			held[i] = held[--nheld];
			if (r % 4 == 0 && nr_workers > 1)
				post((me + 1 + (int)(r % (unsigned)(nr_workers - 1))) % nr_workers, &b, r);
			else
				free_block(&b, r);
		}
		if (op % 32 == 0)
			drain_mailbox(me, &rng);
		if (op % WORKER_DRAIN_EVERY == 0)
			buddy_drain_local_pages();	/* a remote locker on the CPU we run on */
		progress(w);
	}
	while (nheld)
		free_block(&held[--nheld], (unsigned int)xorshift(&rng));
	drain_mailbox(me, &rng);
	atomic_store(&w->active, 0);
	return NULL;
}

static void *viewer(void *arg)
{
	struct watched *w = arg;
	FILE *devnull = fopen("/dev/null", "w");

	for (size_t i = 0; !atomic_load_explicit(&run.stop, memory_order_relaxed); i++) {
		const char *view = views[i % ARRAY_SIZE(views)];
		if (!devnull || buddy_dump(devnull, view))
			error("buddy_dump(\"%s\") failed", view);
		progress(w);
	}
	if (devnull)
		fclose(devnull);
	atomic_store(&w->active, 0);
	return NULL;
}

/* Every CPU lock and each zone lock: a consistent snapshot, whatever runs meanwhile. */
static void *checker(void *arg)
{
	struct watched *w = arg;

	while (!atomic_load_explicit(&run.stop, memory_order_relaxed)) {
		int problems = buddy_check();
		if (problems) {
			atomic_fetch_add(&run.check_reports, 1);
			fprintf(stderr,
				"%s (seed %lu, %.1f s): buddy_check found %d problems during the run\n",
				run.name, run.seed, elapsed(), problems);
		}
		progress(w);
		usleep(1000);
	}
	atomic_store(&w->active, 0);
	return NULL;
}

/* The setters lock every CPU to move pcp high and batch; now and then, like a sysctl write. */
static void *tuner(void *arg)
{
	struct watched *w = arg;
	uint64_t rng = run.seed * 2654435761u + 0x7475;

	while (!atomic_load_explicit(&run.stop, memory_order_relaxed)) {
		uint64_t r = xorshift(&rng);
		int kbytes = (r >> 8) % 3 ? 128 + (int)((r >> 16) % 2048) : 0;	/* 0: the default */
		int rc = (r & 1) ? buddy_set_watermark_scale_factor(1 + (int)((r >> 8) % 1000))
				 : buddy_set_min_free_kbytes(kbytes);
		if (rc)
			error("tunable setter returned %d", rc);
		progress(w);
		usleep(2000);
	}
	atomic_store(&w->active, 0);
	return NULL;
}

static void test_remote_lockers(void **state)
{
	static char name[32];
	pthread_t threads[MAX_THREADS], dog;
	int n = 0;

	nr_workers = (int)(intptr_t)*state;
	snprintf(name, sizeof(name), "remote_lockers_%d", nr_workers);
	start_scenario(name, base_seed);
	run.pin = 0;
	struct watched *me = watch("main", 0);
	for (int i = 0; i < nr_workers; i++) {
		pthread_mutex_init(&mailboxes[i].lock, NULL);
		mailboxes[i].n = 0;
	}
	for (int i = 0; i < nr_workers; i++)
		assert_int_equal(pthread_create(&threads[n++], NULL, worker, watch("worker %d", i)), 0);
	assert_int_equal(pthread_create(&threads[n++], NULL, drainer, watch("drainer", 0)), 0);
	assert_int_equal(pthread_create(&threads[n++], NULL, viewer, watch("views", 0)), 0);
	assert_int_equal(pthread_create(&threads[n++], NULL, checker, watch("buddy_check", 0)), 0);
	assert_int_equal(pthread_create(&threads[n++], NULL, tuner, watch("tunables", 0)), 0);
	assert_int_equal(pthread_create(&dog, NULL, watchdog, NULL), 0);
	run_for_a_while(me);
	for (int i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		progress(me);
	}
	/* Blocks posted to a worker after it left. */
	for (int i = 0; i < nr_workers; i++) {
		uint64_t rng = run.seed + (uint64_t)i;
		drain_mailbox(i, &rng);
		pthread_mutex_destroy(&mailboxes[i].lock);
	}
	assert_int_equal(buddy_set_min_free_kbytes(0), 0);
	assert_int_equal(buddy_set_watermark_scale_factor(10), 0);
	/* Highatomic pageblocks may stay reserved and do not merge: free totals only. */
	finish_scenario(me, dog, false);
}

/* ------------------------------------------------------------------- main */

/* After a failed assertion: no allocator or crash handler left for the next scenario. */
static int teardown(void **state)
{
	(void)state;
	catch_crashes(false);
	if (buddy_initialized())
		buddy_exit();
	return 0;
}

static int env_int(const char *name, int def, int min, int max)
{
	const char *s = getenv(name);
	int v = s ? atoi(s) : def;

	return v < min ? min : v > max ? max : v;
}

int main(void)
{
	const char *s;
	struct CMUnitTest tests[1 + MAX_COUNTS];
	static char names[MAX_COUNTS][40];
	size_t n = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* in order with stderr in a soak's log */
	if ((s = getenv("BUDDY_STRESS_SECONDS")))
		run_seconds = atof(s) > 0 ? atof(s) : run_seconds;
	if ((s = getenv("BUDDY_STRESS_WATCHDOG")))
		watchdog_seconds = atof(s) > 0 ? atof(s) : watchdog_seconds;
	nr_allocators = env_int("BUDDY_STRESS_ALLOCATORS", nr_allocators, 1, MAX_WORKERS);
	local_drain_every = env_int("BUDDY_STRESS_LOCAL_DRAIN_EVERY", local_drain_every, 0, 1 << 30);
	nr_drainers = env_int("BUDDY_STRESS_DRAINERS", nr_drainers, 1, 6);
	if ((s = getenv("BUDDY_STRESS_THREADS"))) {
		nr_worker_counts = 0;
		for (char *end; *s && nr_worker_counts < MAX_COUNTS; s = *end ? end + 1 : end) {
			long v = strtol(s, &end, 10);
			if (end == s)
				break;
			if (v < 1 || v > MAX_WORKERS)
				v = v < 1 ? 1 : MAX_WORKERS;
			worker_counts[nr_worker_counts++] = (int)v;
		}
		if (!nr_worker_counts)
			worker_counts[nr_worker_counts++] = 4;
	}
	s = getenv("BUDDY_STRESS_SEED");
	base_seed = s ? strtoul(s, NULL, 0) : (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	printf("test_pcp_lock_stress: seed %lu (BUDDY_STRESS_SEED to replay), %.0f s per scenario, watchdog "
	       "%.0f s\n",
	       base_seed, run_seconds, watchdog_seconds);

	const char *only = getenv("BUDDY_STRESS_ONLY");
	if (!only || !strcmp(only, "drain_race"))
		tests[n++] = (struct CMUnitTest)cmocka_unit_test_teardown(test_drain_race, teardown);
	for (int i = 0; i < (!only || !strcmp(only, "remote_lockers") ? nr_worker_counts : 0); i++) {
		snprintf(names[i], sizeof(names[i]), "test_remote_lockers_%d_workers", worker_counts[i]);
		tests[n++] = (struct CMUnitTest){ .name = names[i],
						  .test_func = test_remote_lockers,
						  .teardown_func = teardown,
						  .initial_state = (void *)(intptr_t)worker_counts[i] };
	}
	return _cmocka_run_group_tests("test_pcp_lock_stress", tests, n, NULL, NULL);
}
