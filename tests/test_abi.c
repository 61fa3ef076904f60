/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep layouts for all six architectures: the three the
 * library reads (src/abi/: amd64, arm64, riscv64) and the three only this
 * test checks (tests/abi/: i386, armv7, powerpc64, found first in the
 * directory of this file).  Including every header compiles every
 * _Static_assert on this host; the tests below check the same numbers at
 * run time against tables typed in from FreeBSD's sys/sys/vdso.h and
 * sys/<arch>/include/vdso.h as each ABI lays them out (not from the
 * headers; Go's defs_freebsd_*.go agree: vdsoTimehandsSize 0x58, 0x50 on
 * 386, vdsoTimekeepSize 0x10, 0xc on 386), and read each field of each
 * layout back from a byte image written at those offsets, so a wrong type
 * (width, signedness, alignment) fails even where an offset happens to
 * match.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abi/fbsd_vdso_amd64.h"
#include "abi/fbsd_vdso_arm64.h"
#include "abi/fbsd_vdso_armv7.h"
#include "abi/fbsd_vdso_i386.h"
#include "abi/fbsd_vdso_powerpc64.h"
#include "abi/fbsd_vdso_riscv64.h"
#include "abi/fbsd_vdso.h"
#include "abi/fbsd_x86_devices.h"
#include "tk_test.h"

/* Offsets and sizes of the machine-independent part. */
struct mi_layout {
	const char *arch;
	size_t th_size, tk_size, tk_th;
	size_t algo, gen, scale, offset_count, counter_mask;
	size_t offset_sec, offset_frac, boot_sec, boot_frac, md;
	size_t sec_size; /* sizeof(time_t) */
};

#define MI(arch, TH, TK)                                                       \
	{                                                                      \
#arch, sizeof(struct TH), sizeof(struct TK),                   \
		    offsetof(struct TK, tk_th), offsetof(struct TH, th_algo),  \
		    offsetof(struct TH, th_gen),                               \
		    offsetof(struct TH, th_scale),                             \
		    offsetof(struct TH, th_offset_count),                      \
		    offsetof(struct TH, th_counter_mask),                      \
		    offsetof(struct TH, th_offset.sec),                        \
		    offsetof(struct TH, th_offset.frac),                       \
		    offsetof(struct TH, th_boottime.sec),                      \
		    offsetof(struct TH, th_boottime.frac),                     \
		    offsetof(struct TH, th_boottime) +                         \
		    sizeof(((struct TH *)0)->th_boottime),                     \
		    sizeof(((struct TH *)0)->th_offset.sec)                    \
	}

static const struct mi_layout got[] = {
	MI(amd64, fbsd_vdso_timehands_amd64, fbsd_vdso_timekeep_amd64),
	MI(i386, fbsd_vdso_timehands_i386, fbsd_vdso_timekeep_i386),
	MI(arm64, fbsd_vdso_timehands_arm64, fbsd_vdso_timekeep_arm64),
	MI(armv7, fbsd_vdso_timehands_armv7, fbsd_vdso_timekeep_armv7),
	MI(riscv64, fbsd_vdso_timehands_riscv64, fbsd_vdso_timekeep_riscv64),
	MI(powerpc64, fbsd_vdso_timehands_powerpc64,
	    fbsd_vdso_timekeep_powerpc64),
};

/* The same, typed in from sys/sys/vdso.h as each ABI lays it out. */
static const struct mi_layout want[] = {
	{ "amd64", 88, 16, 16, 0, 4, 8, 16, 20, 24, 32, 40, 48, 56, 8 },
	{ "i386", 80, 12, 12, 0, 4, 8, 16, 20, 24, 28, 36, 40, 48, 4 },
	{ "arm64", 88, 16, 16, 0, 4, 8, 16, 20, 24, 32, 40, 48, 56, 8 },
	{ "armv7", 88, 16, 16, 0, 4, 8, 16, 20, 24, 32, 40, 48, 56, 8 },
	{ "riscv64", 88, 16, 16, 0, 4, 8, 16, 20, 24, 32, 40, 48, 56, 8 },
	{ "powerpc64", 88, 16, 16, 0, 4, 8, 16, 20, 24, 32, 40, 48, 56, 8 },
};

static void
test_mi_offsets(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct mi_layout *g = &got[i], *w = &want[i];

		assert_string_equal(g->arch, w->arch);
		assert_int_equal(g->th_size, w->th_size);
		assert_int_equal(g->tk_size, w->tk_size);
		assert_int_equal(g->tk_th, w->tk_th);
		assert_int_equal(g->algo, w->algo);
		assert_int_equal(g->gen, w->gen);
		assert_int_equal(g->scale, w->scale);
		assert_int_equal(g->offset_count, w->offset_count);
		assert_int_equal(g->counter_mask, w->counter_mask);
		assert_int_equal(g->offset_sec, w->offset_sec);
		assert_int_equal(g->offset_frac, w->offset_frac);
		assert_int_equal(g->boot_sec, w->boot_sec);
		assert_int_equal(g->boot_frac, w->boot_frac);
		assert_int_equal(g->md, w->md);
		assert_int_equal(g->sec_size, w->sec_size);
		/* The kernel's block: header + 4 slots (368 or 332 bytes). */
		assert_int_equal(g->tk_size + VDSO_TH_NUM * g->th_size,
		    w->tk_size + 4 * w->th_size);
	}
}

