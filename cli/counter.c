/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tool's own counter: whether it may be read here (probed once, in a
 * forked child, because a kernel can trap user reads and kill the reader)
 * and its frequency, measured against CLOCK_MONOTONIC from the narrowest
 * of several brackets.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counter.h"
#include "stats.h"

static int state = -1; /* -1 not probed, 0 unusable, 1 usable */
static char note[160];

const char *
counter_note(void)
{
	return note;
}

void
counter_set_note(const char *s)
{
	snprintf(note, sizeof(note), "%s", s);
}

int
counter_usable(void)
{
	pid_t pid;
	int st;

	if (state >= 0)
		return state;
	cli_counter_init();
	state = 0;
	if (!cli_counter_exists()) {
		snprintf(note, sizeof(note),
		    "this CPU (%s) has no user-readable counter the tool "
		    "knows",
		    CLI_ARCH);
		return 0;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		(void)cli_counter_ordered();
		(void)cli_counter_relaxed();
		_exit(0);
	}
	if (pid < 0) {
		snprintf(note, sizeof(note),
		    "cannot fork to probe the counter: %s", strerror(errno));
		return 0;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		state = 1;
		return 1;
	}
	snprintf(note, sizeof(note),
	    "reading the counter (%s) killed a test child with signal %d",
	    cli_counter_ordered_name(), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}

struct cpair
counter_pair(void)
{
	struct cpair best = { 0, 0, INT64_MAX };
	int i;

	for (i = 0; i < 16; i++) {
		int64_t a = mono_ns();
		uint64_t c = cli_counter_ordered();
		int64_t b = mono_ns();

		if (b - a < best.width_ns) {
			best.width_ns = b - a;
			best.ns = a + (b - a) / 2;
			best.ticks = c;
		}
	}
	return best;
}

double
pair_hz(struct cpair a, struct cpair b)
{
	if (b.ns <= a.ns || b.ticks <= a.ticks)
		return NAN;
	return (double)(b.ticks - a.ticks) * 1e9 / (double)(b.ns - a.ns);
}

double
counter_measure_hz(int64_t span_ns, double *ppm)
{
	struct cpair a = counter_pair(), b;

	sleep_ns(span_ns);
	b = counter_pair();
	if (ppm != NULL)
		*ppm = (double)(a.width_ns + b.width_ns) * 1e6 /
		    (double)(b.ns - a.ns);
	return pair_hz(a, b);
}
