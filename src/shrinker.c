/* SPDX-License-Identifier: MIT */
/*
 * Shrinkers: the registry (register_shrinker, unregister_shrinker) and the
 * slab half of Linux 6.1 mm/vmscan.c - do_shrink_slab's deferred-work
 * arithmetic and shrink_slab's walk - plus zone_reclaimable_pages, the
 * estimate the slow path's retry decision uses. See shrinker.h for the
 * locking and docs/reclaim.md for the contract.
 *
 * The kernel holds shrinker_rwsem for reading across the callbacks, so a
 * shrinker that unregisters itself from its callback deadlocks there. Here
 * the registry lock is dropped around every callback; a call in progress
 * pins its registry entry (active), which unregister_shrinker waits on -
 * except for the calling thread's own call, so self-unregistering works.
 * The entry is libbuddy's, not part of the owner's struct, so nothing of
 * the owner's is touched once a callback has unregistered it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sched_mm.h"
#include "shrinker.h"
#include "trace_vmscan.h"
#include "vmscan.h"

/* A registered shrinker, as libbuddy keeps it. */
struct shrinker_entry {
	struct list_head list;			  /* on shrinker_list until freed */
	struct shrinker *shrinker;		  /* the owner's; not read once dead */
	unsigned long flags;			  /* shrinker->flags at registration */
	int active;				  /* calls in progress (shrinker_lock) */
	bool dead;				  /* unregistered: no new calls (shrinker_lock) */
	bool free_on_last_call;			  /* unregistered from its own callback: the call frees it */
	atomic_bool warned;			  /* a lying count was reported */
	atomic_long nr_deferred[MAX_NUMNODES];	  /* scan work carried over (index 0 unless NUMA aware) */
	atomic_ulong last_freeable[MAX_NUMNODES]; /* what count_objects said, less what was freed */
};

static pthread_mutex_t shrinker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shrinker_idle = PTHREAD_COND_INITIALIZER; /* an unregistered entry's call ended */
static struct list_head shrinker_list = {&shrinker_list, &shrinker_list};
static atomic_int nr_registered;

/* The entry whose callback this thread is running, for unregistering from inside it. */
static __thread struct shrinker_entry *current_entry;

/* ------------------------------------------------------------ registration */

/* A live entry for shrinker, or NULL. shrinker_lock held. */
static struct shrinker_entry *__find_entry(const struct shrinker *shrinker)
{
	for (struct list_head *p = shrinker_list.next; p != &shrinker_list; p = p->next) {
		struct shrinker_entry *e = list_entry(p, struct shrinker_entry, list);
		if (e->shrinker == shrinker && !e->dead)
			return e;
	}
	return NULL;
}

/* A kernel-style WARN line naming the call that was misused. */
static void shrinker_warn(const char *call, const struct shrinker *shrinker, const char *what)
{
	fprintf(stderr, "WARNING: %s: %s: shrinker %p %s\n", buddy_progname(), call, (const void *)shrinker,
		what);
}

static bool shrinker_is_valid(const struct shrinker *shrinker)
{
	if (!shrinker) {
		fprintf(stderr, "WARNING: %s: register_shrinker: NULL shrinker\n", buddy_progname());
		return false;
	}
	if (!shrinker->count_objects || !shrinker->scan_objects) {
		shrinker_warn("register_shrinker", shrinker,
			      "has no count_objects or scan_objects; not registered");
		return false;
	}
	if (shrinker->batch < 0 || shrinker->seeks < 0) {
		shrinker_warn("register_shrinker", shrinker, "has a negative batch or seeks; not registered");
		return false;
	}
	return true;
}

/* The first registration starts each node's kswapd (kswapd:off aside). */
static void start_kswapds(void)
{
	if (!buddy_initialized() || buddy.settings.kswapd < 0)
		return;
	for (int nid = 0; nid < buddy.nr_node_ids; nid++)
		kthread_wake(&NODE_DATA(nid)->kswapd);
}

