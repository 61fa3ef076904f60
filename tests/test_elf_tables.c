/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF lookup (src/elf/) in copies of this kernel's real vDSO whose
 * tables are damaged: symbol names, values, sections and kinds; a string
 * table cut inside a name; broken version tables; DT_HASH and DT_GNU_HASH
 * chains that loop, never end or leave their table.  Every lookup must end
 * and either fail or give the real offset, without reading outside the
 * copy (allocated at its exact size, so ASan sees any overread).  The
 * tests need the real vDSO and SKIP without one.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "elf/vdso_elf.h"
#include "elf_real.h"
#include "tk_test.h"
#include "vdso_arch.h"

/* --- damage the parser must survive with lookups failing or right --- */

static Elf64_Sym *
symtab(unsigned char *b, uint32_t *n)
{
	*n = elf_count_syms(b);
	return elf_table(b, DT_SYMTAB);
}

/* Index of the real symbol called name (first match). */
static uint32_t
sym_index(unsigned char *b, const char *name)
{
	const char *str = elf_table(b, DT_STRTAB);
	uint32_t i, n;
	Elf64_Sym *s = symtab(b, &n);

	for (i = 0; i < n; i++)
		if (strcmp(str + s[i].st_name, name) == 0)
			return i;
	fail_msg("%s not in the image", name);
	return 0;
}

/* Damage every symbol of copy b the way pass says (0..6). */
static void
damage_symbols(unsigned char *b, int pass, uint64_t strsz)
{
	uint32_t i, n;
	Elf64_Sym *s = symtab(b, &n);

	for (i = 0; i < n; i++) {
		switch (pass) {
		case 0: /* names past the string table */
			s[i].st_name = (uint32_t)strsz;
			break;
		case 1:
			s[i].st_name = 0xffffffffu;
			break;
		case 2: /* addresses outside the image */
			s[i].st_value = real_vaddr + real_size;
			break;
		case 3:
			s[i].st_value = UINT64_MAX;
			break;
		case 4: /* undefined */
			s[i].st_shndx = SHN_UNDEF;
			break;
		case 5: /* objects */
			s[i].st_info = ELF64_ST_INFO(
			    ELF64_ST_BIND(s[i].st_info), STT_OBJECT);
			break;
		case 6: /* local */
			s[i].st_info = ELF64_ST_INFO(
			    STB_LOCAL, ELF64_ST_TYPE(s[i].st_info));
			break;
		}
	}
}

/*
 * A string table that ends inside the last name: that name cannot be
 * proved to end, so it is not found, nor is any name that shares its tail
 * (the linker merges "clock_gettime" into "__vdso_clock_gettime"); every
 * other name still is.  Unversioned: the cut may also take the version
 * names.
 */
static void
cut_last_name(void)
{
	struct tk__elf_image img;
	unsigned char *b = real_copy();
	Elf64_Sym *s;
	uint64_t off;
	uint32_t i, n, k, last = 0;
	const char *str;

	if (elf_dyn(b, DT_STRSZ) != NULL) {
		uint64_t cut;

		s = symtab(b, &n);
		str = elf_table(b, DT_STRTAB);
		for (i = 1; i < n; i++)
			if (s[i].st_name > s[last].st_name)
				last = i;
		cut = s[last].st_name + strlen(str + s[last].st_name);
		elf_set_dyn(b, DT_STRSZ, cut);
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		for (k = 0; k < (uint32_t)real_nwant; k++)
			assert_int_equal(
			    tk__elf_lookup(&img, real_want[k].name, NULL, &off),
			    real_want[k].name_end >= cut ? -ENOENT : 0);
	}
	free(b);
}

static void
test_bad_symbols(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	uint64_t strsz;
	int pass;

	(void)state;
	NEED_VDSO();
	strsz = elf_dyn((unsigned char *)real_base, DT_STRSZ)
	    ? elf_dyn((unsigned char *)real_base, DT_STRSZ)->d_un.d_val
	    : real_size -
	        (elf_dyn((unsigned char *)real_base, DT_STRTAB)->d_un.d_ptr -
	            real_vaddr);
	for (pass = 0; pass < 7; pass++) {
		b = real_copy();
		damage_symbols(b, pass, strsz);
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		real_expect_none(&img);
		real_expect_sane(&img);
		free(b);
	}
	cut_last_name();
}

/* Damage the version tables of copy b the way pass says (0..10). */
static void
damage_versions(unsigned char *b, int pass)
{
	unsigned char *vd0 = elf_table(b, DT_VERDEF);
	Elf64_Verdef *vd = (Elf64_Verdef *)(void *)vd0, *v2;
	uint16_t *versym = elf_table(b, DT_VERSYM);
	uint32_t i, n = elf_count_syms(b);
	uint32_t cg = sym_index(b, TK_VDSO_CLOCK_GETTIME);

	/* The Verdef entry that clock_gettime's version names. */
	v2 = vd;
	while ((v2->vd_flags & VER_FLG_BASE) ||
	    v2->vd_ndx != (versym[cg] & 0x7fff))
		v2 =
		    (Elf64_Verdef *)(void *)((unsigned char *)v2 + v2->vd_next);
	switch (pass) {
	case 0: /* versym indices nothing defines */
		for (i = 0; i < n; i++)
			versym[i] = 0x7fff;
		break;
	case 1:
		for (i = 0; i < n; i++)
			versym[i] = 0; /* VER_NDX_LOCAL */
		break;
	case 2: /* a chain that ends before the wanted entry */
		vd->vd_next = 0;
		break;
	case 3: /* a vd_next that leaves the image */
		vd->vd_next = 0xffffffffu;
		break;
	case 4: /*
		 * Two entries that point at each other if offsets
		 * wrap at 32 bits, and no entry that matches.
		 */
		v2 = (Elf64_Verdef *)(void *)(vd0 + vd->vd_next);
		v2->vd_next = 0u - vd->vd_next;
		for (i = 0; i < n; i++)
			versym[i] = 0x7ffe;
		break;
	case 5: /* misaligned next entry */
		vd->vd_next = 2;
		break;
	case 6: /* vd_aux and vda_name out of range */
		v2->vd_aux = 0xfffffff0u;
		break;
	case 7:
		((Elf64_Verdaux *)(void *)((unsigned char *)v2 + v2->vd_aux))
		    ->vda_name = 0xffffffffu;
		break;
	case 8: /* the hash disagrees with the name */
		v2->vd_hash ^= 1;
		break;
	case 9: /* the wanted entry marked as the base */
		v2->vd_flags |= VER_FLG_BASE;
		break;
	case 10: /* bit 15 (hidden) is not part of the index */
		for (i = 0; i < n; i++)
			versym[i] |= 0x8000;
		break;
	}
}

