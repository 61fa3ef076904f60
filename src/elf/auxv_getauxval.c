/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tk__auxv_get() for a process with a libc (contract in src/elf/auxv.h):
 * getauxval(3), present in glibc since 2.16 and in musl, as the kernel's
 * tools/testing/selftests/vDSO/vdso_test_abi.c finds the vDSO.  The only
 * libc call on the vDSO path, kept in its own file so a libc-free program
 * can replace it.
 *
 * Invariant: errno is unchanged (glibc's getauxval sets ENOENT for a
 * missing entry, and the library never sets errno).
 */
#include <errno.h>
#include <sys/auxv.h>

#include "elf/auxv.h"

unsigned long
tk__auxv_get(unsigned long type)
{
	int saved = errno;
	unsigned long v = getauxval(type);

	errno = saved;
	return v;
}
