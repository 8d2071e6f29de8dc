/* SPDX-License-Identifier: MIT */
/*
 * The fast-path blockers (fast_path.h): a set of reasons, and every CPU's
 * local_zone[] cache, which reads NULL while any reason is set. Below it:
 * pcp.c's CPU lock. Callers: zonelist.c (after building the zonelists), and
 * the features that must see every call.
 */
#include <pthread.h>

#include "fast_path.h"
#include "internal.h"
#include "pcp.h"

/* Serialises the reasons and the rebuilds; never taken on an allocation path. */
static pthread_mutex_t blockers_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint blockers;
/* The caches exist (the zonelists are built): a change must rewrite them. Under blockers_lock. */
static bool caches_built;

static struct zone *local_zone_of(const struct buddy_cpu *cpu, int high, bool blocked)
{
	struct zone *zone = NODE_DATA(cpu->node)->first_zoneref[ZONELIST_FALLBACK][high]->zone;

	if (blocked || !zone || zone->node != cpu->node)
		return NULL;
	return zone;
}

/* One CPU's cache. Its readers hold the CPU's lock, or there are none yet (with_lock false). */
static void refresh_cpu(struct buddy_cpu *cpu, bool blocked, bool with_lock)
{
	if (with_lock)
		pcp_lock_cpu(cpu);
	for (int high = 0; high < MAX_NR_ZONES; high++)
		cpu->local_zone[high] = local_zone_of(cpu, high, blocked);
	if (with_lock)
		pcp_unlock_cpu(cpu);
}

static void refresh_all(bool with_lock)
{
	bool blocked = atomic_load_explicit(&blockers, memory_order_relaxed) != 0;

	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		refresh_cpu(&buddy.cpus[c], blocked, with_lock);
}

/* Called during initialisation, before any allocation can read the caches. */
void fast_path_refresh(void)
{
	pthread_mutex_lock(&blockers_lock);
	refresh_all(false);
	caches_built = true;
	pthread_mutex_unlock(&blockers_lock);
}

void fast_path_forget(void)
{
	pthread_mutex_lock(&blockers_lock);
	caches_built = false;
	pthread_mutex_unlock(&blockers_lock);
}

static void set_blockers(unsigned int set, unsigned int clear)
{
	pthread_mutex_lock(&blockers_lock);
	unsigned int old = atomic_load_explicit(&blockers, memory_order_relaxed);
	unsigned int new = (old | set) & ~clear;

	atomic_store_explicit(&blockers, new, memory_order_relaxed);
	if (caches_built && !old != !new)
		refresh_all(true);
	pthread_mutex_unlock(&blockers_lock);
}

void fast_path_block(enum fast_path_blocker why)
{
	set_blockers(1U << why, 0);
}

void fast_path_unblock(enum fast_path_blocker why)
{
	set_blockers(0, 1U << why);
}

bool fast_path_blocked(void)
{
	return atomic_load_explicit(&blockers, memory_order_relaxed) != 0;
}

bool fast_path_blocked_by(enum fast_path_blocker why)
{
	return atomic_load_explicit(&blockers, memory_order_relaxed) & (1U << why);
}

/* ------------------------------------------------------------ per-thread blockers */

static void thread_blocker_count(struct thread_blocker *tb, int delta)
{
	pthread_mutex_lock(&tb->lock);
	int old = atomic_fetch_add_explicit(&tb->nr_threads, delta, memory_order_relaxed);
	if (old == 0 && delta > 0)
		fast_path_block(tb->why);
	else if (old + delta == 0)
		fast_path_unblock(tb->why);
	pthread_mutex_unlock(&tb->lock);
}

/* The key's destructor: a thread exits while in the state. */
static void thread_blocker_exit(void *arg)
{
	struct thread_blocker *tb = arg;

	tb->forget();
	thread_blocker_count(tb, -1);
}

void thread_blocker_set(struct thread_blocker *tb, bool in)
{
	pthread_mutex_lock(&tb->lock);
	if (!tb->key_made)
		tb->key_made = !pthread_key_create(&tb->exit_key, thread_blocker_exit);
	pthread_mutex_unlock(&tb->lock);
	pthread_setspecific(tb->exit_key, in ? tb : NULL);
	thread_blocker_count(tb, in ? 1 : -1);
}
