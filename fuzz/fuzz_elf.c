/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the vDSO ELF lookup: the input is an
 * image.  It is copied into a buffer of exactly its size (so ASan sees any
 * read past it) and opened with that size as the readable extent, as a
 * test passes a copy; then every name any of our architectures looks up,
 * with and without each version, plus one name taken from the input.
 * Any hit must lie inside the image the parser derived, and that image
 * inside the input; anything else is a bug and traps.
 *
 * Built and run by fuzz/run-fuzz.sh (clang -fsanitize=fuzzer,address,
 * undefined), seeded with this kernel's real vDSO and its DT_HASH-only and
 * DT_GNU_HASH-only variants (fuzz/make_seeds.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf/vdso_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"__vdso_clock_gettime",
	"__vdso_gettimeofday",
	"__vdso_time",
	"__vdso_clock_getres",
	"__vdso_getcpu",
	"__kernel_clock_gettime",
	"__kernel_gettimeofday",
	"__kernel_clock_getres",
	"clock_gettime",
	"LINUX_2.6",
	"",
};

static const char *const versions[] = {
	NULL,
	"LINUX_2.6",
	"LINUX_2.6.39",
	"LINUX_4.15",
	"linux-vdso.so.1",
};

static void
probe(const struct tk__elf_image *img, const char *name)
{
	uint64_t off;
	size_t v;

	for (v = 0; v < sizeof(versions) / sizeof(versions[0]); v++)
		if (tk__elf_lookup(img, name, versions[v], &off) == 0 &&
		    off >= img->size)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk__elf_image img;
	unsigned char *b = malloc(size ? size : 1);
	char tail[33];
	size_t i, n;

	if (b == NULL)
		return 0;
	memcpy(b, data, size);
	if (tk__elf_open(&img, b, size) == 0) {
		if (img.size > size || img.base != b)
			__builtin_trap();
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			probe(&img, names[i]);
		/* A name from the input's last bytes reaches other paths. */
		n = size < sizeof(tail) - 1 ? size : sizeof(tail) - 1;
		memcpy(tail, data + size - n, n);
		tail[n] = '\0';
		probe(&img, tail);
	}
	free(b);
	return 0;
}
