/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal FreeBSD <fcntl.h> for cmake/freebsd-check.sh (sys/sys/fcntl.h). */
#ifndef _SYS_FCNTL_H_
#define _SYS_FCNTL_H_

#include <sys/types.h>

#define O_RDONLY 0x0000
#define O_WRONLY 0x0001
#define O_RDWR 0x0002
#define O_NONBLOCK 0x0004
#define O_CREAT 0x0200
#define O_TRUNC 0x0400
#define O_EXCL 0x0800
#define O_NOCTTY 0x8000
#define O_CLOEXEC 0x00100000

int open(const char *, int, ...);

#endif /* !_SYS_FCNTL_H_ */