int register_shrinker(struct shrinker *shrinker)
{
	struct shrinker_entry *e;
	bool busy;

	if (!shrinker_is_valid(shrinker))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->shrinker = shrinker;
	e->flags = shrinker->flags;
	pthread_mutex_lock(&shrinker_lock);
	busy = __find_entry(shrinker) != NULL;
	if (!busy)
		list_add_tail(&e->list, &shrinker_list);
	pthread_mutex_unlock(&shrinker_lock);
	if (busy) {
		free(e);
		shrinker_warn("register_shrinker", shrinker, "is already registered");
		return -EINVAL;
	}
	if (atomic_fetch_add(&nr_registered, 1) == 0)
		start_kswapds();
	return 0;
}

/* shrinker_lock held: the entry leaves the list and is freed. */
static void __free_entry(struct shrinker_entry *e)
{
	list_del(&e->list);
	free(e);
}

void unregister_shrinker(struct shrinker *shrinker)
{
	struct shrinker_entry *e;
	int own_calls;

	pthread_mutex_lock(&shrinker_lock);
	e = __find_entry(shrinker);
	if (!e) {
		pthread_mutex_unlock(&shrinker_lock);
		shrinker_warn("unregister_shrinker", shrinker,
			      "was not registered (or unregistered twice); ignored");
		return;
	}
	e->dead = true;
	atomic_fetch_sub(&nr_registered, 1);
	own_calls = current_entry == e ? 1 : 0;
	while (e->active > own_calls) /* other threads' calls: the owner may free the struct after us */
		pthread_cond_wait(&shrinker_idle, &shrinker_lock);
	if (own_calls)
		e->free_on_last_call = true;
	else
		__free_entry(e);
	pthread_mutex_unlock(&shrinker_lock);
}

bool shrinkers_registered(void)
{
	return atomic_load_explicit(&nr_registered, memory_order_relaxed) > 0;
}

bool shrinker_allowed(gfp_t gfp_mask, unsigned long flags)
{
	if (!(gfp_mask & __GFP_IO))
		return flags & SHRINKER_NOIO_SAFE;
	if (!(gfp_mask & __GFP_FS))
		return flags & (SHRINKER_NOFS_SAFE | SHRINKER_NOIO_SAFE);
	return true;
}

/* ------------------------------------------------------------ do_shrink_slab */

static int deferred_index(const struct shrinker_entry *e, int nid)
{
	return (e->flags & SHRINKER_NUMA_AWARE) ? nid : 0;
}

/*
 * A count or a free of more pages than the arena holds is a lie: report it
 * once per shrinker and use the arena's size, which keeps the arithmetic
 * below bounded.
 */
static unsigned long clamp_to_arena(struct shrinker_entry *e, unsigned long n, const char *what)
{
	if (n <= buddy.nr_pages)
		return n;
	if (!atomic_exchange(&e->warned, true))
		fprintf(stderr,
			"WARNING: %s: shrinker %p: %s returned %lu, more pages than the arena has (%lu); "
			"clamped (reported once)\n",
			buddy_progname(), (void *)e->shrinker, what, n, buddy.nr_pages);
	return buddy.nr_pages;
}

/* The owner's callback, in the noreclaim scope, marked as this thread's for unregister. */
static unsigned long call_shrinker(struct shrinker_entry *e,
				   unsigned long (*fn)(struct shrinker *, struct shrink_control *),
				   struct shrink_control *sc)
{
	struct shrinker_entry *outer = current_entry;
	unsigned int noreclaim = memalloc_noreclaim_save();
	unsigned long ret;

	current_entry = e;
	ret = fn(e->shrinker, sc);
	current_entry = outer;
	memalloc_noreclaim_restore(noreclaim);
	return ret;
}

static bool entry_dead(struct shrinker_entry *e)
{
	pthread_mutex_lock(&shrinker_lock);
	bool dead = e->dead;
	pthread_mutex_unlock(&shrinker_lock);
	return dead;
}

