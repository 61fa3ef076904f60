/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time (tk_truetime): the contract between src/truetime/truetime.c,
 * which chooses a provider once and serves the public entry points, and the
 * providers:
 *
 *   tt_vmclock.c	a VMClock page (Linux include/uapi/linux/vmclock-abi.h),
 *			its publications checked in tt_vmclock_eval.c
 *   tt_clockbound.c	an AWS ClockBound segment, protocol version 2
 *			(aws/clock-bound docs/PROTOCOL.md)
 *   tt_fbclock.c	a Meta fbclock v2 segment (facebook/time
 *			fbclock/fbclock.h)
 *   tt_adjtimex.c	the kernel's NTP error estimate (adjtimex, modes 0)
 *
 * Every provider gives:
 *   name     what tk_truetime() reports as the provider.
 *   open     Probe and map, once: 0, or a negative errno with *why set to a
 *	      static sentence.  path is the file to use (NULL: the default
 *	      or the test hook's).  keep == 0: a probe for
 *	      tk_truetime_providers(); release everything before returning.
 *   read     The interval now, from the provider's current publication,
 *	      into every field of *r (provider too), and 0: never fails, a
 *	      segment that cannot be trusted gives tt_unknown().  Lock-free,
 *	      bounded, no system call (adjtimex: at most one a refresh
 *	      period), async-signal-safe.  It returns 0 so that
 *	      tk_truetime() can end in a tail call.
 *   after, before
 *	      tk_truetime_after(t) and tk_truetime_before(t): t below the
 *	      read's earliest, above its latest (with the read inlined, so
 *	      nothing else is computed).
 *   info     Fill the raw fields of struct tk_truetime_info (cold path).
 *   close    Unmap (tk__tt_reset, tests only).
 *
 * What they may assume: open returned 0 before read/info are called; read
 * may run in any number of threads and signal handlers at once.  What they
 * must guarantee: every field from shared memory is loaded with a relaxed
 * atomic load inside a bounded seqlock loop and checked before use, so a
 * hostile or half-written segment gives UNKNOWN, never a crash, a hang or
 * a bound smaller than what the segment published.
 */
#ifndef TK_TT_H
#define TK_TT_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"
#include "platform.h"
#include "timekeep.h"

/*
 * Limits of physical sense.  A published bound above 1000 s, or a drift
 * above 1000 ppm (twice the kernel's MAXFREQ of 500 ppm, ten times what
 * ClockBound and chrony assume of a crystal), is taken as a hostile or
 * broken segment.  They also keep every product below 2^63: 10^12 ns
 * grown by at most 10^6 ppb over an age checked below 2^43 ns.
 */
#define TT_BOUND_MAX_NS 1000000000000LL
#define TT_DRIFT_MAX_PPB 1000000LL
#define TT_AGE_MAX_NS (1LL << 43) /* about 2.4 hours */
/* ClockBound's causality blur (clock-bound-shm/src/lib.rs): 1 us. */
#define TT_CAUSALITY_NS 1000LL

struct tt_provider {
	const char *name;
	int (*open)(const char *path, int keep, const char **why);
	int (*read)(struct tk_truetime *r);
	int (*after)(int64_t t_ns);
	int (*before)(int64_t t_ns);
	void (*info)(struct tk_truetime_info *ti);
	void (*close)(void);
};

extern const struct tt_provider tk__tt_vmclock;
extern const struct tt_provider tk__tt_clockbound;
extern const struct tt_provider tk__tt_fbclock;
extern const struct tt_provider tk__tt_adjtimex;

/*
 * The test seam: test code (tests/support) sets these before the first
 * call, or between tk__tt_reset() calls, never while readers run.  NULL or
 * 0 means the real thing.
 */
struct tk__tt_timex {
	int state; /* adjtimex's return value, TIME_OK (0) .. TIME_ERROR (5) */
	int status; /* STA_* bits */
	long maxerror_us;
	long esterror_us;
};

struct tk__tt_hooks {
	const char *env; /* in place of getenv("TIMEKEEP_TRUETIME") */
	const char *vmclock_path; /* in place of /dev/vmclock0 */
	const char *clockbound_path; /* of /var/run/clockbound/shm0 */
	const char *fbclock_path; /* of /run/fbclock_data_v2 */
	const char *timens_path; /* of /proc/self/timens_offsets */
	/* In place of adjtimex(2): the state (>= 0) or -errno. */
	int (*adjtimex)(struct tk__tt_timex *tx);
	int64_t adj_period_ns; /* in place of the 1 s refresh period */
	/*
	 * Called between the stores that fill a provider's cache
	 * (src/truetime/tt_cache.h), as a writer that is preempted
	 * mid-copy would pause: the tests widen the window in which a
	 * read of the cache could tear.
	 */
	void (*cache_between)(void);
};

extern struct tk__tt_hooks tk__tt_hooks;

