/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF parser (src/elf/) on hostile copies of this kernel's real vDSO:
 * truncated at every length, with one header, program header or dynamic
 * entry broken at a time, and randomly mutated.  The parser must say "not
 * found" (or, where the damage spares the symbol, give the right offset)
 * without reading outside the copy, which is allocated at its exact size
 * so ASan sees any overread.  The mutations are seeded, the same every
 * run.  The tests need the real vDSO and SKIP without one.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "elf/vdso_elf.h"
#include "elf_real.h"
#include "tk_test.h"
#include "vdso_arch.h"

/* --- truncation --- */

static void
test_truncated(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	size_t n;

	(void)state;
	NEED_VDSO();
	for (n = 0; n < real_size; n++) {
		b = malloc(n ? n : 1);
		assert_non_null(b);
		memcpy(b, real_base, n);
		if (tk__elf_open(&img, b, n) != -ENOENT)
			fail_msg("an image cut to %zu of %zu bytes was "
			         "accepted",
			    n, real_size);
		real_expect_none(&img);
		free(b);
	}
	b = malloc(real_size);
	assert_non_null(b);
	memcpy(b, real_base, real_size);
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	real_expect_all(&img);
	free(b);
	/* NULL and a misaligned base. */
	assert_int_equal(tk__elf_open(&img, NULL, real_size), -ENOENT);
	b = malloc(real_size + 8);
	assert_non_null(b);
	memcpy(b + 4, real_base, real_size);
	assert_int_equal(tk__elf_open(&img, b + 4, real_size), -ENOENT);
	free(b);
}

/* --- hostile headers: each edit alone must be refused --- */

/* The edits, grouped by what they damage (see apply()). */
enum edit {
	/* The ELF header. */
	E_MAGIC0,
	E_MAGIC3,
	E_CLASS32,
	E_CLASS0,
	E_DATA_BE,
	E_VERSION0,
	E_TYPE_EXEC,
	E_PHENTSIZE0,
	E_PHENTSIZE_SMALL,
	E_PHENTSIZE_ODD,
	E_PHNUM0,
	E_PHNUM_XNUM,
	E_PHNUM_HUGE,
	E_PHOFF_END,
	E_PHOFF_MAX,
	E_PHOFF_MISALIGNED,
	E_PHOFF_PAST_PAGE,
	/* The PT_LOAD and PT_DYNAMIC program headers. */
	E_NO_LOAD,
	E_LOAD_OFFSET,
	E_LOAD_FILESZ_BIG,
	E_LOAD_FILESZ_TINY,
	E_LOAD_FILESZ_0,
	E_LOAD_VADDR_WRAP,
	E_NO_DYNAMIC,
	E_DYN_OFFSET_END,
	E_DYN_OFFSET_MAX,
	E_DYN_MISALIGNED,
	E_DYN_FILESZ_BIG,
	E_DYN_NO_NULL,
	/* The string and symbol tables' dynamic entries. */
	E_STRTAB_MISSING,
	E_STRTAB_OUT,
	E_STRTAB_MAX,
	E_STRSZ_BIG,
	E_SYMTAB_MISSING,
	E_SYMTAB_OUT,
	E_SYMTAB_MISALIGNED,
	E_SYMTAB_BELOW,
	E_SYMENT,
	/* The hash tables. */
	E_HASH_OUT,
	E_HASH_NCHAIN_HUGE,
	E_HASH_NBUCKET_HUGE,
	E_GNU_OUT,
	E_GNU_MISALIGNED,
	E_GNU_NBUCKET_HUGE,
	E_GNU_BLOOM_HUGE,
	/* The version tables. */
	E_VERSYM_OUT,
	E_VERSYM_MISALIGNED,
	E_VERDEF_OUT,
	E_VERDEF_MISALIGNED,
	E_NEDITS
};

