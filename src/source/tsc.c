/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tsc source: timekeep's own timehands over the x86 TSC, kept in step
 * with the kernel's CLOCK_MONOTONIC by the engine in src/hands/, read
 * inline by src/clock.c through src/source/tsc_fast.h.  This file is the
 * glue: the gates that decide whether the TSC may be used at all, the
 * process's page and engine, and the source hooks (src/source/source.h).
 *
 * Safe only where safe.  init declines, with a reason, unless a kernel
 * clock can be read to calibrate against (the vDSO, no system call, or else
 * the raw system call) and the page can be marked MADV_WIPEONFORK (Linux
 * 4.14).  Until the first hands, ~0.3 ms later, reads are the kernel's own;
 * the first windup then checks, once, before any hands exist:
 *   - the kernel itself uses the TSC: current_clocksource is "tsc" (as
 *     redis src/monotonic.c does since PR #15018).  Linux makes the TSC its
 *     clocksource only when it runs at a constant rate through P-, C- and
 *     T-states and agrees across CPUs, and its watchdog demotes one that
 *     stops doing so; a user process cannot check either as well.  A
 *     demotion while we run is noticed by the engine without a system call
 *     (src/hands/hands_page.h, TK_HANDS_SLOW_KERNEL_NS);
 *   - the TSC runs faster than 1 GHz (the one-multiply hands need it);
 *   - CPUID, asked one leaf, says how to order the TSC read (before that
 *     the read is fenced in a way right on every CPU).
 * A failed check hands the reads to the next source (src/choose.c): no
 * answer so far ran ahead of the kernel, so nothing goes back.  The checks
 * wait for the first windup because each costs ~10 us in a VM, which the
 * first read should not pay.
 *
 * A forked child finds the page all zero, sets it up again in its own time
 * namespace, and takes the rate from tsc_memo (not wiped), so it runs on
 * hands from its first windup.  The library never sets errno: the libc
 * calls made at init (open, read, close, madvise) save and restore it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "counter.h"
#include "hands/hands.h"
#include "hands/hands_ticks.h"
#include "platform.h"
#include "source/source.h"
#include "source/tsc.h"
#include "source/tsc_fast.h"
#include "source/vdso.h"
#include "syscall.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18 /* include/uapi/asm-generic/mman-common.h */
#endif

#define TSC_CLOCKSOURCE                                                        \
	"/sys/devices/system/clocksource/clocksource0/current_clocksource"

/*
 * The hands page: whole pages of its own (aligned and sized by
 * src/hands/hands_page.h), so MADV_WIPEONFORK wipes nothing else; in .bss,
 * hence anonymous memory, which is what MADV_WIPEONFORK accepts.
 */
TK_HIDDEN struct tk__hands_page tk__tsc_page;
TK_HIDDEN int tk__tsc_armed;

/* The rate, kept across fork (not in the wiped page). */
static struct tk__hands_memo tsc_memo;

/* The engine; hidden, so the tests reach it (tests/support/hands_test.h). */
TK_HIDDEN struct tk__hands tk__tsc_hands;

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

	fd = open(TSC_CLOCKSOURCE, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
 * Before the first hands, at the first windup rather than the first read
 * (each costs ~10 us in a VM): the kernel's clocksource, and how to order
 * the TSC read (CPUID, once).  Until then reads are the kernel's own, so a
 * clocksource that is not the TSC hands the reads to the vdso source
 * having answered nothing it would not.
 */
static int
tsc_first_check(void)
{
	if (tsc_clocksource() != 1)
		return -ENODEV;
	tk__x86_order_init();
	return 0;
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
	struct tk__hands *h = &tk__tsc_hands;
	int err;

	(void)arg; /* TIMEKEEP_SOURCE=tsc takes no argument */
	if (tk__vdso_gettime(CLOCK_MONOTONIC, &ts) == 0) {
		h->kernel = tk__vdso_gettime;
	} else if (tk__sys_clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
		h->kernel = tsc_sys_gettime;
	} else {
		*why = "no kernel CLOCK_MONOTONIC to calibrate against";
		return -ENOSYS;
	}
	if (tsc_wipeonfork() != 0) {
		*why = "madvise(MADV_WIPEONFORK) refused (Linux before 4.14?)";
		return -ENOSYS;
	}
	h->page = &tk__tsc_page;
	h->memo = &tsc_memo;
	h->counter = tsc_counter;
	h->first_check = tsc_first_check;
	tk__hands_defaults(h);
	err = tk__hands_setup(h);
	if (err != 0) {
		*why = "the kernel clock failed while calibrating";
		return err;
	}
	*why = h->kernel == tk__vdso_gettime
	    ? "own TSC timehands, kept in step with the vDSO's CLOCK_MONOTONIC"
	    : "own TSC timehands, kept in step with clock_gettime(2) (no vDSO)";
	return 0;
}

static void
tsc_chosen(void)
{
	/* Relaxed: a flag, see tk__fast_tsc_ticks(). */
	tk__store_relaxed(&tk__tsc_armed, 1);
}

static void
tsc_dropped(void)
{
	/* Relaxed: as above; the front never held hands, so it answers no read. */
	tk__store_relaxed(&tk__tsc_armed, 0);
}

static int
tsc_nanotime(int clock, int ordered, int64_t *ns)
{
	return tk__hands_nanotime(&tk__tsc_hands, clock, ordered, ns);
}

static int
tsc_pair(int64_t *mono_ns, int64_t *real_ns)
{
	return tk__hands_pair(&tk__tsc_hands, mono_ns, real_ns);
}

/* CLOCK_MONOTONIC and CLOCK_REALTIME; every other id is the next source's. */
static int
tsc_gettime(clockid_t id, struct timespec *ts)
{
	int64_t ns;
	int err;

	if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME)
		return -ENOSYS;
	if (tk__fast_tsc_ts(id == CLOCK_REALTIME, ts) == 0)
		return 0;
	err = tk__hands_slow(&tk__tsc_hands, id == CLOCK_REALTIME, 1, &ns);
	if (err != 0)
		return err;
	tk__ns_to_timespec(ns, ts);
	return 0;
}

static int
tsc_bintime(int abs, struct tk_bintime *bt)
{
	int64_t ns;
	int err = tk__hands_nanotime(&tk__tsc_hands, abs, 1, &ns);

	if (err != 0)
		return err;
	tk_bintime_from_ns(bt, ns);
	return 0;
}

static uint64_t
tsc_ticks(int ordered)
{
	return tk__counter_read(ordered);
}

int
tk__tsc_ticks_to_ns(uint64_t ticks, int64_t *mono_ns, int64_t *real_ns)
{
	return tk__hands_ticks_to_ns(&tk__tsc_hands, ticks, mono_ns, real_ns);
}

static long
tsc_timebase(void *buf, size_t size)
{
	return tk__hands_timebase(&tk__tsc_hands, buf, size, "tsc");
}

static uint64_t
tsc_hz(const char **from)
{
	uint64_t hz = tk__hands_hz(&tk__tsc_hands);

	*from = "measured against CLOCK_MONOTONIC, to the ppm";
	return hz;
}

static int
tsc_ticks_info(struct tk_ticks_info *ti)
{
	const char *from;

	ti->unit = "tsc";
	ti->hz = tsc_hz(&from);
	ti->history_ns = tk__hands_history_ns(&tk__tsc_hands);
	return 0;
}

static const char *
tsc_status(void)
{
	const char *why;

	return tk__hands_status(&tk__tsc_hands, &why) >= 2 ? why : NULL;
}

/* One load: the routes ask it on every slow call. */
static int
tsc_serves(void)
{
	/*
	 * Relaxed: set before the disabled word is published, and only
	 * while no hands exist; a reader that misses it routes through the
	 * engine, which answers -ENOSYS itself.
	 */
	return tk__load_relaxed(&tk__tsc_page.hdr.no_hands) == 0;
}

TK_HIDDEN const struct tk__source tk__source_tsc = {
	.name = "tsc",
	.init = tsc_init,
	.chosen = tsc_chosen,
	.dropped = tsc_dropped,
	.gettime = tsc_gettime,
	.nanotime = tsc_nanotime,
	.pair = tsc_pair,
	.bintime = tsc_bintime,
	.ticks = tsc_ticks,
	.ticks_to_ns = tk__tsc_ticks_to_ns,
	.ticks_info = tsc_ticks_info,
	.timebase = tsc_timebase,
	.hz = tsc_hz,
	.status = tsc_status,
	.serves = tsc_serves,
	.tier = 1,
};
