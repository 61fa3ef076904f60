/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal FreeBSD <string.h> for cmake/freebsd-check.sh. */
#ifndef _STRING_H_
#define _STRING_H_

#include <stddef.h>

void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
void *memchr(const void *, int, size_t);
size_t strlen(const char *);
size_t strnlen(const char *, size_t);
char *strchr(const char *, int);
char *strrchr(const char *, int);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, size_t);

#endif /* !_STRING_H_ */
