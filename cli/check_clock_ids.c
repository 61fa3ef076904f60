/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "clock ids": every clock id through tk_clock_gettime against the
 * system call (as Linux tools/testing/selftests/vDSO/
 * vdso_test_correctness.c does for the vDSO): the same result code, and a
 * time within the class bound of the system call's bracket (monotonic
 * clocks BOUND_OFFSET_MAX_NS, realtime ones BOUND_REALTIME_NS, plus a
 * coarse clock's resolution).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <timekeep.h>

#include "check.h"

/* Ids 0..15, three invalid ones, and this process's and thread's. */
static int
clock_ids(clockid_t *ids)
{
	clockid_t cpu;
	int n = 0, i;

	for (i = 0; i < 16; i++)
		ids[n++] = i;
	ids[n++] = -1;
	ids[n++] = INT_MAX;
	ids[n++] = INT_MIN;
	if (clock_getcpuclockid(getpid(), &cpu) == 0)
		ids[n++] = cpu;
	if (pthread_getcpuclockid(pthread_self(), &cpu) == 0)
		ids[n++] = cpu;
	return n;
}

static int
is_realtime(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ||
	    id == CLOCK_TAI || id == CLOCK_REALTIME_ALARM;
}

/*
 * One id: 1 read, 0 rejected as the system call rejects it, or -1 after
 * setting the failure; *out is how far outside the bracket it read.
 */
static int
one_id(struct check *c, clockid_t id, int64_t *out)
{
	struct timespec a, t, z, res;
	int64_t bound;
	int rs, rt;

	rs = syscall(SYS_clock_gettime, id, &a) == 0 ? 0 : -errno;
	rt = tk_clock_gettime(id, &t);
	syscall(SYS_clock_gettime, id, &z);
	if (rs != rt) {
		check_set(c, ST_FAIL,
		    "clock id %d: the system call gives %d (%s), "
		    "tk_clock_gettime %d (%s)",
		    (int)id, rs, rs ? strerror(-rs) : "ok", rt,
		    rt < 0 ? strerror(-rt) : "ok");
		return -1;
	}
	if (rs != 0)
		return 0;
	*out = 0;
	if (ts_ns(&t) < ts_ns(&a))
		*out = ts_ns(&a) - ts_ns(&t);
	else if (ts_ns(&t) > ts_ns(&z))
		*out = ts_ns(&t) - ts_ns(&z);
	bound = is_realtime(id) ? BOUND_REALTIME_NS : BOUND_OFFSET_MAX_NS;
	if (syscall(SYS_clock_getres, id, &res) == 0 && ts_ns(&res) > 1000)
		bound += ts_ns(&res);
	if (*out > bound) {
		check_set(c, ST_FAIL,
		    "clock id %d: tk_clock_gettime read %" PRId64
		    " ns, %" PRId64 " ns outside the system call's bracket "
		    "(bound %" PRId64 " ns)",
		    (int)id, ts_ns(&t), *out, bound);
		return -1;
	}
	return 1;
}

void
check_clock_ids(struct check *c)
{
	clockid_t ids[24];
	int64_t worst_mono = 0, worst_real = 0, out;
	int n = clock_ids(ids), i, r, ok = 0, rejected = 0;

	c->name = "clock ids";
	for (i = 0; i < n; i++) {
		r = one_id(c, ids[i], &out);
		if (r < 0)
			return;
		if (r == 0) {
			rejected++;
			continue;
		}
		ok++;
		if (is_realtime(ids[i]) && out > worst_real)
			worst_real = out;
		if (!is_realtime(ids[i]) && out > worst_mono)
			worst_mono = out;
	}
	check_x(c, "ids", n);
	check_x(c, "worst_monotonic_ns", (double)worst_mono);
	check_x(c, "worst_realtime_ns", (double)worst_real);
	check_set(c, ST_PASS,
	    "%d ids: %d read, %d rejected, each as the system call does; "
	    "farthest outside its bracket %" PRId64 " ns (monotonic "
	    "clocks), %" PRId64 " ns (realtime clocks)",
	    n, ok, rejected, worst_mono, worst_real);
}
