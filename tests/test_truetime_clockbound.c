/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ClockBound provider against segments written by an independent
 * writer (tests/support/tt_clockbound.c, the daemon's protocol):
 *
 *   race	the writer flat out, publishing claims chosen at random but
 *		all consistent with one truth (CLOCK_REALTIME off by DELTA):
 *		each bound is DELTA - drift x age_k + margin with the as-of
 *		age_k seconds back, so it is right only with its own as-of;
 *		a torn copy (one update's bound with another's as-of or
 *		drift) comes out below DELTA.  Two readers flat out check
 *		that every interval holds truth and that latest never steps
 *		back below what the writer ever published; the 16-bit
 *		generation wraps many times meanwhile;
 *   race_cache	the same with 20 us asleep between updates, the library's
 *		cache refills slowed down (a test hook): most reads are
 *		served from the cache, many while it is being refilled;
 *   hostile	each corrupt field, published after the choice: status
 *		unknown (or disrupted), every read within the retry bound;
 *		a field changed without a new generation: seen at once in
 *		the generation's word (version, size), else at the next
 *		publication; each bad file at the choice: refused with a
 *		reason;
 *   semantics	free-running after the 5 s grace, void-after;
 *   timens	a child in a time namespace 10^5 s ahead reads the host's
 *		stamps right; a process that unshared but did not enter
 *		cannot know its offsets and refuses the segment; a
 *		synthetic offsets file moves as-of;
 *   sigbus	truncating a mapped segment kills a reader with SIGBUS, as
 *		docs/truetime.md says (in a child).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "truetime/tt.h"
#include "tk_test.h"
#include "tt_race.h"
#include "tt_writers.h"

#define DELTA_NS 10000000 /* the writer's truth: realtime + 10 ms */
#define MARGIN_MIN 1000
#define MARGIN_MAX 5000
#define READ_MAX_NS 2000000 /* one read, even hostile: 2 ms is generous */

static char seg_path[128];
static void *seg;
static char env[200];

static int64_t
mono_coarse(void)
{
	return tk_test_clock_ns(CLOCK_MONOTONIC_COARSE);
}

static int64_t
wall_ns(void)
{
	int64_t s;
	int32_t ns;

	tk_walltime(&s, &ns);
	return s * 1000000000 + ns;
}

static struct tt_cb_data
good(void)
{
	int64_t now = mono_coarse();
	struct tt_cb_data d = {
		.as_of_ns = now,
		.void_after_ns = now + 1000 * 1000000000LL,
		.bound_ns = 100000,
		.max_drift_ppb = 50000,
		.clock_status = 1,
	};

	return d;
}

static int
setup(void **state)
{
	(void)state;
	memset(&tk__tt_hooks, 0, sizeof(tk__tt_hooks));
	tk__tt_hooks.vmclock_path = "/nonexistent";
	seg = tt_shm_create(TT_CB_SIZE, seg_path, sizeof(seg_path));
	assert_non_null(seg);
	snprintf(env, sizeof(env), "clockbound:%s", seg_path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tt_force("none");
	tt_shm_destroy(seg, TT_CB_SIZE, seg_path);
	return 0;
}

static void
fresh(void)
{
	struct tt_cb_data d = good();

	tt_cb_format(seg);
	tt_cb_write(seg, &d);
	tt_force(env);
}

/* Read n times: every read quick, and the status of the last. */
static int
read_status(int n, struct tk_truetime *tt)
{
	for (int i = 0; i < n; i++) {
		int64_t t0 = tk_nanotime();

		assert_int_equal(tk_truetime(tt), 0);
		assert_int64_le(
		    tk_nanotime() - t0, tk_test_hang_ns(READ_MAX_NS));
	}
	return tt->status;
}

static void
assert_no_bound(const struct tk_truetime *tt)
{
	assert_int64_equal(tt->earliest_ns, INT64_MIN);
	assert_int64_equal(tt->latest_ns, INT64_MAX);
}

/* ---- race ---- */

struct race {
	int stop;
	int64_t pace_ns; /* between updates; 0: flat out */
	uint64_t writes, wraps;
};

/* Spin for ns (a writer's pace, a pause inside the cache's copy). */
static void
spin_ns(int64_t ns)
{
	int64_t end = tk_nanotime() + ns;

	while (tk_nanotime() < end)
		;
}

static void
cache_pause(void)
{
	spin_ns(200);
}

static void *
race_writer(void *arg)
{
	struct race *r = arg;
	uint64_t rng = 42;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		int64_t age = tt_rand_range(&rng, 0, 4000000000LL);
		int64_t drift = tt_rand_range(&rng, 1000, 100000);
		int64_t as_of = mono_coarse() - age;
		struct tt_cb_data d = {
			.as_of_ns = as_of,
			.void_after_ns = as_of + 1000 * 1000000000LL,
			.bound_ns = DELTA_NS - (age * drift) / 1000000000 +
			    tt_rand_range(&rng, MARGIN_MIN, MARGIN_MAX),
			.max_drift_ppb = (uint32_t)drift,
			.clock_status = (int32_t)tt_rand_range(&rng, 1, 2),
		};

		tt_cb_write(seg, &d);
		if (tt_peek(seg, TT_CB_OFF_GENERATION, 2) == 2)
			r->wraps++;
		r->writes++;
		if (r->pace_ns > 0) /* asleep, so both readers can run */
			nanosleep(&(struct timespec){ 0, r->pace_ns }, NULL);
	}
	return NULL;
}

static void *
race_reader(void *arg)
{
	struct tt_race_reader *rd = arg;
	struct tk_truetime tt;

	for (uint64_t i = 0; i < rd->n; i++) {
		int64_t r0 = wall_ns(), r1, slack;

		tk_truetime(&tt);
		r1 = wall_ns();
		/*
		 * truth = real + DELTA or real - DELTA: both inside; latest
		 * may fall back only by what this read has above the least
		 * the writer ever claims (DELTA + MARGIN_MIN).
		 */
		if (tt.status == TK_TRUETIME_UNKNOWN) /* no interval to use */
			slack = 0;
		else
			slack = (tt.latest_ns - tt.earliest_ns) / 2 - DELTA_NS -
			    MARGIN_MIN + 1000;
		tt_race_note(rd, &tt, r1 - DELTA_NS, r0 + DELTA_NS, slack);
	}
	return NULL;
}

static void
run_race(int64_t pace_ns)
{
	struct race r = { .pace_ns = pace_ns };
	struct tt_race_reader rd[2];

	fresh();
	assert_int_equal(read_status(1, &(struct tk_truetime){ 0 }),
	    TK_TRUETIME_SYNCHRONIZED);
	{
		/* The first claim of the race's truth, before any reader. */
		struct tt_cb_data d = good();

		d.bound_ns = DELTA_NS + MARGIN_MIN;
		tt_cb_write(seg, &d);
	}
	tt_race_run(
	    race_writer, &r, &r.stop, race_reader, rd, tk_test_scale(2000000));
	for (int i = 0; i < 2; i++)
		tt_race_check(rd, i, 0);
	printf("[          ] writer: %llu updates, generation wrapped %llu "
	       "times\n",
	    (unsigned long long)r.writes, (unsigned long long)r.wraps);
	assert_true(rd[0].bounded + rd[1].bounded > 0);
}

static void
test_race(void **state)
{
	(void)state;
	run_race(0);
}

/*
 * The readers' own cache of the checked publication (src/truetime/
 * tt_cache.h): the writer sleeps 20 us (at least) between updates, so
 * most reads are served from the cache, and each refill pauses 200 ns
 * between its stores, so that a read of the cache overlaps a refill
 * often.  A torn cache (one publication's
 * as-of with another's bound) comes out below the truth's margin; the
 * test fails when the fast read's re-check of the cache is removed.
 */
static void
test_race_cache(void **state)
{
	(void)state;
	tk__tt_hooks.cache_between = cache_pause;
	run_race(20000);
	tk__tt_hooks.cache_between = NULL;
}

/* ---- hostile ---- */

struct hostile {
	const char *name;
	size_t off;
	uint64_t v;
	int width;
	int want;
};

static void
test_hostile_fields(void **state)
{
	static const struct hostile cases[] = {
		{ "magic[0]", TT_CB_OFF_MAGIC, 0x414D5A4F, 4, 0 },
		{ "magic[1]", TT_CB_OFF_MAGIC + 4, 0x43420300, 4, 0 },
		{ "segsize 81", TT_CB_OFF_SEGSIZE, 81, 4, 0 },
		{ "segsize 0", TT_CB_OFF_SEGSIZE, 0, 4, 0 },
		{ "version 0", TT_CB_OFF_VERSION, 0, 2, 0 },
		{ "version 1", TT_CB_OFF_VERSION, 1, 2, 0 },
		{ "version 3", TT_CB_OFF_VERSION, 3, 2, 0 },
		{ "generation odd forever", TT_CB_OFF_GENERATION, 7, 2, 0 },
		{ "generation 0", TT_CB_OFF_GENERATION, 0, 2, 0 },
		{ "as_of.tv_sec -1", TT_CB_OFF_AS_OF, (uint64_t)-1, 8, 0 },
		{ "as_of.tv_nsec 10^9", TT_CB_OFF_AS_OF + 8, 1000000000, 8, 0 },
		{ "void_after.tv_nsec -1", TT_CB_OFF_VOID_AFTER + 8,
		    (uint64_t)-1, 8, 0 },
		{ "void_after 0 (before as_of)", TT_CB_OFF_VOID_AFTER, 0, 8,
		    0 },
		{ "bound -1", TT_CB_OFF_BOUND, (uint64_t)-1, 8, 0 },
		{ "bound INT64_MIN", TT_CB_OFF_BOUND, 1ULL << 63, 8, 0 },
		{ "bound 1001 s", TT_CB_OFF_BOUND, 1001000000000ULL, 8, 0 },
		{ "drift 1000.001 ppm", TT_CB_OFF_DRIFT, 1000001, 4, 0 },
		{ "drift UINT32_MAX", TT_CB_OFF_DRIFT, 0xffffffff, 4, 0 },
		{ "status 0 (unknown)", TT_CB_OFF_STATUS, 0, 4, 0 },
		{ "status 3 (disrupted)", TT_CB_OFF_STATUS, 3, 4, 3 },
		{ "status 4", TT_CB_OFF_STATUS, 4, 4, 0 },
		{ "status -1", TT_CB_OFF_STATUS, 0xffffffff, 4, 0 },
		{ "disruption support 2", TT_CB_OFF_DSUPPORT, 2, 1, 0 },
	};
	struct tk_truetime tt;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hostile *c = &cases[i];

		fresh();
		assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
		if (c->off == TT_CB_OFF_GENERATION)
			tt_poke(seg, c->off, c->v, c->width);
		else
			tt_cb_poke(seg, c->off, c->v, c->width);
		printf("[          ] %-30s -> status %d\n", c->name,
		    read_status(100, &tt));
		assert_int_equal(tt.status, c->want);
		assert_no_bound(&tt);
		assert_string_equal(tt.provider, "clockbound");
	}
	/*
	 * Without a new generation, the daemon's re-initialisation (version
	 * 0) and a different segment size are seen at once: they share the
	 * generation's word, which every read compares.  Any other field
	 * changed so breaks the writer's protocol: the checked copy of that
	 * publication keeps serving until the next one.
	 */
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_poke(seg, TT_CB_OFF_VERSION, 0, 2);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_poke(seg, TT_CB_OFF_SEGSIZE, 81, 4);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_poke(seg, TT_CB_OFF_STATUS, 0, 4);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_cb_poke(seg, TT_CB_OFF_BOUND, 100000, 8);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
}

