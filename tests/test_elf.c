/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF lookup (src/elf/vdso_elf.c) against this kernel's real vDSO.
 *
 * Oracles: glibc's dlvsym() on the vDSO's link map ("linux-vdso.so.1",
 * RTLD_NOLOAD), which resolves through the dynamic linker and not through
 * our code, and a trusting walk of the real image's symbol table with
 * <elf.h> types.  The hash functions are checked against known vectors
 * (the ELF gABI's hash of "printf", glibc's dl_new_hash values).
 *
 * Then copies of the real image, edited: with only DT_HASH or only
 * DT_GNU_HASH (the other table's dynamic entry turned into DT_DEBUG, which
 * the parser ignores) every symbol must resolve to the same offset;
 * truncated at every length, or with a broken header, program header,
 * dynamic entry, string offset, hash chain or version table, the parser
 * must say "not found" (or, where the damage spares the symbol, give the
 * right offset) without reading outside the copy, which is allocated at
 * its exact size so ASan sees any overread.  A seeded random-mutation
 * pass closes.  The tests need the real vDSO and SKIP without one
 * (qemu-user before 8.1 maps none).
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "elf/vdso_elf.h"
#include "tk_test.h"
#include "vdso_arch.h"

/* A dynamic tag the parser ignores, standing in for a removed entry. */
#define TAG_IGNORED DT_DEBUG

#define MAX_SYMS 256

/* One defined function symbol of the real image, read the trusting way. */
struct want_sym {
	const char *name;
	const char *version; /* NULL when the image has no versions */
	uint64_t off;
	uint64_t name_end; /* string table offset of its NUL */
};

static const unsigned char *real_base;
static size_t real_size;
static uint64_t real_vaddr;
static struct want_sym want[MAX_SYMS];
static int nwant;

static const char *const arch_names[] = { TK_VDSO_SYMBOL_NAMES };
#define NARCH ((int)(sizeof(arch_names) / sizeof(arch_names[0])))

/* --- trusting helpers over a copy of the real image (<elf.h> types) --- */

static Elf64_Ehdr *
ehdr(unsigned char *b)
{
	return (Elf64_Ehdr *)(void *)b;
}

static Elf64_Phdr *
phdr(unsigned char *b, uint32_t type)
{
	Elf64_Ehdr *eh = ehdr(b);
	int i;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(b + eh->e_phoff +
		    (size_t)i * eh->e_phentsize);
		if (ph->p_type == type)
			return ph;
	}
	return NULL;
}

static Elf64_Dyn *
dyn(unsigned char *b, int64_t tag)
{
	Elf64_Dyn *d = (Elf64_Dyn *)(void *)(b + phdr(b, PT_DYNAMIC)->p_offset);

	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return d;
	return NULL;
}

/* A pointer into copy b for the unrelocated address of tag's table. */
static void *
table(unsigned char *b, int64_t tag)
{
	Elf64_Dyn *d = dyn(b, tag);

	return d == NULL ? NULL : b + (d->d_un.d_ptr - real_vaddr);
}

static unsigned char *
copy_real(void)
{
	unsigned char *b = malloc(real_size);

	assert_non_null(b);
	memcpy(b, real_base, real_size);
	return b;
}

/* The number of dynamic symbols of a trusted image, from DT_HASH or GNU. */
static uint32_t
count_syms(unsigned char *b)
{
	uint32_t *h = table(b, DT_HASH), *g, *buckets, *chain, i, max = 0;

	if (h != NULL)
		return h[1];
	g = table(b, DT_GNU_HASH);
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
	unsigned char *p = table(b, DT_VERDEF);
	const char *str = table(b, DT_STRTAB);

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

static int
setup_real(void **state)
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
	for (i = 0; i < ehdr(b)->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(b + ehdr(b)->e_phoff +
		    (size_t)i * ehdr(b)->e_phentsize);
		if (ph->p_type == PT_LOAD && ph->p_offset == 0) {
			real_size = ph->p_filesz;
			real_vaddr = ph->p_vaddr;
			break;
		}
	}
	sym = table(b, DT_SYMTAB);
	str = table(b, DT_STRTAB);
	versym = table(b, DT_VERDEF) ? table(b, DT_VERSYM) : NULL;
	n = count_syms(b);
	for (i = 0; i < n && nwant < MAX_SYMS; i++) {
		int type = ELF64_ST_TYPE(sym[i].st_info);
		int bind = ELF64_ST_BIND(sym[i].st_info);

		if (sym[i].st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_NOTYPE) ||
		    (bind != STB_GLOBAL && bind != STB_WEAK))
			continue;
		want[nwant].name = str + sym[i].st_name;
		want[nwant].version =
		    versym ? version_name(b, versym[i]) : NULL;
		want[nwant].off = sym[i].st_value - real_vaddr;
		want[nwant].name_end =
		    sym[i].st_name + strlen(str + sym[i].st_name);
		nwant++;
	}
	return 0;
}