/* Forget the chosen provider and unmap it (tests; no reader may run). */
void tk__tt_reset(void);

/* The interval of "no bound claimed". */
static inline void
tt_unknown(struct tk_truetime *r, int status)
{
	r->earliest_ns = INT64_MIN;
	r->latest_ns = INT64_MAX;
	r->age_ns = -1;
	r->status = status;
}

/*
 * real_ns +- bound_ns, bound_ns in [0, 2^62): the callers check their
 * bound against TT_BOUND_MAX_NS plus growth, so the sums cannot wrap for a
 * real time within +-2^62 ns (year 1970 +- 146 years); outside that the
 * interval saturates instead.
 */
static inline __attribute__((always_inline)) void
tt_interval(struct tk_truetime *r, int64_t real_ns, int64_t bound_ns,
    int64_t age_ns, int status)
{
	int64_t lo, hi;

	if (__builtin_sub_overflow(real_ns, bound_ns, &lo))
		lo = INT64_MIN;
	if (__builtin_add_overflow(real_ns, bound_ns, &hi))
		hi = INT64_MAX;
	r->earliest_ns = lo;
	r->latest_ns = hi;
	r->age_ns = age_ns;
	r->status = status;
}

/*
 * bound_ns + ceil(age_ns * drift_ppb / 10^9) + 1: the bound grown over
 * age_ns at drift_ppb, rounded up, plus 1 ns for the floors taken in
 * reading the clocks.  age_ns in [0, TT_AGE_MAX_NS], drift_ppb in
 * [0, TT_DRIFT_MAX_PPB], bound_ns in [0, TT_BOUND_MAX_NS]: the product is
 * below 2^43 * 2^20 = 2^63.
 */
static inline int64_t
tt_grow(int64_t bound_ns, int64_t age_ns, int64_t drift_ppb)
{
	uint64_t g = (uint64_t)age_ns * (uint64_t)drift_ppb;

	return bound_ns + (int64_t)((g + 999999999u) / 1000000000u) + 1;
}

/*
 * A provider's read, after and before from its first pass FAST (an
 * always-inline int FAST(struct tk_truetime *): 0, or -1 for the slow
 * way) and its slow read SLOW (int SLOW(struct tk_truetime *), 0): PFX_read,
 * PFX_after and PFX_before.  after and before inline the first pass, so
 * only the bound they test is computed, and leave the slow way by a tail
 * call, so that nothing of theirs lives on the stack (measured on the
 * 2-vCPU KVM guest of README.md: 1.5 ns a call less than reading a whole
 * interval into a local and comparing).
 */
#define TT_READERS(PFX, FAST, SLOW)                                            \
	static int PFX##_read(struct tk_truetime *r)                           \
	{                                                                      \
		if (TK_LIKELY(FAST(r) == 0))                                   \
			return 0;                                              \
		return SLOW(r);                                                \
	}                                                                      \
	static __attribute__((noinline)) int PFX##_after_slow(int64_t t_ns)    \
	{                                                                      \
		struct tk_truetime tt;                                         \
                                                                               \
		SLOW(&tt);                                                     \
		return t_ns < tt.earliest_ns;                                  \
	}                                                                      \
	static int PFX##_after(int64_t t_ns)                                   \
	{                                                                      \
		struct tk_truetime tt;                                         \
                                                                               \
		if (TK_LIKELY(FAST(&tt) == 0))                                 \
			return t_ns < tt.earliest_ns;                          \
		return PFX##_after_slow(t_ns);                                 \
	}                                                                      \
	static __attribute__((noinline)) int PFX##_before_slow(int64_t t_ns)   \
	{                                                                      \
		struct tk_truetime tt;                                         \
                                                                               \
		SLOW(&tt);                                                     \
		return t_ns > tt.latest_ns;                                    \
	}                                                                      \
	static int PFX##_before(int64_t t_ns)                                  \
	{                                                                      \
		struct tk_truetime tt;                                         \
                                                                               \
		if (TK_LIKELY(FAST(&tt) == 0))                                 \
			return t_ns > tt.latest_ns;                            \
		return PFX##_before_slow(t_ns);                                \
	}

/*
 * floor(a x b / 2^64): a growth at a 0.64 fixed-point rate.  The empty asm
 * hides what the compiler knows of a's range: gcc 12, knowing a below
 * 2^63 from a check before, widens it as a signed value and corrects the
 * product (sar, imul, add: three more instructions on a read's critical
 * path) instead of one unsigned mul.
 */
