/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal FreeBSD <unistd.h> for cmake/freebsd-check.sh. */
#ifndef _UNISTD_H_
#define _UNISTD_H_

#include <sys/types.h>

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

int close(int);
off_t lseek(int, off_t, int);
ssize_t read(int, void *, size_t);
ssize_t write(int, const void *, size_t);
pid_t getpid(void);
long sysconf(int);
int getpagesize(void);

#endif /* !_UNISTD_H_ */
