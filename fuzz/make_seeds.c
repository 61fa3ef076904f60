/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the fuzzing seeds for fuzz/fuzz_elf.c from this process's real
 * vDSO, at run time (no image is committed):
 *
 *	make_seeds DIR  ->  DIR/vdso.bin       the image, p_filesz bytes
 *	                    DIR/vdso-sysv.bin  DT_GNU_HASH turned to DT_DEBUG
 *	                    DIR/vdso-gnu.bin   DT_HASH turned to DT_DEBUG
 *
 * The extent is what timekeep's parser derives (the PT_LOAD at offset 0);
 * the edits use <elf.h> on that trusted copy.  Exits 77 without a vDSO.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "elf/vdso_elf.h"

static int
write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* Turn the dynamic entry tag of the copy b into DT_DEBUG, if present. */
static void
retag(unsigned char *b, Elf64_Sxword tag)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(void *)b;
	Elf64_Dyn *d;
	int i;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(b + eh->e_phoff +
		    (size_t)i * eh->e_phentsize);

		if (ph->p_type != PT_DYNAMIC)
			continue;
		for (d = (Elf64_Dyn *)(void *)(b + ph->p_offset);
		     d->d_tag != DT_NULL; d++)
			if (d->d_tag == tag)
				d->d_tag = DT_DEBUG;
	}
}

int
main(int argc, char **argv)
{
	const void *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	struct tk__elf_image img;
	unsigned char *b;

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	if (base == NULL) {
		fprintf(stderr, "make_seeds: no vDSO in this process\n");
		return 77;
	}
	if (tk__elf_open(&img, base, TK_ELF_SIZE_MAPPED) != 0) {
		fprintf(stderr, "make_seeds: the vDSO fails the parser\n");
		return 1;
	}
	b = malloc(img.size);
	if (b == NULL)
		return 1;
	memcpy(b, base, img.size);
	if (write_file(argv[1], "vdso.bin", b, img.size) != 0)
		return 1;
	retag(b, DT_GNU_HASH);
	if (write_file(argv[1], "vdso-sysv.bin", b, img.size) != 0)
		return 1;
	memcpy(b, base, img.size);
	retag(b, DT_HASH);
	if (write_file(argv[1], "vdso-gnu.bin", b, img.size) != 0)
		return 1;
	printf("make_seeds: 3 seeds of %llu bytes in %s\n",
	    (unsigned long long)img.size, argv[1]);
	free(b);
	return 0;
}
