/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public clock entry points: the C counterparts of the Go runtime's
 * nanotime1 and walltime (runtime/vdso_freebsd.go), clock_gettime for
 * every clock id, bintime, and ticks.  Each first tries the inline fast
 * tiers (src/fast.h: the chosen source's cheap first pass, no call), then
 * routes to the chosen source and the ones below it (src/choose.c).
 * docs/design.md "One tk_nanotime() call" draws the whole path.
 *
 * The slow halves are out of line (noinline) so the fast ones save no
 * register and build no frame.
 */
#include <errno.h>

#include "choose.h"
#include "fast.h"
#include "platform.h"
#include "source/source.h"

int64_t
tk_nanotime(void)
{
	int64_t ns;

	if (TK_LIKELY(tk__fast_ns(0, 1, &ns) == 0))
		return ns;
	return tk__route_nanotime(0, 1);
}

int64_t
tk_nanotime_relaxed(void)
{
	int64_t ns;

	if (TK_LIKELY(tk__fast_ns(0, 0, &ns) == 0))
		return ns;
	return tk__route_nanotime(0, 0);
}

int64_t
tk_realtime_ns(void)
{
	int64_t ns;

	if (TK_LIKELY(tk__fast_ns(1, 1, &ns) == 0))
		return ns;
	return tk__route_nanotime(1, 1);
}

/* The other tiers, then the route: out of line, see src/fast.h. */
static __attribute__((noinline)) void
walltime_slow(int64_t *sec, int32_t *nsec)
{
	struct timespec ts;

	if (tk__fast_ts_rest(1, &ts) != 0 &&
	    tk__route_gettime(CLOCK_REALTIME, &ts) != 0)
		tk__ns_to_timespec(tk__route_nanotime(1, 1), &ts);
	if (sec != NULL)
		*sec = (int64_t)ts.tv_sec;
	if (nsec != NULL)
		*nsec = (int32_t)ts.tv_nsec;
}

void
tk_walltime(int64_t *sec, int32_t *nsec)
{
	struct timespec ts;

	if (TK_LIKELY(tk__fast_ts_first(1, &ts) == 0)) {
		if (sec != NULL)
			*sec = (int64_t)ts.tv_sec;
		if (nsec != NULL)
			*nsec = (int32_t)ts.tv_nsec;
		return;
	}
	walltime_slow(sec, nsec);
}

static __attribute__((noinline)) int
gettime_slow(clockid_t id, struct timespec *ts)
{
	if ((id == CLOCK_MONOTONIC || id == CLOCK_REALTIME) &&
	    tk__fast_ts_rest(id == CLOCK_REALTIME, ts) == 0)
		return 0;
	return tk__route_gettime(id, ts);
}

int
tk_clock_gettime(clockid_t id, struct timespec *ts)
{
	if (TK_UNLIKELY(ts == NULL))
		return -EFAULT;
	if (id == CLOCK_MONOTONIC || id == CLOCK_REALTIME) {
		if (TK_LIKELY(tk__fast_ts_first(id == CLOCK_REALTIME, ts) == 0))
			return 0;
	}
	return gettime_slow(id, ts);
}

void
tk__now_pair(int64_t *mono_ns, int64_t *real_ns)
{
	if (TK_LIKELY(tk__fast_pair(mono_ns, real_ns) == 0))
		return;
	(void)tk__route_pair(mono_ns, real_ns);
}

int
tk_binuptime(struct tk_bintime *bt)
{
	if (bt == NULL)
		return -EFAULT;
	return tk__route_bintime(0, bt);
}

int
tk_bintime(struct tk_bintime *bt)
{
	if (bt == NULL)
		return -EFAULT;
	return tk__route_bintime(1, bt);
}

uint64_t
tk_ticks(void)
{
	uint64_t t;

	if (TK_LIKELY(tk__fast_ticks(0, &t) == 0))
		return t;
	return tk__route_ticks(0);
}

uint64_t
tk_ticks_ordered(void)
{
	uint64_t t;

	if (TK_LIKELY(tk__fast_ticks(1, &t) == 0))
		return t;
	return tk__route_ticks(1);
}

static __attribute__((noinline)) int
ticks_to_ns_slow(uint64_t ticks, int64_t *mono_ns, int64_t *real_ns)
{
	int64_t m, r;
	int st;

	/* An older tick: the armed tier's engine, else the chosen source. */
	if (tk__fast_conv_past(ticks, &m, &r, &st) != 0)
		st = tk__route_ticks_to_ns(ticks, &m, &r);
	if (st == -ENOSYS) {
		/* Ticks are CLOCK_MONOTONIC ns here: the identity. */
		m = (int64_t)ticks;
		r = tk__route_nanotime(1, 1) - tk__route_nanotime(0, 1) + m;
		st = TK_TICKS_EXACT;
	}
	if (st >= 0) {
		if (mono_ns != NULL)
			*mono_ns = m;
		if (real_ns != NULL)
			*real_ns = r;
	}
	return st;
}

int
tk_ticks_to_ns_checked(uint64_t ticks, int64_t *mono_ns, int64_t *real_ns)
{
	int64_t m, r;

	if (TK_LIKELY(tk__fast_conv(ticks, &m, &r) == 0)) {
		if (mono_ns != NULL)
			*mono_ns = m;
		if (real_ns != NULL)
			*real_ns = r;
		return TK_TICKS_EXACT;
	}
	return ticks_to_ns_slow(ticks, mono_ns, real_ns);
}

int64_t
tk_ticks_to_ns(uint64_t ticks)
{
	int64_t m = 0, r;

	if (TK_LIKELY(tk__fast_conv(ticks, &m, &r) == 0))
		return m;
	(void)ticks_to_ns_slow(ticks, &m, NULL);
	return m;
}

int64_t
tk_ticks_to_realtime_ns(uint64_t ticks)
{
	int64_t m, r = 0;

	if (TK_LIKELY(tk__fast_conv(ticks, &m, &r) == 0))
		return r;
	(void)ticks_to_ns_slow(ticks, NULL, &r);
	return r;
}

long
tk_timebase_export(void *buf, size_t size)
{
	return tk__route_timebase(buf, size);
}
