/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Walking the aux vector without libc (contract in src/elf/auxv.h).  The
 * stack layout at process entry is the System V ABI's, as the kernel's
 * fs/binfmt_elf.c create_elf_tables() writes it and as
 * tools/testing/selftests/vDSO/vdso_standalone_test_x86.c and the Go
 * runtime (src/runtime/os_linux.go sysargs) read it.
 *
 * Invariants: reads only the words the kernel wrote; the aux vector walk
 * is bounded; no libc, so it links into a -nostdlib program.
 */
#include <stddef.h>

#include "elf/auxv.h"

/*
 * More pairs than any kernel writes: create_elf_tables() fills at most
 * AT_VECTOR_SIZE_BASE plus the arch's AT_VECTOR_SIZE_ARCH entries
 * (include/linux/auxvec.h, a few dozen).  A vector without AT_NULL in this
 * many pairs is not one the kernel wrote.
 */
#define AUXV_MAX_PAIRS 512

unsigned long
tk__auxv_find(const unsigned long *auxv, unsigned long type)
{
	unsigned i;

	if (auxv == NULL)
		return 0;
	for (i = 0; i < AUXV_MAX_PAIRS && auxv[2 * i] != TK_AT_NULL; i++)
		if (auxv[2 * i] == type)
			return auxv[2 * i + 1];
	return 0;
}

/*
 * argc, then argc argv pointers and a NULL, then the environment pointers
 * and a NULL; the aux vector follows.  The environment walk ends at the
 * NULL the kernel always writes; its length is the caller's environment
 * size, which only the exec limits bound.
 */
const unsigned long *
tk__auxv_from_stack(const unsigned long *sp)
{
	const unsigned long *p;
	unsigned long argc;

	if (sp == NULL)
		return NULL;
	argc = sp[0];
	p = sp + 1 + argc;
	if (*p != 0)
		return NULL;
	for (p++; *p != 0; p++)
		;
	return p + 1;
}
