/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the benchmark programs: a monotonic clock, resident
 * memory from /proc, a median, a seeded PRNG and the machine banner. Header
 * only, so every program stays one translation unit per allocator.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One "Key:  123 kB" line of /proc/self/status, in KiB (0 if absent). */
static inline long proc_status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t klen = strlen(key);
	long v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static inline long rss_kib(void)
{
	return proc_status_kib("VmRSS");
}

static inline long peak_rss_kib(void)
{
	return proc_status_kib("VmHWM");
}

/* Reset the peak (VmHWM) to the current RSS; silently a no-op if refused. */
static inline void reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v); min and max through the pointers if given. */
static inline double median(double *v, int n, double *min, double *max)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	if (min)
		*min = v[0];
	if (max)
		*max = v[n - 1];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* xorshift64*: deterministic shuffles, the same for every allocator. */
static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static inline void shuffle_ptrs(void **v, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1;

	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rng_next(&s) % i);
		void *t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static inline void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');
			if (p) {
				p += 1 + (p[1] == ' ');
				p[strcspn(p, "\n")] = 0;
				snprintf(buf, len, "%s", p);
			}
			break;
		}
	fclose(f);
}

#if defined(__clang__)
#define BENCH_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define BENCH_COMPILER "gcc " __VERSION__
#else
#define BENCH_COMPILER "unknown compiler"
#endif

/* The banner every program prints first: where the numbers came from. */
static inline void print_machine(FILE *out, const char *allocators)
{
	char model[160];
	struct utsname u;

	cpu_model(model, sizeof(model));
	uname(&u);
	fprintf(out, "# cpu: %s\n", model);
	fprintf(out, "# cores: %ld online\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(out, "# memory: %ld MiB\n", (long)(sysconf(_SC_PHYS_PAGES) * (sysconf(_SC_PAGESIZE) / 1024) / 1024));
	fprintf(out, "# kernel: %s %s\n", u.sysname, u.release);
	fprintf(out, "# compiler: %s\n", BENCH_COMPILER);
	fprintf(out, "# allocators: %s\n", allocators);
}

#endif /* BENCH_UTIL_H */
