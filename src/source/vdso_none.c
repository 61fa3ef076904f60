/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A build without the vdso source (FreeBSD has no vDSO clock_gettime of
 * Linux's kind): tk_vdso_symbols() finds nothing.
 */
#include <errno.h>

#include "info.h"

int
tk__vdso_symbols(struct tk_vdso_symbol *out, int n)
{
	(void)out;
	(void)n;
	return -ENOENT;
}
