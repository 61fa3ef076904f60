/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep check: this machine's clocks through timekeep, one check per
 * file (check_*.c), and a verdict: exit 0 PASS, 1 FAIL.  Each check's
 * line is printed as soon as it is decided; on a terminal a progress line
 * says meanwhile which check runs and how long is left.  A check that
 * passes with a warning (only the bounded-time check has findings:
 * check_truetime.c) shows WARN and does not fail the verdict.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#include "check.h"
#include "commands.h"
#include "json.h"
#include "options.h"
#include "progress.h"
#include "text.h"
#include "truetime.h"

enum {
	C_SOURCE,
	C_VDSO,
	C_IDS,
	C_SKEW,
	C_MONO,
	C_OFFSET,
	C_REALTIME,
	C_NOSYSCALL,
	C_TRUETIME,
	NCHECKS
};

/* For the progress line; each check names itself in its result. */
static const char *const names[NCHECKS] = { "source", "vdso", "clock ids",
	"cpu skew", "monotonic", "offset and realtime", "realtime",
	"no syscall", "truetime" };

/* The bounded-time check's findings (its line says WARN with one). */
static struct tt_findings tt_found;

/* PASS, FAIL, SKIP, or WARN for a pass with a warning. */
static const char *
check_word(int i, const struct check *c)
{
	if (i == C_TRUETIME && c->status == ST_PASS &&
	    tt_findings_warn(&tt_found))
		return "WARN";
	return status_names[c->status];
}

static void
check_help(void)
{
	printf(
	    "usage: timekeep check [--seconds N] [--json]\n"
	    "\n"
	    "Check this machine's clocks through timekeep and give a verdict. "
	    " Each line\n"
	    "is PASS, FAIL or SKIP, a name and the details; a failing line "
	    "says why.\n"
	    "\n"
	    "  source      one source is chosen, tk_source() names it, and it "
	    "is the\n"
	    "              first usable one (from TIMEKEEP_SOURCE if set)\n"
	    "  vdso        timekeep found a vDSO exactly when the kernel "
	    "mapped one;\n"
	    "              its clock_gettime reads between two system calls\n"
	    "  clock ids   tk_clock_gettime answers ids 0..15, -1, INT_MAX, "
	    "INT_MIN and\n"
	    "              the CPU-time clocks as the system call does, within "
	    "10 us\n"
	    "              (realtime clocks 20 ms; coarse ones plus their "
	    "resolution)\n"
	    "  cpu skew    threads pinned to two CPUs hand counter values and\n"
	    "              CLOCK_MONOTONIC back and forth for N/2 seconds: "
	    "FAIL, with\n"
	    "              the figure, if a value arrives above the "
	    "receiver's read\n"
	    "              (the CPUs' counters, or the kernel's clock, out of "
	    "step)\n"
	    "  monotonic   a thread per CPU for N/2 seconds hands the latest\n"
	    "              tk_nanotime around: every read must be >= it\n"
	    "  offset      tk_nanotime against CLOCK_MONOTONIC over N seconds: "
	    "FAIL if\n"
	    "              max |offset| > 10 us or p99 > 1 us\n"
	    "  realtime    tk_walltime against CLOCK_REALTIME: FAIL if max "
	    "|offset|\n"
	    "              > 20 ms (a clock step shows within one windup "
	    "interval)\n"
	    "  no syscall  a child under a seccomp filter that kills on any "
	    "time\n"
	    "              system call makes %d rounds of reads (SKIP when "
	    "the\n"
	    "              chosen source is the system call)\n"
	    "  truetime    bounded time (tk_truetime): FAIL when timekeep "
	    "contradicts\n"
	    "              itself or the kernel's clock; WARN (verdict still "
	    "PASS) for\n"
	    "              an unsynchronised kernel, a provider with no bound, "
	    "a\n"
	    "              disrupted, free-running or stale bound; a note when "
	    "there is\n"
	    "              no provider (docs/truetime.md)\n"
	    "\n"
	    "  --seconds N  how long to measure (default 2; fractions "
	    "allowed)\n"
	    "  --json       JSON (schema 1, docs/cli-json.md): verdict, "
	    "checks\n"
	    "               [{name, status, detail, values, findings}]\n"
	    "  -h, --help   this text\n"
	    "\n"
	    "Exit status: 0 verdict PASS, 1 verdict FAIL, 2 usage error.\n",
	    NOSYSCALL_ROUNDS);
}

