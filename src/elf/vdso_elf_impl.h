/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the vDSO ELF reader's two files share: the ELF64 layouts of
 * include/uapi/linux/elf.h and the bounds-checked reads of the image.
 * vdso_elf.c validates an image (tk__elf_open); vdso_elf_lookup.c finds a
 * symbol in one (tk__elf_lookup).  Nothing outside src/elf/ includes this.
 */
#ifndef TK_ELF_VDSO_ELF_IMPL_H
#define TK_ELF_VDSO_ELF_IMPL_H

#include <stdint.h>

#include "elf/vdso_elf.h"

/* include/uapi/linux/elf.h: the size of e_ident. */
#define EI_NIDENT 16

/* Elf64_Ehdr, Elf64_Phdr, Elf64_Dyn, Elf64_Sym, Elf64_Verdef, _Verdaux. */
struct elf_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf_dyn {
	int64_t d_tag;
	uint64_t d_val;
};

struct elf_sym {
	uint32_t st_name;
	unsigned char st_info;
	unsigned char st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

struct elf_verdef {
	uint16_t vd_version;
	uint16_t vd_flags;
	uint16_t vd_ndx;
	uint16_t vd_cnt;
	uint32_t vd_hash;
	uint32_t vd_aux;
	uint32_t vd_next;
};

struct elf_verdaux {
	uint32_t vda_name;
	uint32_t vda_next;
};

/* The ELF64 ABI sizes; a mismatch would misread every table. */
_Static_assert(sizeof(struct elf_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct elf_phdr) == 56, "Elf64_Phdr");
_Static_assert(sizeof(struct elf_dyn) == 16, "Elf64_Dyn");
_Static_assert(sizeof(struct elf_sym) == 24, "Elf64_Sym");
_Static_assert(sizeof(struct elf_verdef) == 20, "Elf64_Verdef");
_Static_assert(sizeof(struct elf_verdaux) == 8, "Elf64_Verdaux");

/*
 * base + off, if the len bytes there lie inside [0, lim) and off is a
 * multiple of align (a power of two); else NULL.  The one place a pointer
 * into the image is formed from an offset nobody has checked yet.
 */
static inline const void *
elf_at(const unsigned char *base, uint64_t lim, uint64_t off, uint64_t len,
    uint64_t align)
{
	if (off > lim || len > lim - off || (off & (align - 1)) != 0)
		return NULL;
	return base + off;
}

/* The 32-bit word i of a uint32_t array at off, proved in bounds at open. */
static inline uint32_t
elf_word(const struct tk__elf_image *img, uint64_t off, uint64_t i)
{
	const uint32_t *w = (const void *)(img->base + off);

	return w[i];
}

/*
 * The GNU chain word of symbol i (i >= symoffset), or -1 when it lies
 * outside the image.
 */
static inline int64_t
elf_gnu_chain(const struct tk__elf_image *img, uint32_t i)
{
	const uint32_t *w;

	w = elf_at(img->base, img->size,
	    img->gnu_chain + (uint64_t)(i - img->gnu_symoffset) * 4, 4, 4);
	return w == NULL ? -1 : (int64_t)*w;
}

#endif /* TK_ELF_VDSO_ELF_IMPL_H */
