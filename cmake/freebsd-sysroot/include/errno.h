/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal FreeBSD <errno.h> for cmake/freebsd-check.sh, values from
 * sys/sys/errno.h (several differ from Linux: EAGAIN 35, ENOSYS 78).
 */
#ifndef _SYS_ERRNO_H_
#define _SYS_ERRNO_H_

int *__error(void);
#define errno (*__error())

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define EAGAIN 35
#define EWOULDBLOCK EAGAIN
#define ENOTSUP 45
#define EOPNOTSUPP ENOTSUP
#define ETIMEDOUT 60
#define ENAMETOOLONG 63
#define ENOSYS 78
#define EOVERFLOW 84
#define ENOTCAPABLE 93

#endif /* !_SYS_ERRNO_H_ */