#define NEED_VDSO()                                                            \
	do {                                                                   \
		if (real_base == NULL) {                                       \
			TK_SKIP("no vDSO in this process (AT_SYSINFO_EHDR "    \
			        "absent)");                                    \
			return;                                                \
		}                                                              \
	} while (0)

/* Every real function symbol resolves in img to its real offset. */
static void
expect_all(const struct tk__elf_image *img)
{
	uint64_t off;
	int i;

	assert_true(nwant > 0);
	for (i = 0; i < nwant; i++) {
		off = ~0ull;
		if (tk__elf_lookup(img, want[i].name, want[i].version, &off) !=
		    0)
			fail_msg("%s@%s not found", want[i].name,
			    want[i].version ? want[i].version : "-");
		assert_uint64_equal(off, want[i].off);
	}
}

/*
 * After damage that may or may not reach a symbol: each lookup either
 * fails or gives the real offset, and names that do not exist fail.
 */
static void
expect_sane(const struct tk__elf_image *img)
{
	uint64_t off;
	int i;

	for (i = 0; i < nwant; i++) {
		off = ~0ull;
		if (tk__elf_lookup(img, want[i].name, want[i].version, &off) ==
		    0)
			assert_uint64_equal(off, want[i].off);
		if (tk__elf_lookup(img, want[i].name, NULL, &off) == 0)
			assert_true(off < img->size);
	}
	assert_int_equal(
	    tk__elf_lookup(img, "no_such_symbol", NULL, &off), -ENOENT);
	assert_int_equal(tk__elf_lookup(img, "", NULL, &off), -ENOENT);
}

static void
expect_none(const struct tk__elf_image *img)
{
	uint64_t off;
	int i;

	for (i = 0; i < nwant; i++)
		assert_int_equal(
		    tk__elf_lookup(img, want[i].name, want[i].version, &off),
		    -ENOENT);
}

/* --- the hash functions --- */

static void
test_hash_vectors(void **state)
{
	static const struct {
		const char *s;
		uint32_t sysv, gnu;
	} v[] = {
		{ "LINUX_2.6", 0x03ae75f6, 0x26c62a8a },
		{ "LINUX_2.6.15", 0x075fcba5, 0x105a607e },
		{ "LINUX_2.6.29", 0x075fcbb9, 0x105a60a3 },
		{ "LINUX_2.6.39", 0x075fcb89, 0x105a60c4 },
		{ "LINUX_4.15", 0x0ae77f75, 0xff8c941c },
		{ "LINUX_5.10", 0x0ae78f70, 0xff8d2078 },
		{ "LINUX_5.11", 0x0ae78f71, 0xff8d2079 },
		{ "__vdso_clock_gettime", 0x0d35ec75, 0x6e43a318 },
		{ "__kernel_clock_gettime", 0x0b0cd725, 0xdfa941fd },
		{ "__vdso_clock_gettime64", 0x05ec75a4, 0x0db8d042 },
		{ "__kernel_clock_gettime64", 0x0cd72394, 0x6f01bc67 },
		{ "__vdso_gettimeofday", 0x0315ca59, 0xb01bca00 },
		{ "__kernel_gettimeofday", 0x07b05f09, 0x2026a045 },
		{ "__vdso_time", 0x0a33c485, 0x821e8e0d },
		{ "__vdso_clock_getres", 0x04d35c83, 0x68308f53 },
		{ "", 0, 5381 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_uint64_equal(tk__elf_hash_sysv(v[i].s), v[i].sysv);
		assert_uint64_equal(tk__elf_hash_gnu(v[i].s), v[i].gnu);
	}
}

/* --- the real image --- */

static void
test_real_image(void **state)
{
	struct tk__elf_image img;
	uint64_t off;
	int i, found = 0;

	(void)state;
	NEED_VDSO();
	assert_int_equal(tk__elf_open(&img, real_base, TK_ELF_SIZE_MAPPED), 0);
	assert_uint64_equal(img.size, real_size);
	assert_int_equal(img.machine, TK_VDSO_ELF_MACHINE);
	expect_all(&img);
	for (i = 0; i < NARCH; i++)
		if (tk__elf_lookup(
		        &img, arch_names[i], TK_VDSO_VERSION, &off) == 0)
			found++;
	assert_true(found >= 1);
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME, TK_VDSO_VERSION, &off),
	    0);
	/* A version the image does not define, and the wrong case. */
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME, "LINUX_0.0", &off),
	    -ENOENT);
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME, "linux_2.6", &off),
	    -ENOENT);
	/* The base version names the file, not a symbol's version. */
	assert_int_equal(tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME,
	                     "linux-vdso.so.1", &off),
	    -ENOENT);
	/* Prefixes and extensions of a real name are other names. */
	assert_int_equal(
	    tk__elf_lookup(&img, "__vdso_clock_gettim", NULL, &off), -ENOENT);
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME "x", NULL, &off),
	    -ENOENT);
	/* The version's own symbol is an ABS OBJECT, not a function. */
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_VERSION, NULL, &off), -ENOENT);
	/* A buffer larger than the image is fine: the PT_LOAD bounds it. */
	assert_int_equal(tk__elf_open(&img, real_base, real_size), 0);
	expect_all(&img);
}

