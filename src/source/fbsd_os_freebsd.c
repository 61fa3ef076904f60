/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep source on FreeBSD: the kernel's page, found as libc
 * finds it (lib/libc/sys/__vdso_gettimeofday.c __vdso_clock_gettime(),
 * lib/libc/gen/auxv.c _elf_aux_info()): elf_aux_info(AT_TIMEKEEP, &p,
 * sizeof p) gives the user address of this process's timekeep block in the
 * shared page (sys/kern/imgact_elf.c freebsd_copyout_auxargs), or ENOENT
 * when the kernel emitted none (an ABI without SV_TIMEKEEP).
 *
 * Host clock ids are FreeBSD's own, so the mapping is the identity;
 * negative ids (per-thread CPU clocks) are not on the page.
 *
 * No FreeBSD header is included: elf_aux_info() is declared here as
 * <sys/auxv.h> declares it, so the file compiles against the minimal
 * sysroot of cmake/freebsd-check.sh.
 */
#include <errno.h>
#include <time.h>

#include "source/freebsd.h"

/* <sys/auxv.h>: 0, or EINVAL (buflen != sizeof(void *)) or ENOENT. */
int elf_aux_info(int aux, void *buf, int buflen);

int
tk__fbsd_host_clock(clockid_t id)
{
	return id < 0 ? -1 : (int)id;
}

int
tk__fbsd_attach(const void **page, const char **why)
{
	void *p = NULL;
	int err;

	/* elf_aux_info returns the error; it does not touch errno. */
	err = elf_aux_info(AT_TIMEKEEP, &p, (int)sizeof(p));
	if (err != 0 || p == NULL) {
		*page = NULL;
		*why = "the kernel gave no AT_TIMEKEEP (no timekeep page for "
		       "this ABI)";
		return -ENOENT;
	}
	*page = p;
	*why = "the kernel's timekeep page (AT_TIMEKEEP)";
	return 0;
}
