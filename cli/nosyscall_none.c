/* SPDX-License-Identifier: BSD-2-Clause */
/* No seccomp filter on this platform (see nosyscall.h). */
#include <errno.h>

#include "nosyscall.h"

int
nosyscall_install(void)
{
	return -ENOSYS;
}
