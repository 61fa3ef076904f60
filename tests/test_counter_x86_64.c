/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86-64 part of test_counter: how the ordered TSC read is chosen.
 * tk__x86_order_select() must follow FreeBSD lib/libc/x86/sys/__vdso_gettc.c
 * tsc_selector_idx(), checked here with injected
 * CPUID words:
 *
 *   CPUID 1 EDX == 0                 -> no fence (checked before all else)
 *   CPUID 0x80000001 EDX bit 27      -> RDTSCP, whatever the vendor
 *   no SSE2 (CPUID 1 EDX bit 26)     -> no fence
 *   "AuthenticAMD", "HygonGenuine"   -> MFENCE; RDTSC
 *   every other vendor               -> LFENCE; RDTSC
 *
 * Each rule is checked with every other bit of the word set and clear, so
 * only the named bit may decide, and the vendor is passed in a 12-byte
 * heap buffer so AddressSanitizer sees a read past its end.
 * tk__x86_order_init() must pick what this CPU's CPUID implies; the test
 * reads CPUID itself with <cpuid.h> and applies the rules above.  Every
 * ordering mode this CPU can run is then read 10^5 times in a row, and
 * the modes the library may choose here keep cross-thread causality.
 */
#include <cpuid.h>
#include <inttypes.h>
#include <string.h>

#include "counter.h"
#include "tk_test.h"

#define SSE2 (1u << 26) /* CPUID 1 EDX */
#define RDTSCP (1u << 27) /* CPUID 0x80000001 EDX */

uint64_t counter_read_ordered(void);
uint64_t causality_rounds(uint64_t (*read)(void), uint64_t n, uint64_t *fresh,
    uint64_t *worst, int *rounds);
void counter_arch_setup(void);

/* tk__x86_order as the process started, before any init. */
static int order_at_start;

void
counter_arch_setup(void)
{
	order_at_start = __atomic_load_n(&tk__x86_order, __ATOMIC_RELAXED);
	tk__x86_order_init();
}

static const char *const order_names[] = {
	[TK_X86_ORDER_MFENCE_LFENCE] = "mfence+lfence (before init)",
	[TK_X86_ORDER_RDTSCP] = "rdtscp",
	[TK_X86_ORDER_LFENCE] = "lfence",
	[TK_X86_ORDER_MFENCE] = "mfence",
	[TK_X86_ORDER_NONE] = "none",
};

static const char *
order_name(int o)
{
	if (o < 0 || o > TK_X86_ORDER_NONE)
		return "?";
	return order_names[o];
}

/* tk__x86_order_select() with the vendor in exactly 12 heap bytes. */
static int
sel(uint32_t edx1, uint32_t edx81, const char *vendor)
{
	char *v = malloc(12);
	int o;

	assert_non_null(v);
	memcpy(v, vendor, 12);
	o = tk__x86_order_select(edx1, edx81, v);
	free(v);
	return o;
}

static void
expect(uint32_t edx1, uint32_t edx81, const char *vendor, int want)
{
	int got = sel(edx1, edx81, vendor);

	if (got != want)
		fail_msg("edx1 %#010" PRIx32 " edx81 %#010" PRIx32
		         " vendor \"%.12s\": %s, expected %s",
		    edx1, edx81, vendor, order_name(got), order_name(want));
}

/* 12 bytes each, not strings: no terminator is passed. */
static const char *const amd_like[] = { "AuthenticAMD", "HygonGenuine" };
static const char *const others[] = {
	"GenuineIntel",
	"GenuineIotel", /* some Intel parts, per Linux */
	"CentaurHauls",
	"  Shanghai  ",
	"HygonGenuinE", /* near misses of the two AMD-like names */
	"AuthenticAMd",
	"AMDisbetter!",
	"\0\0\0\0\0\0\0\0\0\0\0\0",
};

static void
expect_all_vendors(uint32_t edx1, uint32_t edx81, int want_amd, int want_other)
{
	size_t i;

	for (i = 0; i < sizeof(amd_like) / sizeof(amd_like[0]); i++)
		expect(edx1, edx81, amd_like[i], want_amd);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		expect(edx1, edx81, others[i], want_other);
}

static void
test_select_edx1_zero(void **state)
{
	(void)state;
	/* Checked first, before RDTSCP (FreeBSD: "should not happen"). */
	expect_all_vendors(0, 0, TK_X86_ORDER_NONE, TK_X86_ORDER_NONE);
	expect_all_vendors(0, RDTSCP, TK_X86_ORDER_NONE, TK_X86_ORDER_NONE);
	expect_all_vendors(0, ~0u, TK_X86_ORDER_NONE, TK_X86_ORDER_NONE);
}