/*
 * dlvsym() is the oracle: for every name in the image and every version
 * it defines, ours finds exactly what the dynamic linker finds.
 */
static void
test_dlvsym_oracle(void **state)
{
	struct tk__elf_image img;
	const char *versions[16];
	int nver = 0, i, j;
	void *h;

	(void)state;
	NEED_VDSO();
	h = dlopen("linux-vdso.so.1", RTLD_NOLOAD | RTLD_LAZY);
	if (h == NULL) {
		TK_SKIP("dlopen(linux-vdso.so.1, RTLD_NOLOAD) failed: %s "
		        "(a static binary?)",
		    dlerror());
		return;
	}
	assert_int_equal(tk__elf_open(&img, real_base, TK_ELF_SIZE_MAPPED), 0);
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < nver; j++)
			if (want[i].version != NULL &&
			    strcmp(versions[j], want[i].version) == 0)
				break;
		if (j == nver && want[i].version != NULL && nver < 16)
			versions[nver++] = want[i].version;
	}
	versions[nver++] = TK_VDSO_VERSION;
	versions[nver++] = "LINUX_0.0";
	for (i = 0; i < nwant + NARCH; i++) {
		const char *name =
		    i < nwant ? want[i].name : arch_names[i - nwant];

		for (j = 0; j < nver; j++) {
			void *p = dlvsym(h, name, versions[j]);
			uint64_t off = ~0ull;
			int err = tk__elf_lookup(&img, name, versions[j], &off);

			if (p == NULL) {
				if (err != -ENOENT)
					fail_msg("%s@%s: ours found, dlvsym "
					         "did not",
					    name, versions[j]);
				continue;
			}
			if (err != 0)
				fail_msg("%s@%s: dlvsym found, ours did not",
				    name, versions[j]);
			assert_uint64_equal(off,
			    (uint64_t)((const unsigned char *)p - real_base));
		}
	}
	dlclose(h);
}

/* --- one hash table only --- */

static void
test_sysv_hash_only(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;

	(void)state;
	NEED_VDSO();
	b = copy_real();
	if (dyn(b, DT_HASH) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no DT_HASH to keep");
		return;
	}
	if (dyn(b, DT_GNU_HASH) != NULL)
		dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	assert_int_equal(img.gnu_nbucket, 0);
	assert_true(img.hash_nbucket != 0);
	expect_all(&img);
	expect_sane(&img);
	free(b);
}

static void
test_gnu_hash_only(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;

	(void)state;
	NEED_VDSO();
	b = copy_real();
	if (dyn(b, DT_GNU_HASH) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no DT_GNU_HASH to keep");
		return;
	}
	if (dyn(b, DT_HASH) != NULL)
		dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	assert_int_equal(img.hash_nbucket, 0);
	assert_true(img.gnu_nbucket != 0);
	expect_all(&img);
	expect_sane(&img);
	free(b);
}

static void
test_no_hash(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;

	(void)state;
	NEED_VDSO();
	b = copy_real();
	if (dyn(b, DT_HASH) != NULL)
		dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
	if (dyn(b, DT_GNU_HASH) != NULL)
		dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), -ENOENT);
	expect_none(&img);
	free(b);
}

/* Without DT_VERDEF versym means nothing and any version matches. */
static void
test_no_verdef(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	uint64_t off;

	(void)state;
	NEED_VDSO();
	b = copy_real();
	if (dyn(b, DT_VERDEF) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no DT_VERDEF");
		return;
	}
	dyn(b, DT_VERDEF)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	assert_uint64_equal(img.versym, 0);
	expect_all(&img);
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME, "LINUX_0.0", &off), 0);
	free(b);
}

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
		expect_none(&img);
		free(b);
	}
	b = malloc(real_size);
	assert_non_null(b);
	memcpy(b, real_base, real_size);
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	expect_all(&img);
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

enum edit {
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
	E_STRTAB_MISSING,
	E_STRTAB_OUT,
	E_STRTAB_MAX,
	E_STRSZ_BIG,
	E_SYMTAB_MISSING,
	E_SYMTAB_OUT,
	E_SYMTAB_MISALIGNED,
	E_SYMTAB_BELOW,
	E_SYMENT,
	E_HASH_OUT,
	E_HASH_NCHAIN_HUGE,
	E_HASH_NBUCKET_HUGE,
	E_GNU_OUT,
	E_GNU_MISALIGNED,
	E_GNU_NBUCKET_HUGE,
	E_GNU_BLOOM_HUGE,
	E_VERSYM_OUT,
	E_VERSYM_MISALIGNED,
	E_VERDEF_OUT,
	E_VERDEF_MISALIGNED,
	E_NEDITS
};

