/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep now: the source in use, CLOCK_MONOTONIC in nanoseconds
 * (tk_nanotime), CLOCK_REALTIME (tk_walltime) as RFC 3339 UTC and the
 * bounded-time interval (tk_truetime) with its status; with --clock, one
 * more clock through tk_clock_gettime.  A clock is named as people type
 * it: monotonic, MONOTONIC, CLOCK_MONOTONIC or its number.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <timekeep.h>

#include "commands.h"
#include "json.h"
#include "machine.h"
#include "options.h"
#include "stats.h"
#include "truetime.h"

/* The clock ids of clock_gettime(2), without their CLOCK_ prefix. */
static const struct {
	const char *name;
	clockid_t id;
} clocks[] = {
	{ "REALTIME", CLOCK_REALTIME },
	{ "MONOTONIC", CLOCK_MONOTONIC },
	{ "PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID },
	{ "THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID },
	{ "MONOTONIC_RAW", CLOCK_MONOTONIC_RAW },
	{ "REALTIME_COARSE", CLOCK_REALTIME_COARSE },
	{ "MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE },
	{ "BOOTTIME", CLOCK_BOOTTIME },
	{ "TAI", CLOCK_TAI },
};
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

/* "realtime, monotonic, ..." with the numbers, lower case. */
static void
clock_list(char *buf, size_t n)
{
	size_t i, k, used;

	buf[0] = '\0';
	for (i = 0; i < NCLOCKS; i++) {
		used = strlen(buf);
		snprintf(buf + used, n - used, "%s", i ? ", " : "");
		for (k = 0; clocks[i].name[k] != '\0'; k++) {
			used = strlen(buf);
			if (used + 1 < n) {
				buf[used] = (char)tolower(
				    (unsigned char)clocks[i].name[k]);
				buf[used + 1] = '\0';
			}
		}
		used = strlen(buf);
		snprintf(buf + used, n - used, " (%d)", (int)clocks[i].id);
	}
}

/*
 * The table index of NAME in any case, with or without CLOCK_, or of its
 * number; a usage error listing the valid names otherwise.  The old
 * spellings process_cputime and thread_cputime are taken too.
 */
static size_t
clock_parse(const char *s)
{
	const char *given = s;
	char list[400], *end;
	size_t i, len;
	long v;

	if (strncasecmp(s, "CLOCK_", 6) == 0)
		s += 6;
	errno = 0;
	v = strtol(s, &end, 10);
	for (i = 0; i < NCLOCKS; i++) {
		len = strlen(clocks[i].name);
		if (strcasecmp(s, clocks[i].name) == 0 ||
		    (end != s && *end == '\0' && errno == 0 &&
		        v == (long)clocks[i].id))
			return i;
		if (len > 3 && strcmp(clocks[i].name + len - 3, "_ID") == 0 &&
		    strlen(s) == len - 3 &&
		    strncasecmp(s, clocks[i].name, len - 3) == 0)
			return i;
	}
	clock_list(list, sizeof(list));
	usage_error("unknown clock '%s'; valid: %s (any case, with or "
	            "without CLOCK_, or the number)",
	    given, list);
}

static void
now_help(void)
{
	printf(
	    "usage: timekeep now [--json] [--clock NAME]\n"
	    "\n"
	    "Print the source timekeep uses, CLOCK_MONOTONIC in nanoseconds\n"
	    "(tk_nanotime), CLOCK_REALTIME (tk_walltime) as RFC 3339 UTC\n"
	    "with nanoseconds, and the bounded-time interval (tk_truetime):\n"
	    "its status, earliest and latest, or why no bound is claimed.\n"
	    "\n"
	    "  --clock NAME  also read clock NAME through tk_clock_gettime:\n"
	    "                realtime, monotonic, process_cputime_id,\n"
	    "                thread_cputime_id, monotonic_raw, "
	    "realtime_coarse,\n"
	    "                monotonic_coarse, boottime, tai; in any case, "
	    "with or\n"
	    "                without CLOCK_ (CLOCK_MONOTONIC), or its number "
	    "(1)\n"
	    "  --json        JSON (schema 1, docs/cli-json.md): monotonic_ns,\n"
	    "                realtime_ns (since the Unix epoch), realtime "
	    "(RFC 3339),\n"
	    "                truetime {provider, status, earliest_ns, "
	    "latest_ns, ...}\n"
	    "                and clock {name, id, ns} for --clock\n"
	    "  -h, --help    this text\n");
}

static void
now_json(int64_t mono, int64_t real_ns, const char *rt,
    const struct tk_truetime *tt, int have, size_t k, const struct timespec *ts)
{
	char name[40];
	struct json j;

	j_init(&j, stdout);
	json_head(&j, "now");
	j_int(&j, "monotonic_ns", mono);
	j_int(&j, "realtime_ns", real_ns);
	j_str(&j, "realtime", rt);
	tt_now_json(&j, tt);
	if (have) {
		snprintf(name, sizeof(name), "CLOCK_%s", clocks[k].name);
		j_open(&j, "clock", '{');
		j_str(&j, "name", name);
		j_int(&j, "id", (int64_t)clocks[k].id);
		j_int(&j, "ns", ts_ns(ts));
		j_close(&j, '}');
	} else {
		j_null(&j, "clock");
	}
	j_close(&j, '}');
}

/* Options into *json and *clock (-1: none); exits for --help. */
static void
now_options(int argc, char **argv, int *json, long *clock)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "clock", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = 1;
			break;
		case 'c':
			*clock = (long)clock_parse(optarg);
			break;
		case 'h':
			now_help();
			exit(0);
		default:
			opt_bad(c, argv);
		}
	}
	opt_no_operands(argc, argv);
}

int
cmd_now(int argc, char **argv)
{
	struct timespec ts = { 0, 0 };
	struct tk_truetime tt;
	long clock = -1;
	int json = 0, err = 0;
	int64_t mono, rsec;
	int32_t rnsec;
	char rt[64];
	size_t k;

	now_options(argc, argv, &json, &clock);
	warn_unknown_source();
	k = clock >= 0 ? (size_t)clock : 0;
	/* The provider is chosen at the first call: not between the reads. */
	tk_truetime(&tt);
	mono = tk_nanotime();
	tk_walltime(&rsec, &rnsec);
	tk_truetime(&tt);
	if (clock >= 0)
		err = tk_clock_gettime(clocks[k].id, &ts);
	rfc3339(rsec, rnsec, rt, sizeof(rt));
	if (err != 0) {
		warn("tk_clock_gettime(CLOCK_%s): %s", clocks[k].name,
		    strerror(-err));
		return 1;
	}
	if (json) {
		now_json(mono, rsec * TK_NSEC_PER_SEC + rnsec, rt, &tt,
		    clock >= 0, k, &ts);
		return 0;
	}
	printf("source     %s\n", tk_source());
	printf("monotonic  %" PRId64 " ns (%" PRId64 ".%09" PRId64 " s)\n",
	    mono, (int64_t)(mono / TK_NSEC_PER_SEC),
	    (int64_t)(mono % TK_NSEC_PER_SEC));
	printf("realtime   %s\n", rt);
	tt_now_text(&tt);
	if (clock >= 0)
		printf("clock      CLOCK_%s (%d) %lld.%09ld s, "
		       "tk_clock_gettime\n",
		    clocks[k].name, (int)clocks[k].id, (long long)ts.tv_sec,
		    ts.tv_nsec);
	return 0;
}
