/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of the FreeBSD timekeep source share, and what the tests
 * and the benchmark call directly.  The source reads the kernel's timekeep
 * page as FreeBSD's libc does (lib/libc/sys/__vdso_gettimeofday.c and the
 * per-arch __vdso_gettc.c); see src/source/freebsd.c for the whole story.
 *
 * Files and what each provides (the build picks them, STYLE 4 and 10):
 *   freebsd.c              the source: attach, clock ids, hooks, page info
 *   fbsd_reader.h          the generation-loop reader and its entry points,
 *                          built into the arch file that includes it
 *   fbsd_<arch>.c          the counter per th_algo, the reader around it
 *                          (x86_64, aarch64, riscv64)
 *   fbsd_x86_dev.c         HPET, Hyper-V and pvclock readers (x86, any OS)
 *   fbsd_dev_freebsd.c     opening those devices (x86 FreeBSD)
 *   fbsd_dev_none.c        no such devices (x86 Linux)
 *   fbsd_os_<os>.c         finding the kernel's page, host clock ids
 *
 * Routing values (STYLE 45): -ENOSYS means "this page cannot answer" (no
 * page, disabled, unknown version or algo, bad index); -EAGAIN means the
 * retry bound was reached.  Both send clock.c to the next source down.
 */
#ifndef TK_SOURCE_FREEBSD_H
#define TK_SOURCE_FREEBSD_H

#include <stdint.h>
#include <time.h>

#include "abi/fbsd_vdso.h"
#include "timekeep.h"

/*
 * Internal results of the reader (src/source/fbsd_reader.h), never seen
 * outside it: positive, so never mistaken for a routing value.
 *   FBSD_HALF  a pass's counter delta is past half the mask;
 *   FBSD_SLOW  the first pass cannot finish: go on with the full loop.
 */
#define FBSD_HALF 1
#define FBSD_SLOW 2

/*
 * Per architecture (fbsd_<arch>.c).  The reader: uptime (abs == 0) or
 * realtime (abs != 0) as bintime from the page tk, with an ordered or a
 * relaxed counter read; FreeBSD binuptime().  getnanouptime: th_offset of
 * the current slot, no counter read; FreeBSD getnanouptime().  Both return
 * 0 or a routing value, and store in *passes (if not NULL) how many passes
 * of the generation loop they made (at most TK_TH_READ_TRIES).
 */
int tk__fbsd_binuptime(const struct fbsd_vdso_timekeep *tk, int abs,
    int ordered, struct tk_bintime *bt, unsigned *passes);
int tk__fbsd_getnanouptime(const struct fbsd_vdso_timekeep *tk,
    struct tk_bintime *bt, unsigned *passes);
/*
 * binuptime and the exact ns floor in one: Go's nanotime1 and walltime.
 * The result comes back in registers (RAX:RDX on x86-64, x0:x1 on arm64):
 * through a pointer, the caller's load of it would wait for a
 * store-to-load forward (about 2 ns a read on an AMD EPYC KVM guest,
 * Linux 6.18: 23.4 against 21.3 ns with bench_freebsd.c's counter).
 * The first pass and the rest of the loop are separate functions so that
 * the first stays a leaf (see fbsd_nanotime_first() in fbsd_reader.h);
 * tk__fbsd_nanotime() joins them.
 */
struct tk__fbsd_ns {
	int64_t ns;
	int err; /* 0, a routing value, or FBSD_SLOW from the first pass */
};
/* The first pass per (abs, ordered), and the rest of the loop. */
struct tk__fbsd_ns tk__fbsd_nanotime_00(const struct fbsd_vdso_timekeep *tk);
struct tk__fbsd_ns tk__fbsd_nanotime_01(const struct fbsd_vdso_timekeep *tk);
struct tk__fbsd_ns tk__fbsd_nanotime_10(const struct fbsd_vdso_timekeep *tk);
struct tk__fbsd_ns tk__fbsd_nanotime_11(const struct fbsd_vdso_timekeep *tk);
struct tk__fbsd_ns tk__fbsd_nanotime_slow(
    const struct fbsd_vdso_timekeep *tk, int abs, int ordered);

/*
 * Inline, so that a caller with constant abs and ordered calls its leaf
 * directly and another pays only predicted branches.
 */