static void
test_md_offsets(void **state)
{
	(void)state;
	/* x86: sys/x86/include/vdso.h (current, with the pvclock fields) */
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_amd64, th_x86_shift), 56);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_amd64, th_x86_hpet_idx), 60);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_amd64, th_x86_pvc_last_systime),
	    64);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_amd64, th_x86_pvc_stable_mask),
	    72);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_amd64, th_res), 73);
	assert_int_equal(
	    sizeof(((struct fbsd_vdso_timehands_amd64 *)0)->th_res), 15);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_i386, th_x86_shift), 48);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_i386, th_x86_hpet_idx), 52);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_i386, th_x86_pvc_last_systime),
	    56);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_i386, th_x86_pvc_stable_mask),
	    64);
	assert_int_equal(offsetof(struct fbsd_vdso_timehands_i386, th_res), 65);
	/* arm */
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_arm64, th_physical), 56);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_arm64, th_res), 60);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_armv7, th_physical), 56);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_armv7, th_res), 60);
	/* riscv, powerpc */
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_riscv64, th_res), 56);
	assert_int_equal(
	    sizeof(((struct fbsd_vdso_timehands_riscv64 *)0)->th_res), 32);
	assert_int_equal(
	    offsetof(struct fbsd_vdso_timehands_powerpc64, th_res), 56);
	assert_int_equal(
	    sizeof(((struct fbsd_vdso_timehands_powerpc64 *)0)->th_res), 32);
}

/* Store v as n bytes at off in the host's byte order. */
static void
put(unsigned char *img, size_t off, uint64_t v, size_t n)
{
	uint8_t b1 = (uint8_t)v;
	uint32_t b4 = (uint32_t)v;

	if (n == 1)
		memcpy(img + off, &b1, 1);
	else if (n == 4)
		memcpy(img + off, &b4, 4);
	else
		memcpy(img + off, &v, 8);
}

/*
 * Write a 2-slot image by the offsets above (slot stride and header size of
 * the arch), then read it through the structs.
 */
#define CHECK_IMAGE(TK, hdr, stride, secsz)                                    \
	do {                                                                   \
		static unsigned char img[512] __attribute__((aligned(16)));    \
		const struct TK *tk = (const void *)img;                       \
		size_t s1 = (hdr) + (stride);                                  \
		memset(img, 0, sizeof(img));                                   \
		put(img, 0, 1, 4);                                             \
		put(img, 4, 1, 4);                                             \
		put(img, 8, 1, 4);                                             \
		put(img, s1 + 0, 2, 4);                                        \
		put(img, s1 + 4, 77, 4);                                       \
		put(img, s1 + 8, 0x123456789abcdef0ull, 8);                    \
		put(img, s1 + 16, 0xdeadbeefu, 4);                             \
		put(img, s1 + 20, 0xffffffffu, 4);                             \
		put(img, s1 + 24, (uint64_t)-5, (secsz));                      \
		put(img, s1 + 24 + (secsz), 0x8000000000000001ull, 8);         \
		put(img, s1 + 32 + (secsz), 1700000000, (secsz));              \
		put(img, s1 + 32 + 2 * (secsz), 42, 8);                        \
		assert_int_equal(tk->tk_ver, 1);                               \
		assert_int_equal(tk->tk_enabled, 1);                           \
		assert_int_equal(tk->tk_current, 1);                           \
		assert_int_equal(tk->tk_th[1].th_algo, 2);                     \
		assert_int_equal(tk->tk_th[1].th_gen, 77);                     \
		assert_uint64_equal(                                           \
		    tk->tk_th[1].th_scale, 0x123456789abcdef0ull);             \
		assert_uint64_equal(                                           \
		    tk->tk_th[1].th_offset_count, 0xdeadbeefu);                \
		assert_uint64_equal(                                           \
		    tk->tk_th[1].th_counter_mask, 0xffffffffu);                \
		assert_int64_equal(tk->tk_th[1].th_offset.sec, -5);            \
		assert_uint64_equal(                                           \
		    tk->tk_th[1].th_offset.frac, 0x8000000000000001ull);       \
		assert_int64_equal(tk->tk_th[1].th_boottime.sec, 1700000000);  \
		assert_uint64_equal(tk->tk_th[1].th_boottime.frac, 42);        \
	} while (0)

static void
test_byte_images(void **state)
{
	(void)state;
	CHECK_IMAGE(fbsd_vdso_timekeep_amd64, 16, 88, 8);
	CHECK_IMAGE(fbsd_vdso_timekeep_i386, 12, 80, 4);
	CHECK_IMAGE(fbsd_vdso_timekeep_arm64, 16, 88, 8);
	CHECK_IMAGE(fbsd_vdso_timekeep_armv7, 16, 88, 8);
	CHECK_IMAGE(fbsd_vdso_timekeep_riscv64, 16, 88, 8);
	CHECK_IMAGE(fbsd_vdso_timekeep_powerpc64, 16, 88, 8);
}

