/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of the FreeBSD timekeep source share, and what the tests
 * and the benchmark call directly.  The source reads the kernel's timekeep
 * page as FreeBSD's libc does (lib/libc/sys/__vdso_gettimeofday.c and the
 * per-arch __vdso_gettc.c); docs/freebsd.md tells the whole story.
 *
 * Files, each chosen by cmake/src_freebsd.cmake:
 *   freebsd.c              the source: attach, clock ids, hooks, page info
 *   fbsd_reader.c          the generation-loop reader (libc's binuptime()),
 *                          compiled once, around the arch's counter
 *   fbsd/<arch>/fbsd_machine.h   the host's page layout (generic names)
 *   fbsd/<arch>/fbsd_gettc.h     the counter per th_algo (see below)
 *   fbsd_fast.h, fbsd_front.c    the inline fast tier and the front
 *                          record it reads, made by the hooks
 *   fbsd_x86_dev.c         HPET, Hyper-V and pvclock readers (x86, any OS)
 *   fbsd_dev_freebsd.c     opening those devices (x86 FreeBSD)
 *   fbsd_dev_none.c        no such devices (x86 Linux)
 *   fbsd_os_<os>.c         finding the kernel's page, host clock ids
 *
 * Routing values: -ENOSYS means "this page cannot answer" (no page,
 * disabled, unknown version or algo, bad index); -EAGAIN means the retry
 * bound was reached.  Both send the caller to the next source down.
 */
#ifndef TK_SOURCE_FREEBSD_H
#define TK_SOURCE_FREEBSD_H

#include <stdint.h>
#include <time.h>

#include "abi/fbsd_vdso.h"
#include "timekeep.h"

/*
 * The CPU counter behind a slot, when it is the one tk__counter_ordered()
 * reads: ok = 1, cnt that 64-bit read and shift the low bits the kernel
 * drops from it (th_x86_shift, "TSC-low"; 0 elsewhere); ok = 0 for a device
 * counter or another register.  The front record is made from it.
 */
struct fbsd_cpu {
	uint64_t cnt;
	unsigned shift;
	int ok;
};

/*
 * Per architecture: src/source/fbsd/<arch>/fbsd_gettc.h, included by
 * fbsd_reader.c only, defines
 *
 *	static inline void fbsd_arch_init(void);
 *		prepare the counter reads (x86: choose the TSC's fence);
 *	static inline int fbsd_gettc(const struct fbsd_vdso_timehands *th,
 *	    uint32_t *tc, struct fbsd_cpu *cpu);
 *		the arch's __vdso_gettc(): 0 and the 32-bit counter value for
 *		slot th in *tc, read ordered, with *cpu as above; or a routing
 *		value for a th_algo it cannot read.
 */

/*
 * One validated pass of libc's binuptime() loop: the slot's fields, its
 * place on the page and the masked counter delta since th_offset_count.
 */
struct tk__fbsd_read {
	uint32_t idx, gen; /* tk_current and the slot's th_gen */
	uint64_t scale;
	struct tk_bintime offset, boottime;
	uint32_t delta, mask;
	struct fbsd_cpu cpu;
};

/*
 * fbsd_reader.c.  The reader: one validated pass over page tk, as libc's
 * binuptime() loop makes it, bounded by TK_TH_READ_TRIES passes: 0 and *rd,
 * or a routing value.  *passes (if not NULL) gets the passes made (0 for an
 * unknown tk_ver).  The counter is always read ordered and inside the pass,
 * after th_gen, as libc reads it: this is the full reader, which the fast
 * tier (fbsd_fast.h) leaves every case it does not serve to.
 */
int tk__fbsd_read(const struct fbsd_vdso_timekeep *tk, struct tk__fbsd_read *rd,
    unsigned *passes);
/* FreeBSD binuptime(): uptime (abs == 0) or realtime (abs != 0). */
int tk__fbsd_binuptime(const struct fbsd_vdso_timekeep *tk, int abs,
    struct tk_bintime *bt, unsigned *passes);
/* FreeBSD getnanouptime(): th_offset of the current slot, no counter. */
int tk__fbsd_getnanouptime(const struct fbsd_vdso_timekeep *tk,
    struct tk_bintime *bt, unsigned *passes);
/* Prepare the counter reads (x86: choose the TSC fence); idempotent. */
void tk__fbsd_arch_init(void);

/*
 * freebsd.c.  clock_gettime for a FreeBSD clock id (sys/sys/_clock_id.h
 * numbers) from the page tk, as libc's __vdso_clock_gettime: 0, or -ENOSYS
 * for an id the page does not serve, or a routing value from the reader.
 */
int tk__fbsd_clock_gettime(
    const struct fbsd_vdso_timekeep *tk, int fbsd_id, struct timespec *ts);
/* tk_freebsd_page_info() of the page in use: 0, or -ENOENT, -EFAULT. */
int tk__fbsd_page_info(struct tk_freebsd_page_info *pi);

/*
 * fbsd_front.c.  The front record of the fast tier (fbsd_fast.h), made
 * from a validated pass rd of page tk: made again when rd shows that the
 * page moved on, and only for the page the front is on for.
 * tk__fbsd_front_on(tk) turns it on for page tk (the source was chosen), or
 * off with NULL (the published record is withdrawn at once).
 */
void tk__fbsd_front_update(
    const struct fbsd_vdso_timekeep *tk, const struct tk__fbsd_read *rd);
/*
 * The record for the pass rd of page tk, computed into *n (not published):
 * 0, or -1 when the fast tier cannot serve this slot (a device or physical
 * counter, a narrow mask, a shift beyond 9, a second at the end of the
 * range).  Pure: the tests check its arithmetic directly.
 */
struct tk__fbsd_rec;
int tk__fbsd_front_make(const struct fbsd_vdso_timekeep *tk,
    const struct tk__fbsd_read *rd, struct tk__fbsd_rec *n);
void tk__fbsd_front_on(const struct fbsd_vdso_timekeep *tk);

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

/* The time of a validated pass: binuptime() after its loop. */
static inline void
tk__fbsd_read_bintime(
    const struct tk__fbsd_read *rd, int abs, struct tk_bintime *bt)
{
	*bt = rd->offset;
	tk__fbsd_bintime_add_scaled(bt, rd->scale, rd->delta);
	if (abs)
		tk_bintime_add(bt, &rd->boottime);
}

/*
 * The exact ns floor of bt (FreeBSD bintime2ns()), saturated at the int64
 * range instead of wrapped: the page can hold any 64-bit second, and a
 * boot time past 2262 (FreeBSD's settimeofday accepts one) would otherwise
 * read as a date before 1970.
 */
static inline int64_t
tk__fbsd_bintime_to_ns_sat(const struct tk_bintime *bt)
{
	__int128 ns = (__int128)bt->sec * 1000000000 +
	    (__int128)(((unsigned __int128)bt->frac * 1000000000u) >> 64);

	if (ns > INT64_MAX)
		return INT64_MAX;
	if (ns < INT64_MIN)
		return INT64_MIN;
	return (int64_t)ns;
}

#endif /* TK_SOURCE_FREEBSD_H */
