/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own tsc source: timekeep's own timehands over the x86 TSC, kept in
 * step with the kernel's CLOCK_MONOTONIC by the engine in src/hands.c, read
 * inline by src/clock.c through src/source/tsc.h.  This file is the glue:
 * the gates that decide whether the TSC may be used at all, the
 * production page and engine, and the source hooks (src/source/source.h).
 *
 * Safe only where safe.  init declines, with a reason, unless
 *   - CPUID says the TSC is invariant (0x80000007 EDX bit 8: constant rate
 *     across P-, C- and T-states);
 *   - the kernel itself uses it: current_clocksource is "tsc" (as redis's
 *     src/monotonic.c does since PR #15018: the kernel's watchdog has
 *     checked the TSC against other clocks and across CPUs, which a user
 *     process cannot do; and it is re-checked once a second at a windup,
 *     because the kernel demotes a TSC it finds unstable while we run);
 *   - the TSC runs faster than 1.05 GHz (the one-multiply hands need less
 *     than 1 ns per count, src/hands.h);
 *   - a kernel clock can be read to calibrate against: the vDSO
 *     (tk__vdso_gettime, no system call) or else the raw system call;
 *   - the page can be marked MADV_WIPEONFORK (Linux 4.14).
 * A forked child then finds the page all zero, sets it up again in its own
 * time namespace, and takes the rate from tsc_memo (not wiped), so it runs
 * on hands at once; a windup lock held by a parent thread at fork time is
 * wiped with the page and cannot wedge the child.
 *
 * Why CPUID's frequency (0x15, 0x16, 0x40000010) does not seed the rate:
 * the reference is the kernel's CLOCK_MONOTONIC, whose rate is the nominal
 * one times NTP's correction (up to 500 ppm); 10 ms of bracketed samples
 * (TK_HANDS_CAL_NS) measure *that* to ~10 ppm, a nominal value cannot.
 * tk_counter_info() reports CPUID's figures.
 *
 * Nothing here is on the fast path; init runs once under clock.c's
 * once-flag.  The library never sets errno: the few libc calls made at init
 * and re-check (open, read, close, madvise) have errno saved and restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "hands.h"
#include "platform.h"
#include "source/source.h"
#include "source/tsc.h"
#include "source/vdso.h"
#include "syscall.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18 /* include/uapi/asm-generic/mman-common.h */
#endif

#define TSC_CLOCKSOURCE                                                        \
	"/sys/devices/system/clocksource/clocksource0/current_clocksource"

/*
 * The hands page: a whole page of its own (aligned and sized 4096, see the
 * static assertion in src/hands.h), so MADV_WIPEONFORK wipes nothing else.
 * In .bss, past every file-backed page, hence anonymous memory, which is
 * what MADV_WIPEONFORK accepts.
 */
TK_HIDDEN struct tk__hands_page tk__tsc_page
    __attribute__((aligned(TK_HANDS_PAGE_SIZE)));

/* The rate, kept across fork (not in the wiped page). */
static struct tk__hands_memo tsc_memo;

static struct tk__hands tsc_hands;

/* The start-up measurement, for tk__tsc_calibrated_hz(); set by init. */
static uint64_t tsc_rough_hz;

static uint64_t
tsc_counter(int ordered)
{
	return tk__counter_read(ordered);
}

static int
tsc_sys_gettime(clockid_t id, struct timespec *ts)
{
	return tk__sys_clock_gettime(id, ts);
}

int
tk__tsc_parse_clocksource(const char *buf, size_t len)
{
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	return len == 3 && buf[0] == 't' && buf[1] == 's' && buf[2] == 'c';
}

/* 1 if the kernel's clocksource is the TSC, 0 if not, -errno unreadable. */
static int
tsc_clocksource(void)
{
	char buf[64];
	ssize_t n;
	int fd, saved = errno, r;

	fd = open(TSC_CLOCKSOURCE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		errno = saved;
		return r;
	}
	n = read(fd, buf, sizeof(buf));
	r = n < 0 ? -errno : tk__tsc_parse_clocksource(buf, (size_t)n);
	close(fd);
	errno = saved;
	return r;
}

/*
 * The periodic re-check (src/hands.c calls it about once a second, from a
 * windup): the kernel may have demoted the TSC.  A file that cannot be read
 * any more (a sandbox entered after init) is not evidence: keep going.
 */
