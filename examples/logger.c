/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logger: prefix log lines with a UTC timestamp taken from tk_walltime(),
 *
 *	2026-11-24T16:20:01.123456789Z info starting
 *
 * which is RFC 3339 / ISO 8601 with nanoseconds: it sorts as text, needs
 * no time zone, and says which instant it means.
 *
 *	logger [LINES]			default 3, one every 10 ms
 *
 * The date is computed with integer arithmetic (civil_from_days() below)
 * instead of gmtime_r() and strftime(): no time zone database, no locale,
 * and no lock (glibc's gmtime_r() takes the process-wide time zone lock),
 * which matters to a logger that many threads call.  Each line goes out
 * with one write(2), so lines from several threads or processes sharing
 * the descriptor never interleave.
 *
 * Wall-clock time can jump (an administrator or NTP steps the clock); the
 * durations below therefore come from tk_nanotime(), which cannot.
 *
 * Build against an installed timekeep:
 *	cc -O2 logger.c $(pkg-config --cflags --libs timekeep) -o logger
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <timekeep.h>

#define SECS_PER_DAY 86400

/*
 * The proleptic Gregorian date of day z, counted from 1970-01-01 = 0
 * (negative before).  The count is moved to start on 0000-03-01, so that
 * February, with the leap day, ends each year.  An era of 400 years has
 * 146097 days; within it, a year has 365 days plus one every 4 years,
 * minus one every 100, plus one every 400; within a year (from March),
 * every 5 months have 153 days.  Exact for every day a 64-bit time_t can
 * reach.  This is the civil_from_days() of Howard Hinnant's
 * "chrono-Compatible Low-Level Date Algorithms".
 */
static void
civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
	int64_t era, doe, yoe, doy, mp;

	/* 719468 days from 0000-03-01 to 1970-01-01. */
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	/* Day of the era [0, 146096], year of the era [0, 399]. */
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	/* Day of the year [0, 365] and month [0, 11] from March. */
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/*
 * "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" for sec:nsec since the epoch; returns
 * what snprintf() returns (30 for years 0 to 9999).
 */
static int
format_utc(char *buf, size_t len, int64_t sec, int32_t nsec)
{
	int64_t days = sec / SECS_PER_DAY;
	int64_t rem = sec % SECS_PER_DAY;
	int64_t year;
	int month, day;

	if (rem < 0) { /* before 1970: C division truncates toward zero */
		rem += SECS_PER_DAY;
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	return snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%09dZ",
	    (long long)year, month, day, (int)(rem / 3600),
	    (int)(rem / 60 % 60), (int)(rem % 60), (int)nsec);
}

/* Write all of buf, retrying short writes and EINTR. */
static void
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a logger has nowhere to report this */
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Log one line: "<timestamp> <level> <message>\n", truncated to fit
 * 1024 bytes.  The timestamp is taken first, when the event happens.
 */
static void
log_line(int fd, const char *level, const char *fmt, ...)
{
	char line[1024];
	int64_t sec;
	int32_t nsec;
	va_list ap;
	size_t len;
	int n;

	tk_walltime(&sec, &nsec);
	n = format_utc(line, sizeof(line), sec, nsec);
	if (n < 0)
		return;
	len = (size_t)n;
	n = snprintf(line + len, sizeof(line) - len, " %s ", level);
	if (n > 0)
		len += (size_t)n;
	if (len < sizeof(line)) {
		va_start(ap, fmt);
		n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
		va_end(ap);
		if (n > 0)
			len += (size_t)n;
	}
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2; /* truncated: keep room for "\n" */
	line[len++] = '\n';
	write_all(fd, line, len);
}

int
main(int argc, char **argv)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 }; /* 10 ms */
	int64_t t0, t1;
	long lines = 3, i;
	char *end;

	if (argc > 2) {
		fprintf(stderr, "usage: logger [LINES]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		lines = strtol(argv[1], &end, 10);
		if (errno != 0 || end == argv[1] || *end != '\0' || lines < 0 ||
		    lines > 1000000) {
			fprintf(stderr,
			    "logger: LINES must be a number from "
			    "0 to 1000000\n");
			return 2;
		}
	}

	log_line(STDOUT_FILENO, "info",
	    "logger example: timekeep %s, "
	    "source %s",
	    tk_version(), tk_source());
	t0 = tk_nanotime();
	for (i = 1; i <= lines; i++) {
		log_line(STDOUT_FILENO, "info", "tick %ld of %ld", i, lines);
		if (i < lines)
			nanosleep(&pause, NULL);
	}
	t1 = tk_nanotime();
	log_line(STDOUT_FILENO, "info", "done: %ld lines in %.3f ms", lines,
	    (double)(t1 - t0) / 1e6);
	return 0;
}
