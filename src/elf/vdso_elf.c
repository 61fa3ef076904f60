/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF lookup for the Linux vDSO: validate the image, then find a
 * versioned symbol through DT_GNU_HASH or DT_HASH.  It follows the common
 * shape of the kernel's tools/testing/selftests/vDSO/parse_vdso.c
 * (vdso_init_from_sysinfo_ehdr, vdso_sym), the Go runtime's
 * src/runtime/vdso_linux.go (vdsoInitFromSysinfoEx, vdsoParseSymbols,
 * vdsoFindVersion) and musl's src/internal/vdso.c (__vdsosym), with the
 * layouts and constants of include/uapi/linux/elf.h.  None of those checks
 * an offset against the mapping; this file does, and answers "not found"
 * for anything it cannot prove valid.
 *
 * Invariants:
 *   - Every byte read lies in [base, base + size), where size is p_filesz
 *     of the PT_LOAD at file offset 0 (the vDSO is mapped as its file
 *     image), and every typed read is naturally aligned: elf_at() proves
 *     both before a pointer is formed, and tk__elf_open() proves whole
 *     tables (symtab, versym, hash arrays) once so lookups can index them.
 *   - All arithmetic on offsets is 64-bit on values below 2^32 * 24 or
 *     on differences already proved non-negative, so nothing wraps.
 *   - Every loop is bounded: by e_phnum, by the dynamic segment's entry
 *     count, by nsyms (hash chains; a DT_HASH cycle ends after nchain
 *     steps), or by the image size (GNU chain count, Verdef chain whose
 *     offsets strictly increase).
 *   - No libc: freestanding, so a program without libc can use it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/vdso_elf.h"

/* include/uapi/linux/elf.h: e_ident indices and values. */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT 1
#define ET_DYN 3
#define PN_XNUM 0xffff /* e_phnum escape: the count is in section 0 */

/* include/uapi/linux/elf.h: segment types, dynamic tags, symbols. */
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define DT_NULL 0
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_STRSZ 10
#define DT_SYMENT 11
#define DT_GNU_HASH 0x6ffffef5 /* glibc elf.h; not in the uapi header */
#define DT_VERSYM 0x6ffffff0
#define DT_VERDEF 0x6ffffffc
#define SHN_UNDEF 0
#define STB_GLOBAL 1
#define STB_WEAK 2
#define STT_NOTYPE 0
#define STT_FUNC 2
#define VER_FLG_BASE 0x1
#define VERSYM_VERSION 0x7fff /* bit 15 is "hidden", the rest the index */

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
static const void *
elf_at(const unsigned char *base, uint64_t lim, uint64_t off, uint64_t len,
    uint64_t align)
{
	if (off > lim || len > lim - off || (off & (align - 1)) != 0)
		return NULL;
	return base + off;
}

/* The 32-bit word i of a uint32_t array at off, proved in bounds at open. */
static uint32_t
elf_word(const struct tk__elf_image *img, uint64_t off, uint64_t i)
{
	const uint32_t *w = (const void *)(img->base + off);

	return w[i];
}

/*
 * The image offset of the unrelocated address v (a dynamic tag's value or
 * st_value): v - p_vaddr, which is what "load offset + v" means with the
 * mapping's base taken as offset 0.  0 when v is outside the image; 0 is
 * the ELF header, so no table may legitimately sit there either.
 */
static uint64_t
elf_vaddr_off(uint64_t v, uint64_t vaddr, uint64_t size)
{
	if (v < vaddr || v - vaddr >= size)
		return 0;
	return v - vaddr;
}

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

