/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Options and messages, shared by every command.  A usage error is one
 * line on stderr, "timekeep: CMD: what is wrong (try ...)", and exit
 * status 2; other diagnostics are one "timekeep: CMD: " line too.  The
 * option parsers reject anything that is not wholly a number in range.
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stddef.h>

/* The command being parsed ("bench"), or NULL, for messages. */
extern const char *opt_cmd;

/* One line on stderr, exit status 2. */
__attribute__((noreturn, format(printf, 1, 2))) void usage_error(
    const char *fmt, ...);

/* One "timekeep: CMD: ..." line on stderr; the caller goes on. */
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);

/* A whole decimal integer in [lo, hi], or a usage error. */
long opt_long(const char *opt, const char *s, long lo, long hi);

/* Seconds as a decimal number in (0, hi], or a usage error. */
double opt_seconds(const char *opt, const char *s, double hi);

/*
 * getopt_long's errors, said our way: opterr is 0 and every option string
 * starts with ':', so a missing argument comes back as ':' and anything
 * unknown as '?'.
 */
__attribute__((noreturn)) void opt_bad(int c, char **argv);

/* A usage error if operands remain after the options. */
void opt_no_operands(int argc, char **argv);

/* calloc, or "out of memory" and exit 1. */
void *xcalloc(size_t n, size_t size);

#endif /* CLI_OPTIONS_H */
