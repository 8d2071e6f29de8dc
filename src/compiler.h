/* SPDX-License-Identifier: MIT */
/*
 * Compiler attributes and short macros, the bottom of the private headers
 * (compiler.h < list.h < sanitizer.h < mmdebug.h < mm_types.h < mmzone.h <
 * vmstat.h < pcp.h < internal.h; each includes only those below it). Nothing here
 * knows about pages or zones.
 */
#ifndef BUDDY_COMPILER_H
#define BUDDY_COMPILER_H

#include <stddef.h>
#include <stdint.h> /* on glibc, also <sys/cdefs.h>: its __always_inline comes first */

#define HIDDEN __attribute__((visibility("hidden")))

/* Attributes under the kernel's names. glibc's sys/cdefs.h has __always_inline too. */
#ifndef __always_inline
#define __always_inline __inline __attribute__((__always_inline__))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __cold
#define __cold __attribute__((cold))
#endif
#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif
#ifndef __returns_nonnull
#define __returns_nonnull __attribute__((returns_nonnull))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

#define likely(x)	    __builtin_expect(!!(x), 1)
#define unlikely(x)	    __builtin_expect(!!(x), 0)
#define CACHELINE	    64
#define ARRAY_SIZE(a)	    (sizeof(a) / sizeof((a)[0]))
#define __cacheline_aligned __attribute__((aligned(CACHELINE)))

/* Racy-but-intended accesses (statistics, watermark peeks), sanitizer-clean. */
#define READ_ONCE(x)	 __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/*
 * Spin-wait hint for busy loops: pause on x86, yield on arm64, a compiler
 * barrier elsewhere.
 */
#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield" ::: "memory")
#else
#define cpu_relax() __asm__ __volatile__("" ::: "memory")
#endif

#endif /* BUDDY_COMPILER_H */
