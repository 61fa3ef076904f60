/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vdso source's inline fast tier (src/fast.h): when the vdso source is
 * the chosen one, a read calls the kernel's vDSO clock_gettime as directly
 * as glibc does, through one pointer.  The pointer is NULL for any other
 * source (src/source/vdso_linux.c sets it in its chosen hook).
 */
#ifndef TK_SOURCE_VDSO_FAST_H
#define TK_SOURCE_VDSO_FAST_H

#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "platform.h"

typedef int tk__vdso_cgt_fn(clockid_t id, struct timespec *ts);

/*
 * The vDSO's clock_gettime once the vdso source is chosen, else NULL.
 * Relaxed loads: it points into the vDSO text, immutable and mapped before
 * the process ran, and is set once (an idempotent value).
 */
TK_HIDDEN extern tk__vdso_cgt_fn *tk__vdso_fast_cgt;

static inline __attribute__((always_inline)) int
tk__fast_vdso_ts(int clock, struct timespec *ts)
{
	tk__vdso_cgt_fn *f = tk__load_relaxed(&tk__vdso_fast_cgt);

	if (f == NULL)
		return -1;
	return f(clock ? CLOCK_REALTIME : CLOCK_MONOTONIC, ts) == 0 ? 0 : -1;
}
#define tk__fast_vdso_ts tk__fast_vdso_ts

/* Linux keeps CLOCK_REALTIME within the int64_t ns range (ktime_t). */
static inline __attribute__((always_inline)) int
tk__fast_vdso_ns(int clock, int ordered, int64_t *ns)
{
	struct timespec ts;

	(void)ordered; /* the kernel orders its own counter read */
	if (tk__fast_vdso_ts(clock, &ts) != 0)
		return -1;
	*ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return 0;
}
#define tk__fast_vdso_ns tk__fast_vdso_ns

/* Ticks are CLOCK_MONOTONIC ns on this source. */
static inline __attribute__((always_inline)) int
tk__fast_vdso_ticks(int ordered, uint64_t *t)
{
	int64_t ns;

	if (tk__fast_vdso_ns(0, ordered, &ns) != 0)
		return -1;
	*t = (uint64_t)ns;
	return 0;
}
#define tk__fast_vdso_ticks tk__fast_vdso_ticks

#endif /* TK_SOURCE_VDSO_FAST_H */