/*
 * 6.1 do_shrink_slab. The work asked of a shrinker is delta =
 * (freeable >> priority) * 4 / seeks (freeable / 2 when seeks is 0) plus
 * the work deferred by earlier calls, nr >> priority; at most twice
 * freeable. It is done in batches of batch objects; a cache smaller than a
 * batch is scanned whole once the work reaches its size. What is not done
 * is deferred, at most twice freeable. The caller pinned e (active).
 */
static unsigned long do_shrink_slab(struct shrinker_entry *e, struct shrink_control *sc, int priority,
				    struct buddy_kthread *stop, unsigned long *scanned_out)
{
	struct shrinker *shrinker = e->shrinker;
	long batch_size = shrinker->batch ? shrinker->batch : SHRINK_BATCH;
	unsigned long (*scan)(struct shrinker *, struct shrink_control *) = shrinker->scan_objects;
	int idx = deferred_index(e, sc->nid);
	unsigned long long delta;
	long freeable, nr, total_scan, scanned = 0, next_deferred, new_nr;
	unsigned long freed = 0, ret;

	ret = call_shrinker(e, shrinker->count_objects, sc);
	if (ret == 0 || ret == SHRINK_EMPTY || entry_dead(e)) {
		atomic_store(&e->last_freeable[idx], 0);
		return 0;
	}
	freeable = (long)clamp_to_arena(e, ret, "count_objects");
	nr = atomic_exchange(&e->nr_deferred[idx], 0); /* concurrent callers do not redo this work */
	if (shrinker->seeks) {
		delta = (unsigned long long)(freeable >> priority) * 4 / (unsigned)shrinker->seeks;
	} else {
		delta = (unsigned long long)freeable / 2; /* cheap to recreate: trim hard */
	}
	total_scan = (nr >> priority) + (long)delta;
	if (total_scan > 2 * freeable)
		total_scan = 2 * freeable;
	trace_mm_shrink_slab_start(shrinker, sc, nr, freeable, delta, total_scan, priority);

	while (total_scan >= batch_size || total_scan >= freeable) {
		unsigned long nr_to_scan = (unsigned long)(total_scan < batch_size ? total_scan : batch_size);

		if (stop && kthread_should_stop(stop))
			break;
		sc->nr_to_scan = nr_to_scan;
		sc->nr_scanned = nr_to_scan;
		ret = call_shrinker(e, scan, sc);
		if (ret == SHRINK_STOP)
			break;
		freed += clamp_to_arena(e, ret, "scan_objects");
		/* a scan that looked at nothing would loop for ever; at most what is left */
		if (!sc->nr_scanned)
			break;
		if (sc->nr_scanned > (unsigned long)total_scan)
			sc->nr_scanned = (unsigned long)total_scan;
		count_vm_events(SLABS_SCANNED, sc->nr_scanned);
		total_scan -= (long)sc->nr_scanned;
		scanned += (long)sc->nr_scanned;
		if (entry_dead(e)) /* it unregistered itself: its struct may be gone */
			break;
	}
	next_deferred = (long)(nr + (long)delta - scanned);
	if (next_deferred < 0)
		next_deferred = 0;
	if (next_deferred > 2 * freeable)
		next_deferred = 2 * freeable;
	new_nr = atomic_fetch_add(&e->nr_deferred[idx], next_deferred) + next_deferred;
	if (freed > buddy.nr_pages)
		freed = buddy.nr_pages;
	atomic_store(&e->last_freeable[idx],
		     (unsigned long)freeable > freed ? (unsigned long)freeable - freed : 0);
	trace_mm_shrink_slab_end(shrinker, (void *)scan, sc->nid, nr, new_nr, (long)freed, total_scan);
	*scanned_out += (unsigned long)scanned;
	return freed;
}

/* ------------------------------------------------------------ shrink_slab */

