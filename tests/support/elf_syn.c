/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The synthetic vDSO-shaped image (elf_syn.h), built one table at a time.
 * The test support directory is compiled on every platform and the vDSO
 * is Linux's, so the body is behind TK_OS_LINUX.
 */
#include "platform.h"

#ifdef TK_OS_LINUX
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "elf_syn.h"
#include "tk_test.h"
#include "vdso_arch.h"

/* A dynamic tag the parser ignores, standing in for a removed entry. */
#define TAG_IGNORED DT_DEBUG

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
_Static_assert(
    sizeof(syn_syms) / sizeof(syn_syms[0]) == SYN_N, "SYN_N counts syn_syms");
_Static_assert(SYN_DYN_OFF == sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr),
    "SYN_DYN_OFF follows the headers");

#define SYN_NBUCKET 3 /* DT_HASH */
#define SYN_NGNU 2 /* DT_GNU_HASH */
#define SYN_NDYN 10 /* dynamic entries, DT_NULL included */
#define SYN_STRSZ 512 /* the string table's length */

/* The file's own name, then the two versions' names (Verdef order). */
static const char *const syn_vnames[3] = { "libsyn.so", TK_VDSO_VERSION,
	SYN_V2 };

/* Where each table lies (file offsets), and the link address. */
struct syn_layout {
	uint64_t vaddr;
	uint64_t dyn, sym, str, versym, verdef, hash, gnu;
};

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

/* The tables one after the other, all before the code. */
static void
syn_layout(struct syn_layout *lo, uint64_t vaddr)
{
	uint32_t n = SYN_N + 1;
	uint64_t off = SYN_DYN_OFF;

	lo->vaddr = vaddr;
	lo->dyn = off;
	off += SYN_NDYN * sizeof(Elf64_Dyn);
	lo->sym = off;
	off += n * sizeof(Elf64_Sym);
	lo->str = off;
	off += SYN_STRSZ;
	lo->versym = off;
	off = syn_align(off + 2 * n, 4);
	lo->verdef = off;
	off += 3 * (sizeof(Elf64_Verdef) + sizeof(Elf64_Verdaux));
	lo->hash = syn_align(off, 8);
	off = lo->hash + 4 * (2 + SYN_NBUCKET + n);
	lo->gnu = syn_align(off, 8);
	off = lo->gnu + 16 + 8 + 4 * (SYN_NGNU + n);
	assert_true(off <= SYN_CODE);
}

/* The ELF header, one PT_LOAD over the whole image and the PT_DYNAMIC. */
static void
syn_headers(unsigned char *b, const struct syn_layout *lo)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(void *)b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(b + sizeof(*eh));

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

	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_offset = 0;
	ph[0].p_vaddr = ph[0].p_paddr = lo->vaddr;
	ph[0].p_filesz = ph[0].p_memsz = SYN_SIZE;
	ph[0].p_align = 4096;
	ph[1].p_type = PT_DYNAMIC;
	ph[1].p_flags = PF_R;
	ph[1].p_offset = lo->dyn;
	ph[1].p_vaddr = ph[1].p_paddr = lo->vaddr + lo->dyn;
	ph[1].p_filesz = ph[1].p_memsz = SYN_NDYN * sizeof(Elf64_Dyn);
	ph[1].p_align = 8;
}

/*
 * The string table starts with the version names; returns the length used
 * and each name's offset in vname_off.
 */
static size_t
syn_version_names(
    unsigned char *b, const struct syn_layout *lo, uint32_t *vname_off)
{
	char *str = (char *)b + lo->str;
	size_t sl = 1;
	uint32_t k;

	for (k = 0; k < 3; k++) {
		vname_off[k] = (uint32_t)sl;
		strcpy(str + sl, syn_vnames[k]);
		sl += strlen(syn_vnames[k]) + 1;
	}
	return sl;
}

/*
 * The symbols, their names and versym entries, in GNU order: the hashed
 * symbols grouped by bucket (stable).  The string table already holds the
 * version names up to sl; returns the length used.
 */
static size_t
syn_symbols(unsigned char *b, const struct syn_layout *lo, size_t sl)
{
	char *str = (char *)b + lo->str;
	Elf64_Sym *sym = (Elf64_Sym *)(void *)(b + lo->sym);
	uint16_t *versym = (uint16_t *)(void *)(b + lo->versym);
	uint32_t order[SYN_N], i = 0, k;

	for (uint32_t bk = 0; bk < SYN_NGNU; bk++)
		for (k = 0; k < SYN_N; k++)
			if (tk__elf_hash_gnu(syn_syms[k].name) % SYN_NGNU == bk)
				order[i++] = k;
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
		    : lo->vaddr + SYN_CODE + 16 * (uint64_t)order[i];
		e->st_size = 16;
		versym[i + 1] = s->ver;
	}
	return sl;
}

