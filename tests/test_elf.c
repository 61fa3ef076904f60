/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF lookup (src/elf/) finding symbols: in a synthetic image built
 * here, and in this kernel's real vDSO, whole or with one hash table or
 * the version table taken out.
 *
 * Oracles: glibc's dlvsym() on the vDSO's link map ("linux-vdso.so.1",
 * RTLD_NOLOAD), which resolves through the dynamic linker and not through
 * our code, and a trusting walk of the real image's symbol table with
 * <elf.h> types (tests/support/elf_real.c).  The hash functions are
 * checked against known vectors (the ELF gABI's hash of "printf", glibc's
 * dl_new_hash values).  With only DT_HASH or only DT_GNU_HASH (the other
 * table's dynamic entry turned into DT_DEBUG, which the parser ignores)
 * every symbol must resolve to the same offset.  The tests on the real
 * image SKIP without one (qemu-user before 8.1 maps none); the synthetic
 * image (tests/support/elf_syn.c) runs everywhere.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "elf/vdso_elf.h"
#include "elf_real.h"
#include "elf_syn.h"
#include "tk_test.h"
#include "vdso_arch.h"

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

/* --- the synthetic image: runs without a vDSO (qemu-user) too --- */

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
	((Elf64_Dyn *)(void *)(b + SYN_DYN_OFF))[3].d_un.d_ptr =
	    0x10000 + SYN_SIZE;
	assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), -ENOENT);
	syn_build(b, 0x10000);
	((Elf64_Dyn *)(void *)(b + SYN_DYN_OFF))[3].d_un.d_ptr = 0x10000 - 24;
	assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), -ENOENT);
	/* A p_vaddr whose image would wrap the address space. */
	syn_build(b, UINT64_MAX - SYN_SIZE + 2);
	assert_int_equal(tk__elf_open(&img, b, SYN_SIZE), -ENOENT);
	free(b);
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
	real_expect_all(&img);
	for (i = 0; i < real_narch; i++)
		if (tk__elf_lookup(
		        &img, real_arch_names[i], TK_VDSO_VERSION, &off) == 0)
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
	real_expect_all(&img);
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
	for (i = 0; i < real_nwant; i++) {
		for (j = 0; j < nver; j++)
			if (real_want[i].version != NULL &&
			    strcmp(versions[j], real_want[i].version) == 0)
				break;
		if (j == nver && real_want[i].version != NULL && nver < 16)
			versions[nver++] = real_want[i].version;
	}
	versions[nver++] = TK_VDSO_VERSION;
	versions[nver++] = "LINUX_0.0";
	for (i = 0; i < real_nwant + real_narch; i++) {
		const char *name = i < real_nwant
		    ? real_want[i].name
		    : real_arch_names[i - real_nwant];

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
	b = real_copy();
	if (elf_dyn(b, DT_HASH) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no DT_HASH to keep");
		return;
	}
	if (elf_dyn(b, DT_GNU_HASH) != NULL)
		elf_dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	assert_int_equal(img.gnu_nbucket, 0);
	assert_true(img.hash_nbucket != 0);
	real_expect_all(&img);
	real_expect_sane(&img);
	free(b);
}

static void
test_gnu_hash_only(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;

	(void)state;
	NEED_VDSO();
	b = real_copy();
	if (elf_dyn(b, DT_GNU_HASH) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no DT_GNU_HASH to keep");
		return;
	}
	if (elf_dyn(b, DT_HASH) != NULL)
		elf_dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	assert_int_equal(img.hash_nbucket, 0);
	assert_true(img.gnu_nbucket != 0);
	real_expect_all(&img);
	real_expect_sane(&img);
	free(b);
}

static void
test_no_hash(void **state)
{
	struct tk__elf_image img;
	unsigned char *b;

	(void)state;
	NEED_VDSO();
	b = real_copy();
	if (elf_dyn(b, DT_HASH) != NULL)
		elf_dyn(b, DT_HASH)->d_tag = TAG_IGNORED;
	if (elf_dyn(b, DT_GNU_HASH) != NULL)
		elf_dyn(b, DT_GNU_HASH)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), -ENOENT);
	real_expect_none(&img);
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
	b = real_copy();
	if (elf_dyn(b, DT_VERDEF) == NULL) {
		free(b);
		TK_SKIP("this kernel's vDSO has no DT_VERDEF");
		return;
	}
	elf_dyn(b, DT_VERDEF)->d_tag = TAG_IGNORED;
	assert_int_equal(tk__elf_open(&img, b, real_size), 0);
	assert_uint64_equal(img.versym, 0);
	real_expect_all(&img);
	assert_int_equal(
	    tk__elf_lookup(&img, TK_VDSO_CLOCK_GETTIME, "LINUX_0.0", &off), 0);
	free(b);
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
	};

	int failed = TK_TEST_RUN(tests, real_setup, NULL);

	if (failed == 0 && real_base == NULL) {
		printf("SKIP: no vDSO in this process (AT_SYSINFO_EHDR "
		       "absent)\n");
		return 77;
	}
	return failed;
}
