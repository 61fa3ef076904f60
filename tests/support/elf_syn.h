/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small vDSO-shaped image built in memory, so the ELF parser is exercised
 * where the process has no vDSO (qemu-user) and on shapes this kernel's
 * image lacks: a non-zero p_vaddr (s390x links its vDSO at VDSO64_LBASE),
 * one name defined in two versions, a NOTYPE function (ppc64), a hidden
 * versym bit, hash chains longer than one.  Linux only; test-only.
 */
#ifndef TK_ELF_SYN_H
#define TK_ELF_SYN_H

#include <stdint.h>

#include "elf/vdso_elf.h"

#define SYN_SIZE 4096 /* the image's length */
#define SYN_CODE 0x800 /* where the symbols' code starts, 16 bytes each */
#define SYN_V2 "LINUX_T2" /* the second version, besides TK_VDSO_VERSION */
#define SYN_N 13 /* symbols besides the null one */
/* The dynamic section's file offset: after the ELF and program headers. */
#define SYN_DYN_OFF 176

/* Build the image into b (SYN_SIZE bytes) as linked at vaddr. */
void syn_build(unsigned char *b, uint64_t vaddr);

/* Turn the dynamic entry tag of the image in b into one that is ignored. */
void syn_retag(unsigned char *b, int64_t tag);

/*
 * Every symbol of the image resolves in img (or not) as built, and names,
 * versions and name-version pairs it does not define do not.
 */
void syn_expect(const struct tk__elf_image *img);

#endif /* TK_ELF_SYN_H */
