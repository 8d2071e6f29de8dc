/* SPDX-License-Identifier: MIT */
/*
 * <buddy/oom.h> - what stands for the OOM killer: the kernel's OOM notifier
 * chain (include/linux/oom.h, kernel/notifier.c). When reclaim has failed
 * and an allocation would otherwise fail, libbuddy calls the registered
 * notifiers, highest priority first, each with data pointing at an
 * unsigned long freed: a notifier gives pages back to the allocator (with
 * __free_pages) and adds their number to *freed, as virtio_balloon deflates
 * its balloon. If the chain freed something the allocation retries;
 * otherwise the "invoked oom-killer" report is printed (rate-limited) and
 * the allocation fails - a process cannot kill another to free memory.
 *
 * A notifier runs on the allocating thread, with no libbuddy lock held and
 * inside a memalloc_noreclaim scope (<buddy/sched_mm.h>): it may allocate
 * (below the watermarks, never re-entering reclaim or the OOM step) and may
 * unregister itself or others. Once unregister_oom_notifier returns, the
 * block is no longer called (it waits for a call of it in progress on
 * another thread).
 */
#ifndef BUDDY_OOM_H
#define BUDDY_OOM_H

#include <buddy/gfp.h>

#ifdef __cplusplus
extern "C" {
#endif

struct notifier_block;
typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action, void *data);

struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block *next; /* the chain's; leave it alone */
	int priority;		     /* higher runs first; equal ones in registration order */
};

/* A notifier's return value (include/linux/notifier.h). */
#define NOTIFY_DONE	 0x0000 /* don't care */
#define NOTIFY_OK	 0x0001 /* suits me */
#define NOTIFY_STOP_MASK 0x8000 /* don't call further notifiers */
#define NOTIFY_BAD	 (NOTIFY_STOP_MASK | 0x0002)
#define NOTIFY_STOP	 (NOTIFY_OK | NOTIFY_STOP_MASK)

/*
 * 0, or -EEXIST for a block already registered, -EINVAL for NULL or a block
 * without notifier_call. unregister: 0, or -ENOENT (reported on stderr) for
 * a block that is not registered.
 */
BUDDY_API int register_oom_notifier(struct notifier_block *nb);
BUDDY_API int unregister_oom_notifier(struct notifier_block *nb);

#ifdef __cplusplus
}
#endif

#endif /* BUDDY_OOM_H */
