/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The victim of the ptrace tests (faults_trace.h): a forked child whose
 * main thread winds up often while another thread reads, both bracketing
 * every read into memory shared with the parent; and the parent's side of
 * it (start, pause the reader, settle, report, finish).  The steering
 * itself is tests/support/faults_trace.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults_trace.h"
#include "timekeep.h"

#define NS_PER_MS 1000000LL
#define RECOVERY_NS (100 * NS_PER_MS)

/* ---- the victim (the forked child) ------------------------------------- */

static struct faults_victim *vic;
static sigjmp_buf abandon_env;

static void
on_abandon(int sig)
{
	(void)sig;
	siglongjmp(abandon_env, 1);
}

/* Account a read of the reader or the winder, with the trial it fell in. */
static void
victim_read(struct faults_watch *w, struct faults_hist *h, int64_t *trial,
    int64_t *rep_trial, int64_t *back_trial, int *epoch)
{
	int64_t worst, rep;
	uint64_t back;

	if (*epoch != vic->epoch) {
		*epoch = vic->epoch;
		memset(w, 0, sizeof(*w));
		memset(h, 0, sizeof(*h));
		*trial = *rep_trial = *back_trial = 0;
	}
	worst = w->worst_ns;
	rep = w->repeat_ns;
	back = w->back;
	faults_hist_add(h, faults_watch(w, tk_nanotime));
	if (w->worst_ns > worst)
		*trial = vic->trial;
	if (w->repeat_ns > rep)
		*rep_trial = vic->trial;
	if (w->back > back && back == 0)
		*back_trial = vic->trial;
}

static void *
victim_reader(void *arg)
{
	int epoch = 0;

	(void)arg;
	while (vic->phase < FAULTS_STOP) {
		if (vic->hold) {
			vic->hold_ack = vic->hold_gen;
			sched_yield();
			continue;
		}
		victim_read(&vic->reader, &vic->reader_h, &vic->reader_trial,
		    &vic->reader_rep_trial, &vic->reader_back_trial, &epoch);
	}
	return NULL;
}

/* After the trials: windups go on and the front answers again. */
static void
victim_recovery(void)
{
	int64_t ns, end = faults_kernel_ns() + RECOVERY_NS;

	vic->windups_before = faults_windups();
	while (faults_kernel_ns() < end) {
		(void)tk_nanotime();
		if (faults_fast_read(&ns) == 0)
			vic->fast_reads++;
	}
	vic->windups_after = faults_windups();
	faults_engine_note(vic->note, sizeof(vic->note));
}

static int
victim_main(void)
{
	struct sigaction sa;
	pthread_t rd;
	int epoch = 0;

	(void)tk_nanotime(); /* the page, wiped at fork, is set up again */
	if (!faults_wait_hands())
		return 2;
	faults_set_interval(vic->interval_ns);
	if (vic->abandon_sig != 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_abandon;
		sigemptyset(&sa.sa_mask);
		if (sigaction(vic->abandon_sig, &sa, NULL) != 0)
			return 3;
	}
	if (pthread_create(&rd, NULL, victim_reader, NULL) != 0)
		return 4;
	vic->ready = 1;
	if (sigsetjmp(abandon_env, 1) != 0)
		vic->abandons++;
	while (vic->phase < FAULTS_STOP)
		victim_read(&vic->winder, &vic->winder_h, &vic->winder_trial,
		    &vic->winder_rep_trial, &vic->winder_back_trial, &epoch);
	pthread_join(rd, NULL);
	victim_recovery();
	return 0;
}

/* ---- the parent's side -------------------------------------------------- */

static const char *
ptrace_refused(void)
{
	static char why[160];
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	int scope = -1;

	if (f != NULL) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	snprintf(why, sizeof(why),
	    "ptrace refused: %s (Yama ptrace_scope %d; tracing a child needs "
	    "0 or 1, or CAP_SYS_PTRACE)",
	    strerror(errno), scope);
	return why;
}

