/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep's own ELF reader for the Linux vDSO (src/elf/vdso_elf.c opens
 * an image, src/elf/vdso_elf_lookup.c finds symbols in it).  It does what
 * the kernel's tools/testing/selftests/vDSO/parse_vdso.c, the Go runtime's
 * src/runtime/vdso_linux.go (vdsoInitFromSysinfoEx, vdsoParseSymbols) and
 * musl's src/internal/vdso.c (__vdsosym) do, and bounds-checks what none
 * of them checks: every offset, index and chain walk is proved to stay
 * inside the image first.
 *
 * The contract:
 *
 *   tk__elf_open(img, base, size)
 *	Validate the image at base and fill img: 0, or -ENOENT for anything
 *	that cannot be proved valid (wrong magic, class, byte order or type,
 *	program headers out of range, no PT_LOAD at offset 0, no PT_DYNAMIC,
 *	no DT_NULL, a table outside the image, no string or symbol table, no
 *	hash table).  size is the number of bytes at base the caller knows
 *	are readable; the image's extent, p_filesz of the PT_LOAD that covers
 *	offset 0, must fit in it.  For the kernel's own mapping the caller
 *	passes TK_ELF_SIZE_MAPPED: the program headers must then lie in the
 *	first TK_ELF_HEAD_MAX bytes (one page of the smallest size any of our
 *	targets uses, and the kernel maps whole pages) and the extent is
 *	taken from the PT_LOAD, which the kernel maps in full.
 *   tk__elf_lookup(img, name, version, &off)
 *	The offset from the image base of the defined GLOBAL or WEAK, FUNC
 *	or NOTYPE symbol called name whose version is version (NULL: any
 *	version; an image without DT_VERDEF has no versions and matches any).
 *	DT_GNU_HASH is used when present, else DT_HASH.  0, or -ENOENT.
 *   tk__elf_hash_sysv(name), tk__elf_hash_gnu(name)
 *	The SysV ELF hash and the GNU (DJB) hash of a string.
 *
 * Nothing here calls libc, allocates or writes to the image: the parser is
 * freestanding (tests/freestanding/ links it without libc) and may run on
 * hostile bytes (fuzz/fuzz_elf.c).  base must be 8-byte aligned.
 */
#ifndef TK_ELF_VDSO_ELF_H
#define TK_ELF_VDSO_ELF_H

#include <stdint.h>

/* "Trust the image's own PT_LOAD for its extent": the kernel's mapping. */
#define TK_ELF_SIZE_MAPPED UINT64_MAX

/*
 * The ELF and program headers of a mapping of unknown size must lie in its
 * first 4096 bytes: the smallest page size of x86-64, aarch64 and riscv64,
 * and the vDSO starts on a page boundary.
 */
#define TK_ELF_HEAD_MAX 4096u

/*
 * A validated image.  Every field but base is an offset from base (0 when
 * the table is absent: offset 0 is the ELF header, never a table) or a
 * count already proved to fit: symtab + nsyms * 24 <= size, and so on.
 */
struct tk__elf_image {
	const unsigned char *base;
	uint64_t size; /* p_filesz of the PT_LOAD at offset 0 */
	uint64_t vaddr; /* its p_vaddr: an address v is at v - vaddr */
	uint32_t machine; /* e_machine, for the caller to check */
	uint32_t nsyms; /* DT_HASH nchain, or counted from DT_GNU_HASH */
	uint64_t symtab;
	uint64_t strtab;
	uint64_t strsz;
	uint64_t versym; /* 0 when there is no DT_VERDEF to give it meaning */
	uint64_t verdef;
	/* DT_HASH: bucket[] at hash_bucket, chain[nsyms] at hash_chain */
	uint64_t hash_bucket;
	uint64_t hash_chain;
	uint32_t hash_nbucket;
	/* DT_GNU_HASH: buckets at gnu_bucket, chain[i - gnu_symoffset] */
	uint32_t gnu_nbucket;
	uint32_t gnu_symoffset;
	uint64_t gnu_bucket;
	uint64_t gnu_chain;
};

int tk__elf_open(struct tk__elf_image *img, const void *base, uint64_t size);
int tk__elf_lookup(const struct tk__elf_image *img, const char *name,
    const char *version, uint64_t *off);
uint32_t tk__elf_hash_sysv(const char *name);
uint32_t tk__elf_hash_gnu(const char *name);

#endif /* TK_ELF_VDSO_ELF_H */