static void
check_json_findings(struct json *j, const struct tt_findings *f)
{
	j_open(j, "findings", '[');
	for (int i = 0; i < f->n; i++) {
		j_open(j, NULL, '{');
		j_str(j, "id", f->f[i].id);
		j_str(j, "level", tt_level_word(f->f[i].level));
		j_str(j, "detail", f->f[i].text);
		j_close(j, '}');
	}
	j_close(j, ']');
}

static void
check_json(
    const struct machine *m, const struct check *ck, int failed, double seconds)
{
	struct json j;
	int i, k;

	j_init(&j, stdout);
	json_head(&j, "check");
	json_machine(&j, m);
	j_num(&j, "duration_s", seconds);
	j_str(&j, "verdict", failed ? "FAIL" : "PASS");
	j_open(&j, "checks", '[');
	for (i = 0; i < NCHECKS; i++) {
		j_open(&j, NULL, '{');
		j_str(&j, "name", ck[i].name);
		j_str(&j, "status", check_word(i, &ck[i]));
		j_str(&j, "detail", ck[i].detail);
		j_open(&j, "values", '{');
		for (k = 0; k < ck[i].nx; k++)
			j_num(&j, ck[i].xkey[k], ck[i].xval[k]);
		j_close(&j, '}');
		if (i == C_TRUETIME)
			check_json_findings(&j, &tt_found);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_close(&j, '}');
}

/* A check's line, as soon as it is decided (text mode). */
static void
check_line(struct progress *p, int i, const struct check *c)
{
	char label[32];

	progress_clear(p);
	snprintf(label, sizeof(label), "%-4s  %s", check_word(i, c), c->name);
	text_wrap(stdout, label, 18, c->detail);
	fflush(stdout);
}

/* Every check in turn; the planned seconds of each drive the progress. */
static void
run_checks(struct check *ck, const struct machine *m, double seconds, int json)
{
	double skew_s = fmax(seconds / 2, 0.1),
	       mono_s = fmax(seconds / 2, 0.05);
	double plan[NCHECKS] = { 0, 0.05, 0, skew_s, mono_s, seconds, 0, 0.2,
		0 };
	double after = 0;
	struct progress p;
	int i;

	for (i = 0; i < NCHECKS; i++)
		after += plan[i];
	progress_begin(&p, "check");
	for (i = 0; i < NCHECKS; i++) {
		after -= plan[i];
		check_plan(&p, names[i], i + 1, NCHECKS, plan[i], after);
		switch (i) {
		case C_SOURCE:
			check_source(&ck[i]);
			break;
		case C_VDSO:
			check_vdso(&ck[i]);
			break;
		case C_IDS:
			check_clock_ids(&ck[i]);
			break;
		case C_SKEW:
			check_skew(&ck[i], m, skew_s);
			break;
		case C_MONO:
			check_monotonic(&ck[i], m, mono_s, &ck[C_SKEW]);
			break;
		case C_OFFSET:
			check_offsets(&ck[i], &ck[C_REALTIME], seconds);
			break;
		case C_REALTIME:
			break; /* decided with the offset */
		case C_NOSYSCALL:
			check_nosyscall(&ck[i], m->source);
			break;
		case C_TRUETIME:
			check_truetime(&ck[i], &tt_found);
			break;
		}
		if (!json)
			check_line(&p, i, &ck[i]);
	}
	check_plan(NULL, NULL, 0, 0, 0, 0);
	progress_clear(&p);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct machine *m;
	struct check ck[NCHECKS];
	double seconds = 2;
	int json = 0, c, i, failed = 0;
	char head[300];

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = opt_seconds("--seconds", optarg, 3600);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			check_help();
			return 0;
		default:
			opt_bad(c, argv);
		}
	}
	opt_no_operands(argc, argv);
	warn_unknown_source();
	m = xcalloc(1, sizeof(*m));
	machine_load(m);
	memset(ck, 0, sizeof(ck));
	if (!json) {
		printf("timekeep check, %s\n", m->date);
		snprintf(head, sizeof(head), "%s, %s %s, source %s", m->kind,
		    m->uts.sysname, m->uts.release, m->source);
		text_wrap(stdout, "machine", 9, head);
		fflush(stdout);
	}
	run_checks(ck, m, seconds, json);
	for (i = 0; i < NCHECKS; i++)
		failed |= ck[i].status == ST_FAIL;
	if (json)
		check_json(m, ck, failed, seconds);
	else
		printf("verdict: %s\n", failed ? "FAIL" : "PASS");
	free(m);
	return failed ? 1 : 0;
}