static void
test_hostile_times(void **state)
{
	struct tk_truetime tt;
	struct tt_cb_data d;

	(void)state;
	fresh();
	/* as-of in the future (beyond the 1 us causality blur) */
	d = good();
	d.as_of_ns += 1000000000;
	d.void_after_ns += 1000000000;
	tt_cb_write(seg, &d);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
	/* void-after passed */
	d = good();
	d.as_of_ns -= 2000000000;
	d.void_after_ns = mono_coarse() - 1000000;
	tt_cb_write(seg, &d);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
	/* older than the 5 s grace, still before void-after */
	d = good();
	d.as_of_ns -= 10000000000LL;
	tt_cb_write(seg, &d);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_FREE_RUNNING);
	/* 10 s x 50 ppm = 500 us of growth on the 100 us bound */
	assert_int64_le(600000, (tt.latest_ns - tt.earliest_ns) / 2);
	assert_int64_le(10000000000LL, tt.age_ns);
	/* a free-running daemon, fresh */
	d = good();
	d.clock_status = 2;
	tt_cb_write(seg, &d);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_FREE_RUNNING);
	/* and back */
	d = good();
	tt_cb_write(seg, &d);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_SYNCHRONIZED);
	assert_int64_le((tt.latest_ns - tt.earliest_ns) / 2, 200000);
}