/* e_ident: magic, 64-bit class, this CPU's byte order, version 1. */
static int
elf_ident_ok(const struct elf_ehdr *eh)
{
	/* The host's ELFDATA value, without a byte-order macro. */
	static const union {
		uint16_t u;
		unsigned char c[2];
	} probe = { 1 };
	unsigned char data = probe.c[0] ? ELFDATA2LSB : ELFDATA2MSB;

	return eh->e_ident[0] == 0x7f && eh->e_ident[1] == 'E' &&
	    eh->e_ident[2] == 'L' && eh->e_ident[3] == 'F' &&
	    eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh->e_ident[EI_DATA] == data &&
	    eh->e_ident[EI_VERSION] == EV_CURRENT;
}

/* The raw values of the dynamic tags the lookup uses (0: absent). */
struct elf_dyntags {
	uint64_t strtab, symtab, strsz, syment, hash, gnu_hash, versym, verdef;
	int have_strsz, have_syment;
};

/*
 * Walk the dynamic array at [off, off + len) to DT_NULL.  -ENOENT if the
 * array is out of bounds or has no DT_NULL within its segment.
 */
static int
elf_read_dynamic(const unsigned char *b, uint64_t size, uint64_t off,
    uint64_t len, struct elf_dyntags *t)
{
	const struct elf_dyn *dyn;
	uint64_t i, n = len / sizeof(struct elf_dyn);

	dyn = elf_at(b, size, off, n * sizeof(struct elf_dyn), 8);
	if (dyn == NULL)
		return -ENOENT;
	for (i = 0; i < n; i++) {
		uint64_t v = dyn[i].d_val;

		switch (dyn[i].d_tag) {
		case DT_NULL:
			return 0;
		case DT_STRTAB:
			t->strtab = v;
			break;
		case DT_SYMTAB:
			t->symtab = v;
			break;
		case DT_STRSZ:
			t->strsz = v;
			t->have_strsz = 1;
			break;
		case DT_SYMENT:
			t->syment = v;
			t->have_syment = 1;
			break;
		case DT_HASH:
			t->hash = v;
			break;
		case DT_GNU_HASH:
			t->gnu_hash = v;
			break;
		case DT_VERSYM:
			t->versym = v;
			break;
		case DT_VERDEF:
			t->verdef = v;
			break;
		default:
			break;
		}
	}
	return -ENOENT;
}

/*
 * DT_HASH: nbucket, nchain, bucket[nbucket], chain[nchain], 32-bit words
 * on every target we build for (s390x and alpha use 64-bit ones, as
 * glibc elf/dl-lookup.c notes).  Proves both arrays in bounds; an empty table (nbucket 0) can
 * answer nothing and is treated as absent.
 */
static int
elf_open_sysv(struct tk__elf_image *img, uint64_t off, uint32_t *nchain)
{
	const uint32_t *hdr;
	uint64_t words;

	hdr = elf_at(img->base, img->size, off, 8, 4);
	if (hdr == NULL)
		return -ENOENT;
	words = (uint64_t)hdr[0] + hdr[1];
	if (elf_at(img->base, img->size, off + 8, words * 4, 4) == NULL)
		return -ENOENT;
	img->hash_nbucket = hdr[0];
	img->hash_bucket = off + 8;
	img->hash_chain = off + 8 + (uint64_t)hdr[0] * 4;
	*nchain = hdr[1];
	return 0;
}

/*
 * DT_GNU_HASH: nbuckets, symoffset, bloom_size, bloom_shift, then
 * bloom_size bloom words of the class width (8 bytes here), nbuckets
 * bucket words, then one chain word per symbol from symoffset on.  Proves
 * the header, bloom and buckets in bounds; chain words are checked as they
 * are read, since their count is only known from the chains themselves.
 */
static int
elf_open_gnu(struct tk__elf_image *img, uint64_t off)
{
	const uint32_t *hdr;
	uint64_t buckets;

	hdr = elf_at(img->base, img->size, off, 16, 8);
	if (hdr == NULL)
		return -ENOENT;
	buckets = off + 16 + (uint64_t)hdr[2] * 8;
	if (elf_at(img->base, img->size, buckets, (uint64_t)hdr[0] * 4, 4) ==
	    NULL)
		return -ENOENT;
	img->gnu_nbucket = hdr[0];
	img->gnu_symoffset = hdr[1];
	img->gnu_bucket = buckets;
	img->gnu_chain = buckets + (uint64_t)hdr[0] * 4;
	return 0;
}

