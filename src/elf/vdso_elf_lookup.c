/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vDSO ELF symbol lookup: find a defined, versioned function in an
 * image tk__elf_open() has validated (vdso_elf.c), through DT_GNU_HASH or
 * DT_HASH, as parse_vdso.c (vdso_sym), Go's vdsoParseSymbols and musl's
 * __vdsosym do.  Every table index was proved in bounds at open; what the
 * open could not prove (GNU chain words, Verdef entries, strings) is
 * checked here as it is read.  Freestanding, as vdso_elf.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/vdso_elf.h"
#include "elf/vdso_elf_impl.h"

/* include/uapi/linux/elf.h: symbols and versions. */
#define SHN_UNDEF 0
#define STB_GLOBAL 1
#define STB_WEAK 2
#define STT_NOTYPE 0
#define STT_FUNC 2
#define VER_FLG_BASE 0x1
#define VERSYM_VERSION 0x7fff /* bit 15 is "hidden", the rest the index */

uint32_t
tk__elf_hash_sysv(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	uint32_t h = 0, g;

	for (; *s != '\0'; s++) {
		h = (h << 4) + *s;
		g = h & 0xf0000000u;
		if (g != 0)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

uint32_t
tk__elf_hash_gnu(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	uint32_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + *s;
	return h;
}

/* Is the string at strtab offset off exactly name, inside the table? */
static int
elf_name_eq(const struct tk__elf_image *img, uint64_t off, const char *name)
{
	const unsigned char *s;
	uint64_t k;

	if (off >= img->strsz)
		return 0;
	s = img->base + img->strtab + off;
	for (k = 0; k < img->strsz - off; k++) {
		if (s[k] != (unsigned char)name[k])
			return 0;
		if (name[k] == '\0')
			return 1;
	}
	return 0; /* the table ended before the string did */
}

/*
 * Does symbol i carry the version called version?  versym[i] & 0x7fff is
 * the vd_ndx of its Verdef entry; that entry's first Verdaux names the
 * version, and its vd_hash must be the ELF hash of the name (parse_vdso.c
 * vdso_match_version).  The chain ends at vd_next == 0; its offsets only
 * grow and must stay in the image, so it cannot loop, and the explicit
 * bound says so.
 */
static int
elf_version_ok(const struct tk__elf_image *img, uint32_t i, const char *version)
{
	const struct elf_verdef *def;
	const struct elf_verdaux *aux;
	const uint16_t *versym;
	uint64_t off = img->verdef, n;
	uint16_t want;

	if (version == NULL || img->versym == 0)
		return 1;
	versym = (const void *)(img->base + img->versym);
	want = versym[i] & VERSYM_VERSION;
	for (n = 0; n <= img->size / sizeof(*def); n++) {
		def = elf_at(img->base, img->size, off, sizeof(*def), 4);
		if (def == NULL)
			return 0;
		if ((def->vd_flags & VER_FLG_BASE) == 0 &&
		    (def->vd_ndx & VERSYM_VERSION) == want) {
			aux = elf_at(img->base, img->size, off + def->vd_aux,
			    sizeof(*aux), 4);
			return aux != NULL &&
			    def->vd_hash == tk__elf_hash_sysv(version) &&
			    elf_name_eq(img, aux->vda_name, version);
		}
		if (def->vd_next == 0)
			return 0;
		off += def->vd_next;
	}
	return 0;
}

/*
 * Is symbol i the one wanted: a defined GLOBAL or WEAK FUNC (or NOTYPE,
 * as ppc64 vDSO functions are, Go vdsoParseSymbols) called name, at an
 * address inside the image, of the wanted version?  The version-name
 * symbols (LINUX_2.6, an ABS OBJECT) fail the type test.
 */
static int
elf_sym_match(const struct tk__elf_image *img, uint32_t i, const char *name,
    const char *version, uint64_t *off)
{
	const struct elf_sym *sym;
	unsigned type, bind;

	if (i >= img->nsyms)
		return 0;
	sym = (const void *)(img->base + img->symtab +
	    (uint64_t)i * sizeof(*sym));
	type = sym->st_info & 0xfu;
	bind = (unsigned)sym->st_info >> 4;
	if ((type != STT_FUNC && type != STT_NOTYPE) ||
	    (bind != STB_GLOBAL && bind != STB_WEAK) ||
	    sym->st_shndx == SHN_UNDEF)
		return 0;
	if (sym->st_value < img->vaddr ||
	    sym->st_value - img->vaddr >= img->size)
		return 0;
	if (!elf_name_eq(img, sym->st_name, name) ||
	    !elf_version_ok(img, i, version))
		return 0;
	*off = sym->st_value - img->vaddr;
	return 1;
}

/*
 * DT_GNU_HASH lookup: the bucket gives the first symbol of the chain (0 or
 * below symoffset: none); chain words hold the symbols' hashes with the
 * low bit replaced by "last in chain".  The bloom filter only saves time
 * and is not consulted.  Bounded by nsyms: i only grows.
 */
static int
elf_lookup_gnu(const struct tk__elf_image *img, const char *name,
    const char *version, uint64_t *off)
{
	uint32_t h = tk__elf_hash_gnu(name);
	uint32_t i = elf_word(img, img->gnu_bucket, h % img->gnu_nbucket);
	int64_t w;

	if (i == 0 || i < img->gnu_symoffset)
		return -ENOENT;
	for (; i < img->nsyms; i++) {
		w = elf_gnu_chain(img, i);
		if (w < 0)
			return -ENOENT;
		if ((((uint32_t)w ^ h) >> 1) == 0 &&
		    elf_sym_match(img, i, name, version, off))
			return 0;
		if ((w & 1) != 0)
			return -ENOENT;
	}
	return -ENOENT;
}

/*
 * DT_HASH lookup: bucket[hash % nbucket] starts a chain through chain[]
 * that ends at index 0 (STN_UNDEF).  A hostile table may loop, so the walk
 * stops after nchain steps: a chain longer than the symbol count must
 * have revisited a symbol.
 */
static int
elf_lookup_sysv(const struct tk__elf_image *img, const char *name,
    const char *version, uint64_t *off)
{
	uint32_t h = tk__elf_hash_sysv(name);
	uint32_t i = elf_word(img, img->hash_bucket, h % img->hash_nbucket);
	uint32_t steps;

	for (steps = 0; i != 0 && steps < img->nsyms; steps++) {
		if (i >= img->nsyms)
			return -ENOENT;
		if (elf_sym_match(img, i, name, version, off))
			return 0;
		i = elf_word(img, img->hash_chain, i);
	}
	return -ENOENT;
}

int
tk__elf_lookup(const struct tk__elf_image *img, const char *name,
    const char *version, uint64_t *off)
{
	if (img == NULL || img->base == NULL || name == NULL || off == NULL)
		return -ENOENT;
	if (img->gnu_nbucket != 0)
		return elf_lookup_gnu(img, name, version, off);
	if (img->hash_nbucket != 0)
		return elf_lookup_sysv(img, name, version, off);
	return -ENOENT;
}