static void
test_md_images(void **state)
{
	static unsigned char img[88] __attribute__((aligned(8)));
	const struct fbsd_vdso_timehands_amd64 *x = (const void *)img;
	const struct fbsd_vdso_timehands_i386 *i = (const void *)img;
	const struct fbsd_vdso_timehands_arm64 *a = (const void *)img;

	(void)state;
	memset(img, 0, sizeof(img));
	put(img, 56, 1, 4);
	put(img, 60, 3, 4);
	put(img, 64, 0x0102030405060708ull, 8);
	put(img, 72, 0x01, 1);
	assert_int_equal(x->th_x86_shift, 1);
	assert_int_equal(x->th_x86_hpet_idx, 3);
	assert_uint64_equal(x->th_x86_pvc_last_systime, 0x0102030405060708ull);
	assert_int_equal(x->th_x86_pvc_stable_mask, PVCLOCK_FLAG_TSC_STABLE);
	assert_int_equal(a->th_physical, 1);
	memset(img, 0, sizeof(img));
	put(img, 48, 2, 4);
	put(img, 52, 9, 4);
	put(img, 56, 0x1122334455667788ull, 8);
	put(img, 64, 0x01, 1);
	assert_int_equal(i->th_x86_shift, 2);
	assert_int_equal(i->th_x86_hpet_idx, 9);
	assert_uint64_equal(i->th_x86_pvc_last_systime, 0x1122334455667788ull);
	assert_int_equal(i->th_x86_pvc_stable_mask, 1);
}

static void
test_constants(void **state)
{
	(void)state;
	assert_int_equal(VDSO_TK_VER_CURR, 1);
	assert_int_equal(VDSO_TH_NUM, 4);
	assert_int_equal(AT_TIMEKEEP, 22);
	assert_int_equal(AT_NCPUS, 19);
	assert_int_equal(VDSO_TH_ALGO_X86_TSC, 1);
	assert_int_equal(VDSO_TH_ALGO_X86_HPET, 2);
	assert_int_equal(VDSO_TH_ALGO_X86_HVTSC, 3);
	assert_int_equal(VDSO_TH_ALGO_X86_PVCLK, 4);
	assert_int_equal(VDSO_TH_ALGO_ARM_GENTIM, 1);
	assert_int_equal(VDSO_TH_ALGO_RISCV_RDTIME, 1);
	assert_int_equal(VDSO_TH_ALGO_PPC_TB, 1);
	assert_int_equal(FBSD_CLOCK_REALTIME, 0);
	assert_int_equal(FBSD_CLOCK_MONOTONIC, 4);
	assert_int_equal(FBSD_CLOCK_UPTIME, 5);
	assert_int_equal(FBSD_CLOCK_UPTIME_PRECISE, 7);
	assert_int_equal(FBSD_CLOCK_UPTIME_FAST, 8);
	assert_int_equal(FBSD_CLOCK_REALTIME_PRECISE, 9);
	assert_int_equal(FBSD_CLOCK_REALTIME_FAST, 10);
	assert_int_equal(FBSD_CLOCK_MONOTONIC_PRECISE, 11);
	assert_int_equal(FBSD_CLOCK_MONOTONIC_FAST, 12);
	assert_int_equal(FBSD_CLOCK_SECOND, 13);
	assert_int_equal(FBSD_CLOCK_THREAD_CPUTIME_ID, 14);
	assert_int_equal(FBSD_CLOCK_PROCESS_CPUTIME_ID, 15);
	assert_int_equal(FBSD_CLOCK_BOOTTIME, 5);
	assert_int_equal(FBSD_CLOCK_REALTIME_COARSE, 10);
	assert_int_equal(FBSD_CLOCK_MONOTONIC_COARSE, 12);
	assert_int_equal(HPET_DEV_MAP_MAX, 10);
	assert_int_equal(HPET_MAIN_COUNTER, 0xf0);
	assert_int_equal(sizeof(struct fbsd_pvclock_vcpu_time_info), 32);
	assert_int_equal(offsetof(struct fbsd_hyperv_reftsc, tsc_ofs), 16);
}

/* The host alias is one of the six, and its block is the kernel's size. */
static void
test_host_layout(void **state)
{
	(void)state;
	assert_int_equal(FBSD_TK_BLOCK_SIZE, 368);
	assert_int_equal(sizeof(struct fbsd_vdso_timehands), 88);
	assert_int_equal(sizeof(struct fbsd_vdso_timekeep), 16);
	assert_true(strcmp(FBSD_HOST_ABI, "amd64") == 0 ||
	    strcmp(FBSD_HOST_ABI, "arm64") == 0 ||
	    strcmp(FBSD_HOST_ABI, "riscv64") == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mi_offsets),
		cmocka_unit_test(test_md_offsets),
		cmocka_unit_test(test_byte_images),
		cmocka_unit_test(test_md_images),
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_host_layout),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
