/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vDSO ELF image's validation (tk__elf_open): the ELF and program
 * headers, the dynamic section, and the tables it names, each proved to
 * lie in the mapping before anything indexes it; vdso_elf_lookup.c finds
 * symbols in the validated image.  Both follow the common shape of the
 * kernel's tools/testing/selftests/vDSO/parse_vdso.c
 * (vdso_init_from_sysinfo_ehdr, vdso_sym), the Go runtime's
 * src/runtime/vdso_linux.go (vdsoInitFromSysinfoEx, vdsoParseSymbols,
 * vdsoFindVersion) and musl's src/internal/vdso.c (__vdsosym), with the
 * layouts and constants of include/uapi/linux/elf.h.  None of those checks
 * an offset against the mapping; these files do, and answer "not found"
 * for anything they cannot prove valid.
 *
 * Invariants (of both files):
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
#include "elf/vdso_elf_impl.h"

/* include/uapi/linux/elf.h: e_ident indices and values. */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT 1
#define ET_DYN 3
#define PN_XNUM 0xffff /* e_phnum escape: the count is in section 0 */

/* include/uapi/linux/elf.h: segment types and dynamic tags. */
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