/* shrinker_lock held: the next live entry after pos that mask allows, pinned; NULL at the end. */
static struct shrinker_entry *__next_entry(struct list_head *pos, gfp_t gfp_mask)
{
	for (struct list_head *p = pos->next; p != &shrinker_list; p = p->next) {
		struct shrinker_entry *e = list_entry(p, struct shrinker_entry, list);
		if (e->dead || !shrinker_allowed(gfp_mask, e->flags))
			continue;
		e->active++;
		return e;
	}
	return NULL;
}

/* shrinker_lock held: drop the pin; an unregistered entry is freed or its waiter woken. */
static void __put_entry(struct shrinker_entry *e)
{
	e->active--;
	if (!e->dead)
		return;
	if (!e->active && e->free_on_last_call)
		__free_entry(e);
	else
		pthread_cond_broadcast(&shrinker_idle);
}

void shrink_slab(gfp_t gfp_mask, int nid, int priority, struct buddy_kthread *stop, struct shrink_result *res)
{
	struct shrinker_entry *e, *next;

	pthread_mutex_lock(&shrinker_lock);
	e = __next_entry(&shrinker_list, gfp_mask);
	while (e) {
		struct shrink_control sc = {.gfp_mask = gfp_mask, .nid = nid};
		unsigned long freed;

		pthread_mutex_unlock(&shrinker_lock);
		freed = (stop && kthread_should_stop(stop))
				? 0
				: do_shrink_slab(e, &sc, priority, stop, &res->scanned);
		res->freed += freed;
		pthread_mutex_lock(&shrinker_lock);
		/* e stays on the list while pinned, so its successor is still reachable */
		next = __next_entry(&e->list, gfp_mask);
		__put_entry(e);
		e = next;
	}
	pthread_mutex_unlock(&shrinker_lock);
}

/* ------------------------------------------------------------ estimates */

unsigned long node_shrinker_pages(int nid)
{
	unsigned long pages = 0;

	pthread_mutex_lock(&shrinker_lock);
	for (struct list_head *p = shrinker_list.next; p != &shrinker_list; p = p->next) {
		struct shrinker_entry *e = list_entry(p, struct shrinker_entry, list);
		if (!e->dead)
			pages += atomic_load(&e->last_freeable[deferred_index(e, nid)]);
	}
	pthread_mutex_unlock(&shrinker_lock);
	return pages;
}

/*
 * The kernel counts a zone's LRU pages. Here reclaim can free only what the
 * shrinkers hold, and they do not say in which zone: the node's shrinker
 * count, but no more than the zone has in use.
 */
unsigned long zone_reclaimable_pages(struct zone *zone)
{
	long free = zone_page_state(zone, NR_FREE_PAGES);
	unsigned long used =
		zone->managed_pages > (unsigned long)free ? zone->managed_pages - (unsigned long)free : 0;
	unsigned long pages;

	if (!populated_zone(zone) || !shrinkers_registered())
		return 0;
	pages = node_shrinker_pages(zone->node);
	return pages < used ? pages : used;
}

/* ------------------------------------------------------------ fork */

void shrinker_fork_lock(void)
{
	pthread_mutex_lock(&shrinker_lock);
}

/*
 * The child has only the forking thread: no call is in progress there, so
 * every pin is dropped and the entries waiting for their last call go.
 */
void shrinker_fork_unlock(bool child)
{
	if (!child) {
		pthread_mutex_unlock(&shrinker_lock);
		return;
	}
	pthread_mutex_init(&shrinker_lock, NULL);
	pthread_cond_init(&shrinker_idle, NULL);
	current_entry = NULL;
	for (struct list_head *p = shrinker_list.next, *n; p != &shrinker_list; p = n) {
		struct shrinker_entry *e = list_entry(p, struct shrinker_entry, list);
		n = p->next;
		e->active = 0;
		if (e->dead)
			__free_entry(e);
	}
}