/* Verdef: the file's own BASE entry, then the two versions. */
static void
syn_verdef(
    unsigned char *b, const struct syn_layout *lo, const uint32_t *vname_off)
{
	Elf64_Verdef *vd;
	Elf64_Verdaux *va;
	uint32_t k;

	for (k = 0; k < 3; k++) {
		vd = (Elf64_Verdef *)(void *)(b + lo->verdef +
		    k * (sizeof(*vd) + sizeof(*va)));
		va = (Elf64_Verdaux *)(void *)((unsigned char *)vd +
		    sizeof(*vd));
		vd->vd_version = 1;
		vd->vd_flags = k == 0 ? VER_FLG_BASE : 0;
		vd->vd_ndx = (uint16_t)(k + 1);
		vd->vd_cnt = 1;
		vd->vd_hash = tk__elf_hash_sysv(syn_vnames[k]);
		vd->vd_aux = sizeof(*vd);
		vd->vd_next = k == 2 ? 0 : sizeof(*vd) + sizeof(*va);
		va->vda_name = vname_off[k];
	}
}

/* DT_HASH: prepend each symbol to its bucket's chain. */
static void
syn_sysv_hash(unsigned char *b, const struct syn_layout *lo)
{
	const char *str = (const char *)b + lo->str;
	const Elf64_Sym *sym = (const Elf64_Sym *)(const void *)(b + lo->sym);
	uint32_t *h = (uint32_t *)(void *)(b + lo->hash), i, n = SYN_N + 1;

	h[0] = SYN_NBUCKET;
	h[1] = n;
	for (i = 1; i < n; i++) {
		uint32_t bk =
		    tk__elf_hash_sysv(str + sym[i].st_name) % SYN_NBUCKET;

		h[2 + SYN_NBUCKET + i] = h[2 + bk];
		h[2 + bk] = i;
	}
}

/* DT_GNU_HASH: symoffset 1, one all-ones bloom word. */
static void
syn_gnu_hash(unsigned char *b, const struct syn_layout *lo)
{
	const char *str = (const char *)b + lo->str;
	const Elf64_Sym *sym = (const Elf64_Sym *)(const void *)(b + lo->sym);
	uint32_t *g = (uint32_t *)(void *)(b + lo->gnu), i, n = SYN_N + 1;

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
}

/* The dynamic section naming every table. */
static void
syn_dynamic(unsigned char *b, const struct syn_layout *lo)
{
	Elf64_Dyn *d = (Elf64_Dyn *)(void *)(b + lo->dyn);
	uint64_t vaddr = lo->vaddr;

	d[0] = (Elf64_Dyn){ DT_HASH, { vaddr + lo->hash } };
	d[1] = (Elf64_Dyn){ DT_GNU_HASH, { vaddr + lo->gnu } };
	d[2] = (Elf64_Dyn){ DT_STRTAB, { vaddr + lo->str } };
	d[3] = (Elf64_Dyn){ DT_SYMTAB, { vaddr + lo->sym } };
	d[4] = (Elf64_Dyn){ DT_STRSZ, { SYN_STRSZ } };
	d[5] = (Elf64_Dyn){ DT_SYMENT, { sizeof(Elf64_Sym) } };
	d[6] = (Elf64_Dyn){ DT_VERSYM, { vaddr + lo->versym } };
	d[7] = (Elf64_Dyn){ DT_VERDEF, { vaddr + lo->verdef } };
	d[8] = (Elf64_Dyn){ DT_VERDEFNUM, { 3 } };
	d[9] = (Elf64_Dyn){ DT_NULL, { 0 } };
}

void
syn_build(unsigned char *b, uint64_t vaddr)
{
	struct syn_layout lo;
	uint32_t vname_off[3];
	size_t sl;

	memset(b, 0, SYN_SIZE);
	syn_layout(&lo, vaddr);
	syn_headers(b, &lo);
	sl = syn_version_names(b, &lo, vname_off);
	sl = syn_symbols(b, &lo, sl);
	assert_true(sl <= SYN_STRSZ);
	syn_verdef(b, &lo, vname_off);
	syn_sysv_hash(b, &lo);
	syn_gnu_hash(b, &lo);
	syn_dynamic(b, &lo);
}

void
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

void
syn_retag(unsigned char *b, int64_t tag)
{
	Elf64_Dyn *d = (Elf64_Dyn *)(void *)(b + SYN_DYN_OFF);

	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			d->d_tag = TAG_IGNORED;
}
#endif /* TK_OS_LINUX */
