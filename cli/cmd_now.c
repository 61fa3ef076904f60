/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep now: the source in use, CLOCK_MONOTONIC in nanoseconds
 * (tk_nanotime) and CLOCK_REALTIME (tk_walltime) as RFC 3339 UTC; with
 * --clock, one more clock through tk_clock_gettime.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <timekeep.h>

#include "commands.h"
#include "json.h"
#include "machine.h"
#include "options.h"
#include "stats.h"

/* Clock names for --clock, as clock_gettime(2) spells them, lower case. */
static const struct {
	const char *name;
	clockid_t id;
} clock_names[] = {
	{ "realtime", CLOCK_REALTIME },
	{ "monotonic", CLOCK_MONOTONIC },
	{ "process_cputime", CLOCK_PROCESS_CPUTIME_ID },
	{ "thread_cputime", CLOCK_THREAD_CPUTIME_ID },
	{ "monotonic_raw", CLOCK_MONOTONIC_RAW },
	{ "realtime_coarse", CLOCK_REALTIME_COARSE },
	{ "monotonic_coarse", CLOCK_MONOTONIC_COARSE },
	{ "boottime", CLOCK_BOOTTIME },
	{ "tai", CLOCK_TAI },
};
#define NCLOCK_NAMES (sizeof(clock_names) / sizeof(clock_names[0]))

static void
now_help(void)
{
	size_t i;

	printf("usage: timekeep now [--json] [--clock NAME]\n"
	       "\n"
	       "Print the source timekeep uses, CLOCK_MONOTONIC in nanoseconds "
	       "(tk_nanotime)\n"
	       "and CLOCK_REALTIME (tk_walltime) as RFC 3339 UTC with "
	       "nanoseconds.\n"
	       "\n"
	       "  --json        JSON: source, monotonic_ns, realtime_ns (since "
	       "the Unix\n"
	       "                epoch), realtime (RFC 3339), and clock if "
	       "--clock was given\n"
	       "  --clock NAME  also read NAME through tk_clock_gettime; NAME "
	       "is one of\n"
	       "               ");
	for (i = 0; i < NCLOCK_NAMES; i++)
		printf(" %s", clock_names[i].name);
	printf("\n  -h, --help    this text\n");
}

static void
now_json(int64_t mono, int64_t rsec, int32_t rnsec, const char *rt,
    const char *clock, clockid_t id, const struct timespec *ts)
{
	struct json j;

	j_init(&j, stdout);
	j_open(&j, NULL, '{');
	j_str(&j, "source", tk_source());
	j_int(&j, "monotonic_ns", mono);
	j_int(&j, "realtime_ns", rsec * TK_NSEC_PER_SEC + rnsec);
	j_str(&j, "realtime", rt);
	if (clock != NULL) {
		j_open(&j, "clock", '{');
		j_str(&j, "name", clock);
		j_int(&j, "id", (int64_t)id);
		j_int(&j, "ns", ts_ns(ts));
		j_close(&j, '}');
	}
	j_close(&j, '}');
}

int
cmd_now(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "clock", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *clock = NULL;
	clockid_t id = CLOCK_MONOTONIC;
	struct timespec ts = { 0, 0 };
	char rt[64];
	int json = 0, c, err = 0;
	int64_t mono, rsec;
	int32_t rnsec;
	size_t i;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'c':
			clock = optarg;
			break;
		case 'h':
			now_help();
			return 0;
		default:
			opt_bad(c, argv);
		}
	}
	opt_no_operands(argc, argv);
	if (clock != NULL) {
		for (i = 0; i < NCLOCK_NAMES; i++)
			if (strcmp(clock, clock_names[i].name) == 0)
				break;
		if (i == NCLOCK_NAMES)
			usage_error("unknown clock '%s'", clock);
		id = clock_names[i].id;
	}

	mono = tk_nanotime();
	tk_walltime(&rsec, &rnsec);
	if (clock != NULL)
		err = tk_clock_gettime(id, &ts);
	rfc3339(rsec, rnsec, rt, sizeof(rt));
	if (err != 0) {
		warn("tk_clock_gettime(%s): %s", clock, strerror(-err));
		return 1;
	}
	if (json) {
		now_json(mono, rsec, rnsec, rt, clock, id, &ts);
		return 0;
	}
	printf("source     %s\n", tk_source());
	printf("monotonic  %" PRId64 " ns (%" PRId64 ".%09" PRId64 " s)\n",
	    mono, (int64_t)(mono / TK_NSEC_PER_SEC),
	    (int64_t)(mono % TK_NSEC_PER_SEC));
	printf("realtime   %s\n", rt);
	if (clock != NULL)
		printf("%-10s %" PRId64 " ns (%lld.%09ld s)\n", clock,
		    ts_ns(&ts), (long long)ts.tv_sec, ts.tv_nsec);
	return 0;
}
