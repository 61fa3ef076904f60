/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal FreeBSD <sys/time.h> for cmake/freebsd-check.sh. */
#ifndef _SYS_TIME_H_
#define _SYS_TIME_H_

#include <sys/types.h>
#include <time.h>

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

struct timezone;
int gettimeofday(struct timeval *, struct timezone *);

#endif /* !_SYS_TIME_H_ */