/*
 * The GNU chain word of symbol i (i >= symoffset), or -1 when it lies
 * outside the image.
 */
static int64_t
elf_gnu_chain(const struct tk__elf_image *img, uint32_t i)
{
	const uint32_t *w;

	w = elf_at(img->base, img->size,
	    img->gnu_chain + (uint64_t)(i - img->gnu_symoffset) * 4, 4, 4);
	return w == NULL ? -1 : (int64_t)*w;
}

/*
 * The number of symbols when there is no DT_HASH to say it (Go's
 * vdsoParseSymbols and parse_vdso.c do the same): one past the end of the
 * chain that starts at the highest bucket.  Bounded by the image: each
 * step reads the next chain word, and a word outside the image fails.
 */
static int
elf_gnu_count(const struct tk__elf_image *img, uint32_t *count)
{
	uint32_t i, max = 0;
	uint64_t n;
	int64_t w;

	for (i = 0; i < img->gnu_nbucket; i++)
		if (elf_word(img, img->gnu_bucket, i) > max)
			max = elf_word(img, img->gnu_bucket, i);
	if (max < img->gnu_symoffset) {
		*count = img->gnu_symoffset;
		return 0;
	}
	for (n = 0; n <= img->size / 4; n++) {
		w = elf_gnu_chain(img, max);
		if (w < 0 || max == UINT32_MAX)
			return -ENOENT;
		if ((w & 1) != 0) {
			*count = max + 1;
			return 0;
		}
		max++;
	}
	return -ENOENT;
}

/* The tables named by the dynamic tags, each proved to lie in the image. */
static int
elf_open_tables(struct tk__elf_image *img, const struct elf_dyntags *t)
{
	uint64_t strtab, symtab, hash, gnu, versym, verdef;
	uint32_t nchain = 0, ngnu = 0;
	int have_hash = 0, have_gnu = 0;

	strtab = elf_vaddr_off(t->strtab, img->vaddr, img->size);
	symtab = elf_vaddr_off(t->symtab, img->vaddr, img->size);
	if (strtab == 0 || symtab == 0)
		return -ENOENT;
	if (t->have_syment && t->syment != sizeof(struct elf_sym))
		return -ENOENT;
	img->strtab = strtab;
	img->strsz = img->size - strtab;
	if (t->have_strsz) {
		if (t->strsz > img->strsz)
			return -ENOENT;
		img->strsz = t->strsz;
	}
	img->symtab = symtab;

	if (t->hash != 0) {
		hash = elf_vaddr_off(t->hash, img->vaddr, img->size);
		if (hash == 0 || elf_open_sysv(img, hash, &nchain) != 0)
			return -ENOENT;
		have_hash = img->hash_nbucket != 0;
	}
	if (t->gnu_hash != 0) {
		gnu = elf_vaddr_off(t->gnu_hash, img->vaddr, img->size);
		if (gnu == 0 || elf_open_gnu(img, gnu) != 0)
			return -ENOENT;
		have_gnu = img->gnu_nbucket != 0;
	}
	if (have_hash)
		img->nsyms = nchain;
	else if (have_gnu && elf_gnu_count(img, &ngnu) == 0)
		img->nsyms = ngnu;
	else
		return -ENOENT;
	if (!have_hash)
		img->hash_nbucket = 0;
	if (!have_gnu)
		img->gnu_nbucket = 0;
	if (elf_at(img->base, img->size, symtab,
	        (uint64_t)img->nsyms * sizeof(struct elf_sym), 8) == NULL)
		return -ENOENT;

	/* Versions need both tables; either alone is ignored (parse_vdso.c). */
	if (t->versym != 0 && t->verdef != 0) {
		versym = elf_vaddr_off(t->versym, img->vaddr, img->size);
		verdef = elf_vaddr_off(t->verdef, img->vaddr, img->size);
		if (versym == 0 || verdef == 0 ||
		    elf_at(img->base, img->size, versym,
		        (uint64_t)img->nsyms * 2, 2) == NULL ||
		    elf_at(img->base, img->size, verdef,
		        sizeof(struct elf_verdef), 4) == NULL)
			return -ENOENT;
		img->versym = versym;
		img->verdef = verdef;
	}
	return 0;
}

