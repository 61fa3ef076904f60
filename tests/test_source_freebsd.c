/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep source through the public API, end to end: the
 * kernel emulator (tests/support/fbsd_emu.c) writes a page into a file at
 * 1 kHz, and TIMEKEEP_SOURCE=freebsd:PATH makes the library read it.
 *
 * The emulated uptime runs one hour ahead of the host's CLOCK_MONOTONIC, so
 * every value says where it came from: a read served by the page is about
 * an hour ahead of the system call, a read the page declines is served by
 * the next source and lies exactly between two system calls.
 *
 *   in process  the source is chosen and named, tk_freebsd_page_info()
 *		 describes the page; every entry point agrees with the
 *		 emulator's reference, CLOCK_BOOTTIME too (the page's uptime);
 *		 ids the page does not serve go on;
 *		 each hostile page makes the library answer with the system
 *		 clock exactly (syscall-sandwiched), then sane again;
 *   child	 the environment is read once per process, so the test
 *		 re-executes itself (/proc/self/exe) with TIMEKEEP_SOURCE set;
 *		 the child checks its source and page, and sends back counter,
 *		 time, counter triples that the parent checks exactly against
 *		 the emulator's reference.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fbsd_emu.h"
#include "tk_test.h"

#define AHEAD_NS (3600 * TK_NSEC_PER_SEC)
#define LOOSE_NS (5 * 1000 * 1000) /* emulator vs host: calibration drift */
#define AGREE_NS 1000
#define CHILD_READS 2000

extern char **environ;

static struct fbsd_emu *emu;
static char env_value[300];

static int64_t
sys_ns(clockid_t id)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, id, &ts);
	return (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
test_chosen(void **state)
{
	struct tk_freebsd_page_info pi;
	struct tk_source_info si[8];
	int n, i, found = 0;

	(void)state;
	assert_string_equal(tk_source(), "freebsd");
	n = tk_sources(si, 8);
	for (i = 0; i < n && i < 8; i++)
		if (strcmp(si[i].name, "freebsd") == 0) {
			found = 1;
			assert_int_equal(si[i].usable, 1);
			assert_int_equal(si[i].chosen, 1);
		}
	assert_true(found);
	assert_int_equal(tk_freebsd_page_info(&pi), 0);
	assert_int_equal(pi.ver, VDSO_TK_VER_CURR);
	assert_int_equal(pi.enabled, 1);
	assert_true(pi.current < VDSO_TH_NUM);
	assert_int_equal(pi.algo, FBSD_HOST_COUNTER_ALGO);
	assert_string_equal(pi.from, fbsd_emu_path(emu));
	assert_int_equal(tk_freebsd_page_info(NULL), -EFAULT);
}

/* An hour ahead of the system calls around it: from the page. */
static void
assert_from_page(void)
{
	int64_t s0 = sys_ns(CLOCK_MONOTONIC);
	int64_t v = tk_nanotime();
	int64_t s1 = sys_ns(CLOCK_MONOTONIC);

	assert_int64_le(s0 + AHEAD_NS - LOOSE_NS, v);
	assert_int64_le(v, s1 + AHEAD_NS + LOOSE_NS);
}

/* v is within AGREE_NS of the reference at counter values c0 .. c1. */
#define agrees(v, c0, c1, abs) agrees_at((v), (c0), (c1), (abs), __LINE__)

static int iter;

static void
agrees_at(int64_t v, uint64_t c0, uint64_t c1, int abs, int line)
{
	int64_t lo = fbsd_emu_ref_ns(emu, c0, abs);
	int64_t hi = fbsd_emu_ref_ns(emu, c1, abs);

	if (v < lo - AGREE_NS || v > hi + AGREE_NS) {
		print_error("line %d, pass %d: %lld not in [%lld, %lld] +- %d "
		            "ns (counter %llu .. %llu)\n",
		    line, iter, (long long)v, (long long)lo, (long long)hi,
		    AGREE_NS, (unsigned long long)c0, (unsigned long long)c1);
		fail();
	}
}

static void
test_entry_points(void **state)
{
	struct tk_bintime bt;
	struct timespec ts;
	uint64_t c0, c1;
	int64_t s0, s1, v, sec;
	int32_t nsec;
	int i;

	(void)state;
	/*
	 * Each value is taken between two counter reads, in sequence: an
	 * argument list's order of evaluation is unspecified.
	 */
	for (i = 0; i < 1000; i++) {
		iter = i;
		c0 = fbsd_emu_counter();
		v = tk_nanotime();
		agrees(v, c0, fbsd_emu_counter(), 0);
		c0 = fbsd_emu_counter();
		v = tk_nanotime_relaxed();
		agrees(v, c0, fbsd_emu_counter(), 0);
		c0 = fbsd_emu_counter();
		tk_walltime(&sec, &nsec);
		c1 = fbsd_emu_counter();
		agrees(sec * TK_NSEC_PER_SEC + nsec, c0, c1, 1);
		c0 = fbsd_emu_counter();
		assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
		agrees(tk_test_ts_ns(&ts), c0, fbsd_emu_counter(), 0);
		c0 = fbsd_emu_counter();
		assert_int_equal(tk_clock_gettime(CLOCK_REALTIME, &ts), 0);
		agrees(tk_test_ts_ns(&ts), c0, fbsd_emu_counter(), 1);
		c0 = fbsd_emu_counter();
		assert_int_equal(
		    tk_clock_gettime(CLOCK_REALTIME_COARSE, &ts), 0);
		agrees(tk_test_ts_ns(&ts), c0, fbsd_emu_counter(), 1);
		c0 = fbsd_emu_counter();
		assert_int_equal(tk_binuptime(&bt), 0);
		agrees(tk_bintime_to_ns(&bt), c0, fbsd_emu_counter(), 0);
		c0 = fbsd_emu_counter();
		assert_int_equal(tk_bintime(&bt), 0);
		agrees(tk_bintime_to_ns(&bt), c0, fbsd_emu_counter(), 1);
		/* The last windup's uptime: behind now, by a few ticks. */
		assert_int_equal(
		    tk_clock_gettime(CLOCK_MONOTONIC_COARSE, &ts), 0);
		c1 = fbsd_emu_counter();
		assert_int64_le(
		    tk_test_ts_ns(&ts), fbsd_emu_ref_ns(emu, c1, 0));
		assert_int64_le(fbsd_emu_ref_ns(emu, c1, 0) - TK_NSEC_PER_SEC,
		    tk_test_ts_ns(&ts));
	}
	/* An hour ahead of the host: these came from the page. */
	assert_from_page();
	/*
	 * CLOCK_BOOTTIME is the page's uptime, as on FreeBSD (CLOCK_UPTIME):
	 * the same clock as CLOCK_MONOTONIC, an hour ahead of the host's.
	 */
	for (i = 0; i < 100; i++) {
		c0 = fbsd_emu_counter();
		assert_int_equal(tk_clock_gettime(CLOCK_BOOTTIME, &ts), 0);
		agrees(tk_test_ts_ns(&ts), c0, fbsd_emu_counter(), 0);
	}
	/* Clocks the page does not serve go to the next source, exactly. */
	for (i = 0; i < 100; i++) {
		s0 = sys_ns(CLOCK_MONOTONIC_RAW);
		assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC_RAW, &ts), 0);
		s1 = sys_ns(CLOCK_MONOTONIC_RAW);
		assert_int64_le(s0, tk_test_ts_ns(&ts));
		assert_int64_le(tk_test_ts_ns(&ts), s1);
	}
	assert_int_equal(tk_clock_gettime(-1, &ts), -EINVAL);
}