/* A file at the choice: refused (provider none) with a reason. */
static void
expect_refused(const char *path, const char *why_part)
{
	struct tk_truetime tt;
	struct tk_truetime_info ti;
	char e[256];

	snprintf(e, sizeof(e), "clockbound:%s", path);
	tt_force(e);
	assert_int_equal(read_status(3, &tt), TK_TRUETIME_UNKNOWN);
	assert_string_equal(tt.provider, "none");
	assert_int_equal(tk_truetime_info(&ti), 0);
	printf("[          ] %-28s -> refused: %s\n", path, ti.why);
	assert_non_null(strstr(ti.why, why_part));
}

static void
test_hostile_files(void **state)
{
	char p[160], dir[160], fifo[160];
	int fd;

	(void)state;
	/* wrong magic, and another protocol version, at the choice */
	fresh();
	tt_poke(seg, TT_CB_OFF_MAGIC, 0, 4);
	expect_refused(seg_path, "magic");
	tt_cb_format(seg);
	tt_poke(seg, TT_CB_OFF_VERSION, 1, 2);
	expect_refused(seg_path, "another protocol version");
	tt_cb_format(seg);

	snprintf(p, sizeof(p), "%s.short", seg_path);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, seg, TT_CB_SIZE - 1), TT_CB_SIZE - 1);
	close(fd);
	expect_refused(p, "size");
	assert_int_equal(truncate(p, 0), 0);
	expect_refused(p, "empty");
	assert_int_equal(truncate(p, TT_CB_SIZE + 1), 0);
	expect_refused(p, "size");
	unlink(p);
	snprintf(dir, sizeof(dir), "%s.dir", seg_path);
	assert_int_equal(mkdir(dir, 0755), 0);
	expect_refused(dir, "directory");
	rmdir(dir);
	snprintf(fifo, sizeof(fifo), "%s.fifo", seg_path);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	expect_refused(fifo, "FIFO");
	unlink(fifo);
	expect_refused("/dev/zero", "character device");
	expect_refused("/nonexistent/shm0", "no such file");
}

