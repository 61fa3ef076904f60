/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for bounded time's segment readers: the first bytes of
 * the input are the clock readings, the rest a ClockBound segment (80
 * bytes), a VMClock page (in a 4 KiB region) and an fbclock segment (64
 * bytes), each read with the code every tk_truetime() call runs
 * (tk__tt_cb_eval, tk__tt_vm_eval, tk__tt_fb_eval).  Whatever the bytes,
 * the readers must return, and any interval they give must be ordered
 * (earliest <= latest) and, when no bound is claimed, the whole range.
 * Run under ASan and UBSan: no overflow, no out-of-bounds read.  Built
 * and run by fuzz/run-fuzz.sh truetime.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "truetime/tt.h"

#define CB_SIZE 80
#define VM_SIZE 4096
#define FB_SIZE 64

static void
check(const struct tk_truetime *tt)
{
	int bound = tt->status == TK_TRUETIME_SYNCHRONIZED ||
	    tt->status == TK_TRUETIME_FREE_RUNNING;

	if (tt->earliest_ns > tt->latest_ns)
		abort();
	if (!bound &&
	    (tt->earliest_ns != INT64_MIN || tt->latest_ns != INT64_MAX ||
	        tt->age_ns != -1))
		abort();
	if (bound && tt->age_ns < 0)
		abort();
}

static int64_t
take64(const uint8_t **p, size_t *n)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *n > 0; i++, (*p)++, (*n)--)
		v |= (uint64_t) * *p << (8 * i);
	return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static _Alignas(64) unsigned char cb[CB_SIZE], vm[VM_SIZE], fb[FB_SIZE];
	struct tk_truetime tt;
	/* The clocks as the library reads them: within [0, 2^62). */
	int64_t mono = take64(&data, &size) & ((1LL << 62) - 1);
	int64_t real = take64(&data, &size) & ((1LL << 62) - 1);
	/* A namespace offset as tk__tt_timens_read accepts: below 2^31 s. */
	int64_t off = take64(&data, &size) % ((1LL << 31) * 1000000000LL);
	uint64_t counter = (uint64_t)take64(&data, &size);
	uint64_t marker = (uint64_t)take64(&data, &size);
	size_t n;

	memset(cb, 0, sizeof(cb));
	memset(vm, 0, sizeof(vm));
	memset(fb, 0, sizeof(fb));
	n = size < CB_SIZE ? size : CB_SIZE;
	memcpy(cb, data, n);
	tk__tt_cb_eval(cb, mono, real, off, (marker & 1) ? &marker : NULL, &tt);
	check(&tt);
	n = size < 112 ? size : 112;
	memcpy(vm, data, n);
	tk__tt_vm_eval(vm, sizeof(vm), counter, &tt);
	check(&tt);
	n = size < FB_SIZE ? size : FB_SIZE;
	memcpy(fb, data, n);
	tk__tt_fb_eval(fb, sizeof(fb), real, &tt);
	check(&tt);
	return 0;
}
