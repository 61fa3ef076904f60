/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF auxiliary vector: how a Linux process learns where the kernel
 * mapped its vDSO (AT_SYSINFO_EHDR).  Two ways in, one per file, so that
 * the build (not an #ifdef) decides whether libc is involved:
 *
 *   tk__auxv_find(auxv, type)      src/elf/auxv_linux.c, freestanding
 *	The value of the first entry of type in an aux vector (a_type,
 *	a_val pairs ending at AT_NULL), or 0 when there is none.  Linux
 *	gives 0 no meaning as a value for the entries we ask for, and musl
 *	treats AT_SYSINFO_EHDR == 0 as absent (musl commit 54482898: s390x
 *	sets it to 0 for programs started without an interpreter).
 *   tk__auxv_from_stack(sp)        src/elf/auxv_linux.c, freestanding
 *	The aux vector on a process's initial stack, given the stack pointer
 *	_start received: argc, argv[argc] + NULL, envp... + NULL, then auxv
 *	(System V ABI process start; the kernel's
 *	tools/testing/selftests/vDSO/vdso_standalone_test_x86.c walks it the
 *	same way).  NULL if argv is not NULL-terminated where argc says.
 *   tk__auxv_get(type)             src/elf/auxv_getauxval.c, libc
 *	The same value for the running process: getauxval() in the library;
 *	a program without libc links its own definition built on the two
 *	functions above (tests/freestanding/ does).  Never changes errno.
 */
#ifndef TK_ELF_AUXV_H
#define TK_ELF_AUXV_H

/* include/uapi/linux/auxvec.h (prefixed: <elf.h> spells them bare). */
#define TK_AT_NULL 0
#define TK_AT_SYSINFO_EHDR 33

unsigned long tk__auxv_find(const unsigned long *auxv, unsigned long type);
const unsigned long *tk__auxv_from_stack(const unsigned long *sp);
unsigned long tk__auxv_get(unsigned long type);

#endif /* TK_ELF_AUXV_H */
