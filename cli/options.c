/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Options and messages (see options.h).  Every command parses its options
 * with getopt_long and these helpers, so a mistake reads the same in every
 * command.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "options.h"

const char *opt_cmd;

static void
prefix(void)
{
	fprintf(stderr, "timekeep: ");
	if (opt_cmd != NULL)
		fprintf(stderr, "%s: ", opt_cmd);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	prefix();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'timekeep %s%s--help')\n",
	    opt_cmd != NULL ? opt_cmd : "", opt_cmd != NULL ? " " : "");
	exit(2);
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	prefix();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

long
opt_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage_error("%s wants a whole number from %ld to %ld, not '%s'",
		    opt, lo, hi, s);
	return v;
}

double
opt_seconds(const char *opt, const char *s, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 ||
	    v > hi)
		usage_error("%s wants seconds above 0 and at most %g, not '%s'",
		    opt, hi, s);
	return v;
}

void
opt_bad(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		usage_error("option '%s' needs a value", arg);
	if (optopt != 0 && (arg[0] != '-' || arg[1] != '-'))
		usage_error("unknown option '-%c'", optopt);
	usage_error("unknown option '%s'", arg);
}

void
opt_no_operands(int argc, char **argv)
{
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		fprintf(stderr, "timekeep: out of memory\n");
		exit(1);
	}
	return p;
}