static void
set_dyn(unsigned char *b, int64_t tag, uint64_t v)
{
	Elf64_Dyn *d = dyn(b, tag);

	if (d != NULL)
		d->d_un.d_val = v;
}

/* Apply edit e to copy b; 0 if it does not apply to this image. */
static int
apply(unsigned char *b, enum edit e)
{
	Elf64_Ehdr *eh = ehdr(b);
	Elf64_Phdr *load = phdr(b, PT_LOAD), *dy = phdr(b, PT_DYNAMIC);
	uint64_t end = real_vaddr + real_size;
	uint32_t *h;
	Elf64_Dyn *d;

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
	case E_STRTAB_MISSING:
		dyn(b, DT_STRTAB)->d_tag = TAG_IGNORED;
		break;
	case E_STRTAB_OUT:
		set_dyn(b, DT_STRTAB, end);
		break;
	case E_STRTAB_MAX:
		set_dyn(b, DT_STRTAB, UINT64_MAX);
		break;
	case E_STRSZ_BIG:
		if (dyn(b, DT_STRSZ) == NULL)
			return 0;
		set_dyn(b, DT_STRSZ, real_size);
		break;
	case E_SYMTAB_MISSING:
		dyn(b, DT_SYMTAB)->d_tag = TAG_IGNORED;
		break;
	case E_SYMTAB_OUT:
		set_dyn(b, DT_SYMTAB, end - sizeof(Elf64_Sym));
		break;
	case E_SYMTAB_MISALIGNED:
		set_dyn(b, DT_SYMTAB, dyn(b, DT_SYMTAB)->d_un.d_ptr + 4);
		break;
	case E_SYMTAB_BELOW:
		if (real_vaddr == 0)
			return 0;
		set_dyn(b, DT_SYMTAB, real_vaddr - 24);
		break;
	case E_SYMENT:
		if (dyn(b, DT_SYMENT) == NULL)
			return 0;
		set_dyn(b, DT_SYMENT, 16);
		break;
	case E_HASH_OUT:
		if (dyn(b, DT_HASH) == NULL)
			return 0;
		set_dyn(b, DT_HASH, end - 4);
		break;
	case E_HASH_NCHAIN_HUGE:
		if ((h = table(b, DT_HASH)) == NULL)
			return 0;
		h[1] = 0xffffffffu;
		break;
	case E_HASH_NBUCKET_HUGE:
		if ((h = table(b, DT_HASH)) == NULL)
			return 0;
		h[0] = 0x40000000u;
		break;
	case E_GNU_OUT:
		if (dyn(b, DT_GNU_HASH) == NULL)
			return 0;
		set_dyn(b, DT_GNU_HASH, end - 8);
		break;
	case E_GNU_MISALIGNED:
		if (dyn(b, DT_GNU_HASH) == NULL)
			return 0;
		set_dyn(b, DT_GNU_HASH, dyn(b, DT_GNU_HASH)->d_un.d_ptr + 2);
		break;
	case E_GNU_NBUCKET_HUGE:
		if ((h = table(b, DT_GNU_HASH)) == NULL)
			return 0;
		h[0] = 0xffffffffu;
		break;
	case E_GNU_BLOOM_HUGE:
		if ((h = table(b, DT_GNU_HASH)) == NULL)
			return 0;
		h[2] = 0x80000000u;
		break;
	case E_VERSYM_OUT:
		if (dyn(b, DT_VERSYM) == NULL || dyn(b, DT_VERDEF) == NULL)
			return 0;
		set_dyn(b, DT_VERSYM, end - 2);
		break;
	case E_VERSYM_MISALIGNED:
		if (dyn(b, DT_VERSYM) == NULL || dyn(b, DT_VERDEF) == NULL)
			return 0;
		set_dyn(b, DT_VERSYM, dyn(b, DT_VERSYM)->d_un.d_ptr + 1);
		break;
	case E_VERDEF_OUT:
		if (dyn(b, DT_VERSYM) == NULL || dyn(b, DT_VERDEF) == NULL)
			return 0;
		set_dyn(b, DT_VERDEF, end - 8);
		break;
	case E_VERDEF_MISALIGNED:
		if (dyn(b, DT_VERSYM) == NULL || dyn(b, DT_VERDEF) == NULL)
			return 0;
		set_dyn(b, DT_VERDEF, dyn(b, DT_VERDEF)->d_un.d_ptr + 2);
		break;
	case E_NEDITS:
		return 0;
	}
	return 1;
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
		b = copy_real();
		if (apply(b, (enum edit)e)) {
			if (tk__elf_open(&img, b, real_size) != -ENOENT)
				fail_msg("edit %d was accepted", e);
			expect_none(&img);
			/* The same bytes as the kernel's own mapping. */
			if (e != E_LOAD_FILESZ_BIG &&
			    tk__elf_open(&img, b, TK_ELF_SIZE_MAPPED) == 0)
				fail_msg("edit %d was accepted (mapped)", e);
		}
		free(b);
	}
}

