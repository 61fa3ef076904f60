/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep check: this machine's clocks through timekeep, one check per
 * file (check_*.c), and a verdict: exit 0 PASS, 1 FAIL.
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

#define NCHECKS 7

static void
check_help(void)
{
	printf(
	    "usage: timekeep check [--seconds N] [--json]\n"
	    "\n"
	    "Check this machine's clocks through timekeep and give a "
	    "verdict.  Each line is\n"
	    "PASS, FAIL or SKIP, a name and the details; a failing line "
	    "says why.\n"
	    "\n"
	    "  source      exactly one source is chosen, tk_source() names "
	    "it, it is usable,\n"
	    "              and it is the first usable one (from "
	    "TIMEKEEP_SOURCE if set)\n"
	    "  vdso        the kernel mapped a vDSO exactly when timekeep "
	    "found one; its\n"
	    "              symbols lie inside the mapping; its "
	    "clock_gettime, called at\n"
	    "              base + offset, reads between two system calls\n"
	    "  clock ids   tk_clock_gettime gives the system call's result "
	    "for ids 0..15,\n"
	    "              -1, INT_MAX, INT_MIN and the CPU-time clocks, "
	    "within 10 us of its\n"
	    "              bracket (realtime clocks 20 ms; coarse clocks "
	    "plus their resolution)\n"
	    "  monotonic   one thread pinned to each CPU for N/2 seconds "
	    "passes the latest\n"
	    "              tk_nanotime around through an atomic: every read "
	    "must be >= it\n"
	    "  offset      tk_nanotime against CLOCK_MONOTONIC over N "
	    "seconds, each sample\n"
	    "              the narrowest of 8 brackets: FAIL if max |offset| "
	    "> 10 us or\n"
	    "              p99 > 1 us\n"
	    "  realtime    tk_walltime against CLOCK_REALTIME, the same "
	    "way: FAIL if max\n"
	    "              |offset| > 20 ms (a clock step shows within one "
	    "windup interval)\n"
	    "  no syscall  a forked child under a seccomp filter that kills "
	    "on clock_gettime,\n"
	    "              gettimeofday, clock_getres and time makes %d "
	    "rounds of reads;\n"
	    "              SKIP when the chosen source is the system call\n"
	    "\n"
	    "  --seconds N  how long to sample the offsets (default 2; "
	    "fractions allowed)\n"
	    "  --json       JSON: {verdict, source, checks [{name, status, "
	    "detail, ...}]}\n"
	    "  -h, --help   this text\n"
	    "\n"
	    "Exit status: 0 verdict PASS, 1 verdict FAIL, 2 usage error.\n",
	    NOSYSCALL_ROUNDS);
}

static void
check_json(const struct machine *m, const struct check *ck, int failed,
    double seconds)
{
	struct json j;
	int i, k;

	j_init(&j, stdout);
	j_open(&j, NULL, '{');
	j_str(&j, "verdict", failed ? "FAIL" : "PASS");
	j_str(&j, "source", m->source);
	j_num(&j, "seconds", seconds);
	j_open(&j, "checks", '[');
	for (i = 0; i < NCHECKS; i++) {
		j_open(&j, NULL, '{');
		j_str(&j, "name", ck[i].name);
		j_str(&j, "status", status_names[ck[i].status]);
		j_str(&j, "detail", ck[i].detail);
		for (k = 0; k < ck[i].nx; k++)
			j_num(&j, ck[i].xkey[k], ck[i].xval[k]);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_close(&j, '}');
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

	m = xcalloc(1, sizeof(*m));
	machine_load(m);
	memset(ck, 0, sizeof(ck));
	check_source(&ck[0]);
	check_vdso(&ck[1]);
	check_clock_ids(&ck[2]);
	check_monotonic(&ck[3], m, fmax(seconds / 2, 0.05));
	check_offsets(&ck[4], &ck[5], seconds);
	check_nosyscall(&ck[6], m->source);
	for (i = 0; i < NCHECKS; i++)
		failed |= ck[i].status == ST_FAIL;
	if (json) {
		check_json(m, ck, failed, seconds);
	} else {
		printf("timekeep check: source %s, %s %s, %s\n", m->source,
		    m->uts.sysname, m->uts.release, m->date);
		for (i = 0; i < NCHECKS; i++)
			printf("%-4s  %-10s  %s\n", status_names[ck[i].status],
			    ck[i].name, ck[i].detail);
		printf("verdict: %s\n", failed ? "FAIL" : "PASS");
	}
	free(m);
	return failed ? 1 : 0;
}
