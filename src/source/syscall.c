/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The last source: the raw clock_gettime system call (Go's
 * fallback_nanotime and fallback_walltime, sys_<os>_<arch>.s).  It cannot
 * fail to initialise and needs no libc.
 */
#include <errno.h>

#include "platform.h"
#include "source/source.h"
#include "syscall.h"

static int
syscall_init(const char *arg, const char **why)
{
	(void)arg;
	*why = "always usable";
	return 0;
}

static int
syscall_gettime(clockid_t id, struct timespec *ts)
{
	return tk__sys_clock_gettime(id, ts);
}

static int
syscall_nanotime(int clock, int ordered, int64_t *ns)
{
	struct timespec ts;
	int err;

	(void)ordered; /* a system call orders everything before it */
	err = tk__sys_clock_gettime(
	    clock ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	if (err != 0)
		return err;
	*ns = tk__timespec_to_ns(&ts);
	return 0;
}

static int
syscall_bintime(int abs, struct tk_bintime *bt)
{
	struct timespec ts;
	int err;

	err =
	    tk__sys_clock_gettime(abs ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	if (err != 0)
		return err;
	tk_timespec_to_bintime(&ts, bt);
	return 0;
}

TK_HIDDEN const struct tk__source tk__source_syscall = {
	.name = "syscall",
	.init = syscall_init,
	.gettime = syscall_gettime,
	.nanotime = syscall_nanotime,
	.bintime = syscall_bintime,
};