static void
test_select_rdtscp(void **state)
{
	int b;

	(void)state;
	expect_all_vendors(
	    SSE2, RDTSCP, TK_X86_ORDER_RDTSCP, TK_X86_ORDER_RDTSCP);
	expect_all_vendors(~0u, ~0u, TK_X86_ORDER_RDTSCP, TK_X86_ORDER_RDTSCP);
	/* RDTSCP wins over a missing SSE2 too (step 1 before step 2). */
	expect_all_vendors(1, RDTSCP, TK_X86_ORDER_RDTSCP, TK_X86_ORDER_RDTSCP);
	expect_all_vendors(
	    ~SSE2, RDTSCP, TK_X86_ORDER_RDTSCP, TK_X86_ORDER_RDTSCP);
	/* Bit 27 and only bit 27 of 0x80000001 EDX. */
	expect_all_vendors(
	    SSE2, ~RDTSCP, TK_X86_ORDER_MFENCE, TK_X86_ORDER_LFENCE);
	for (b = 0; b < 32; b++) {
		uint32_t bit = 1u << b;

		if (bit == RDTSCP)
			continue;
		expect_all_vendors(
		    SSE2, bit, TK_X86_ORDER_MFENCE, TK_X86_ORDER_LFENCE);
		expect_all_vendors(SSE2, RDTSCP | bit, TK_X86_ORDER_RDTSCP,
		    TK_X86_ORDER_RDTSCP);
	}
}

static void
test_select_no_sse2(void **state)
{
	int b;

	(void)state;
	/* A non-zero EDX without bit 26: a bare RDTSC for every vendor. */
	for (b = 0; b < 32; b++) {
		uint32_t bit = 1u << b;

		if (bit == SSE2)
			continue;
		expect_all_vendors(
		    bit, 0, TK_X86_ORDER_NONE, TK_X86_ORDER_NONE);
		expect_all_vendors(
		    bit, ~RDTSCP, TK_X86_ORDER_NONE, TK_X86_ORDER_NONE);
	}
	expect_all_vendors(~SSE2, 0, TK_X86_ORDER_NONE, TK_X86_ORDER_NONE);
}

static void
test_select_vendor_fence(void **state)
{
	int b;

	(void)state;
	/* SSE2, no RDTSCP: MFENCE on AMD and Hygon, LFENCE elsewhere. */
	expect_all_vendors(SSE2, 0, TK_X86_ORDER_MFENCE, TK_X86_ORDER_LFENCE);
	expect_all_vendors(~0u, 0, TK_X86_ORDER_MFENCE, TK_X86_ORDER_LFENCE);
	for (b = 0; b < 32; b++)
		expect_all_vendors(SSE2 | (1u << b), 0, TK_X86_ORDER_MFENCE,
		    TK_X86_ORDER_LFENCE);
}

/* What FreeBSD's rules say for this CPU, from our own CPUID read. */
static int
expected_here(char vendor[13], uint32_t *edx1, uint32_t *edx81)
{
	unsigned int a, b, c, d;

	memset(vendor, 0, 13);
	*edx1 = *edx81 = 0;
	if (__get_cpuid(0, &a, &b, &c, &d)) {
		memcpy(vendor, &b, 4);
		memcpy(vendor + 4, &d, 4);
		memcpy(vendor + 8, &c, 4);
	}
	if (__get_cpuid(1, &a, &b, &c, &d))
		*edx1 = d;
	if (__get_cpuid(0x80000001u, &a, &b, &c, &d))
		*edx81 = d;
	if (*edx1 == 0)
		return TK_X86_ORDER_NONE;
	if (*edx81 & RDTSCP)
		return TK_X86_ORDER_RDTSCP;
	if (!(*edx1 & SSE2))
		return TK_X86_ORDER_NONE;
	if (memcmp(vendor, "AuthenticAMD", 12) == 0 ||
	    memcmp(vendor, "HygonGenuine", 12) == 0)
		return TK_X86_ORDER_MFENCE;
	return TK_X86_ORDER_LFENCE;
}

