/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal FreeBSD <sys/auxv.h> for cmake/freebsd-check.sh: elf_aux_info()
 * (lib/libc/gen/auxv.c: 0, EINVAL or ENOENT; errno untouched) and the two
 * aux vector keys of sys/sys/elf_common.h the library reads.
 */
#ifndef _SYS_AUXV_H_
#define _SYS_AUXV_H_

#define AT_NCPUS 19
#define AT_TIMEKEEP 22

int elf_aux_info(int aux, void *buf, int buflen);

#endif /* !_SYS_AUXV_H_ */
