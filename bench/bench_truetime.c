/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_truetime: what a bounded-time read costs next to tk_walltime, per
 * provider.  The target: tk_truetime and tk_truetime_after each at most
 * tk_walltime + 5 ns per call.
 *
 * Each provider runs in a child process that names it with
 * TIMEKEEP_TRUETIME before its first call (the choice is made once per
 * process): none; adjtimex (this kernel's, whatever it says); and
 * ClockBound, fbclock and (x86-64, arm64) VMClock segments this program
 * writes to files in /tmp, valid for the run (fbclock's kept fresh every
 * 10 ms by a thread, as its daemon does).  In each, rounds of CALLS
 * calls of every candidate, interleaved, each loop timed with
 * CLOCK_MONOTONIC; ns/call is the median over the rounds.  It reports and
 * never fails on speed (exit 0; 2 on bad arguments).  Public API only.
 *
 *   bench_truetime [--rounds N] [--calls N]
 */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <timekeep.h>

#define MAX_ROUNDS 101
#define NCAND 4

static int rounds = 31;
static long calls = 200000;
static volatile int64_t sink;

#if defined(__x86_64__)
#define COUNTER_ID 1 /* VMCLOCK_COUNTER_X86_TSC */
static uint64_t
counter(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}
#elif defined(__aarch64__)
#define COUNTER_ID 0 /* VMCLOCK_COUNTER_ARM_VCNT */
static uint64_t
counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}
#else
#define COUNTER_ID -1
static uint64_t
counter(void)
{
	return 0;
}
#endif

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
put(unsigned char *p, size_t off, uint64_t v, int width)
{
	for (int i = 0; i < width; i++)
		p[off + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static int
write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	return f != NULL && fwrite(p, 1, n, f) == n && fclose(f) == 0 ? 0 : -1;
}

/* ClockBound protocol 2: synchronised, 100 us, 50 ppm, as of now. */
static int
write_clockbound(const char *path)
{
	unsigned char p[80] = { 0 };
	int64_t now = clock_ns(CLOCK_MONOTONIC_COARSE);

	put(p, 0, 0x414D5A4E, 4);
	put(p, 4, 0x43420200, 4);
	put(p, 8, 80, 4);
	put(p, 12, 2, 2); /* version */
	put(p, 14, 2, 2); /* generation */
	put(p, 16, (uint64_t)(now / 1000000000), 8);
	put(p, 24, (uint64_t)(now % 1000000000), 8);
	put(p, 32, (uint64_t)(now / 1000000000 + 1000), 8);
	put(p, 40, (uint64_t)(now % 1000000000), 8);
	put(p, 48, 100000, 8); /* bound */
	put(p, 64, 50000, 4); /* max drift, ppb */
	put(p, 68, 1, 4); /* synchronized */
	return write_file(path, p, sizeof(p));
}

/* fbclock v2 on CLOCK_REALTIME: PHC = TAI, 1 us, 1 us/s holdover. */
static void
fill_fbclock(unsigned char *p, uint64_t seq)
{
	int64_t r = clock_ns(CLOCK_REALTIME);

	put(p, 0, seq, 8);
	put(p, 8, (uint64_t)(r + 37000000000LL - 1000000), 8); /* ingress */
	put(p, 16, 1000, 4); /* error bound */
	put(p, 20, 1000 * 65536, 4); /* holdover, 16.16 ns/s */
	put(p, 36, 0, 4); /* clockId CLOCK_REALTIME */
	put(p, 40, (uint64_t)(r + 37000000000LL), 8); /* phc */
	put(p, 48, (uint64_t)r, 8); /* sysclock */
}

static int
write_fbclock(const char *path)
{
	unsigned char p[64] = { 0 };

	fill_fbclock(p, 2);
	return write_file(path, p, sizeof(p));
}

/*
 * fbclock's daemon rewrites its segment every 10 ms and its readers give
 * up on data older than 1 s: a thread does the same for the benchmark
 * (fbclock_clockdata_store_data_v2's seq protocol; x86-64 and arm64 are
 * little-endian, so the seq is the first 8 bytes as written by put()).
 */
static const char *fb_path;
static int fb_stop;

static void *
fb_daemon(void *arg)
{
	int fd = open(fb_path, O_RDWR | O_CLOEXEC);
	unsigned char *m, buf[64];
	uint64_t seq = 2;

	(void)arg;
	if (fd < 0)
		return NULL;
	m = mmap(NULL, 64, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	while (!__atomic_load_n(&fb_stop, __ATOMIC_RELAXED)) {
		struct timespec nap = { 0, 10000000 };

		__atomic_store_n((uint64_t *)m, ++seq, __ATOMIC_SEQ_CST);
		fill_fbclock(buf, seq);
		for (size_t i = 8; i < 64; i += 8)
			__atomic_store_n((uint64_t *)(m + i),
			    *(uint64_t *)(buf + i), __ATOMIC_RELAXED);
		__atomic_store_n((uint64_t *)m, ++seq, __ATOMIC_SEQ_CST);
		nanosleep(&nap, NULL);
	}
	munmap(m, 64);
	return NULL;
}

/* VMClock: this counter at its measured rate, 10 us, 10 ppm. */
static int
write_vmclock(const char *path)
{
	unsigned char p[4096] = { 0 };
	struct timespec nap = { 0, 50000000 };
	uint64_t c1 = counter(), c2, hz, period;
	int64_t r1 = clock_ns(CLOCK_REALTIME), r2;

	nanosleep(&nap, NULL);
	c2 = counter();
	r2 = clock_ns(CLOCK_REALTIME);
	hz = (uint64_t)((unsigned __int128)(c2 - c1) * 1000000000u /
	    (uint64_t)(r2 - r1));
	period = (uint64_t)(((unsigned __int128)1 << 64) / hz);
	put(p, 0, 0x4b4c4356, 4);
	put(p, 4, 4096, 4);
	put(p, 8, 1, 2);
	put(p, 10, COUNTER_ID, 1);
	put(p, 12, 2, 4); /* seq_count */
	put(p, 24, (1u << 4) | (1u << 6), 8); /* maxerror flags */
	put(p, 34, 2, 1); /* synchronized */
	put(p, 40, c2, 8);
	put(p, 48, period, 8);
	put(p, 64, period / 100000, 8);
	put(p, 72, (uint64_t)(r2 / 1000000000), 8);
	put(p, 80,
	    (uint64_t)(((unsigned __int128)(r2 % 1000000000) << 64) /
	        1000000000u),
	    8);
	put(p, 96, 10000, 8);
	return write_file(path, p, sizeof(p));
}

static int64_t
c_walltime(void)
{
	int64_t s;
	int32_t ns;

	tk_walltime(&s, &ns);
	/*
	 * nsec read zero-extended, as cli/candidates.c rd_tk_walltime()
	 * does: on the Intel Xeon KVM guest this was measured on (Linux
	 * 6.18, gcc 12) a sign-extending load of an int32_t just stored
	 * forwards about 3 ns later than a zero-extending one, which is the
	 * caller's cost, not the read's.
	 */
	return s + (uint32_t)ns;
}

static int64_t
c_nanotime(void)
{
	return tk_nanotime();
}

static int64_t
c_truetime(void)
{
	struct tk_truetime tt;

	tk_truetime(&tt);
	return tt.earliest_ns;
}

static int64_t
c_after(void)
{
	return tk_truetime_after(1700000000000000000LL);
}

static const struct {
	const char *name;
	int64_t (*fn)(void);
} cand[NCAND] = {
	{ "tk_walltime", c_walltime },
	{ "tk_nanotime", c_nanotime },
	{ "tk_truetime", c_truetime },
	{ "tk_truetime_after", c_after },
};

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One candidate's loop: ns per call. */
static double
time_loop(int64_t (*fn)(void))
{
	int64_t t0 = clock_ns(CLOCK_MONOTONIC), acc = 0;

	for (long i = 0; i < calls; i++)
		acc += fn();
	sink = acc;
	return (double)(clock_ns(CLOCK_MONOTONIC) - t0) / (double)calls;
}

static int
bench_child(const char *env)
{
	static double ns[NCAND][MAX_ROUNDS];
	struct tk_truetime tt;
	double med[NCAND];
	pthread_t daemon;
	int fb = env != NULL && strncmp(env, "fbclock:", 8) == 0;

	if (env != NULL)
		setenv("TIMEKEEP_TRUETIME", env, 1);
	if (fb) {
		fb_path = env + 8;
		if (pthread_create(&daemon, NULL, fb_daemon, NULL) != 0)
			fb = 0;
	}
	tk_truetime(&tt);
	for (int i = 0; i < NCAND; i++)
		(void)time_loop(cand[i].fn); /* warm up */
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < NCAND; k++) {
			int i = (k + r) % NCAND;

			ns[i][r] = time_loop(cand[i].fn);
		}
	for (int i = 0; i < NCAND; i++) {
		qsort(ns[i], (size_t)rounds, sizeof(double), cmp_d);
		med[i] = ns[i][rounds / 2];
	}
	if (fb) {
		__atomic_store_n(&fb_stop, 1, __ATOMIC_RELAXED);
		pthread_join(daemon, NULL);
	}
	printf("%-11s %-8s %2d %9.2f %9.2f %9.2f %9.2f %+8.2f %+8.2f  %s\n",
	    tt.provider, env == NULL ? "(auto)" : "", tt.status, med[0], med[1],
	    med[2], med[3], med[2] - med[0], med[3] - med[0],
	    med[2] - med[0] <= 5 && med[3] - med[0] <= 5 ? "met" : "missed");
	fflush(stdout);
	return 0;
}

static void
run(const char *env)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(bench_child(env));
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int
main(int argc, char **argv)
{
	char cb[64], fb[64], vm[64], e[3][96];
	struct utsname u;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--calls") == 0 && i + 1 < argc)
			calls = atol(argv[++i]);
		else {
			fprintf(stderr,
			    "usage: bench_truetime [--rounds N] [--calls N]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || calls < 1) {
		fprintf(stderr, "bench_truetime: rounds 1-%d, calls >= 1\n",
		    MAX_ROUNDS);
		return 2;
	}
	uname(&u);
	printf("bench_truetime: %s %s %s, source %s, %d rounds x %ld calls; "
	       "ns/call, medians\n",
	    u.sysname, u.release, u.machine, tk_source(), rounds, calls);
	printf("%-11s %-8s %2s %9s %9s %9s %9s %8s %8s  %s\n", "provider", "",
	    "st", "walltime", "nanotime", "truetime", "after", "tt-wall",
	    "af-wall", "<= +5 ns");
	snprintf(cb, sizeof(cb), "/tmp/bench_truetime.%d.cb", (int)getpid());
	snprintf(fb, sizeof(fb), "/tmp/bench_truetime.%d.fb", (int)getpid());
	snprintf(vm, sizeof(vm), "/tmp/bench_truetime.%d.vm", (int)getpid());
	run("none");
	run(NULL);
	if (write_clockbound(cb) == 0) {
		snprintf(e[0], sizeof(e[0]), "clockbound:%s", cb);
		run(e[0]);
	}
	if (write_fbclock(fb) == 0) {
		snprintf(e[1], sizeof(e[1]), "fbclock:%s", fb);
		run(e[1]);
	}
	if (COUNTER_ID >= 0 && write_vmclock(vm) == 0) {
		snprintf(e[2], sizeof(e[2]), "vmclock:%s", vm);
		run(e[2]);
	}
	unlink(cb);
	unlink(fb);
	unlink(vm);
	return 0;
}