static int
tsc_recheck(void)
{
	return tsc_clocksource() == 0 ? -ENODEV : 0;
}

static int
tsc_wipeonfork(void)
{
	int saved = errno, r;

	r = madvise(&tk__tsc_page, sizeof(tk__tsc_page), MADV_WIPEONFORK);
	r = r == 0 ? 0 : -errno;
	errno = saved;
	return r;
}

static int
tsc_init(const char *arg, const char **why)
{
	struct timespec ts;
	int (*kernel)(clockid_t, struct timespec *);
	int err;

	(void)arg; /* TIMEKEEP_SOURCE=tsc takes no argument */
	tk__x86_order_init();
	if (tk__tsc_invariant() != 1) {
		*why = "the TSC is not invariant (CPUID 0x80000007 EDX bit 8)";
		return -ENODEV;
	}
	err = tsc_clocksource();
	if (err < 0) {
		*why = "cannot read the kernel's current_clocksource";
		return -ENODEV;
	}
	if (err == 0) {
		*why = "the kernel's clocksource is not tsc";
		return -ENODEV;
	}
	if (tk__vdso_gettime(CLOCK_MONOTONIC, &ts) == 0) {
		kernel = tk__vdso_gettime;
	} else if (tk__sys_clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
		kernel = tsc_sys_gettime;
	} else {
		*why = "no kernel CLOCK_MONOTONIC to calibrate against";
		return -ENOSYS;
	}
	if (tsc_wipeonfork() != 0) {
		*why = "madvise(MADV_WIPEONFORK) refused (Linux before 4.14?)";
		return -ENOSYS;
	}
	tsc_hands.page = &tk__tsc_page;
	tsc_hands.memo = &tsc_memo;
	tsc_hands.counter = tsc_counter;
	tsc_hands.kernel = kernel;
	tsc_hands.recheck = tsc_recheck;
	tk__hands_defaults(&tsc_hands);
	err = tk__hands_setup(&tsc_hands, &tsc_rough_hz);
	if (err == -ERANGE) {
		*why = "the TSC runs at 1.05 GHz or slower (the hands need "
		       "less than 1 ns per count)";
		return -ENODEV;
	}
	if (err != 0) {
		*why = "the kernel clock failed while calibrating";
		return err;
	}
	*why = kernel == tk__vdso_gettime
	    ? "own TSC timehands, kept in step with the vDSO's CLOCK_MONOTONIC"
	    : "own TSC timehands, kept in step with clock_gettime(2) (no vDSO)";
	return 0;
}

static int
tsc_nanotime(int abs, int ordered, int64_t *ns)
{
	return tk__hands_nanotime(&tsc_hands, abs, ordered, ns);
}

/* CLOCK_MONOTONIC and CLOCK_REALTIME; every other id is the next source's. */
static int
tsc_gettime(clockid_t id, struct timespec *ts)
{
	int64_t ns;
	int err;

	if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME)
		return -ENOSYS;
	if (tk__tsc_timespec_fast(id == CLOCK_REALTIME, 1, ts) == 0)
		return 0;
	err = tk__hands_slow(&tsc_hands, id == CLOCK_REALTIME, 1, &ns);
	if (err != 0)
		return err;
	return tk__ns_to_timespec(ns, ts);
}

static int
tsc_bintime(int abs, struct tk_bintime *bt)
{
	int64_t ns;
	int err = tk__hands_nanotime(&tsc_hands, abs, 1, &ns);

	if (err != 0)
		return err;
	tk_bintime_from_ns(bt, ns);
	return 0;
}

struct tk__hands *
tk__tsc_engine(void)
{
	return &tsc_hands;
}

uint64_t
tk__tsc_calibrated_hz(const char **from)
{
	uint64_t hz = tsc_hands.page != NULL ? tk__hands_hz(&tsc_hands) : 0;

	if (hz != 0) {
		*from = "calibrated against CLOCK_MONOTONIC";
		return hz;
	}
	if (tsc_rough_hz != 0) {
		*from = "measured against CLOCK_MONOTONIC over 20 us (+-1%)";
		return tsc_rough_hz;
	}
	return 0;
}

TK_HIDDEN const struct tk__source tk__source_tsc = {
	.name = "tsc",
	.init = tsc_init,
	.gettime = tsc_gettime,
	.nanotime = tsc_nanotime,
	.bintime = tsc_bintime,
	.inline_reads = 1, /* clock.c reads tk__tsc_page before dispatching */
};
