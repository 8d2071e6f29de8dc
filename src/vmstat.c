/* SPDX-License-Identifier: MIT */
/*
 * Event counters: kept per CPU under that CPU's lock, folded on read.
 */
#include "internal.h"

unsigned long sum_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;

	if (!buddy.cpus)
		return 0;
	for (int c = 0; c < buddy.nr_cpu_ids; c++)
		sum += atomic_load_explicit(&buddy.cpus[c].vm_events[item], memory_order_relaxed);
	return sum;
}