/* Apply an ELF header edit to copy b. */
static int
apply_ehdr(unsigned char *b, enum edit e)
{
	Elf64_Ehdr *eh = elf_ehdr(b);

	switch (e) {
	case E_MAGIC0:
		b[0] = 0x7e;
		break;
	case E_MAGIC3:
		b[3] = 'f';
		break;
	case E_CLASS32:
		b[EI_CLASS] = ELFCLASS32;
		break;
	case E_CLASS0:
		b[EI_CLASS] = ELFCLASSNONE;
		break;
	case E_DATA_BE:
		b[EI_DATA] = ELFDATA2MSB;
		break;
	case E_VERSION0:
		b[EI_VERSION] = EV_NONE;
		break;
	case E_TYPE_EXEC:
		eh->e_type = ET_EXEC;
		break;
	case E_PHENTSIZE0:
		eh->e_phentsize = 0;
		break;
	case E_PHENTSIZE_SMALL:
		eh->e_phentsize = sizeof(Elf64_Phdr) - 8;
		break;
	case E_PHENTSIZE_ODD:
		eh->e_phentsize = sizeof(Elf64_Phdr) + 1;
		break;
	case E_PHNUM0:
		eh->e_phnum = 0;
		break;
	case E_PHNUM_XNUM:
		eh->e_phnum = PN_XNUM;
		break;
	case E_PHNUM_HUGE:
		eh->e_phnum = 0xfffe;
		break;
	case E_PHOFF_END:
		eh->e_phoff = real_size;
		break;
	case E_PHOFF_MAX:
		eh->e_phoff = UINT64_MAX - 7;
		break;
	case E_PHOFF_MISALIGNED:
		eh->e_phoff += 4;
		break;
	case E_PHOFF_PAST_PAGE:
		eh->e_phoff = TK_ELF_HEAD_MAX;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Apply a PT_LOAD or PT_DYNAMIC edit to copy b. */
static int
apply_phdr(unsigned char *b, enum edit e)
{
	Elf64_Phdr *load = elf_phdr(b, PT_LOAD), *dy = elf_phdr(b, PT_DYNAMIC);
	Elf64_Dyn *d;

	switch (e) {
	case E_NO_LOAD:
		load->p_type = PT_NOTE;
		break;
	case E_LOAD_OFFSET:
		load->p_offset = 0x1000;
		break;
	case E_LOAD_FILESZ_BIG:
		load->p_filesz = real_size + 1;
		break;
	case E_LOAD_FILESZ_TINY:
		load->p_filesz = sizeof(Elf64_Ehdr);
		break;
	case E_LOAD_FILESZ_0:
		load->p_filesz = 0;
		break;
	case E_LOAD_VADDR_WRAP:
		load->p_vaddr = UINT64_MAX - 16;
		break;
	case E_NO_DYNAMIC:
		dy->p_type = PT_NOTE;
		break;
	case E_DYN_OFFSET_END:
		dy->p_offset = real_size;
		break;
	case E_DYN_OFFSET_MAX:
		dy->p_offset = UINT64_MAX - 15;
		break;
	case E_DYN_MISALIGNED:
		dy->p_offset += 4;
		break;
	case E_DYN_FILESZ_BIG:
		dy->p_filesz = real_size;
		break;
	case E_DYN_NO_NULL:
		d = (Elf64_Dyn *)(void *)(b + dy->p_offset);
		for (size_t i = 0; i < dy->p_filesz / sizeof(*d); i++)
			if (d[i].d_tag == DT_NULL)
				d[i].d_tag = TAG_IGNORED;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Apply a string or symbol table edit to copy b. */
static int
apply_symtab(unsigned char *b, enum edit e)
{
	uint64_t end = real_vaddr + real_size;

	switch (e) {
	case E_STRTAB_MISSING:
		elf_dyn(b, DT_STRTAB)->d_tag = TAG_IGNORED;
		break;
	case E_STRTAB_OUT:
		elf_set_dyn(b, DT_STRTAB, end);
		break;
	case E_STRTAB_MAX:
		elf_set_dyn(b, DT_STRTAB, UINT64_MAX);
		break;
	case E_STRSZ_BIG:
		if (elf_dyn(b, DT_STRSZ) == NULL)
			return 0;
		elf_set_dyn(b, DT_STRSZ, real_size);
		break;
	case E_SYMTAB_MISSING:
		elf_dyn(b, DT_SYMTAB)->d_tag = TAG_IGNORED;
		break;
	case E_SYMTAB_OUT:
		elf_set_dyn(b, DT_SYMTAB, end - sizeof(Elf64_Sym));
		break;
	case E_SYMTAB_MISALIGNED:
		elf_set_dyn(
		    b, DT_SYMTAB, elf_dyn(b, DT_SYMTAB)->d_un.d_ptr + 4);
		break;
	case E_SYMTAB_BELOW:
		if (real_vaddr == 0)
			return 0;
		elf_set_dyn(b, DT_SYMTAB, real_vaddr - 24);
		break;
	case E_SYMENT:
		if (elf_dyn(b, DT_SYMENT) == NULL)
			return 0;
		elf_set_dyn(b, DT_SYMENT, 16);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Apply a DT_HASH or DT_GNU_HASH edit to copy b. */
static int
apply_hash(unsigned char *b, enum edit e)
{
	uint64_t end = real_vaddr + real_size;
	uint32_t *h;

	switch (e) {
	case E_HASH_OUT:
		if (elf_dyn(b, DT_HASH) == NULL)
			return 0;
		elf_set_dyn(b, DT_HASH, end - 4);
		break;
	case E_HASH_NCHAIN_HUGE:
		if ((h = elf_table(b, DT_HASH)) == NULL)
			return 0;
		h[1] = 0xffffffffu;
		break;
	case E_HASH_NBUCKET_HUGE:
		if ((h = elf_table(b, DT_HASH)) == NULL)
			return 0;
		h[0] = 0x40000000u;
		break;
	case E_GNU_OUT:
		if (elf_dyn(b, DT_GNU_HASH) == NULL)
			return 0;
		elf_set_dyn(b, DT_GNU_HASH, end - 8);
		break;
	case E_GNU_MISALIGNED:
		if (elf_dyn(b, DT_GNU_HASH) == NULL)
			return 0;
		elf_set_dyn(
		    b, DT_GNU_HASH, elf_dyn(b, DT_GNU_HASH)->d_un.d_ptr + 2);
		break;
	case E_GNU_NBUCKET_HUGE:
		if ((h = elf_table(b, DT_GNU_HASH)) == NULL)
			return 0;
		h[0] = 0xffffffffu;
		break;
	case E_GNU_BLOOM_HUGE:
		if ((h = elf_table(b, DT_GNU_HASH)) == NULL)
			return 0;
		h[2] = 0x80000000u;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Apply a DT_VERSYM or DT_VERDEF edit to copy b (both must be there). */
static int
apply_versions(unsigned char *b, enum edit e)
{
	uint64_t end = real_vaddr + real_size;

	if (elf_dyn(b, DT_VERSYM) == NULL || elf_dyn(b, DT_VERDEF) == NULL)
		return 0;
	switch (e) {
	case E_VERSYM_OUT:
		elf_set_dyn(b, DT_VERSYM, end - 2);
		break;
	case E_VERSYM_MISALIGNED:
		elf_set_dyn(
		    b, DT_VERSYM, elf_dyn(b, DT_VERSYM)->d_un.d_ptr + 1);
		break;
	case E_VERDEF_OUT:
		elf_set_dyn(b, DT_VERDEF, end - 8);
		break;
	case E_VERDEF_MISALIGNED:
		elf_set_dyn(
		    b, DT_VERDEF, elf_dyn(b, DT_VERDEF)->d_un.d_ptr + 2);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Apply edit e to copy b; 0 if it does not apply to this image. */
static int
apply(unsigned char *b, enum edit e)
{
	if (e < E_NO_LOAD)
		return apply_ehdr(b, e);
	if (e < E_STRTAB_MISSING)
		return apply_phdr(b, e);
	if (e < E_HASH_OUT)
		return apply_symtab(b, e);
	if (e < E_VERSYM_OUT)
		return apply_hash(b, e);
	if (e < E_NEDITS)
		return apply_versions(b, e);
	return 0;
}

static void
test_hostile_headers(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	int e;

	(void)state;
	NEED_VDSO();
	for (e = 0; e < E_NEDITS; e++) {
		b = real_copy();
		if (apply(b, (enum edit)e)) {
			if (tk__elf_open(&img, b, real_size) != -ENOENT)
				fail_msg("edit %d was accepted", e);
			real_expect_none(&img);
			/* The same bytes as the kernel's own mapping. */
			if (e != E_LOAD_FILESZ_BIG &&
			    tk__elf_open(&img, b, TK_ELF_SIZE_MAPPED) == 0)
				fail_msg("edit %d was accepted (mapped)", e);
		}
		free(b);
	}
}

/* --- random damage --- */

/* The same mutations every run. */
static uint64_t rng_state = TK_TEST_SEED;

static void
test_random_mutations(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	uint64_t iters = tk_test_scale(20000), it, off;
	int k, flips, opened = 0, i;

	(void)state;
	NEED_VDSO();
	for (it = 0; it < iters; it++) {
		b = real_copy();
		if (it % 3 == 1 && elf_dyn(b, DT_GNU_HASH) != NULL)
			elf_dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
		if (it % 3 == 2 && elf_dyn(b, DT_HASH) != NULL)
			elf_dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
		flips = 1 + (int)(tk_test_rand(&rng_state) % 8);
		for (k = 0; k < flips; k++) {
			/* Mostly the tables before the code, where it hurts. */
			size_t pos = tk_test_rand(&rng_state) %
			    (it % 2 ? real_size : 0x500);

			if (pos >= real_size)
				pos %= real_size;
			b[pos] ^= (unsigned char)(1u
			    << (tk_test_rand(&rng_state) % 8));
			if (tk_test_rand(&rng_state) % 4 == 0)
				b[pos] =
				    (unsigned char)tk_test_rand(&rng_state);
		}
		if (tk__elf_open(&img, b, real_size) == 0) {
			opened++;
			for (i = 0; i < real_nwant + real_narch; i++) {
				const char *name = i < real_nwant
				    ? real_want[i].name
				    : real_arch_names[i - real_nwant];

				if (tk__elf_lookup(
				        &img, name, TK_VDSO_VERSION, &off) == 0)
					assert_true(off < real_size);
				if (tk__elf_lookup(&img, name, NULL, &off) == 0)
					assert_true(off < real_size);
			}
		}
		free(b);
	}
	print_message("[          ] %d of %llu mutated images opened\n", opened,
	    (unsigned long long)iters);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_random_mutations),
	};

	int failed = TK_TEST_RUN(tests, real_setup, NULL);

	if (failed == 0 && real_base == NULL) {
		printf("SKIP: no vDSO in this process (AT_SYSINFO_EHDR "
		       "absent)\n");
		return 77;
	}
	return failed;
}
