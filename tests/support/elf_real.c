/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * This process's real vDSO, read the trusting way (elf_real.h).  The test
 * support directory is compiled on every platform and the vDSO is Linux's,
 * so the body is behind TK_OS_LINUX; tests/vdso.cmake builds the tests
 * that use it only on Linux.
 */
#include "platform.h"

#ifdef TK_OS_LINUX
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "elf_real.h"
#include "vdso_arch.h"

const unsigned char *real_base;
size_t real_size;
uint64_t real_vaddr;
struct real_sym real_want[MAX_SYMS];
int real_nwant;

const char *const real_arch_names[] = { TK_VDSO_SYMBOL_NAMES };
const int real_narch =
    (int)(sizeof(real_arch_names) / sizeof(real_arch_names[0]));

/* --- trusting helpers over a copy of the real image (<elf.h> types) --- */

Elf64_Ehdr *
elf_ehdr(unsigned char *b)
{
	return (Elf64_Ehdr *)(void *)b;
}

Elf64_Phdr *
elf_phdr(unsigned char *b, uint32_t type)
{
	Elf64_Ehdr *eh = elf_ehdr(b);
	int i;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(b + eh->e_phoff +
		    (size_t)i * eh->e_phentsize);
		if (ph->p_type == type)
			return ph;
	}
	return NULL;
}

Elf64_Dyn *
elf_dyn(unsigned char *b, int64_t tag)
{
	Elf64_Dyn *d =
	    (Elf64_Dyn *)(void *)(b + elf_phdr(b, PT_DYNAMIC)->p_offset);

	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return d;
	return NULL;
}

void
elf_set_dyn(unsigned char *b, int64_t tag, uint64_t v)
{
	Elf64_Dyn *d = elf_dyn(b, tag);

	if (d != NULL)
		d->d_un.d_val = v;
}

void *
elf_table(unsigned char *b, int64_t tag)
{
	Elf64_Dyn *d = elf_dyn(b, tag);

	return d == NULL ? NULL : b + (d->d_un.d_ptr - real_vaddr);
}

unsigned char *
real_copy(void)
{
	unsigned char *b = malloc(real_size);

	assert_non_null(b);
	memcpy(b, real_base, real_size);
	return b;
}

uint32_t
elf_count_syms(unsigned char *b)
{
	uint32_t *h = elf_table(b, DT_HASH), *g, *buckets, *chain, i, max = 0;

	if (h != NULL)
		return h[1];
	g = elf_table(b, DT_GNU_HASH);
	assert_non_null(g);
	buckets = g + 4 + 2 * g[2];
	chain = buckets + g[0];
	for (i = 0; i < g[0]; i++)
		if (buckets[i] > max)
			max = buckets[i];
	if (max < g[1])
		return g[1];
	while ((chain[max - g[1]] & 1) == 0)
		max++;
	return max + 1;
}

/* The version name of version index ndx, from the trusted Verdef chain. */
static const char *
version_name(unsigned char *b, uint16_t ndx)
{
	unsigned char *p = elf_table(b, DT_VERDEF);
	const char *str = elf_table(b, DT_STRTAB);

	while (p != NULL) {
		Elf64_Verdef *vd = (Elf64_Verdef *)(void *)p;
		Elf64_Verdaux *va = (Elf64_Verdaux *)(void *)(p + vd->vd_aux);

		if (!(vd->vd_flags & VER_FLG_BASE) &&
		    (vd->vd_ndx & 0x7fff) == (ndx & 0x7fff))
			return str + va->vda_name;
		if (vd->vd_next == 0)
			break;
		p += vd->vd_next;
	}
	return NULL;
}

/* --- setup: the real image, its extent and its function symbols --- */

int
real_setup(void **state)
{
	unsigned char *b;
	Elf64_Sym *sym;
	uint16_t *versym;
	const char *str;
	uint32_t i, n;

	(void)state;
	real_base = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	if (real_base == NULL)
		return 0;
	b = (unsigned char *)real_base;
	for (i = 0; i < elf_ehdr(b)->e_phnum; i++) {
		Elf64_Phdr *ph =
		    (Elf64_Phdr *)(void *)(b + elf_ehdr(b)->e_phoff +
		        (size_t)i * elf_ehdr(b)->e_phentsize);
		if (ph->p_type == PT_LOAD && ph->p_offset == 0) {
			real_size = ph->p_filesz;
			real_vaddr = ph->p_vaddr;
			break;
		}
	}
	sym = elf_table(b, DT_SYMTAB);
	str = elf_table(b, DT_STRTAB);
	versym = elf_table(b, DT_VERDEF) ? elf_table(b, DT_VERSYM) : NULL;
	n = elf_count_syms(b);
	for (i = 0; i < n && real_nwant < MAX_SYMS; i++) {
		int type = ELF64_ST_TYPE(sym[i].st_info);
		int bind = ELF64_ST_BIND(sym[i].st_info);

		if (sym[i].st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_NOTYPE) ||
		    (bind != STB_GLOBAL && bind != STB_WEAK))
			continue;
		real_want[real_nwant].name = str + sym[i].st_name;
		real_want[real_nwant].version =
		    versym ? version_name(b, versym[i]) : NULL;
		real_want[real_nwant].off = sym[i].st_value - real_vaddr;
		real_want[real_nwant].name_end =
		    sym[i].st_name + strlen(str + sym[i].st_name);
		real_nwant++;
	}
	return 0;
}

/* --- what a parsed image must give for the real symbols --- */

void
real_expect_all(const struct tk__elf_image *img)
{
	uint64_t off;
	int i;

	assert_true(real_nwant > 0);
	for (i = 0; i < real_nwant; i++) {
		off = ~0ull;
		if (tk__elf_lookup(img, real_want[i].name, real_want[i].version,
		        &off) != 0)
			fail_msg("%s@%s not found", real_want[i].name,
			    real_want[i].version ? real_want[i].version : "-");
		assert_uint64_equal(off, real_want[i].off);
	}
}

void
real_expect_sane(const struct tk__elf_image *img)
{
	uint64_t off;
	int i;

	for (i = 0; i < real_nwant; i++) {
		off = ~0ull;
		if (tk__elf_lookup(img, real_want[i].name, real_want[i].version,
		        &off) == 0)
			assert_uint64_equal(off, real_want[i].off);
		if (tk__elf_lookup(img, real_want[i].name, NULL, &off) == 0)
			assert_true(off < img->size);
	}
	assert_int_equal(
	    tk__elf_lookup(img, "no_such_symbol", NULL, &off), -ENOENT);
	assert_int_equal(tk__elf_lookup(img, "", NULL, &off), -ENOENT);
}

void
real_expect_none(const struct tk__elf_image *img)
{
	uint64_t off;
	int i;

	for (i = 0; i < real_nwant; i++)
		assert_int_equal(tk__elf_lookup(img, real_want[i].name,
		                     real_want[i].version, &off),
		    -ENOENT);
}
#endif /* TK_OS_LINUX */
