/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A time namespace (time_namespaces(7)): after unshare(CLONE_NEWTIME) and
 * offsets written to /proc/self/timens_offsets, the children of this
 * process see CLOCK_MONOTONIC and CLOCK_BOOTTIME a day ahead.  Our hands
 * in the parent are calibrated against the parent's clock; a child must
 * not inherit them (the page is MADV_WIPEONFORK) but calibrate against its
 * own namespace's clock, through the vDSO, which applies the offset.
 * CLOCK_REALTIME is not offset: tk_walltime must agree there too.
 *
 * SKIPs with the reason when the kernel or the container does not allow a
 * time namespace (needs CAP_SYS_ADMIN and CONFIG_TIME_NS, Linux 5.6).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timekeep.h"
#include "tk_test.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080 /* include/uapi/linux/sched.h */
#endif

#define OFFSET_S 86400

/* The child, in the new namespace: 0, or a numbered failure. */
static int
child(int64_t parent_mono)
{
	int64_t k1, k2, t, end, worst = 0, prev = 0, e, s;
	int32_t ns;

	if (tk_test_clock_ns(CLOCK_MONOTONIC) - parent_mono <
	    (int64_t)OFFSET_S * 1000000000 - 60000000000ll) {
		fprintf(stderr, "the namespace offset did not apply\n");
		return 30;
	}
	end = tk_test_clock_ns(CLOCK_MONOTONIC) + 50000000;
	while ((k1 = tk_test_clock_ns(CLOCK_MONOTONIC)) < end) {
		t = tk_nanotime();
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		if (t < prev)
			return 31;
		prev = t;
		e = t - (k1 + k2) / 2;
		if (e < 0)
			e = -e;
		if (k2 - k1 < 1000 && e > worst)
			worst = e;
		k1 = tk_test_clock_ns(CLOCK_REALTIME);
		tk_walltime(&s, &ns);
		k2 = tk_test_clock_ns(CLOCK_REALTIME);
		t = s * 1000000000 + ns;
		if (t < k1 - 1000000 || t > k2 + 1000000)
			return 32;
	}
	fprintf(stderr,
	    "in the namespace: max |tk_nanotime - MONOTONIC| %" PRId64
	    " ns (source %s)\n",
	    worst, tk_source());
	return worst <= (tk_test_is_sanitized() ? 1000000 : 1000) ? 0 : 33;
}

static void
test_timens(void **state)
{
	char buf[128];
	int64_t parent_mono;
	struct timespec ts = { 0, 30000000 };
	int fd, n, status;
	pid_t pid;

	(void)state;
	/* Hands of our own first, so the child has some to (not) inherit. */
	(void)tk_nanotime();
	nanosleep(&ts, NULL);
	(void)tk_nanotime();
	if (unshare(CLONE_NEWTIME) != 0)
		TK_SKIP("unshare(CLONE_NEWTIME) not permitted here: %s",
		    strerror(errno));
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		TK_SKIP("cannot open /proc/self/timens_offsets: %s",
		    strerror(errno));
	n = snprintf(buf, sizeof(buf), "monotonic %d 0\nboottime %d 0\n",
	    OFFSET_S, OFFSET_S);
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		TK_SKIP(
		    "cannot write the namespace offsets: %s", strerror(errno));
	}
	close(fd);
	parent_mono = tk_test_clock_ns(CLOCK_MONOTONIC);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(child(parent_mono));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timens),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