static inline __attribute__((always_inline)) uint64_t
tt_mulhi(uint64_t a, uint64_t b)
{
	__asm__("" : "+r"(a));
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/* The time namespace offset of CLOCK_MONOTONIC (tt_file.c). */
struct tt_timens {
	int64_t mono_ns; /* this process's clock minus the initial one */
	int known; /* 0: this process's own offsets cannot be read */
};

/* Read once, at the provider's choice (cold; tt_file.c). */
void tk__tt_timens_read(struct tt_timens *ns);

/*
 * Open path read-only (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) and
 * map it shared, read-only, after fstat() has shown a regular file of
 * exactly len bytes (or size2, when not 0), or (chr_ok) a character
 * device, of which len bytes are mapped.  0, *map and *maplen, or -errno
 * with *why (tt_file.c).
 */
int tk__tt_map(const char *path, size_t len, size_t size2, int chr_ok,
    const void **map, size_t *maplen, const char **why);
void tk__tt_unmap(const void *map, size_t len);

/*
 * The head of a VMClock page (Linux include/uapi/linux/vmclock-abi.h,
 * struct vmclock_abi) as far as the disruption marker, which ClockBound's
 * disruption check reads.  tt_vmclock.c points tk__tt_vm_map at the page
 * it maps (chosen, or kept for its marker alone) before any read, and
 * clears it at tk__tt_reset; head NULL: no page.
 */
struct tt_vm_head {
	uint32_t magic; /* 0x4b4c4356, "VCLK" */
	uint32_t size; /* of the region holding the structure */
	uint16_t version; /* 1 */
	uint8_t counter_id;
	uint8_t time_type;
	uint32_t seq_count; /* low bit: update in progress */
	uint64_t disruption_marker;
};

struct tt_vm_map {
	const struct tt_vm_head *head;
	size_t len; /* bytes mapped */
};

extern struct tt_vm_map tk__tt_vm_map;

/*
 * One pass over the page's marker, as vmclock_get_crosststamp() in Linux
 * drivers/ptp/ptp_vmclock.c reads the page: 0 and *marker, or -1 (being
 * written, changed under the read, or not a VMClock page of version 1
 * that fits the map).
 */
static inline __attribute__((always_inline)) int
tt_vm_marker_pass(const struct tt_vm_head *h, size_t len, uint64_t *marker)
{
	/*
	 * Acquire: the marker is loaded after seq_count; pairs with the
	 * hypervisor's write barrier before it makes seq_count even.
	 */
	uint32_t seq = tk__load_acquire(&h->seq_count);
	uint32_t size = tk__load_relaxed(&h->size);
	uint32_t bad = (tk__load_relaxed(&h->magic) ^ 0x4b4c4356u) |
	    (uint32_t)(tk__load_relaxed(&h->version) ^ 1u) | (seq & 1u);

	*marker = tk__load_relaxed(&h->disruption_marker);
	/*
	 * Acquire fence: the loads above complete before seq_count is loaded
	 * again; pairs with the hypervisor's write barrier after it makes
	 * seq_count odd.
	 */
	tk__fence_acquire();
	return bad == 0 && size >= 104 && size <= len &&
	        tk__load_relaxed(&h->seq_count) == seq
	    ? 0
	    : -1;
}

/*
 * The VMClock disruption marker now: 0 and *marker when a page is mapped,
 * -ENOENT when none is, -EAGAIN when no pass of TK_TH_READ_TRIES reads it
 * (tt_vmclock.c).
 */
int tk__tt_vm_marker(uint64_t *marker);
/* Map /dev/vmclock0 (or the hook's path) for its marker alone. */
void tk__tt_vm_marker_open(void);

/* The chosen provider's path, for info: copied at open (tt_file.c). */
const char *tk__tt_path_keep(char *buf, size_t n, const char *path);

/*
 * The readers over a given segment and given clock readings, for the
 * tests' simulation of many machines (each with its own clock and its own
 * segment) and for the fuzz target: the code every read runs.
 *   tk__tt_cb_eval: a ClockBound segment at CLOCK_MONOTONIC mono_ns and
 *	CLOCK_REALTIME real_ns; ns_off_ns the time namespace offset;
 *	vm_marker the VMClock disruption marker now (NULL: none to check).
 *   tk__tt_vm_eval: a VMClock page of len bytes at counter value counter
 *	(no disruption anchor: the caller's provider state keeps that).
 *   tk__tt_fb_eval: an fbclock segment of len bytes at sys_ns of the clock
 *	its clockId names (already corrected for the namespace).
 */
void tk__tt_cb_eval(const void *seg, int64_t mono_ns, int64_t real_ns,
    int64_t ns_off_ns, const uint64_t *vm_marker, struct tk_truetime *r);
void tk__tt_vm_eval(
    const void *page, size_t len, uint64_t counter, struct tk_truetime *r);
void tk__tt_fb_eval(
    const void *seg, size_t len, int64_t sys_ns, struct tk_truetime *r);

/* Append one raw field to ti (cold; truetime.c). */
void tk__tt_field(
    struct tk_truetime_info *ti, const char *name, uint64_t v, int is_signed);

#endif /* TK_TT_H */
