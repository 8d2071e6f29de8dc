/* SPDX-License-Identifier: MIT */
/*
 * Line layouts understood (the header of each is skipped up to the CPU):
 *   perf script:      comm pid [cpu] secs.usecs: kmem:mm_page_alloc: key=value ...
 *   trace_pipe:       comm-pid [cpu] flags secs.usecs: mm_page_alloc: key=value ...
 *   trace-cmd report: comm-pid [cpu] secs.usecs: mm_page_alloc: key=value ...
 * The comm may hold spaces, so the CPU is found as the first "[digits]".
 */
#include <string.h>

#include "trace_parse.h"

static const char *const kind_names[NR_TRACE_KINDS] = {
	[EV_ALLOC] = "mm_page_alloc",
	[EV_FREE] = "mm_page_free",
	[EV_FREE_BATCHED] = "mm_page_free_batched",
	[EV_ZONE_LOCKED] = "mm_page_alloc_zone_locked",
	[EV_PCPU_DRAIN] = "mm_page_pcpu_drain",
	[EV_EXTFRAG] = "mm_page_alloc_extfrag",
};

const char *trace_kind_name(enum trace_kind kind)
{
	return kind < NR_TRACE_KINDS ? kind_names[kind] : "?";
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_ulong(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;
	size_t i = 0;

	if (len == 0)
		return -1;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (len - 2 > 16)
			return -1;
		for (i = 2; i < len; i++) {
			int d = hex_value(s[i]);
			if (d < 0)
				return -1;
			v = v << 4 | (unsigned long)d;
		}
	} else {
		if (len > 19)
			return -1;
		for (; i < len; i++) {
			if (!is_digit(s[i]))
				return -1;
			v = v * 10 + (unsigned long)(s[i] - '0');
		}
	}
	*out = v;
	return 0;
}

