/* SPDX-License-Identifier: MIT */
/*
 * Compaction: a placeholder with the interface of compaction.h until the
 * compaction issue (#11) lands. Nothing is compacted.
 */
#include "compaction.h"

struct page *__alloc_pages_direct_compact(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
					  const struct alloc_context *ac, enum compact_priority prio,
					  enum compact_result *compact_result)
{
	(void)gfp_mask;
	(void)order;
	(void)alloc_flags;
	(void)ac;
	(void)prio;
	*compact_result = COMPACT_SKIPPED;
	return NULL;
}

bool should_compact_retry(struct alloc_context *ac, int order, unsigned int alloc_flags,
			  enum compact_result compact_result, enum compact_priority *compact_priority,
			  int *compaction_retries)
{
	(void)ac;
	(void)order;
	(void)alloc_flags;
	(void)compact_result;
	(void)compact_priority;
	(void)compaction_retries;
	return false;
}

void kcompactd_work(struct buddy_kthread *kt)
{
	(void)kt;
}

void wakeup_kcompactd(pg_data_t *pgdat, int order, int highest_zoneidx)
{
	(void)pgdat;
	(void)order;
	(void)highest_zoneidx;
}
