/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every declaration of timekeep.h used once, in the subset of C that is
 * also C++, so that the compiler checks the inline bintime helpers and the
 * prototypes under every standard tests/header/check.sh asks for, with
 * warnings as errors.  Included twice: the include guard must hold.
 * Compiled only, never run.
 */
#include <timekeep.h>
#include <timekeep.h>

#include <stddef.h>

#if TK_VERSION_MAJOR < 1
#error "TK_VERSION_MAJOR must be at least 1"
#endif

/*
 * The clock id is a parameter: CLOCK_MONOTONIC and friends come from POSIX
 * <time.h>, which strict -std=c11 without _POSIX_C_SOURCE hides, while the
 * header itself must still compile there.
 */
int use_timekeep(clockid_t id);

int
use_timekeep(clockid_t id)
{
	struct tk_bintime bt, bt2;
	struct tk_source_info si[4];
	struct tk_vdso_symbol vs[4];
	struct tk_counter_info ci;
	struct tk_freebsd_page_info pi;
	struct timespec ts;
	struct timeval tv;
	int64_t ns, sec;
	int32_t nsec;
	int r = 0;

	ns = tk_nanotime() + tk_nanotime_relaxed();
	tk_walltime(&sec, &nsec);
	r |= tk_clock_gettime(id, &ts);
	r |= tk_binuptime(&bt);
	r |= tk_bintime(&bt2);
	r |= tk_source()[0] + tk_version()[0];
	r |= tk_sources(si, 4);
	r |= tk_vdso_symbols(vs, 4);
	r |= tk_counter_info(&ci);
	r |= tk_freebsd_page_info(&pi);

	tk_bintime_addx(&bt, (uint64_t)1 << 63);
	tk_bintime_add(&bt, &bt2);
	tk_bintime_sub(&bt, &bt2);
	r |= tk_bintime_cmp(&bt, &bt2);
	ns += tk_bintime_to_ns(&bt);
	tk_bintime_from_ns(&bt, ns);
	tk_bintime_to_timespec(&bt, &ts);
	tk_timespec_to_bintime(&ts, &bt);
	tk_bintime_to_timeval(&bt, &tv);
	tk_timeval_to_bintime(&tv, &bt);
	return r + (int)(ns & 1) + (int)(sec & 1) + (int)nsec +
	    (int)(bt.sec & 1);
}
