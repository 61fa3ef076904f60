/* SPDX-License-Identifier: BSD-2-Clause */
/* Check "vdso" where the OS has no vDSO: a SKIP that says so. */
#include "check.h"

void
check_vdso(struct check *c)
{
	c->name = "vdso";
	check_set(c, ST_SKIP, "this OS has no Linux vDSO");
}