static void
test_bad_versions(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	uint64_t off;
	int pass;

	(void)state;
	NEED_VDSO();
	b = real_copy();
	if (elf_dyn(b, DT_VERDEF) == NULL || elf_dyn(b, DT_VERSYM) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no version tables");
		return;
	}
	free(b);
	for (pass = 0; pass < 11; pass++) {
		b = real_copy();
		damage_versions(b, pass);
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		if (pass == 10) {
			real_expect_all(&img);
		} else {
			assert_int_equal(
			    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME,
			        TK_VDSO_VERSION, &off),
			    -ENOENT);
			/* Unversioned lookups do not read the tables. */
			assert_int_equal(tk__elf_lookup(&img,
			                     TK_VDSO_CLOCK_GETTIME, NULL, &off),
			    0);
		}
		real_expect_sane(&img);
		free(b);
	}
}

/* DT_HASH chains that loop or leave the table must still end. */
static void
test_sysv_chain_loops(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	uint32_t *h, i, nb, nc;
	int pass;

	(void)state;
	NEED_VDSO();
	for (pass = 0; pass < 5; pass++) {
		b = real_copy();
		if ((h = elf_table(b, DT_HASH)) == NULL) {
			free(b);
			TK_SKIP("this kernel's vDSO has no DT_HASH");
			return;
		}
		if (elf_dyn(b, DT_GNU_HASH) != NULL)
			elf_dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
		nb = h[0];
		nc = h[1];
		for (i = 0; i < nc; i++) {
			uint32_t *chain = h + 2 + nb;

			switch (pass) {
			case 0: /* every symbol its own successor */
				chain[i] = i;
				break;
			case 1: /* one ring through all symbols */
				chain[i] = (i + 1) % nc ? (i + 1) % nc : 1;
				break;
			case 2: /* successors past the table */
				chain[i] = nc + 7;
				break;
			case 3: /* buckets past the table */
				if (i < nb)
					h[2 + i] = 0xffffffffu;
				break;
			case 4: /* a ring between two symbols */
				chain[i] = i == 1 ? 2 : 1;
				break;
			}
		}
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		real_expect_sane(&img);
		if (pass == 3)
			real_expect_none(&img);
		free(b);
	}
}

/* GNU chains without an end bit, or buckets past the symbols, must end. */
static void
test_gnu_chain_damage(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	uint32_t *g, *buckets, *chain, i, n;
	int pass, gnu_only;

	(void)state;
	NEED_VDSO();
	for (pass = 0; pass < 8; pass++) {
		gnu_only = pass >= 4;
		b = real_copy();
		if ((g = elf_table(b, DT_GNU_HASH)) == NULL) {
			free(b);
			TK_SKIP("this kernel's vDSO has no DT_GNU_HASH");
			return;
		}
		n = elf_count_syms(b);
		if (gnu_only && elf_dyn(b, DT_HASH) != NULL)
			elf_dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
		buckets = g + 4 + 2 * g[2];
		chain = buckets + g[0];
		switch (pass % 4) {
		case 0: /* no chain ever ends */
			for (i = g[1]; i < n; i++)
				chain[i - g[1]] &= ~1u;
			break;
		case 1: /* buckets past the symbols */
			for (i = 0; i < g[0]; i++)
				buckets[i] = n + 100;
			break;
		case 2: /* buckets below symoffset */
			for (i = 0; i < g[0]; i++)
				buckets[i] = g[1] ? g[1] - 1 : 0;
			break;
		case 3: /* the largest index there is */
			for (i = 0; i < g[0]; i++)
				buckets[i] = 0xffffffffu;
			break;
		}
		if (tk__elf_open(&img, b, real_size) == 0)
			real_expect_sane(&img);
		else
			real_expect_none(&img);
		if (pass % 4 >= 1 && tk__elf_open(&img, b, real_size) == 0 &&
		    img.gnu_nbucket != 0)
			real_expect_none(&img);
		free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_symbols),
		cmocka_unit_test(test_bad_versions),
		cmocka_unit_test(test_sysv_chain_loops),
		cmocka_unit_test(test_gnu_chain_damage),
	};

	int failed = TK_TEST_RUN(tests, real_setup, NULL);

	if (failed == 0 && real_base == NULL) {
		printf("SKIP: no vDSO in this process (AT_SYSINFO_EHDR "
		       "absent)\n");
		return 77;
	}
	return failed;
}