/* --- damage the parser must survive with lookups failing or right --- */

static Elf64_Sym *
symtab(unsigned char *b, uint32_t *n)
{
	*n = count_syms(b);
	return table(b, DT_SYMTAB);
}

/* Index of the real symbol called name (first match). */
static uint32_t
sym_index(unsigned char *b, const char *name)
{
	const char *str = table(b, DT_STRTAB);
	uint32_t i, n;
	Elf64_Sym *s = symtab(b, &n);

	for (i = 0; i < n; i++)
		if (strcmp(str + s[i].st_name, name) == 0)
			return i;
	fail_msg("%s not in the image", name);
	return 0;
}

static void
test_bad_symbols(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;
	Elf64_Sym *s;
	uint64_t strsz, off;
	uint32_t i, n, k, last = 0;
	const char *str;
	int pass;

	(void)state;
	NEED_VDSO();
	strsz = dyn((unsigned char *)real_base, DT_STRSZ)
	    ? dyn((unsigned char *)real_base, DT_STRSZ)->d_un.d_val
	    : real_size -
	        (dyn((unsigned char *)real_base, DT_STRTAB)->d_un.d_ptr -
	            real_vaddr);
	for (pass = 0; pass < 7; pass++) {
		b = copy_real();
		s = symtab(b, &n);
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
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		expect_none(&img);
		expect_sane(&img);
		free(b);
	}

	/*
	 * A string table that ends inside the last name: that name cannot
	 * be proved to end, so it is not found, nor is any name that shares
	 * its tail (the linker merges "clock_gettime" into
	 * "__vdso_clock_gettime"); every other name still is.  Unversioned:
	 * the cut may also take the version names.
	 */
	b = copy_real();
	if (dyn(b, DT_STRSZ) != NULL) {
		uint64_t cut;

		s = symtab(b, &n);
		str = table(b, DT_STRTAB);
		for (i = 1; i < n; i++)
			if (s[i].st_name > s[last].st_name)
				last = i;
		cut = s[last].st_name + strlen(str + s[last].st_name);
		set_dyn(b, DT_STRSZ, cut);
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		for (k = 0; k < (uint32_t)nwant; k++)
			assert_int_equal(
			    tk__elf_lookup(&img, want[k].name, NULL, &off),
			    want[k].name_end >= cut ? -ENOENT : 0);
	}
	free(b);
}