static void
test_init_matches_cpuid(void **state)
{
	char vendor[13];
	uint32_t edx1, edx81;
	int want = expected_here(vendor, &edx1, &edx81), got;

	(void)state;
	/* Before init the read is ordered by both fences, right everywhere. */
	assert_int_equal(order_at_start, TK_X86_ORDER_MFENCE_LFENCE);
	tk__x86_order_init();
	got = __atomic_load_n(&tk__x86_order, __ATOMIC_RELAXED);
	print_message("vendor \"%s\", CPUID 1 EDX %#010" PRIx32
	              ", 0x80000001 EDX %#010" PRIx32 ": %s\n",
	    vendor, edx1, edx81, order_name(got));
	if (got != want)
		fail_msg("tk__x86_order_init chose %s, CPUID implies %s",
		    order_name(got), order_name(want));
	/* The same on a second call (idempotent, as rule 42 requires). */
	tk__x86_order_init();
	assert_int_equal(
	    __atomic_load_n(&tk__x86_order, __ATOMIC_RELAXED), want);
}

/* Every ordering this CPU can execute reads a non-decreasing counter. */
static void
test_every_order_reads(void **state)
{
	char vendor[13];
	uint32_t edx1, edx81;
	int o;

	(void)state;
	expected_here(vendor, &edx1, &edx81);
	for (o = TK_X86_ORDER_MFENCE_LFENCE; o <= TK_X86_ORDER_NONE; o++) {
		uint64_t i, n = tk_test_scale(100000), start, prev, v = 0;

		if (o == TK_X86_ORDER_RDTSCP && !(edx81 & RDTSCP)) {
			print_message("rdtscp: not on this CPU\n");
			continue;
		}
		__atomic_store_n(&tk__x86_order, o, __ATOMIC_RELAXED);
		start = prev = counter_read_ordered();
		for (i = 0; i < n; i++) {
			v = counter_read_ordered();
			if (v < prev)
				break;
			prev = v;
		}
		tk__x86_order_init();
		if (i < n)
			fail_msg("%s: read %" PRIu64 " went back, %" PRIu64
			         " after %" PRIu64,
			    order_name(o), i, v, prev);
		if (v <= start)
			fail_msg(
			    "%s: the counter did not advance", order_name(o));
	}
}

/*
 * Causality (see test_counter.c) in every mode.  Required of RDTSCP, of
 * the pre-init MFENCE; LFENCE and of the fence FreeBSD picks for this
 * vendor; the other fence and the bare RDTSC are only reported (on the
 * machine this was written on, a KVM guest on AMD EPYC, the bare RDTSC
 * fails hundreds of times in 10^6 checks, the fenced modes never).
 */
static void
test_every_order_causality(void **state)
{
	char vendor[13];
	uint32_t edx1, edx81;
	int o, vendor_fence;

	(void)state;
	vendor_fence = expected_here(vendor, &edx1, &edx81);
	if (vendor_fence == TK_X86_ORDER_RDTSCP)
		vendor_fence = memcmp(vendor, "AuthenticAMD", 12) == 0 ||
		        memcmp(vendor, "HygonGenuine", 12) == 0
		    ? TK_X86_ORDER_MFENCE
		    : TK_X86_ORDER_LFENCE;
	for (o = TK_X86_ORDER_MFENCE_LFENCE; o <= TK_X86_ORDER_NONE; o++) {
		uint64_t fresh, worst, bad, n = tk_test_scale(300000);
		int rounds,
		    required = o == TK_X86_ORDER_MFENCE_LFENCE ||
		    o == TK_X86_ORDER_RDTSCP || o == vendor_fence;

		if (o == TK_X86_ORDER_RDTSCP && !(edx81 & RDTSCP))
			continue;
		__atomic_store_n(&tk__x86_order, o, __ATOMIC_RELAXED);
		bad = causality_rounds(
		    counter_read_ordered, n, &fresh, &worst, &rounds);
		tk__x86_order_init();
		print_message("%s: %" PRIu64 " violations (worst %" PRIu64
		              " ticks) in %d x 2 x %" PRIu64
		              "+ checks, %" PRIu64 " fresh%s\n",
		    order_name(o), bad, worst, rounds, n, fresh,
		    required ? "" : " (reported only)");
		if (required && bad != 0)
			fail_msg("%s: %" PRIu64 " causality violations",
			    order_name(o), bad);
	}
}

const char counter_arch_name[] = "counter_x86_64";
const struct CMUnitTest counter_arch_tests[] = {
	cmocka_unit_test(test_select_edx1_zero),
	cmocka_unit_test(test_select_rdtscp),
	cmocka_unit_test(test_select_no_sse2),
	cmocka_unit_test(test_select_vendor_fence),
	cmocka_unit_test(test_init_matches_cpuid),
	cmocka_unit_test(test_every_order_reads),
	cmocka_unit_test(test_every_order_causality),
};
const size_t counter_arch_ntests =
    sizeof(counter_arch_tests) / sizeof(counter_arch_tests[0]);
