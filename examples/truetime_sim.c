/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * truetime_sim: external consistency across machines, with commit wait on
 * timekeep's intervals.
 *
 * Each simulated node is a process with its own clock: a VMClock page
 * (Linux include/uapi/linux/vmclock-abi.h) in a file, read by timekeep
 * through TIMEKEEP_TRUETIME=vmclock:FILE, that maps this CPU's counter to
 * a time with the node's own offset and drift, and claims a maximum error
 * that holds (|offset| + a margin, growing at least at the drift).  True
 * time is this machine's CLOCK_REALTIME as measured against the counter at
 * the start.
 *
 * Transactions are causally chained: the coordinator sends each to a node
 * only after the previous one is visible.  The node takes the timestamp
 * s = latest of its interval (as Spanner does) and, with commit wait,
 * returns only once tk_truetime_wait_until_past(s) says s is past.
 * External consistency: every timestamp is later than the one before.
 * The run is made twice from one seed, with and without commit wait.
 *
 *   truetime_sim [NODES [TRANSACTIONS [SEED]]]     (default 4 500 2012)
 *
 * Node clocks and the schedule come from the seed; the violations without
 * commit wait also depend on how fast the processes talk, so they vary a
 * little from run to run.  Needs x86-64 (TSC) or arm64 (CNTVCT).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <timekeep.h>

#define MAX_NODES 16
#define PAGE 4096

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

struct node {
	int64_t off_ns, drift_ppb, margin_ns;
	char path[64];
	int cmd, reply; /* pipe ends */
	pid_t pid;
};

struct answer {
	int64_t ts, wait_ns;
	int status;
};

static uint64_t
rnd(uint64_t *s) /* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int64_t
rnd_range(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd(s) % (uint64_t)(hi - lo + 1));
}

static int64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
put(unsigned char *p, size_t off, uint64_t v, int width)
{
	for (int i = 0; i < width; i++)
		p[off + (size_t)i] = (unsigned char)(v >> (8 * i)); /* LE */
}

/*
 * The node's page: time(c) = truth(c0) + offset + (c - c0) x period,
 * period = (1 + drift) / hz, claiming |offset| + margin and the drift.
 */
static int
write_page(const struct node *n, uint64_t c0, int64_t t0, uint64_t hz)
{
	unsigned char p[PAGE] = { 0 };
	unsigned __int128 one = (unsigned __int128)1 << 64;
	uint64_t period = (uint64_t)(one / hz);
	uint64_t nperiod = (uint64_t)((int64_t)period +
	    (int64_t)((__int128)period * n->drift_ppb / 1000000000));
	uint64_t rate =
	    (nperiod > period ? nperiod - period : period - nperiod) + 2;
	int64_t t = t0 + n->off_ns;
	FILE *f;

	put(p, 0, 0x4b4c4356, 4); /* magic "VCLK" */
	put(p, 4, PAGE, 4); /* size */
	put(p, 8, 1, 2); /* version */
	put(p, 10, COUNTER_ID, 1);
	put(p, 11, 0, 1); /* time_type UTC */
	put(p, 12, 2, 4); /* seq_count, even */
	put(p, 16, 1, 8); /* disruption_marker */
	put(p, 24, (1u << 4) | (1u << 6), 8); /* period, time maxerror */
	put(p, 34, 2, 1); /* clock_status synchronized */
	put(p, 40, c0, 8); /* counter_value */
	put(p, 48, nperiod, 8);
	put(p, 64, rate, 8); /* counter_period_maxerror_rate_frac_sec */
	put(p, 72, (uint64_t)(t / 1000000000), 8);
	put(p, 80,
	    (uint64_t)(((unsigned __int128)(t % 1000000000) << 64) /
	        1000000000u),
	    8);
	put(p, 96,
	    (uint64_t)(n->off_ns < 0 ? -n->off_ns : n->off_ns) +
	        (uint64_t)n->margin_ns,
	    8);
	f = fopen(n->path, "wb");
	if (f == NULL || fwrite(p, 1, PAGE, f) != PAGE || fclose(f) != 0)
		return -1;
	return 0;
}

/* A node: one transaction per command, on its own clock. */
static int
node_main(const struct node *n)
{
	char env[96];
	char cmd;

	snprintf(env, sizeof(env), "vmclock:%s", n->path);
	setenv("TIMEKEEP_TRUETIME", env, 1);
	while (read(n->cmd, &cmd, 1) == 1 && cmd != 'q') {
		struct tk_truetime tt;
		struct answer a = { 0, 0, 0 };

		tk_truetime(&tt);
		a.status = tt.status;
		a.ts = tt.latest_ns; /* s >= TT.now().latest */
		if (cmd == 'w') {
			int64_t m0 = tk_nanotime();

			if (tk_truetime_wait_until_past(
			        a.ts, m0 + 1000000000) != 0)
				a.status = -1;
			a.wait_ns = tk_nanotime() - m0;
		}
		if (write(n->reply, &a, sizeof(a)) != (ssize_t)sizeof(a))
			return 1;
	}
	return 0;
}

