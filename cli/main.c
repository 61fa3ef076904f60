/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep(1): look at, measure and check this machine's clocks.
 *
 *   timekeep now     the source in use, CLOCK_MONOTONIC and CLOCK_REALTIME
 *   timekeep info    the counter, the kernel's clocksource, the vDSO, the
 *		      FreeBSD page and every source with why it is (not) used
 *   timekeep bench   every clock read side by side in one run
 *   timekeep check   a health check with a verdict (exit 0 PASS, 1 FAIL)
 *
 * This file is the command table, the usage and the dispatch only, in the
 * manner of lz4's programs/: each command lives in cli/cmd_NAME.c and the
 * parts they share in their own files (options, JSON, statistics, machine
 * facts, the bench harness, reports, the plot, one file per check).
 *
 * The tool links the library like any other user: it calls only what
 * <timekeep.h> declares, and the library never prints, so everything
 * shown is pulled through tk_sources(), tk_vdso_symbols(),
 * tk_counter_info() and tk_freebsd_page_info().  Its own baselines (bare
 * counter reads, glibc, the raw system call) come from libc and from
 * cli/arch/<arch>/.  Usage errors exit 2 with one line on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <timekeep.h>

#include "commands.h"
#include "options.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "now", cmd_now },
	{ "info", cmd_info },
	{ "bench", cmd_bench },
	{ "check", cmd_check },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: timekeep COMMAND [OPTIONS]\n"
	    "       timekeep --help | --version\n"
	    "\n"
	    "Read, measure and check clocks through timekeep %s.\n"
	    "\n"
	    "commands:\n"
	    "  now     the source in use, monotonic ns and realtime (RFC "
	    "3339 UTC)\n"
	    "  info    counter, clocksource, vDSO, FreeBSD page and every "
	    "source, with\n"
	    "          why each is or is not usable\n"
	    "  bench   every clock read side by side: medians, ratios, "
	    "percentiles,\n"
	    "          thread scaling (--plot FILE.svg for a picture)\n"
	    "  check   a health check with a verdict (exit 0 PASS, 1 FAIL)\n"
	    "\n"
	    "Every command takes --json and --help.  TIMEKEEP_SOURCE=NAME "
	    "starts the\n"
	    "library's search at source NAME (freebsd, tsc, vdso, syscall).\n"
	    "Exit status 2 means a usage error.\n",
	    tk_version());
}

int
main(int argc, char **argv)
{
	static char help[] = "--help";
	char *hargv[4];
	const char *cmd;
	size_t i;

	opterr = 0;
	if (argc < 2)
		usage_error("no command (now, info, bench or check)");
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 && argc > 2) {
		/* timekeep help CMD is timekeep CMD --help. */
		hargv[0] = argv[0];
		hargv[1] = argv[2];
		hargv[2] = help;
		hargv[3] = NULL;
		argc = 3;
		argv = hargv;
		cmd = argv[1];
	} else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("timekeep %s\n", tk_version());
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(cmd, commands[i].name) == 0) {
			opt_cmd = cmd;
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	if (cmd[0] == '-')
		usage_error("unknown option '%s'", cmd);
	usage_error("unknown command '%s'", cmd);
}
