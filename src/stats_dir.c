/* SPDX-License-Identifier: MIT */
/*
 * Live statistics for stock tools: with BUDDY_CONF stats_dir:DIR a background
 * thread rewrites DIR/buddyinfo, DIR/pagetypeinfo, DIR/zoneinfo, DIR/vmstat
 * (and DIR/json) every stats_interval_ms, each written to a temporary file
 * and renamed over the old one, so a reader - `watch cat`, jc, node_exporter
 * with --path.procfs=DIR - always sees one whole view, as it reads /proc.
 * buddy_exit() writes a last snapshot. A fork()ed child does not write: the
 * files are the parent's.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "os.h"

static const char *const stats_views[] = {"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "json"};

/* One view into DIR/name, whole or not at all. */
static int write_view(const char *dir, const char *view)
{
	char path[512], tmp[532];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, view);
	/* the writer's own temporary name: two processes may share a directory */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, os_thread_id());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	rc = buddy_dump(f, view);
	if (fclose(f) && !rc)
		rc = -EIO;
	if (!rc)
		rc = os_rename(tmp, path);
	if (rc)
		remove(tmp);
	return rc;
}

/* Said once per allocator: a full disk should not flood stderr every second. */
static void report_write_failure(const char *dir, int rc)
{
	static atomic_int reported;

	if (!atomic_exchange(&reported, 1))
		fprintf(stderr, "libbuddy: stats_dir %s: cannot write the views: %s\n", dir, strerror(-rc));
}

static void write_all_views(void)
{
	const char *dir = buddy.settings.stats_dir;
	int rc = os_make_dir(dir);

	for (size_t i = 0; !rc && i < ARRAY_SIZE(stats_views); i++)
		rc = write_view(dir, stats_views[i]);
	if (rc)
		report_write_failure(dir, rc);
}

static void stats_writer_work(struct buddy_kthread *kt)
{
	if (!kthread_should_stop(kt))
		write_all_views();
}

void stats_dir_start(void)
{
	if (!buddy.settings.stats_dir[0])
		return;
	kthread_init(&buddy.stats_writer, "buddy-stats", stats_writer_work, NULL,
		     (unsigned int)buddy.settings.stats_interval_ms);
	kthread_wake(&buddy.stats_writer);
}

void stats_dir_stop(void)
{
	if (!buddy.settings.stats_dir[0])
		return;
	kthread_stop(&buddy.stats_writer);
	kthread_destroy(&buddy.stats_writer);
	write_all_views(); /* the state at exit */
}

void stats_dir_fork_lock(void)
{
	if (buddy.settings.stats_dir[0])
		kthread_fork_lock(&buddy.stats_writer);
}

/* The child forgets the thread and never starts one: the files stay the parent's. */
void stats_dir_fork_unlock(bool child)
{
	if (!buddy.settings.stats_dir[0])
		return;
	kthread_fork_unlock(&buddy.stats_writer, child);
	if (child)
		buddy.settings.stats_dir[0] = 0;
}