static void
test_bad_versions(void **state)
{
	struct tk__elf_image img;
	unsigned char *b, *vd0;
	Elf64_Verdef *vd, *v2;
	uint16_t *versym;
	uint32_t i, n, cg;
	uint64_t off;
	int pass;

	(void)state;
	NEED_VDSO();
	b = copy_real();
	if (dyn(b, DT_VERDEF) == NULL || dyn(b, DT_VERSYM) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no version tables");
		return;
	}
	free(b);
	for (pass = 0; pass < 11; pass++) {
		b = copy_real();
		n = count_syms(b);
		versym = table(b, DT_VERSYM);
		vd0 = table(b, DT_VERDEF);
		vd = (Elf64_Verdef *)(void *)vd0;
		cg = sym_index(b, TK_VDSO_CLOCK_GETTIME);
		/* The Verdef entry that clock_gettime's version names. */
		v2 = vd;
		while ((v2->vd_flags & VER_FLG_BASE) ||
		    v2->vd_ndx != (versym[cg] & 0x7fff))
			v2 = (Elf64_Verdef *)(void *)((unsigned char *)v2 +
			    v2->vd_next);
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
			((Elf64_Verdaux *)(void *)((unsigned char *)v2 +
			     v2->vd_aux))
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
		assert_int_equal(tk__elf_open(&img, b, real_size), 0);
		if (pass == 10) {
			expect_all(&img);
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
		expect_sane(&img);
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
		b = copy_real();
		if ((h = table(b, DT_HASH)) == NULL) {
			free(b);
			TK_SKIP("this kernel's vDSO has no DT_HASH");
			return;
		}
		if (dyn(b, DT_GNU_HASH) != NULL)
			dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
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
		expect_sane(&img);
		if (pass == 3)
			expect_none(&img);
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
		b = copy_real();
		if ((g = table(b, DT_GNU_HASH)) == NULL) {
			free(b);
			TK_SKIP("this kernel's vDSO has no DT_GNU_HASH");
			return;
		}
		n = count_syms(b);
		if (gnu_only && dyn(b, DT_HASH) != NULL)
			dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
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
			expect_sane(&img);
		else
			expect_none(&img);
		if (pass % 4 >= 1 && tk__elf_open(&img, b, real_size) == 0 &&
		    img.gnu_nbucket != 0)
			expect_none(&img);
		free(b);
	}
}

/* --- a synthetic image: runs without a vDSO (qemu-user) too --- */

/*
 * A small vDSO-shaped image built here, so the parser is exercised where
 * the process has no vDSO and on shapes this kernel's image lacks: a
 * non-zero p_vaddr (s390x links its vDSO at VDSO64_LBASE), one
 * name defined in two versions, a NOTYPE function (ppc64), a hidden
 * versym bit, hash chains longer than one.
 */
#define SYN_SIZE 4096
#define SYN_CODE 0x800
#define SYN_V2 "LINUX_T2"

struct syn_sym {
	const char *name;
	uint16_t ver; /* versym value */
	unsigned char type, bind;
	uint16_t shndx;
	int found; /* a versioned lookup must find it */
};

static const struct syn_sym syn_syms[] = {
	{ TK_VDSO_VERSION, 2, STT_OBJECT, STB_GLOBAL, SHN_ABS, 0 },
	{ TK_VDSO_CLOCK_GETTIME, 2, STT_FUNC, STB_GLOBAL, 7, 1 },
	{ "alpha", 2, STT_FUNC, STB_GLOBAL, 7, 1 },
	{ "beta", 2, STT_FUNC, STB_WEAK, 7, 1 },
	{ "dup", 2, STT_FUNC, STB_GLOBAL, 7, 1 },
	{ "dup", 3, STT_FUNC, STB_GLOBAL, 7, 1 },
	{ "notype", 2, STT_NOTYPE, STB_GLOBAL, 7, 1 },
	{ "hidden", 0x8002, STT_FUNC, STB_GLOBAL, 7, 1 },
	{ "object", 2, STT_OBJECT, STB_GLOBAL, 7, 0 },
	{ "local", 2, STT_FUNC, STB_LOCAL, 7, 0 },
	{ "undef", 2, STT_FUNC, STB_GLOBAL, SHN_UNDEF, 0 },
	{ "gamma", 3, STT_FUNC, STB_GLOBAL, 7, 1 },
	{ "delta", 2, STT_FUNC, STB_GLOBAL, 7, 1 },
};
#define SYN_N ((uint32_t)(sizeof(syn_syms) / sizeof(syn_syms[0])))
#define SYN_NBUCKET 3 /* DT_HASH */
#define SYN_NGNU 2 /* DT_GNU_HASH */

static uint64_t
syn_align(uint64_t off, uint64_t a)
{
	return (off + a - 1) & ~(a - 1);
}

static const char *
syn_version(uint16_t ver)
{
	return (ver & 0x7fff) == 2 ? TK_VDSO_VERSION : SYN_V2;
}

/* Build the image into b (SYN_SIZE bytes) as linked at vaddr. */
static void
syn_build(unsigned char *b, uint64_t vaddr)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(void *)b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(b + sizeof(*eh));
	Elf64_Dyn *d;
	Elf64_Sym *sym;
	Elf64_Verdef *vd;
	Elf64_Verdaux *va;
	uint16_t *versym;
	uint32_t *h, *g, order[SYN_N], i, k, n = SYN_N + 1;
	uint64_t off, o_dyn, o_sym, o_str, o_versym, o_verdef, o_hash, o_gnu;
	char *str;
	size_t sl = 1;
	const char *vnames[3] = { "libsyn.so", TK_VDSO_VERSION, SYN_V2 };
	uint32_t vname_off[3];

	memset(b, 0, SYN_SIZE);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = TK_VDSO_ELF_MACHINE;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;

	off = sizeof(*eh) + 2 * sizeof(*ph);
	o_dyn = off;
	off += 10 * sizeof(Elf64_Dyn);
	o_sym = off;
	off += n * sizeof(Elf64_Sym);
	o_str = off;
	off += 512;
	o_versym = off;
	off = syn_align(off + 2 * n, 4);
	o_verdef = off;
	off += 3 * (sizeof(*vd) + sizeof(*va));
	o_hash = syn_align(off, 8);
	off = o_hash + 4 * (2 + SYN_NBUCKET + n);
	o_gnu = syn_align(off, 8);
	off = o_gnu + 16 + 8 + 4 * (SYN_NGNU + n);
	assert_true(off <= SYN_CODE);

	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_offset = 0;
	ph[0].p_vaddr = ph[0].p_paddr = vaddr;
	ph[0].p_filesz = ph[0].p_memsz = SYN_SIZE;
	ph[0].p_align = 4096;
	ph[1].p_type = PT_DYNAMIC;
	ph[1].p_flags = PF_R;
	ph[1].p_offset = o_dyn;
	ph[1].p_vaddr = ph[1].p_paddr = vaddr + o_dyn;
	ph[1].p_filesz = ph[1].p_memsz = 10 * sizeof(Elf64_Dyn);
	ph[1].p_align = 8;

	/* Strings: names, then the version names. */
	str = (char *)b + o_str;
	for (k = 0; k < 3; k++) {
		vname_off[k] = (uint32_t)sl;
		strcpy(str + sl, vnames[k]);
		sl += strlen(vnames[k]) + 1;
	}

	/* GNU order: the hashed symbols grouped by bucket (stable). */
	i = 0;
	for (uint32_t bk = 0; bk < SYN_NGNU; bk++)
		for (k = 0; k < SYN_N; k++)
			if (tk__elf_hash_gnu(syn_syms[k].name) % SYN_NGNU == bk)
				order[i++] = k;
	sym = (Elf64_Sym *)(void *)(b + o_sym);
	versym = (uint16_t *)(void *)(b + o_versym);
	versym[0] = 0;
	for (i = 0; i < SYN_N; i++) {
		const struct syn_sym *s = &syn_syms[order[i]];
		Elf64_Sym *e = &sym[i + 1];

		e->st_name = (uint32_t)sl;
		strcpy(str + sl, s->name);
		sl += strlen(s->name) + 1;
		e->st_info = ELF64_ST_INFO(s->bind, s->type);
		e->st_shndx = s->shndx;
		e->st_value = s->shndx == SHN_ABS
		    ? 0
		    : vaddr + SYN_CODE + 16 * (uint64_t)order[i];
		e->st_size = 16;
		versym[i + 1] = s->ver;
	}
	assert_true(sl <= 512);

	/* Verdef: the file's own BASE entry, then the two versions. */
	for (k = 0; k < 3; k++) {
		vd = (Elf64_Verdef *)(void *)(b + o_verdef +
		    k * (sizeof(*vd) + sizeof(*va)));
		va = (Elf64_Verdaux *)(void *)((unsigned char *)vd +
		    sizeof(*vd));
		vd->vd_version = 1;
		vd->vd_flags = k == 0 ? VER_FLG_BASE : 0;
		vd->vd_ndx = (uint16_t)(k + 1);
		vd->vd_cnt = 1;
		vd->vd_hash = tk__elf_hash_sysv(vnames[k]);
		vd->vd_aux = sizeof(*vd);
		vd->vd_next = k == 2 ? 0 : sizeof(*vd) + sizeof(*va);
		va->vda_name = vname_off[k];
	}

	/* DT_HASH: prepend each symbol to its bucket's chain. */
	h = (uint32_t *)(void *)(b + o_hash);
	h[0] = SYN_NBUCKET;
	h[1] = n;
	for (i = 1; i < n; i++) {
		uint32_t bk =
		    tk__elf_hash_sysv(str + sym[i].st_name) % SYN_NBUCKET;

		h[2 + SYN_NBUCKET + i] = h[2 + bk];
		h[2 + bk] = i;
	}

	/* DT_GNU_HASH: symoffset 1, one all-ones bloom word. */
	g = (uint32_t *)(void *)(b + o_gnu);
	g[0] = SYN_NGNU;
	g[1] = 1;
	g[2] = 1;
	g[3] = 6;
	memset(g + 4, 0xff, 8);
	for (i = 1; i < n; i++) {
		uint32_t hv = tk__elf_hash_gnu(str + sym[i].st_name);
		uint32_t bk = hv % SYN_NGNU;
		int last = i + 1 == n ||
		    tk__elf_hash_gnu(str + sym[i + 1].st_name) % SYN_NGNU != bk;

		if (g[6 + bk] == 0)
			g[6 + bk] = i;
		g[6 + SYN_NGNU + i - 1] = (hv & ~1u) | (last ? 1u : 0u);
	}

	d = (Elf64_Dyn *)(void *)(b + o_dyn);
	d[0] = (Elf64_Dyn){ DT_HASH, { vaddr + o_hash } };
	d[1] = (Elf64_Dyn){ DT_GNU_HASH, { vaddr + o_gnu } };
	d[2] = (Elf64_Dyn){ DT_STRTAB, { vaddr + o_str } };
	d[3] = (Elf64_Dyn){ DT_SYMTAB, { vaddr + o_sym } };
	d[4] = (Elf64_Dyn){ DT_STRSZ, { 512 } };
	d[5] = (Elf64_Dyn){ DT_SYMENT, { sizeof(Elf64_Sym) } };
	d[6] = (Elf64_Dyn){ DT_VERSYM, { vaddr + o_versym } };
	d[7] = (Elf64_Dyn){ DT_VERDEF, { vaddr + o_verdef } };
	d[8] = (Elf64_Dyn){ DT_VERDEFNUM, { 3 } };
	d[9] = (Elf64_Dyn){ DT_NULL, { 0 } };
}

