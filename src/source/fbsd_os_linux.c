/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep source on Linux: there is no kernel page to find
 * (Linux has no AT_TIMEKEEP), so the source serves only a page mapped from
 * a file named by TIMEKEEP_SOURCE=freebsd:PATH, for instance one the test
 * emulator writes as FreeBSD's kernel would (tests/support/fbsd_emu.c).
 *
 * Host clock ids map onto the FreeBSD ids with the same meaning:
 * CLOCK_REALTIME -> CLOCK_REALTIME (0), CLOCK_MONOTONIC -> CLOCK_MONOTONIC
 * (4), and the Linux names FreeBSD also defines onto the ids they alias
 * there (sys/sys/_clock_id.h): CLOCK_BOOTTIME -> CLOCK_UPTIME (5),
 * CLOCK_REALTIME_COARSE -> CLOCK_REALTIME_FAST (10), CLOCK_MONOTONIC_COARSE
 * -> CLOCK_MONOTONIC_FAST (12).
 *
 * CLOCK_BOOTTIME is the page's uptime, the same clock as CLOCK_MONOTONIC,
 * as on FreeBSD, where it is CLOCK_UPTIME and libc serves it from the page:
 * a FreeBSD page has no separate count of time suspended, and one source
 * answers every clock it can, so that MONOTONIC and BOOTTIME never disagree
 * by the page's offset from the host.  Every other Linux clock (RAW is
 * unslewed, CPU-time clocks, TAI, alarms) has no counterpart on the page
 * and goes to the next source.
 */
#include <errno.h>
#include <time.h>

#include "source/freebsd.h"

int
tk__fbsd_host_clock(clockid_t id)
{
	switch (id) {
	case CLOCK_REALTIME:
		return FBSD_CLOCK_REALTIME;
	case CLOCK_MONOTONIC:
		return FBSD_CLOCK_MONOTONIC;
	case CLOCK_BOOTTIME:
		return FBSD_CLOCK_BOOTTIME;
	case CLOCK_REALTIME_COARSE:
		return FBSD_CLOCK_REALTIME_FAST;
	case CLOCK_MONOTONIC_COARSE:
		return FBSD_CLOCK_MONOTONIC_FAST;
	default:
		return -1;
	}
}

int
tk__fbsd_attach(const void **page, const char **why)
{
	*page = NULL;
	*why = "no FreeBSD timekeep page (not FreeBSD; "
	       "TIMEKEEP_SOURCE=freebsd:PATH reads one from a file)";
	return -ENOENT;
}
