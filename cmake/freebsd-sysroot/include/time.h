/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal FreeBSD <time.h> for cmake/freebsd-check.sh: struct timespec and
 * the clock ids with their FreeBSD numbers (sys/sys/_clock_id.h).
 */
#ifndef _TIME_H_
#define _TIME_H_

#include <sys/types.h>

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

#define CLOCK_REALTIME 0
#define CLOCK_VIRTUAL 1
#define CLOCK_PROF 2
#define CLOCK_MONOTONIC 4
#define CLOCK_UPTIME 5
#define CLOCK_UPTIME_PRECISE 7
#define CLOCK_UPTIME_FAST 8
#define CLOCK_REALTIME_PRECISE 9
#define CLOCK_REALTIME_FAST 10
#define CLOCK_MONOTONIC_PRECISE 11
#define CLOCK_MONOTONIC_FAST 12
#define CLOCK_SECOND 13
#define CLOCK_THREAD_CPUTIME_ID 14
#define CLOCK_PROCESS_CPUTIME_ID 15
#define CLOCK_BOOTTIME CLOCK_UPTIME
#define CLOCK_REALTIME_COARSE CLOCK_REALTIME_FAST
#define CLOCK_MONOTONIC_COARSE CLOCK_MONOTONIC_FAST
#define TIMER_ABSTIME 0x1

int clock_gettime(clockid_t, struct timespec *);
int clock_getres(clockid_t, struct timespec *);
int nanosleep(const struct timespec *, struct timespec *);

#endif /* !_TIME_H_ */