static const enum fbsd_emu_hostile hostile[] = {
	FBSD_EMU_DISABLED,
	FBSD_EMU_BAD_VERSION,
	FBSD_EMU_BAD_ALGO,
	FBSD_EMU_CURRENT_OOR,
	FBSD_EMU_GEN_STUCK,
};

/*
 * s0 <= v <= s1, where s0 and s1 are system calls: exactly when the next
 * source down is the vDSO or the system call, within NEXT_NS when it is
 * timekeep's own tsc timehands (kept in step with the kernel, not equal to
 * it bit for bit).  Either way an hour away from the page's time.
 */
#define NEXT_NS (1000 * 1000)

static int64_t worst_ns;

static void
sandwiched(int64_t s0, int64_t v, int64_t s1)
{
	assert_int64_le(s0 - NEXT_NS, v);
	assert_int64_le(v, s1 + NEXT_NS);
	if (s0 - v > worst_ns)
		worst_ns = s0 - v;
	if (v - s1 > worst_ns)
		worst_ns = v - s1;
}

static void
test_hostile_library(void **state)
{
	struct tk_freebsd_page_info pi;
	struct tk_bintime bt;
	struct timespec ts;
	int64_t s0, v, sec;
	int32_t nsec;
	size_t h;
	int i;

	(void)state;
	worst_ns = 0;
	for (h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++) {
		fbsd_emu_set_hostile(emu, hostile[h]);
		sleep_ms(20); /* several windups at 1 kHz */
		for (i = 0; i < 200; i++) {
			s0 = sys_ns(CLOCK_MONOTONIC);
			v = tk_nanotime();
			sandwiched(s0, v, sys_ns(CLOCK_MONOTONIC));
			s0 = sys_ns(CLOCK_MONOTONIC);
			assert_int_equal(
			    tk_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
			sandwiched(
			    s0, tk_test_ts_ns(&ts), sys_ns(CLOCK_MONOTONIC));
			s0 = sys_ns(CLOCK_MONOTONIC);
			assert_int_equal(tk_binuptime(&bt), 0);
			sandwiched(
			    s0, tk_bintime_to_ns(&bt), sys_ns(CLOCK_MONOTONIC));
			/* Realtime: within the slack of the realtime clocks. */
			s0 = sys_ns(CLOCK_REALTIME);
			tk_walltime(&sec, &nsec);
			v = sec * TK_NSEC_PER_SEC + nsec;
			assert_int64_le(s0 - LOOSE_NS, v);
			assert_int64_le(v, sys_ns(CLOCK_REALTIME) + LOOSE_NS);
		}
		assert_int_equal(tk_freebsd_page_info(&pi), 0);
		if (hostile[h] == FBSD_EMU_CURRENT_OOR)
			assert_true(pi.current >= VDSO_TH_NUM);
		if (hostile[h] == FBSD_EMU_DISABLED)
			assert_int_equal(pi.enabled, 0);
		fbsd_emu_set_hostile(emu, FBSD_EMU_SANE);
		sleep_ms(20);
		assert_from_page();
	}
	printf("[ INFO     ] hostile pages: answered by the next source, at "
	       "most %lld ns outside the system-call sandwich\n",
	    (long long)worst_ns);
}

/* Whatever a failed test left behind, the page is sane again. */
static int
sane_again(void **state)
{
	(void)state;
	fbsd_emu_set_hostile(emu, FBSD_EMU_SANE);
	sleep_ms(20);
	return 0;
}

/* --- the child ---------------------------------------------------------- */

struct triple {
	uint64_t c0;
	int64_t v;
	uint64_t c1;
};

static int
child_main(const char *path)
{
	struct tk_freebsd_page_info pi;
	struct triple t;
	int64_t s;
	int i;

	if (!tk_test_source_is("freebsd"))
		return 2;
	if (tk_freebsd_page_info(&pi) != 0 || strcmp(pi.from, path) != 0)
		return 3;
	for (i = 0; i < CHILD_READS; i++) {
		t.c0 = fbsd_emu_counter();
		t.v = tk_nanotime();
		t.c1 = fbsd_emu_counter();
		if (write(1, &t, sizeof(t)) != (ssize_t)sizeof(t))
			return 4;
	}
	s = sys_ns(CLOCK_MONOTONIC) + AHEAD_NS;
	t.v = tk_nanotime();
	if (t.v < s - LOOSE_NS || t.v > s + LOOSE_NS)
		return 5;
	return 0;
}

static void
test_child(void **state)
{
	char *argv[] = { "test_source_freebsd", "--fbsd-child",
		(char *)fbsd_emu_path(emu), NULL };
	struct triple t;
	int fd[2], status, n = 0;
	size_t got;
	ssize_t r;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execve("/proc/self/exe", argv, environ);
		_exit(77);
	}
	close(fd[1]);
	for (;;) {
		for (got = 0; got < sizeof(t); got += (size_t)r) {
			r = read(fd[0], (char *)&t + got, sizeof(t) - got);
			if (r <= 0)
				break;
		}
		if (got < sizeof(t))
			break;
		/* Exact: the emulator's scale is constant. */
		assert_int64_le(fbsd_emu_ref_ns(emu, t.c0, 0), t.v);
		assert_int64_le(t.v, fbsd_emu_ref_ns(emu, t.c1, 0));
		n++;
	}
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		TK_SKIP("cannot re-execute /proc/self/exe here");
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(n, CHILD_READS);
}

static int
group_setup(void **state)
{
	(void)state;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_entry_points),
		cmocka_unit_test_teardown(test_hostile_library, sane_again),
		cmocka_unit_test(test_child),
	};
	struct fbsd_emu_config cfg = { .discipline = 0, .offset_ns = AHEAD_NS };
	int rc;

	if (argc == 3 && strcmp(argv[1], "--fbsd-child") == 0)
		return child_main(argv[2]);
	/* The environment is read on the first clock call: set it first. */
	emu = fbsd_emu_create(&cfg);
	if (emu == NULL) {
		printf("[  SKIP    ] cannot create the emulated page\n");
		return 77;
	}
	snprintf(
	    env_value, sizeof(env_value), "freebsd:%s", fbsd_emu_path(emu));
	setenv("TIMEKEEP_SOURCE", env_value, 1);
	if (fbsd_emu_start(emu, 1000) != 0) {
		fbsd_emu_destroy(emu);
		return 1;
	}
	rc = TK_TEST_RUN(tests, group_setup, NULL);
	fbsd_emu_destroy(emu);
	return rc;
}
