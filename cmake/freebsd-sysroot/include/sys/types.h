/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal FreeBSD <sys/types.h> for cmake/freebsd-check.sh: the types the
 * library uses, as FreeBSD 14 defines them on amd64 and arm64 (both LP64,
 * 64-bit time_t, sys/<arch>/include/_types.h).
 */
#ifndef _SYS_TYPES_H_
#define _SYS_TYPES_H_

#include <stddef.h>
#include <stdint.h>

typedef int64_t time_t;
typedef long suseconds_t;
typedef int clockid_t;
typedef int64_t off_t;
typedef long ssize_t;
typedef int32_t pid_t;
typedef uint16_t mode_t;
typedef unsigned int u_int;

#endif /* !_SYS_TYPES_H_ */