/* A signed small integer ("-1" for "none"). */
static int parse_int(const char *s, size_t len, long *out)
{
	unsigned long v;

	if (len > 1 && s[0] == '-') {
		if (parse_ulong(s + 1, len - 1, &v) || v > 1000000)
			return -1;
		*out = -(long)v;
		return 0;
	}
	if (parse_ulong(s, len, &v) || v > 1000000)
		return -1;
	*out = (long)v;
	return 0;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *token_end(const char *p)
{
	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	return p;
}

/* The first "[digits]" in the line: the CPU. Returns the character after ']'. */
static const char *find_cpu(const char *line, unsigned long *cpu)
{
	for (const char *p = strchr(line, '['); p; p = strchr(p + 1, '[')) {
		const char *q = p + 1;
		while (is_digit(*q))
			q++;
		if (q > p + 1 && *q == ']' && parse_ulong(p + 1, (size_t)(q - p - 1), cpu) == 0)
			return q + 1;
	}
	return NULL;
}

/* "secs.frac:" with 1..9 fraction digits, into nanoseconds. */
static int parse_timestamp(const char *s, const char *end, uint64_t *ns)
{
	const char *dot = memchr(s, '.', (size_t)(end - s));
	unsigned long secs, frac;
	size_t nfrac;

	if (end - s < 3 || end[-1] != ':' || !dot || dot == s)
		return -1;
	nfrac = (size_t)(end - 1 - (dot + 1));
	if (nfrac == 0 || nfrac > 9 || parse_ulong(s, (size_t)(dot - s), &secs) ||
	    parse_ulong(dot + 1, nfrac, &frac) || secs > 100000000000UL)
		return -1;
	for (size_t i = nfrac; i < 9; i++)
		frac *= 10;
	*ns = (uint64_t)secs * 1000000000u + frac;
	return 0;
}

static int lookup_kind(const char *name, size_t len)
{
	static size_t lens[NR_TRACE_KINDS];

	if (!lens[0])
		for (int k = 0; k < NR_TRACE_KINDS; k++)
			lens[k] = strlen(kind_names[k]);
	for (int k = 0; k < NR_TRACE_KINDS; k++)
		if (lens[k] == len && memcmp(kind_names[k], name, len) == 0)
			return k;
	return -1;
}

/* Which fields each event must carry. */
enum field_bit {
	F_PFN = 1 << 0,
	F_ORDER = 1 << 1,
	F_MT = 1 << 2,
	F_GFP = 1 << 3,
	F_REFILL = 1 << 4,
	F_FALLBACK_ORDER = 1 << 5,
	F_FALLBACK_MT = 1 << 6,
	F_OWNERSHIP = 1 << 7,
};

static const unsigned int required_fields[NR_TRACE_KINDS] = {
	[EV_ALLOC] = F_PFN | F_ORDER | F_MT | F_GFP,
	[EV_FREE] = F_PFN | F_ORDER,
	[EV_FREE_BATCHED] = F_PFN,
	[EV_ZONE_LOCKED] = F_PFN | F_ORDER | F_MT | F_REFILL,
	[EV_PCPU_DRAIN] = F_PFN | F_ORDER | F_MT,
	[EV_EXTFRAG] = F_PFN | F_ORDER | F_MT | F_FALLBACK_ORDER | F_FALLBACK_MT | F_OWNERSHIP,
};

/* A field name against a string literal: the length is a constant. */
#define key_is(key, klen, lit) ((klen) == sizeof(lit) - 1 && memcmp((key), (lit), sizeof(lit) - 1) == 0)

struct field_ctx {
	struct trace_event *ev;
	unsigned int seen;
	char *unknown_name;
	const char *why;
};

static int parse_pfn(const char *v, size_t vlen, unsigned long *pfn)
{
	if (key_is(v, vlen, "-1")) {
		*pfn = TRACE_PFN_NONE;
		return 0;
	}
	if (parse_ulong(v, vlen, pfn))
		return -1;
	if (*pfn != TRACE_PFN_NONE && *pfn >= TRACE_PFN_MAX)
		return -1;
	return 0;
}

static void parse_gfp_field(struct field_ctx *c, const char *v, size_t vlen)
{
	struct gfp_parse_result r;

	gfp_parse_names(v, vlen, &r);
	c->ev->gfp = r.mask;
	c->ev->gfp_unknown = (uint16_t)r.unknown;
	c->ev->gfp_dropped = (uint16_t)r.dropped;
	c->ev->gfp_numeric = (uint16_t)r.numeric;
	if (r.unknown && c->unknown_name)
		memcpy(c->unknown_name, r.first_unknown, sizeof(r.first_unknown));
}

/* Small-integer fields: name, bit, range and where the value goes. */
static int parse_small_field(struct field_ctx *c, const char *key, size_t klen, const char *v, size_t vlen)
{
	struct trace_event *ev = c->ev;
	long n;

	if (parse_int(v, vlen, &n))
		return -1;
	if (key_is(key, klen, "order") || key_is(key, klen, "alloc_order")) {
		if (n < 0 || n >= MAX_ORDER)
			return c->why = "order out of range", -1;
		ev->order = (uint8_t)n, c->seen |= F_ORDER;
	} else if (key_is(key, klen, "migratetype") || key_is(key, klen, "alloc_migratetype")) {
		if (n < -1 || n >= MIGRATE_TYPES)
			return c->why = "migratetype out of range", -1;
		ev->migratetype = (int8_t)n, c->seen |= F_MT;
	} else if (key_is(key, klen, "percpu_refill")) {
		ev->percpu_refill = n != 0, c->seen |= F_REFILL;
	} else if (key_is(key, klen, "fallback_order")) {
		if (n < 0 || n >= MAX_ORDER)
			return c->why = "order out of range", -1;
		ev->fallback_order = (uint8_t)n, c->seen |= F_FALLBACK_ORDER;
	} else if (key_is(key, klen, "fallback_migratetype")) {
		if (n < -1 || n >= MIGRATE_TYPES)
			return c->why = "migratetype out of range", -1;
		ev->fallback_migratetype = (int8_t)n, c->seen |= F_FALLBACK_MT;
	} else if (key_is(key, klen, "change_ownership")) {
		ev->change_ownership = n != 0, c->seen |= F_OWNERSHIP;
	}
	return 0;
}

static int parse_field(struct field_ctx *c, const char *tok, const char *end)
{
	const char *eq = memchr(tok, '=', (size_t)(end - tok));
	size_t klen, vlen;

	if (!eq)
		return 0; /* a stray word: ignored */
	klen = (size_t)(eq - tok);
	vlen = (size_t)(end - eq - 1);
	if (key_is(tok, klen, "pfn")) {
		if (parse_pfn(eq + 1, vlen, &c->ev->pfn))
			return c->why = "bad pfn", -1;
		c->seen |= F_PFN;
		return 0;
	}
	if (key_is(tok, klen, "gfp_flags")) {
		parse_gfp_field(c, eq + 1, vlen);
		c->seen |= F_GFP;
		return 0;
	}
	if (key_is(tok, klen, "page") || key_is(tok, klen, "fragmenting"))
		return 0;
	if (parse_small_field(c, tok, klen, eq + 1, vlen)) {
		if (!c->why)
			c->why = "bad number";
		return -1;
	}
	return 0;
}

/* Header: up to the event name. Returns the fields' start or NULL. */
static const char *parse_header(const char *line, struct trace_event *ev, int *kind, const char **why)
{
	unsigned long cpu;
	const char *p = find_cpu(line, &cpu), *end;
	int tries;

	if (!p)
		return *why = "no [cpu] field", NULL;
	if (cpu > TRACE_MAX_CPU)
		return *why = "cpu out of range", NULL;
	ev->cpu = (uint16_t)cpu;
	/* trace_pipe puts an irq-flags column before the timestamp. */
	for (tries = 0; tries < 3; tries++) {
		p = skip_spaces(p);
		end = token_end(p);
		if (end > p && is_digit(*p) && end[-1] == ':')
			break;
		p = end;
	}
	if (tries == 3 || parse_timestamp(p, end, &ev->ts_ns))
		return *why = "bad or missing timestamp", NULL;
	p = skip_spaces(end);
	end = token_end(p);
	if (end == p || end[-1] != ':')
		return *why = "missing event name", NULL;
	{
		const char *name = p, *colon = memchr(p, ':', (size_t)(end - p - 1));
		if (colon)
			name = colon + 1; /* "kmem:mm_page_alloc:" */
		*kind = lookup_kind(name, (size_t)(end - 1 - name));
	}
	return end;
}

enum parse_status trace_parse_line(const char *line, struct trace_event *ev, const char **why,
				   char unknown_name[48])
{
	struct field_ctx c = {.ev = ev, .unknown_name = unknown_name};
	const char *p = skip_spaces(line);
	int kind;

	*why = NULL;
	if (*p == 0 || *p == '\n' || *p == '#')
		return PARSE_SKIP;
	memset(ev, 0, sizeof(*ev));
	ev->migratetype = -1;
	ev->fallback_migratetype = -1;
	p = parse_header(p, ev, &kind, why);
	if (!p)
		return PARSE_BAD;
	if (kind < 0)
		return PARSE_UNKNOWN_EVENT;
	ev->kind = (uint8_t)kind;
	for (p = skip_spaces(p); *p && *p != '\n' && *p != '\r'; p = skip_spaces(p)) {
		const char *end = token_end(p);
		if (parse_field(&c, p, end)) {
			*why = c.why;
			return PARSE_BAD;
		}
		p = end;
	}
	if ((c.seen & required_fields[kind]) != required_fields[kind]) {
		*why = "missing field";
		return PARSE_BAD;
	}
	if (ev->pfn == TRACE_PFN_NONE && kind != EV_ALLOC) {
		*why = "no pfn";
		return PARSE_BAD;
	}
	return PARSE_OK;
}