static inline struct tk__fbsd_ns
tk__fbsd_nanotime(const struct fbsd_vdso_timekeep *tk, int abs, int ordered)
{
	struct tk__fbsd_ns r;

	if (ordered)
		r = abs ? tk__fbsd_nanotime_11(tk) : tk__fbsd_nanotime_01(tk);
	else
		r = abs ? tk__fbsd_nanotime_10(tk) : tk__fbsd_nanotime_00(tk);
	if (__builtin_expect(r.err == FBSD_SLOW, 0))
		r = tk__fbsd_nanotime_slow(tk, abs, ordered);
	return r;
}

/* Prepare the counter reads (x86: choose the TSC fence); idempotent. */
void tk__fbsd_arch_init(void);
/* How the CPU counter is read, for the benchmark's report. */
const char *tk__fbsd_counter_name(void);

/*
 * freebsd.c.  clock_gettime for a FreeBSD clock id (sys/sys/_clock_id.h
 * numbers) from the page tk, as libc's __vdso_clock_gettime: 0, or -ENOSYS
 * for an id the page does not serve, or a routing value from the reader.
 */
int tk__fbsd_clock_gettime(
    const struct fbsd_vdso_timekeep *tk, int fbsd_id, struct timespec *ts);

/*
 * Per OS (fbsd_os_<os>.c).  The FreeBSD clock id that serves the host
 * clock id, or -1 when the page does not serve it.  And the kernel's own
 * page: 0 and *page, or a negative errno with *why set to a static sentence.
 */
int tk__fbsd_host_clock(clockid_t id);
int tk__fbsd_attach(const void **page, const char **why);

/*
 * scale * delta added to *bt without overflow: th_scale is 2^64 / f, so the
 * 64-bit product overflows once delta is about one second of counts (a
 * reader preempted for a second, a slot the kernel stopped updating).
 * FreeBSD's libc (and kern_tc.c) then splits the product at bit 32 of the
 * scale when fls(scale) + fls(delta) > 63; this tests the overflow exactly
 * instead (the multiply sets the flag for free) and splits the same way:
 * scale * delta = (scale_hi * delta) << 32 + scale_lo * delta, where the
 * first term's top 32 bits are whole seconds.  Exact for every input.
 */
static inline void
tk__fbsd_bintime_add_scaled(
    struct tk_bintime *bt, uint64_t scale, uint32_t delta)
{
	uint64_t x;

	if (__builtin_expect(
	        __builtin_mul_overflow(scale, (uint64_t)delta, &x), 0)) {
		x = (scale >> 32) * delta;
		bt->sec += (int64_t)(x >> 32);
		tk_bintime_addx(bt, x << 32);
		x = (scale & 0xffffffffu) * delta;
	}
	tk_bintime_addx(bt, x);
}

/*
 * The exact ns floor of off + scale * delta, equal to tk_bintime_to_ns() of
 * that sum, computed so that little waits for the counter: an ordered
 * counter read waits for every earlier instruction, so the work between
 * one read's counter and the next read is paid in full, while work that
 * needs only the slot runs in the counter read's shadow.
 *
 * ns = floor((off + scale * delta) * 10^9 / 2^64), where with
 * F = off.frac * 10^9 and S = scale * 10^9 (both < 2^94):
 *	ns = off.sec * 10^9 + F_hi + S_hi * delta +
 *	     floor((F_lo + S_lo * delta) / 2^64)
 * (x_hi, x_lo the halves at bit 64).  S_hi < 2^30, so S_hi * delta < 2^62.
 * The first three terms and F_lo form one 128-bit addend ready beside the
 * product, so after the counter there is one 64 x 64 -> 128 multiply and
 * one 128-bit add (x86-64: MUL, ADD, ADC).  The sum is taken modulo 2^64
 * and read as signed, which is exact for any time within +-292 years.
 */
static inline int64_t
tk__fbsd_ns_scaled(const struct tk_bintime *off, uint64_t scale, uint32_t delta)
{
	unsigned __int128 f = (unsigned __int128)off->frac * 1000000000u;
	unsigned __int128 sc = (unsigned __int128)scale * 1000000000u;
	uint64_t hi = (uint64_t)off->sec * 1000000000u + (uint64_t)(f >> 64) +
	    (uint64_t)(sc >> 64) * delta;
	unsigned __int128 sum = ((unsigned __int128)hi << 64 | (uint64_t)f) +
	    (unsigned __int128)(uint64_t)sc * delta;

	return (int64_t)(uint64_t)(sum >> 64);
}

#endif /* TK_SOURCE_FREEBSD_H */
