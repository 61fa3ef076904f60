/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * This process's real vDSO for the ELF tests (tests/test_elf*.c): its
 * extent, its defined function symbols read the trusting way with <elf.h>
 * types, trusting accessors for edited copies of it, and the checks that
 * a parsed image gives every real symbol its offset, or nothing.  Linux
 * only, like the tests; test-only.
 */
#ifndef TK_ELF_REAL_H
#define TK_ELF_REAL_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/vdso_elf.h"
#include "tk_test.h"

/* A dynamic tag the parser ignores, standing in for a removed entry. */
#define TAG_IGNORED DT_DEBUG

#define MAX_SYMS 256

/* One defined function symbol of the real image, read the trusting way. */
struct real_sym {
	const char *name;
	const char *version; /* NULL when the image has no versions */
	uint64_t off;
	uint64_t name_end; /* string table offset of its NUL */
};

/* The real image (NULL without a vDSO), as real_setup() found it. */
extern const unsigned char *real_base;
extern size_t real_size;
extern uint64_t real_vaddr;
extern struct real_sym real_want[MAX_SYMS];
extern int real_nwant;

/* The names this architecture's vDSO may export (TK_VDSO_SYMBOL_NAMES). */
extern const char *const real_arch_names[];
extern const int real_narch;

/* Skip the current test when the process has no vDSO. */
#define NEED_VDSO()                                                            \
	do {                                                                   \
		if (real_base == NULL) {                                       \
			TK_SKIP("no vDSO in this process (AT_SYSINFO_EHDR "    \
			        "absent)");                                    \
			return;                                                \
		}                                                              \
	} while (0)

/* Trusting accessors over a copy b of the real image. */
Elf64_Ehdr *elf_ehdr(unsigned char *b);
Elf64_Phdr *elf_phdr(unsigned char *b, uint32_t type);
Elf64_Dyn *elf_dyn(unsigned char *b, int64_t tag);
/* A pointer into copy b for the unrelocated address of tag's table. */
void *elf_table(unsigned char *b, int64_t tag);
/* Set tag's value in copy b, if b has tag. */
void elf_set_dyn(unsigned char *b, int64_t tag, uint64_t v);
/* The number of dynamic symbols of a trusted image, from DT_HASH or GNU. */
uint32_t elf_count_syms(unsigned char *b);

/* A copy of the real image in a buffer of its exact size (free() it). */
unsigned char *real_copy(void);

/* The cmocka group setup: finds the image and its function symbols. */
int real_setup(void **state);

/* Every real function symbol resolves in img to its real offset. */
void real_expect_all(const struct tk__elf_image *img);
/*
 * After damage that may or may not reach a symbol: each lookup either
 * fails or gives the real offset, and names that do not exist fail.
 */
void real_expect_sane(const struct tk__elf_image *img);
/* No real function symbol resolves in img. */
void real_expect_none(const struct tk__elf_image *img);

#endif /* TK_ELF_REAL_H */