static int
run(struct node *nodes, int n, int txns, uint64_t seed, int wait,
    uint64_t *violations, double *mean_wait_ms)
{
	int64_t prev = INT64_MIN, total = 0;
	uint64_t rng = seed ^ 0x5eed;

	*violations = 0;
	for (int k = 0; k < txns; k++) {
		struct node *nd = &nodes[rnd(&rng) % (uint64_t)n];
		char cmd = wait ? 'w' : 'n';
		struct answer a;

		if (write(nd->cmd, &cmd, 1) != 1 ||
		    read(nd->reply, &a, sizeof(a)) != (ssize_t)sizeof(a))
			return -1;
		if (a.status != TK_TRUETIME_SYNCHRONIZED) {
			fprintf(stderr,
			    "truetime_sim: node %d: no bound (%d)\n",
			    (int)(nd - nodes), a.status);
			return -1;
		}
		if (a.ts <= prev)
			(*violations)++;
		prev = a.ts;
		total += a.wait_ns;
	}
	*mean_wait_ms = (double)total / txns / 1e6;
	return 0;
}

/* The counter's rate against CLOCK_REALTIME (true time), over 200 ms. */
static uint64_t
measure_hz(uint64_t *c, int64_t *r)
{
	struct timespec nap = { 0, 200000000 };
	uint64_t c1 = counter();
	int64_t r1 = realtime_ns();

	nanosleep(&nap, NULL);
	*c = counter();
	*r = realtime_ns();
	return (uint64_t)((unsigned __int128)(*c - c1) * 1000000000u /
	    (uint64_t)(*r - r1));
}

/* Node i: its clock, its page, its process and the pipes to it. */
static int
start_node(
    struct node *nd, int i, uint64_t *rng, uint64_t c, int64_t r, uint64_t hz)
{
	int to[2], from[2];

	nd->off_ns = rnd_range(rng, -3000000, 3000000);
	nd->drift_ppb = rnd_range(rng, -30000, 30000);
	nd->margin_ns = rnd_range(rng, 20000, 400000);
	snprintf(nd->path, sizeof(nd->path), "/tmp/truetime_sim.%d.%d",
	    (int)getpid(), i);
	if (write_page(nd, c, r, hz) != 0 || pipe(to) != 0 || pipe(from) != 0)
		return -1;
	printf("  node %d: offset %+.3f ms, drift %+5.1f ppm, claims "
	       "|offset| + %.3f ms\n",
	    i, (double)nd->off_ns / 1e6, (double)nd->drift_ppb / 1e3,
	    (double)nd->margin_ns / 1e6);
	fflush(stdout);
	nd->pid = fork();
	if (nd->pid == 0) {
		close(to[1]);
		close(from[0]);
		nd->cmd = to[0];
		nd->reply = from[1];
		_exit(node_main(nd));
	}
	close(to[0]);
	close(from[1]);
	nd->cmd = to[1];
	nd->reply = from[0];
	return 0;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	int txns = argc > 2 ? atoi(argv[2]) : 500;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 2012;
	struct node nodes[MAX_NODES];
	uint64_t c2, hz, rng = seed, v_wait, v_none;
	int64_t r2;
	double w_wait, w_none;
	int rc = 0;

	if (COUNTER_ID < 0) {
		puts("truetime_sim: needs an x86-64 or arm64 counter");
		return 0;
	}
	if (n < 2 || n > MAX_NODES || txns < 1) {
		fprintf(stderr,
		    "usage: truetime_sim [NODES (2-%d) "
		    "[TRANSACTIONS [SEED]]]\n",
		    MAX_NODES);
		return 2;
	}
	hz = measure_hz(&c2, &r2);
	printf("truetime_sim: %d nodes, %d transactions, seed %" PRIu64
	       "; counter %.3f MHz\n",
	    n, txns, seed, (double)hz / 1e6);
	for (int i = 0; i < n; i++)
		if (start_node(&nodes[i], i, &rng, c2, r2, hz) != 0) {
			perror("truetime_sim");
			return 1;
		}
	if (run(nodes, n, txns, seed, 1, &v_wait, &w_wait) != 0 ||
	    run(nodes, n, txns, seed, 0, &v_none, &w_none) != 0)
		rc = 1;
	else {
		printf("with commit wait:    %d transactions, %" PRIu64
		       " violations, mean commit wait %.3f ms\n",
		    txns, v_wait, w_wait);
		printf("without commit wait: %d transactions, %" PRIu64
		       " violations\n",
		    txns, v_none);
		rc = v_wait == 0 ? 0 : 1;
	}
	for (int i = 0; i < n; i++) {
		char q = 'q';

		if (write(nodes[i].cmd, &q, 1) != 1)
			kill(nodes[i].pid, SIGTERM);
		waitpid(nodes[i].pid, NULL, 0);
		unlink(nodes[i].path);
	}
	return rc;
}
