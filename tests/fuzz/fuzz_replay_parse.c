/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: buddy-replay's line reader (tools/replay/trace_parse.c,
 * gfp_parse.c). The input is split at newlines and each line parsed as the
 * replay parses a trace; what comes back must be in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gfp_parse.h"
#include "trace_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_one(const char *line)
{
	struct trace_event ev;
	const char *why = NULL;
	char unknown[48];

	memset(&ev, 0, sizeof(ev));
	switch (trace_parse_line(line, &ev, &why, unknown)) {
	case PARSE_OK:
		if (ev.kind >= NR_TRACE_KINDS || ev.cpu > TRACE_MAX_CPU ||
		    (ev.pfn != TRACE_PFN_NONE && ev.pfn > TRACE_PFN_MAX))
			abort();
		break;
	case PARSE_BAD:
		if (!why || !why[0])
			abort();
		break;
	case PARSE_SKIP:
	case PARSE_UNKNOWN_EVENT:
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *line;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	line = buf;
	while (line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		parse_one(line);
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	/* and the gfp names on their own */
	struct gfp_parse_result r;
	gfp_parse_names((const char *)data, strnlen((const char *)data, size), &r);
	return 0;
}
