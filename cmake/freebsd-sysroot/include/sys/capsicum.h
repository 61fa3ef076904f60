/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal FreeBSD <sys/capsicum.h> for cmake/freebsd-check.sh. */
#ifndef _SYS_CAPSICUM_H_
#define _SYS_CAPSICUM_H_

#include <sys/types.h>

int cap_getmode(u_int *modep);

#endif /* !_SYS_CAPSICUM_H_ */
