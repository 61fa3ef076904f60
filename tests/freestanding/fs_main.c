/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The freestanding test, after lz4's tests/freestanding.c and
 * the kernel's tools/testing/selftests/vDSO/vdso_standalone_test_x86.c.
 * This file, the per-arch start_<arch>.c, src/elf/vdso_elf.c,
 * src/elf/vdso_elf_lookup.c, src/elf/auxv_linux.c and
 * src/source/vdso_linux.c are compiled with -ffreestanding and linked
 * with -nostdlib -static: no libc, no crt, no libgcc.  A libc call
 * anywhere on the vDSO path, or a compiler-emitted memcpy/memset, fails
 * the link, which is the point.
 *
 * It replaces the one libc-backed piece, tk__auxv_get() (getauxval in the
 * library, src/elf/auxv_getauxval.c), with a walk of its own initial
 * stack, then: finds the vDSO, initialises the vdso source, reads
 * CLOCK_MONOTONIC through it between two raw system calls, lists the
 * symbols, and exits 0 (pass), 1 (fail) or 77 (skip: no vDSO, as under
 * qemu-user before 8.1), saying why on stderr.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/auxv.h"
#include "info.h"
#include "source/source.h"
#include "source/vdso.h"
#include "syscall.h"
#include "timekeep.h"

/* From start_<arch>.c. */
long fs_write(long fd, const void *buf, unsigned long len);
int fs_main(const unsigned long *sp);

static const unsigned long *fs_auxv;

unsigned long
tk__auxv_get(unsigned long type)
{
	return tk__auxv_find(fs_auxv, type);
}

static void
say(const char *s)
{
	unsigned long n = 0;

	while (s[n] != '\0')
		n++;
	fs_write(2, s, n);
}

static int64_t
ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TK_NSEC_PER_SEC + ts->tv_nsec;
}

int
fs_main(const unsigned long *sp)
{
	struct tk_vdso_symbol syms[8];
	struct timespec s1, v, s2;
	const char *why = "";
	int i;

	fs_auxv = tk__auxv_from_stack(sp);
	if (fs_auxv == NULL) {
		say("FAIL: no aux vector after argv and envp\n");
		return 1;
	}
	if (tk__auxv_get(TK_AT_SYSINFO_EHDR) == 0) {
		say("SKIP: no vDSO in this process (AT_SYSINFO_EHDR absent)\n");
		return 77;
	}
	if (tk__source_vdso.init(NULL, &why) != 0) {
		say("FAIL: vdso source: ");
		say(why);
		say("\n");
		return 1;
	}
	for (i = 0; i < 1000; i++) {
		if (tk__sys_clock_gettime(CLOCK_MONOTONIC, &s1) != 0 ||
		    tk__vdso_gettime(CLOCK_MONOTONIC, &v) != 0 ||
		    tk__sys_clock_gettime(CLOCK_MONOTONIC, &s2) != 0) {
			say("FAIL: a CLOCK_MONOTONIC read failed\n");
			return 1;
		}
		if (ns(&s1) > ns(&v) || ns(&v) > ns(&s2)) {
			say("FAIL: syscall <= vdso <= syscall does not hold\n");
			return 1;
		}
	}
	if (tk__vdso_gettime(-1, &v) != -EINVAL) {
		say("FAIL: clock id -1 was not refused with -EINVAL\n");
		return 1;
	}
	if (tk__vdso_symbols(syms, 8) < 1) {
		say("FAIL: tk_vdso_symbols found nothing\n");
		return 1;
	}
	say("PASS: vDSO found from _start's stack, ");
	say(syms[0].name);
	say("@");
	say(syms[0].version);
	say(" read CLOCK_MONOTONIC without libc\n");
	return 0;
}