int
faults_victim_start(struct faults_victim *v, pid_t *pid, const char **why)
{
	int64_t end;
	int err, st;

	vic = v;
	v->phase = FAULTS_RUNNING;
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		*why = "fork failed";
		return -errno;
	}
	if (*pid == 0)
		_exit(victim_main());
	end = faults_kernel_ns() + 5000 * NS_PER_MS;
	while (!v->ready && faults_kernel_ns() < end &&
	    waitpid(*pid, &st, WNOHANG) == 0)
		faults_sleep_ns(NS_PER_MS);
	if (!v->ready) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &st, 0);
		*why = "the victim never had hands running";
		return -ETIMEDOUT;
	}
	err = faults_trace_seize(*pid);
	if (err != 0) {
		errno = -err;
		*why = err == -EPERM ? ptrace_refused()
		                     : "no hardware breakpoints here (the "
		                       "debug registers cannot be set, or "
		                       "do not fire)";
		kill(*pid, SIGKILL);
		waitpid(*pid, &st, 0);
	}
	return err;
}

void
faults_victim_settle(struct faults_victim *v, pid_t pid, int64_t ns)
{
	faults_trace_release(pid, 0);
	faults_sleep_ns(ns);
	v->epoch++;
	faults_sleep_ns(NS_PER_MS);
}

void
faults_victim_quiet(struct faults_victim *v, int quiet)
{
	int64_t end = faults_kernel_ns() + 1000 * NS_PER_MS;
	uint64_t gen = v->hold_gen + 1;

	if (!quiet) {
		v->hold = 0;
		return;
	}
	v->hold_gen = gen;
	v->hold = 1;
	while (v->hold_ack != gen && faults_kernel_ns() < end)
		sched_yield();
}

static void
report_one(const char *who, const struct faults_watch *w,
    const struct faults_hist *h, int64_t trial, int64_t rep_trial,
    int64_t back_trial)
{
	printf("  %s: %" PRIu64 " reads, p99 %" PRId64 " p99.9 %" PRId64
	       " max %" PRId64 " ns (trial %" PRId64 ": read %" PRId64
	       " outside [%" PRId64 ", %" PRId64 "]); one value for %" PRId64
	       " ns (trial %" PRId64 ")\n",
	    who, h->n, faults_hist_q(h, 0.99), faults_hist_q(h, 0.999), h->max,
	    trial, w->worst.t, w->worst.k1, w->worst.k2, w->repeat_ns,
	    rep_trial);
	if (w->back > 0)
		printf("  %s: %" PRIu64
		       " steps BACK, the first in trial %" PRId64
		       ", the largest %" PRId64 " ns (%" PRId64 " then %" PRId64
		       ")\n",
		    who, w->back, back_trial, w->back_ns, w->back_from,
		    w->back_to);
}

void
faults_victim_report(const struct faults_victim *v)
{
	report_one("reader thread", &v->reader, &v->reader_h, v->reader_trial,
	    v->reader_rep_trial, v->reader_back_trial);
	report_one("winder thread", &v->winder, &v->winder_h, v->winder_trial,
	    v->winder_rep_trial, v->winder_back_trial);
	printf("  after: %" PRIu64 " windups in 100 ms, %" PRIu64
	       " reads answered by the front; %s\n",
	    v->windups_after - v->windups_before, v->fast_reads, v->note);
}

int
faults_victim_finish(struct faults_victim *v, pid_t pid)
{
	int st = 0;

	faults_trace_release(pid, 1);
	v->phase = FAULTS_STOP;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	v->phase = FAULTS_DONE;
	return st;
}
size_t
faults_learn(struct faults_victim *v, pid_t pid, struct faults_insn *set,
    size_t max, int traces)
{
	static struct faults_insn one[FAULTS_TRACE_MAX];
	size_t n = 0, k, i;
	unsigned atomics;
	int r, got, err;

	faults_victim_quiet(v, 1);
	for (r = 0, got = 0; got < traces && r < 3 * traces; r++) {
		/* A windup that changed its path midway is traced again. */
		err = faults_trace_windup(pid, one, FAULTS_TRACE_MAX, &k);
		if (err != 0) {
			printf(
			    "  reference windup %d: %s\n", r, strerror(-err));
			continue;
		}
		for (i = 0, atomics = 0; i < k; i++)
			atomics += one[i].atomic;
		printf("  reference windup %d: %zu instructions, %u atomic\n",
		    r, k, atomics);
		n = faults_insn_merge(set, n, max, one, k);
		got++;
	}
	faults_victim_quiet(v, 0);
	faults_victim_settle(v, pid, 50 * NS_PER_MS);
	return n;
}