/* Every syn_syms entry resolves (or not) as its found flag says. */
static void
syn_expect(const struct tk__elf_image *img)
{
	uint64_t off;
	uint32_t k;

	for (k = 0; k < SYN_N; k++) {
		const struct syn_sym *s = &syn_syms[k];
		int err =
		    tk__elf_lookup(img, s->name, syn_version(s->ver), &off);

		if (!s->found) {
			if (err != -ENOENT)
				fail_msg("%s: found, must not be", s->name);
			continue;
		}
		if (err != 0)
			fail_msg(
			    "%s@%s not found", s->name, syn_version(s->ver));
		assert_uint64_equal(off, SYN_CODE + 16 * (uint64_t)k);
	}
	/* Each version of dup is its own symbol; neither is a third. */
	assert_int_equal(tk__elf_lookup(img, "dup", "LINUX_T3", &off), -ENOENT);
	assert_int_equal(tk__elf_lookup(img, "dup", NULL, &off), 0);
	assert_true(off == SYN_CODE + 16 * 4 || off == SYN_CODE + 16 * 5);
	/* The wrong version of a defined name. */
	assert_int_equal(tk__elf_lookup(img, "alpha", SYN_V2, &off), -ENOENT);
	assert_int_equal(
	    tk__elf_lookup(img, "gamma", TK_VDSO_VERSION, &off), -ENOENT);
	assert_int_equal(tk__elf_lookup(img, "epsilon", NULL, &off), -ENOENT);
}

