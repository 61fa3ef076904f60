/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal FreeBSD <stdlib.h> for cmake/freebsd-check.sh. */
#ifndef _STDLIB_H_
#define _STDLIB_H_

#include <stddef.h>

char *getenv(const char *);
void *malloc(size_t);
void *calloc(size_t, size_t);
void free(void *);
void abort(void) __attribute__((noreturn));
unsigned long strtoul(const char *, char **, int);
unsigned long long strtoull(const char *, char **, int);

#endif /* !_STDLIB_H_ */
