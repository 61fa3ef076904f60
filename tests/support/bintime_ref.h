/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the bintime tests (tests/test_bintime*.c) share: the constants of
 * a second's fractions, 128-bit reference arithmetic on the value
 * sec * 2^64 + frac, the conversion through the top 32 bits of frac that
 * older FreeBSD and Go use, and the public arithmetic as functions of
 * values.  Header only, every helper static inline; test-only.
 */
#ifndef TK_BINTIME_REF_H
#define TK_BINTIME_REF_H

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "timekeep.h"
#include "tk_test.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

#define NS 1000000000u /* units per second of a timespec */
#define US 1000000u /* units per second of a timeval */
#define FRAC_MAX UINT64_MAX
#define HALF (UINT64_C(1) << 63) /* 0.5 s */
#define QUARTER (UINT64_C(1) << 62) /* 0.25 s */
#define TWO64 ((i128)1 << 64)

/* The fraction of 1 ns: ceil(2^64 / 10^9) = ceil(18446744073.709...). */
#define FRAC_1NS UINT64_C(18446744074)
/* The fraction of 10^9 - 1 ns: ceil((10^9 - 1) * 2^64 / 10^9). */
#define FRAC_999999999NS UINT64_C(0xfffffffbb47d05f7)
/* The fraction of 1 us: ceil(2^64 / 10^6) = ceil(18446744073709.55...). */
#define FRAC_1US UINT64_C(18446744073710)
/* The fraction of 10^6 - 1 us: ceil((10^6 - 1) * 2^64 / 10^6). */
#define FRAC_999999US UINT64_C(0xffffef39085f4a13)

/* 128-bit references: the exact floor and ceiling the helpers promise. */
static inline uint64_t
ref_to_units(uint64_t frac, uint32_t unit)
{
	return (uint64_t)(((u128)frac * unit) >> 64);
}

static inline uint64_t
ref_to_frac(uint64_t n, uint32_t unit)
{
	return (uint64_t)((((u128)n << 64) + unit - 1) / unit);
}

/* sec * 2^64 + frac: every bintime fits, INT64_MIN * 2^64 = -2^127 too. */
static inline i128
bt_value(const struct tk_bintime *bt)
{
	return (i128)bt->sec * TWO64 + (i128)bt->frac;
}

/*
 * The bintime of a value in range: frac is the low 64 bits, sec the high
 * 64 bits as two's complement (done unsigned, so no shift of a negative).
 */
static inline struct tk_bintime
bt_of_value(i128 v)
{
	struct tk_bintime bt;
	u128 u = (u128)v;

	bt.sec = (int64_t)(uint64_t)(u >> 64);
	bt.frac = (uint64_t)u;
	return bt;
}

/* Older FreeBSD bintime2timespec: 10^9 times the top 32 bits of frac. */
static inline uint64_t
old_to_units(uint64_t frac, uint32_t unit)
{
	return ((uint64_t)unit * (uint32_t)(frac >> 32)) >> 32;
}

static inline struct tk_bintime
bt(int64_t sec, uint64_t frac)
{
	struct tk_bintime b;

	b.sec = sec;
	b.frac = frac;
	return b;
}

static inline void
assert_bt(struct tk_bintime got, int64_t sec, uint64_t frac)
{
	if (got.sec != sec || got.frac != frac)
		print_error("bintime {%" PRId64 ", %#" PRIx64
		            "}, expected {%" PRId64 ", %#" PRIx64 "}\n",
		    got.sec, got.frac, sec, frac);
	assert_int64_equal(got.sec, sec);
	assert_uint64_equal(got.frac, frac);
}

static inline struct tk_bintime
add(struct tk_bintime a, struct tk_bintime b)
{
	tk_bintime_add(&a, &b);
	return a;
}

static inline struct tk_bintime
addx(struct tk_bintime a, uint64_t x)
{
	tk_bintime_addx(&a, x);
	return a;
}

static inline struct tk_bintime
sub(struct tk_bintime a, struct tk_bintime b)
{
	tk_bintime_sub(&a, &b);
	return a;
}

static inline struct tk_bintime
from_ns(int64_t ns)
{
	struct tk_bintime b;

	memset(&b, 0xa5, sizeof(b));
	tk_bintime_from_ns(&b, ns);
	return b;
}

#endif /* TK_BINTIME_REF_H */