static void
syn_retag(unsigned char *b, int64_t tag)
{
	Elf64_Dyn *d = (Elf64_Dyn *)(void *)(b + sizeof(Elf64_Ehdr) +
	    2 * sizeof(Elf64_Phdr));

	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			d->d_tag = TAG_IGNORED;
}

static void
test_synthetic(void **state)
{
	static const uint64_t vaddrs[] = { 0, 0x10000, 0x3ffe0000000ull,
		UINT64_MAX - 2 * SYN_SIZE };
	struct tk__elf_image img;
	unsigned char *b = malloc(SYN_SIZE);
	size_t v;
	int hashes;

	(void)state;
	assert_non_null(b);
	for (v = 0; v < sizeof(vaddrs) / sizeof(vaddrs[0]); v++) {
		/* 0: both tables; 1: DT_HASH only; 2: DT_GNU_HASH only. */
		for (hashes = 0; hashes < 3; hashes++) {
			syn_build(b, vaddrs[v]);
			if (hashes == 1)
				syn_retag(b, DT_GNU_HASH);
			if (hashes == 2)
				syn_retag(b, DT_HASH);
			assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), 0);
			assert_uint64_equal(img.vaddr, vaddrs[v]);
			assert_int_equal(img.nsyms, SYN_N + 1);
			assert_int_equal(img.hash_nbucket != 0, hashes != 2);
			assert_int_equal(img.gnu_nbucket != 0, hashes != 1);
			syn_expect(&img);
		}
	}
	/* A table one byte past the image, and an address below it. */
	syn_build(b, 0x10000);
	((Elf64_Dyn *)(void *)(b + 176))[3].d_un.d_ptr = 0x10000 + SYN_SIZE;
	assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), -ENOENT);
	syn_build(b, 0x10000);
	((Elf64_Dyn *)(void *)(b + 176))[3].d_un.d_ptr = 0x10000 - 24;
	assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), -ENOENT);
	/* A p_vaddr whose image would wrap the address space. */
	syn_build(b, UINT64_MAX - SYN_SIZE + 2);
	assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), -ENOENT);
	free(b);
}

/* --- random damage --- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	/* xorshift64*, seeded: the same mutations every run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

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
		b = copy_real();
		if (it % 3 == 1 && dyn(b, DT_GNU_HASH) != NULL)
			dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
		if (it % 3 == 2 && dyn(b, DT_HASH) != NULL)
			dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
		flips = 1 + (int)(rng() % 8);
		for (k = 0; k < flips; k++) {
			/* Mostly the tables before the code, where it hurts. */
			size_t pos = rng() % (it % 2 ? real_size : 0x500);

			if (pos >= real_size)
				pos %= real_size;
			b[pos] ^= (unsigned char)(1u << (rng() % 8));
			if (rng() % 4 == 0)
				b[pos] = (unsigned char)rng();
		}
		if (tk__elf_open(&img, b, real_size) == 0) {
			opened++;
			for (i = 0; i < nwant + NARCH; i++) {
				const char *name = i < nwant
				    ? want[i].name
				    : arch_names[i - nwant];

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
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_real_image),
		cmocka_unit_test(test_dlvsym_oracle),
		cmocka_unit_test(test_sysv_hash_only),
		cmocka_unit_test(test_gnu_hash_only),
		cmocka_unit_test(test_no_hash),
		cmocka_unit_test(test_no_verdef),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_bad_symbols),
		cmocka_unit_test(test_bad_versions),
		cmocka_unit_test(test_sysv_chain_loops),
		cmocka_unit_test(test_gnu_chain_damage),
		cmocka_unit_test(test_random_mutations),
	};

	int failed = TK_TEST_RUN(tests, setup_real, NULL);

	if (failed == 0 && real_base == NULL) {
		printf("SKIP: no vDSO in this process (AT_SYSINFO_EHDR "
		       "absent)\n");
		return 77;
	}
	return failed;
}