/*
 * Field by field, not by struct assignment or an initialiser: those may
 * become memset/memcpy calls (clang -O0 emits them), which a program
 * without libc cannot link (tests/freestanding/).
 */
static void
elf_clear(struct tk__elf_image *img, struct elf_dyntags *t)
{
	img->base = NULL;
	img->size = img->vaddr = 0;
	img->machine = img->nsyms = 0;
	img->symtab = img->strtab = img->strsz = 0;
	img->versym = img->verdef = 0;
	img->hash_bucket = img->hash_chain = 0;
	img->hash_nbucket = 0;
	img->gnu_nbucket = img->gnu_symoffset = 0;
	img->gnu_bucket = img->gnu_chain = 0;
	if (t != NULL) {
		t->strtab = t->symtab = t->strsz = t->syment = 0;
		t->hash = t->gnu_hash = t->versym = t->verdef = 0;
		t->have_strsz = t->have_syment = 0;
	}
}

int
tk__elf_open(struct tk__elf_image *img, const void *base, uint64_t size)
{
	const unsigned char *b = base;
	const struct elf_ehdr *eh;
	const struct elf_phdr *ph, *load = NULL, *dyn = NULL;
	struct elf_dyntags tags;
	uint64_t head, phlen, i;

	elf_clear(img, &tags);
	if (b == NULL || ((uintptr_t)b & 7) != 0)
		return -ENOENT;
	head = size < TK_ELF_HEAD_MAX ? size : TK_ELF_HEAD_MAX;
	eh = elf_at(b, head, 0, sizeof(*eh), 8);
	if (eh == NULL || !elf_ident_ok(eh) || eh->e_type != ET_DYN)
		return -ENOENT;
	if (eh->e_phentsize < sizeof(struct elf_phdr) ||
	    eh->e_phentsize % 8 != 0 || eh->e_phnum == 0 ||
	    eh->e_phnum == PN_XNUM)
		return -ENOENT;
	phlen = (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (elf_at(b, head, eh->e_phoff, phlen, 8) == NULL)
		return -ENOENT;

	/* The PT_LOAD at file offset 0 bounds everything (the image's extent). */
	for (i = 0; i < eh->e_phnum; i++) {
		ph = (const void *)(b + eh->e_phoff + i * eh->e_phentsize);
		if (ph->p_type == PT_LOAD && ph->p_offset == 0 &&
		    ph->p_filesz != 0 && load == NULL)
			load = ph;
		else if (ph->p_type == PT_DYNAMIC && dyn == NULL)
			dyn = ph;
	}
	if (load == NULL || dyn == NULL)
		return -ENOENT;
	if (load->p_filesz > size || load->p_filesz < eh->e_phoff + phlen ||
	    load->p_vaddr > UINT64_MAX - load->p_filesz)
		return -ENOENT;
	img->base = b;
	img->size = load->p_filesz;
	img->vaddr = load->p_vaddr;
	img->machine = eh->e_machine;

	if (elf_read_dynamic(
	        b, img->size, dyn->p_offset, dyn->p_filesz, &tags) != 0 ||
	    elf_open_tables(img, &tags) != 0) {
		elf_clear(img, NULL);
		return -ENOENT;
	}
	return 0;
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