/* ---- time namespaces ---- */

static int
timens_child(void)
{
	struct tk_truetime tt;

	tt_force(env);
	tk_truetime(&tt);
	fprintf(stderr, "in a namespace 10^5 s ahead: status %d, age %lld\n",
	    tt.status, (long long)tt.age_ns);
	return tt.status == TK_TRUETIME_SYNCHRONIZED && tt.age_ns < 2000000000
	    ? 0
	    : 40 + tt.status;
}

static int
timens_parent(void)
{
	struct tk_truetime tt;
	char buf[64];
	int fd, n, status;
	pid_t pid;

	if (unshare(CLONE_NEWTIME) != 0)
		return 77;
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return 77;
	n = snprintf(buf, sizeof(buf), "monotonic 100000 0\n");
	if (write(fd, buf, (size_t)n) != n)
		return 77;
	close(fd);
	/* This process is not in the new namespace: no offsets, no bound. */
	tt_force(env);
	tk_truetime(&tt);
	if (strcmp(tt.provider, "none") != 0)
		return 50;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(timens_child());
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 51;
	return WEXITSTATUS(status);
}

static void
test_timens(void **state)
{
	struct tk_truetime tt;
	char off[160];
	int fd, status;
	pid_t pid;

	(void)state;
	fresh();
	/* A synthetic offsets file: as-of moves 5000 s into the future. */
	snprintf(off, sizeof(off), "%s.timens", seg_path);
	fd = open(off, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "monotonic 5000 0\nboottime 0 0\n", 30), 30);
	close(fd);
	tk__tt_hooks.timens_path = off;
	tt_force(env);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
	assert_int_equal(tk__tt_hooks.timens_path == off, 1);
	tk__tt_hooks.timens_path = NULL;
	unlink(off);
	tt_force(env);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(timens_parent());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		TK_SKIP("no time namespace here (unshare(CLONE_NEWTIME) or "
		        "timens_offsets not permitted)");
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- SIGBUS ---- */

static void
test_sigbus(void **state)
{
	struct tk_truetime tt;
	int status;
	pid_t pid;

	(void)state;
	if (tk_test_is_emulated())
		TK_SKIP("a SIGBUS under an emulator need not be the guest's");
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		if (truncate(seg_path, 0) != 0)
			_exit(2);
		tk_truetime(&tt); /* the lost page: SIGBUS */
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	printf("[          ] a reader of a truncated segment: %s %d\n",
	    WIFSIGNALED(status) ? "killed by signal" : "exited",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGBUS);
	assert_int_equal(truncate(seg_path, TT_CB_SIZE), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_race_cache),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_hostile_times),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_timens),
		cmocka_unit_test(test_sigbus),
	};

	unsetenv("TIMEKEEP_TRUETIME");
	return TK_TEST_RUN(tests, setup, teardown);
}
