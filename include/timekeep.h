/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep: clocks in nanoseconds without entering the kernel.
 *
 * The one installed header.  It declares the clock entry points (the C
 * counterparts of the Go runtime's nanotime1 and walltime), the FreeBSD
 * bintime type with its arithmetic, and source introspection.
 *
 * The bintime helpers follow FreeBSD sys/sys/time.h (bintime_add,
 * bintime_addx, bintime_sub, bintime2timespec, ...): 64.64 fixed point,
 * carries from frac into sec, conversions to decimal units round down.
 * They are inline and need no 128-bit integer type, so the header compiles
 * as C99, C11 and C++ on 32- and 64-bit targets.
 *
 * Every function is async-signal-safe and thread-safe.  None sets errno,
 * prints, allocates after initialisation, or aborts.
 */
#ifndef TIMEKEEP_H
#define TIMEKEEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version, parsed by the build from these three lines. */
#define TK_VERSION_MAJOR 1
#define TK_VERSION_MINOR 1
#define TK_VERSION_PATCH 0

#if defined(_WIN32)
#define TK_API
#elif defined(__GNUC__) || defined(__clang__)
#define TK_API __attribute__((visibility("default")))
#else
#define TK_API
#endif

#define TK_NSEC_PER_SEC 1000000000LL
#define TK_USEC_PER_SEC 1000000LL

/*
 * Time as 64.64 fixed point: sec whole seconds plus frac units of 2^-64 s.
 * A negative time has sec < 0 and frac >= 0 (-0.25 s is {-1, 3 << 62}).
 */
struct tk_bintime {
	int64_t sec;
	uint64_t frac;
};

/*
 * CLOCK_MONOTONIC in nanoseconds.  The counter read is ordered: it cannot
 * be taken before the loads that precede the call, so a time handed from
 * one thread to another is never later than a time read afterwards.
 */
TK_API int64_t tk_nanotime(void);

/*
 * The same clock with a relaxed counter read: cheapest, but the CPU may
 * take the counter early, before loads that precede the call.  Still
 * monotonic within a thread.
 */
TK_API int64_t tk_nanotime_relaxed(void);

/*
 * CLOCK_REALTIME in nanoseconds since the Unix epoch, as cheap as
 * tk_nanotime().  An int64_t holds times up to 2262-04-11T23:47:16Z; a
 * time outside that range saturates at INT64_MAX (or INT64_MIN), never
 * wraps.  tk_walltime() and tk_clock_gettime() have no such limit.
 */
TK_API int64_t tk_realtime_ns(void);

/* CLOCK_REALTIME as seconds and nanoseconds since the Unix epoch. */
TK_API void tk_walltime(int64_t *sec, int32_t *nsec);

/*
 * clock_gettime(2) for every clock id: 0, or -EINVAL for an unknown id,
 * -EFAULT for a NULL ts, or another negative errno from the kernel.
 */
TK_API int tk_clock_gettime(clockid_t id, struct timespec *ts);

/* Uptime (CLOCK_MONOTONIC) and absolute time (CLOCK_REALTIME) as bintime. */
TK_API int tk_binuptime(struct tk_bintime *bt);
TK_API int tk_bintime(struct tk_bintime *bt);

/*
 * The name of the source in use: "freebsd", "tsc", "vdso" or "syscall".
 * Choosing it is what the first clock call does; tk_source() makes that
 * choice too if no clock was read yet.  The string is static.
 */
TK_API const char *tk_source(void);

/* The library's version as "MAJOR.MINOR.PATCH". */
TK_API const char *tk_version(void);

/*
 * Introspection, for tools such as timekeep info: diagnostics are pulled,
 * never printed.  Cold paths: they may make system calls.
 */
struct tk_source_info {
	const char *name; /* "freebsd", "tsc", "vdso", "syscall" */
	int usable; /* 1 if it can serve here, else 0 */
	int chosen; /* 1 for the source in use */
	const char *reason; /* a static sentence: why (not) usable */
};

/* Fills up to n entries in priority order; returns how many exist. */
TK_API int tk_sources(struct tk_source_info *out, int n);

struct tk_vdso_symbol {
	const char *name; /* "__vdso_clock_gettime", ... */
	const char *version; /* "LINUX_2.6", ... */
	uint64_t offset; /* from the image base */
};

/*
 * The vDSO symbols timekeep resolved itself in this process: fills up to
 * n, returns how many were found, or -ENOENT without a vDSO.
 */
TK_API int tk_vdso_symbols(struct tk_vdso_symbol *out, int n);

struct tk_counter_info {
	const char *kind; /* "tsc", "cntvct", "rdtime" */
	const char *ordering; /* how the ordered read is ordered */
	const char *vendor; /* CPU vendor string, or "" */
	char model[64]; /* CPU model name, or "" */
	int invariant; /* 1 invariant, 0 not, -1 unknown */
	uint64_t freq_hz; /* best known frequency, 0 if unknown */
	const char *freq_from; /* where freq_hz comes from */
};

/* Facts about the CPU counter: 0, or a negative errno. */
TK_API int tk_counter_info(struct tk_counter_info *ci);

struct tk_freebsd_page_info {
	uint32_t ver; /* tk_ver */
	uint32_t enabled; /* tk_enabled */
	uint32_t current; /* tk_current */
	uint32_t algo; /* th_algo of the current slot */
	const char *from; /* "AT_TIMEKEEP" or the file it was mapped from */
};

/* The FreeBSD timekeep page in use: 0, or -ENOENT when there is none. */
TK_API int tk_freebsd_page_info(struct tk_freebsd_page_info *pi);

/*
 * Ticks: a timestamp at the cost of a bare counter read, converted to time
 * later, in this process or offline (docs/ticks.md).
 *
 * tk_ticks() is the chosen source's counter read relaxed (a bare RDTSC with
 * the tsc source), tk_ticks_ordered() read ordered as tk_nanotime() reads
 * it.  On a source without a counter of its own (vdso, syscall, freebsd)
 * ticks are CLOCK_MONOTONIC nanoseconds and the conversions are the
 * identity; tk_ticks_info() says which.
 */
TK_API uint64_t tk_ticks(void);
TK_API uint64_t tk_ticks_ordered(void);

struct tk_ticks_info {
	const char *unit; /* "tsc" (the CPU counter) or "ns" */
	uint64_t hz; /* ticks per second as measured; 10^9 for "ns"; 0
		        until first measured, ~0.3 ms after the first read */
	int64_t history_ns; /* ticks this old convert exactly (at least) */
};

/* 0, or -EFAULT for a NULL ti. */
TK_API int tk_ticks_info(struct tk_ticks_info *ti);

/* How a tick was converted (tk_ticks_to_ns_checked). */
enum tk_ticks_status {
	/* exactly what tk_nanotime() read at that tick returned */
	TK_TICKS_EXACT = 0,
	/* outside the kept hands: within the bound of docs/ticks.md */
	TK_TICKS_EXTRAPOLATED = 1,
	/* before the first hands, past now, or before a counter reset */
	TK_TICKS_CLAMPED = 2,
};

/*
 * A tick as CLOCK_MONOTONIC and CLOCK_REALTIME ns: a TK_TICKS_* status
 * (>= 0), or a negative errno (-EAGAIN: the clock's state kept changing
 * under the conversion, or the kernel clock failed).  Monotone: ticks
 * a <= b give times conv(a) <= conv(b).  A tick past the clock's current
 * hands winds them first, as a read would.  Lock-free, async-signal-safe,
 * no system call while the hands run.
 */
TK_API int tk_ticks_to_ns_checked(
    uint64_t ticks, int64_t *mono_ns, int64_t *real_ns);
/* The same, CLOCK_MONOTONIC or CLOCK_REALTIME only, status dropped. */
TK_API int64_t tk_ticks_to_ns(uint64_t ticks);
TK_API int64_t tk_ticks_to_realtime_ns(uint64_t ticks);

/*
 * A timebase record: the counter-to-time segments this process kept, in
 * the versioned little-endian format of docs/ticks.md, for converting
 * ticks offline.  With buf NULL, the most a record can take (the history
 * may grow between two calls); else the bytes written to buf, or -ENOSPC
 * when size is too small.  -ENOSYS when ticks are ns (nothing to record);
 * -EAGAIN while the clock has no hands yet.
 */
TK_API long tk_timebase_export(void *buf, size_t size);

/*
 * Convert ticks with a record alone (no process state, any machine): a
 * TK_TICKS_* status, or -EINVAL for a record that is truncated, corrupt
 * or of another version.
 */
TK_API int tk_timebase_convert(const void *rec, size_t size, uint64_t ticks,
    int64_t *mono_ns, int64_t *real_ns);

/* ---- bounded time (tk_truetime): begin ---- */
/*
 * Bounded time: an interval [earliest_ns, latest_ns] of CLOCK_REALTIME (ns
 * since the Unix epoch, UTC) that contains true time, with the semantics of
 * Spanner's TrueTime (TT.now, TT.after, TT.before; OSDI 2012, section 3).
 * The bound comes from what the machine's synchronisation daemons publish:
 * a VMClock page (/dev/vmclock0), an AWS ClockBound segment, a Meta fbclock
 * segment, or the kernel's NTP error estimate (adjtimex maxerror).  The
 * provider is chosen once, at the first call; TIMEKEEP_TRUETIME=NAME[:PATH]
 * forces one.  docs/truetime.md says how each is read and checked.
 *
 * Reads are lock-free, thread-safe and async-signal-safe, and make no
 * system call, except that with the adjtimex provider one reader a second
 * refreshes the kernel's figures (one adjtimex call, modes 0).
 */
enum tk_truetime_status {
	/* No bound is claimed: the interval is [INT64_MIN, INT64_MAX]. */
	TK_TRUETIME_UNKNOWN = 0,
	/* The provider keeps the clock synchronised. */
	TK_TRUETIME_SYNCHRONIZED = 1,
	/* Not synchronised now; the bound grows at the provider's drift. */
	TK_TRUETIME_FREE_RUNNING = 2,
	/* The counter or VM was disrupted (migration, snapshot restore): no
	 * bound, as for UNKNOWN, until the provider publishes a fresh one. */
	TK_TRUETIME_DISRUPTED = 3,
};

struct tk_truetime {
	int64_t earliest_ns; /* true time is not before this */
	int64_t latest_ns; /* true time is not after this */
	int64_t age_ns; /* since the provider measured the bound; -1: none */
	int status; /* enum tk_truetime_status */
	const char *provider; /* static: "vmclock", "clockbound", "fbclock",
	                         "adjtimex" or "none" */
};

/* The interval now: 0, or -EFAULT for a NULL tt. */
TK_API int tk_truetime(struct tk_truetime *tt);

/* 1 if t_ns (CLOCK_REALTIME ns) is certainly past: t_ns < earliest. */
TK_API int tk_truetime_after(int64_t t_ns);

/* 1 if t_ns is certainly still to come: t_ns > latest. */
TK_API int tk_truetime_before(int64_t t_ns);

/*
 * Commit wait: return once t_ns is certainly past (0).  Sleeps, then spins
 * only for the last stretch.  deadline_ns is a CLOCK_MONOTONIC time as
 * tk_nanotime() gives (INT64_MAX: none); -ETIMEDOUT when it comes first,
 * -EAGAIN at once when no bound is claimed (status UNKNOWN or DISRUPTED:
 * tk_truetime() says which; either may change later).
 * Not for signal handlers: it sleeps.
 */
TK_API int tk_truetime_wait_until_past(int64_t t_ns, int64_t deadline_ns);

/* Introspection, for tools (cold path: may open files, one system call). */
#define TK_TRUETIME_MAX_FIELDS 24

struct tk_truetime_field {
	const char *name; /* as the provider's layout spells it */
	uint64_t value; /* the raw bits read */
	int is_signed; /* 1: print (int64_t)value */
};

struct tk_truetime_info {
	const char *provider; /* as tk_truetime names it */
	const char *path; /* the file or device mapped; "" if none */
	const char *why; /* static sentence: why this provider (or none) */
	int status; /* what tk_truetime says now */
	const char *provider_status; /* the provider's own status word */
	int64_t bound_ns; /* published bound at its as-of; -1: none */
	int64_t age_ns; /* now - as-of; -1: none */
	int64_t max_age_ns; /* the provider's promise; 0: it makes none */
	int64_t drift_ppb; /* growth of the bound applied, ppb; -1: none */
	int64_t timens_offset_ns; /* CLOCK_MONOTONIC time namespace offset */
	int nfields; /* entries of fields[] filled */
	struct tk_truetime_field fields[TK_TRUETIME_MAX_FIELDS];
};

/* The provider in use and its raw fields: 0, or -EFAULT. */
TK_API int tk_truetime_info(struct tk_truetime_info *ti);

/*
 * Every provider in detection order, as tk_sources() lists sources: fills
 * up to n entries, returns how many exist (5).
 */
TK_API int tk_truetime_providers(struct tk_source_info *out, int n);
/* ---- bounded time (tk_truetime): end ---- */

/* FreeBSD bintime_addx: add a bare fraction, carrying into sec. */
static inline void
tk_bintime_addx(struct tk_bintime *_bt, uint64_t _x)
{
	uint64_t _u = _bt->frac;

	_bt->frac += _x;
	if (_u > _bt->frac)
		_bt->sec = (int64_t)((uint64_t)_bt->sec + 1);
}

/*
 * FreeBSD bintime_add: *_bt += *_bt2.  The seconds are summed as unsigned
 * (two's complement wrap-around) so that a sum whose intermediate step
 * leaves the int64_t range while the result does not is still defined.
 */
static inline void
tk_bintime_add(struct tk_bintime *_bt, const struct tk_bintime *_bt2)
{
	uint64_t _u = _bt->frac;

	_bt->frac += _bt2->frac;
	_bt->sec = (int64_t)((uint64_t)_bt->sec + (uint64_t)_bt2->sec +
	    (_u > _bt->frac));
}

/* FreeBSD bintime_sub: *_bt -= *_bt2, borrowing from sec. */
static inline void
tk_bintime_sub(struct tk_bintime *_bt, const struct tk_bintime *_bt2)
{
	uint64_t _u = _bt->frac;

	_bt->frac -= _bt2->frac;
	_bt->sec = (int64_t)((uint64_t)_bt->sec - (uint64_t)_bt2->sec -
	    (_u < _bt->frac));
}

/* -1, 0 or 1 as *_a is before, equal to or after *_b. */
static inline int
tk_bintime_cmp(const struct tk_bintime *_a, const struct tk_bintime *_b)
{
	if (_a->sec != _b->sec)
		return _a->sec < _b->sec ? -1 : 1;
	if (_a->frac != _b->frac)
		return _a->frac < _b->frac ? -1 : 1;
	return 0;
}

/*
 * floor(_frac * _unit / 2^64) for _unit < 2^32, exactly and without a
 * 128-bit type: with _frac = hi * 2^32 + lo the product is
 * hi * _unit * 2^32 + lo * _unit, and the low part is floored on its own
 * before it joins the high part.  No carry is lost: hi * _unit is below
 * 2^64 - 2^33 and (lo * _unit) >> 32 below 2^32, so their sum fits.
 */
static inline uint64_t
tk__frac_to_units(uint64_t _frac, uint32_t _unit)
{
	uint64_t _hi = (_frac >> 32) * _unit;
	uint64_t _lo = (_frac & 0xffffffffu) * _unit;

	return (_hi + (_lo >> 32)) >> 32;
}

/*
 * ceil(_n * 2^64 / _unit) for _n < _unit < 2^32: the smallest fraction
 * that tk__frac_to_units() maps back to _n, so that a value converted to
 * bintime and back is unchanged.  Two exact long divisions of 32 bits each.
 */
static inline uint64_t
tk__units_to_frac(uint64_t _n, uint32_t _unit)
{
	uint64_t _q1 = (_n << 32) / _unit;
	uint64_t _r1 = (_n << 32) % _unit;
	uint64_t _q2 = (_r1 << 32) / _unit;
	uint64_t _r2 = (_r1 << 32) % _unit;

	return (_q1 << 32) + _q2 + (_r2 != 0);
}

/* sec * 10^9 + floor(frac * 10^9 / 2^64), as current FreeBSD bintime2ns. */
static inline int64_t
tk_bintime_to_ns(const struct tk_bintime *_bt)
{
	/*
	 * Unsigned: sec * 10^9 alone may leave the int64_t range (near
	 * INT64_MIN) while the sum with the fraction does not.
	 */
	return (int64_t)((uint64_t)_bt->sec * 1000000000u +
	    tk__frac_to_units(_bt->frac, 1000000000u));
}

/* The inverse of tk_bintime_to_ns: tk_bintime_to_ns(from_ns(n)) == n. */
static inline void
tk_bintime_from_ns(struct tk_bintime *_bt, int64_t _ns)
{
	int64_t _s = _ns / TK_NSEC_PER_SEC;
	int64_t _r = _ns % TK_NSEC_PER_SEC;

	if (_r < 0) {
		_r += TK_NSEC_PER_SEC;
		_s--;
	}
	_bt->sec = _s;
	_bt->frac = tk__units_to_frac((uint64_t)_r, 1000000000u);
}

/* FreeBSD bintime2timespec: nanoseconds rounded down. */
static inline void
tk_bintime_to_timespec(const struct tk_bintime *_bt, struct timespec *_ts)
{
	_ts->tv_sec = (time_t)_bt->sec;
	_ts->tv_nsec = (long)tk__frac_to_units(_bt->frac, 1000000000u);
}

/* FreeBSD timespec2bintime (tv_nsec in [0, 10^9)); round-trips exactly. */
static inline void
tk_timespec_to_bintime(const struct timespec *_ts, struct tk_bintime *_bt)
{
	_bt->sec = (int64_t)_ts->tv_sec;
	_bt->frac = tk__units_to_frac((uint64_t)_ts->tv_nsec, 1000000000u);
}

/* FreeBSD bintime2timeval: microseconds rounded down. */
static inline void
tk_bintime_to_timeval(const struct tk_bintime *_bt, struct timeval *_tv)
{
	_tv->tv_sec = (time_t)_bt->sec;
	_tv->tv_usec = (suseconds_t)tk__frac_to_units(_bt->frac, 1000000u);
}

/* FreeBSD timeval2bintime (tv_usec in [0, 10^6)); round-trips exactly. */
static inline void
tk_timeval_to_bintime(const struct timeval *_tv, struct tk_bintime *_bt)
{
	_bt->sec = (int64_t)_tv->tv_sec;
	_bt->frac = tk__units_to_frac((uint64_t)_tv->tv_usec, 1000000u);
}

#ifdef __cplusplus
}
#endif

#endif /* TIMEKEEP_H */
