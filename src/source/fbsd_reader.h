/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader, inline: FreeBSD lib/libc/sys/
 * __vdso_gettimeofday.c binuptime() and getnanouptime(), on the generation
 * protocol of src/timehands.h (whose writer side the kernel's
 * kern_sharedpage.c timehands_update() is).
 *
 * Included by each src/source/fbsd_<arch>.c after it defines
 *
 *	static inline int fbsd_gettc(const struct fbsd_vdso_timehands *th,
 *	    uint64_t cnt, int dev, uint32_t *tc);
 *		the arch's __vdso_gettc(): the 32-bit counter value for slot
 *		th, made from cnt when th_algo names the CPU counter, else
 *		read from the device th_algo names, but only when dev != 0
 *		(FBSD_SLOW otherwise, so the first pass makes no call); or a
 *		routing value for a th_algo it cannot read;
 *
 * so the reader is built there with the counter read inlined, the way
 * Linux's arch vDSO files build lib/vdso/gettimeofday.c around their own
 * __arch_get_hw_counter().  It also defines the reader's entry points
 * (tk__fbsd_binuptime() and the rest, src/source/freebsd.h), so exactly one
 * file per build includes it.
 *
 * Where this differs from libc, and why:
 *   - the first pass uses a CPU counter read made before the page is
 *     touched, not one inside the loop (the reasoning, with numbers, is at
 *     fbsd_read_first());
 *   - every field the result needs is copied inside the loop and the
 *     arithmetic is done on the copies after it has been validated
 *     (STYLE 39); libc adds into the output as it goes;
 *   - the loop is bounded (TK_TH_READ_TRIES, then -EAGAIN) and tk_current
 *     is bounds-checked, so a hostile page cannot hang or crash a reader
 *     (STYLE 38, 47); libc loops forever and indexes unchecked;
 *   - libc's EAGAIN "continue" in a do/while jumps to the loop test and can
 *     return without the counter delta (FACTS 3.1); here a failed counter
 *     read after a valid snapshot routes, and a torn one retries;
 *   - tk_ver is checked on every call, as libc does after its lazy fetch.
 */
#ifndef TK_SOURCE_FBSD_READER_H
#define TK_SOURCE_FBSD_READER_H

#include <errno.h>

#include "source/freebsd.h"
#include "timehands.h"

/* The fields of one slot the result is computed from. */
struct fbsd_snap {
	uint64_t scale;
	struct tk_bintime offset;
	struct tk_bintime boottime;
};

/*
 * One pass of FreeBSD binuptime()'s loop over the page: 0 with the slot's
 * th_offset, th_scale (and th_boottime when abs != 0) in *s and the masked
 * counter delta since th_offset_count in *deltap; FBSD_HALF, the same with
 * a delta past half the mask; -EAGAIN when the slot was being written or
 * replaced meanwhile (retry); another routing value when the page cannot
 * answer.  cnt is the CPU counter, read before the pass, or with late != 0
 * read in it, after th_gen, as libc does; dev != 0 lets a device counter
 * be read (a call).  The delta is taken before the re-check
 * only so that th_offset_count and th_counter_mask die early (fewer live
 * registers); it is used only once the pass validates.
 */
static inline __attribute__((always_inline)) int
fbsd_pass(const struct fbsd_vdso_timekeep *tk, int abs, int ordered,
    uint64_t cnt, int late, int dev, struct fbsd_snap *s, uint32_t *deltap)
{
	const struct fbsd_vdso_timehands *th;
	uint32_t curr, gen, tc = 0, mask, delta;
	int err;

	/* Plain in libc; re-read on every pass as libc does. */
	if (__builtin_expect(tk__load_relaxed(&tk->tk_enabled) == 0, 0))
		return -ENOSYS;
	/* atomic_load_acq_32(&tk->tk_current): see timehands.h. */
	curr = tk__th_read_current(&tk->tk_current);
	if (__builtin_expect(curr >= VDSO_TH_NUM, 0))
		return -ENOSYS;
	th = &tk->tk_th[curr];
	/* atomic_load_acq_32(&th->th_gen): see timehands.h. */
	gen = tk__th_read_begin(&th->th_gen);
	s->offset.sec = tk__load_relaxed(&th->th_offset.sec);
	s->offset.frac = tk__load_relaxed(&th->th_offset.frac);
	s->scale = tk__load_relaxed(&th->th_scale);
	if (abs) {
		s->boottime.sec = tk__load_relaxed(&th->th_boottime.sec);
		s->boottime.frac = tk__load_relaxed(&th->th_boottime.frac);
	}
	if (late)
		cnt = tk__counter_read(ordered);
	err = fbsd_gettc(th, cnt, dev, &tc);
	/* tc_delta(): 32-bit modular difference, masked. */
	mask = tk__load_relaxed(&th->th_counter_mask);
	delta = (tc - tk__load_relaxed(&th->th_offset_count)) & mask;
	/*
	 * atomic_thread_fence_acq(), then the plain re-loads of tk_current
	 * and th_gen: inside tk__th_read_retry().
	 */
	if (tk__th_read_retry(&tk->tk_current, &th->th_gen, curr, gen))
		return -EAGAIN;
	*deltap = delta;
	if (__builtin_expect(err != 0, 0))
		return err;
	return __builtin_expect(delta > mask >> 1, 0) ? FBSD_HALF : 0;
}

/*
 * The rest of the loop, after a first pass that could not finish, bounded,
 * counting on from pass 2.  The CPU counter is read again at its start and
 * used as in the first pass, until a pass finds a slot wound up after that
 * read (FBSD_HALF, see fbsd_read_first()); from then on it is read inside
 * each pass, after th_gen, as libc reads it, and a delta past half the
 * mask is then a true one (a guest paused for more than half a wrap: libc
 * computes the same), unless the read was relaxed and may have been taken
 * early anyway: then it is clamped to the slot's base (STYLE 49).  Device
 * counters are read inside the pass, after th_gen.  The cold path: its
 * callers keep it out of line.
 */
static inline __attribute__((always_inline)) int
fbsd_read_slow(const struct fbsd_vdso_timekeep *tk, int abs, int ordered,
    struct fbsd_snap *s, uint32_t *deltap, unsigned *passes)
{
	uint64_t cnt = tk__counter_read(ordered);
	unsigned pass;
	int err = -EAGAIN, late = 0;

	for (pass = 2; pass <= TK_TH_READ_TRIES; pass++) {
		err = fbsd_pass(tk, abs, ordered, cnt, late, 1, s, deltap);
		if (err == -EAGAIN)
			continue;
		if (err != FBSD_HALF)
			break;
		if (late) {
			if (!ordered)
				*deltap = 0;
			err = 0;
			break;
		}
		late = 1;
		err = -EAGAIN;
	}
	*passes = pass > TK_TH_READ_TRIES ? TK_TH_READ_TRIES : pass;
	return err;
}

/*
 * The first pass of FreeBSD binuptime(bt, tk, abs)'s loop: 0 with the
 * validated slot in *s and the counter delta since its base in *delta;
 * FBSD_SLOW when the loop must go on (fbsd_read_slow()); or a routing
 * value.  *passes: 0 for an unknown tk_ver, else 1.
 *
 * Why the first pass uses a counter read made before the page is touched,
 * not one inside the loop as libc does: an ordered read (RDTSCP; ISB, MRS)
 * waits for every earlier instruction to execute, so what runs between one
 * call's counter read and the next call's is paid in full on every read.
 * Read first, the page loads run in the counter read's shadow; only the
 * arithmetic on the counter is left after it (tk__fbsd_ns_scaled()).  The
 * first pass is also written straight, without the loop's state, in a
 * leaf function per (abs, ordered), with the rest of the loop out of line
 * and the result returned in registers, so the common read keeps
 * everything in call-clobbered registers.  Measured with
 * bench/bench_freebsd.c on an AMD EPYC KVM guest (Linux 6.18, gcc 12):
 * libc's shape 24.6 ns a read, this one 21.3 ns, against 18.6 ns for the
 * bare RDTSCP (1.30 x down to 1.15 x; clang 14: 21.6 ns, 1.18 x).
 *
 * It stays correct because the value is only used with a slot whose base
 * it does not precede.  A counter read at entry is a time inside this
 * call, and the slot found afterwards was current at some point after it.
 * If the slot's windup read the counter before our read, the slot's line
 * gives the time at our value, exactly as libc computes it.  If the windup
 * came after our read (it raced with the call), the masked difference
 * wraps past half the mask, which no true delta reaches (the kernel winds
 * up at least three times per counter wrap, kern_tc.c
 * tc_min_ticktock_freq): the first pass is then discarded and the loop
 * goes on as libc's, reading the counter after th_gen.  So does a slot
 * that changed during the first pass, and one naming a device counter.
 */
static inline __attribute__((always_inline)) int
fbsd_read_first(const struct fbsd_vdso_timekeep *tk, int abs, int ordered,
    struct fbsd_snap *s, uint32_t *deltap, unsigned *passes)
{
	uint64_t cnt = tk__counter_read(ordered);
	int err;

	if (__builtin_expect(
	        tk__load_relaxed(&tk->tk_ver) != VDSO_TK_VER_CURR, 0)) {
		*passes = 0;
		return -ENOSYS;
	}
	*passes = 1;
	err = fbsd_pass(tk, abs, ordered, cnt, 0, 0, s, deltap);
	if (__builtin_expect(err == 0, 1))
		return 0;
	return err == -EAGAIN || err == FBSD_HALF ? FBSD_SLOW : err;
}

/* The bintime of a validated slot and delta. */
static inline __attribute__((always_inline)) void
fbsd_finish_bt(
    const struct fbsd_snap *s, int abs, uint32_t delta, struct tk_bintime *bt)
{
	*bt = s->offset;
	tk__fbsd_bintime_add_scaled(bt, s->scale, delta);
	if (abs)
		tk_bintime_add(bt, &s->boottime);
}

/*
 * The ns of a validated slot and delta.  Adding th_boottime before the
 * product instead of after is the same exact sum.
 */
static inline __attribute__((always_inline)) int64_t
fbsd_finish_ns(struct fbsd_snap *s, int abs, uint32_t delta)
{
	if (abs)
		tk_bintime_add(&s->offset, &s->boottime);
	return tk__fbsd_ns_scaled(&s->offset, s->scale, delta);
}

/* The rest of the loop after a first pass that could not finish. */
static __attribute__((noinline, cold)) int
fbsd_binuptime_slow(const struct fbsd_vdso_timekeep *tk, int abs, int ordered,
    struct tk_bintime *bt, unsigned *passes)
{
	struct fbsd_snap s = { 0, { 0, 0 }, { 0, 0 } };
	uint32_t delta = 0;
	int err;

	err = fbsd_read_slow(tk, abs, ordered, &s, &delta, passes);
	if (err == 0)
		fbsd_finish_bt(&s, abs, delta, bt);
	return err;
}

/* The rest of the loop after fbsd_nanotime_first(): the cold path. */
static inline __attribute__((always_inline)) struct tk__fbsd_ns
fbsd_nanotime_slow(const struct fbsd_vdso_timekeep *tk, int abs, int ordered)
{
	struct tk__fbsd_ns r = { 0, 0 };
	struct fbsd_snap s = { 0, { 0, 0 }, { 0, 0 } };
	uint32_t delta = 0;
	unsigned passes;

	r.err = fbsd_read_slow(tk, abs, ordered, &s, &delta, &passes);
	if (r.err == 0)
		r.ns = fbsd_finish_ns(&s, abs, delta);
	return r;
}

/* FreeBSD binuptime(bt, tk, abs), as a bintime. */
static inline __attribute__((always_inline)) int
fbsd_binuptime(const struct fbsd_vdso_timekeep *tk, int abs, int ordered,
    struct tk_bintime *bt, unsigned *passes)
{
	struct fbsd_snap s;
	uint32_t delta = 0;
	int err;

	err = fbsd_read_first(tk, abs, ordered, &s, &delta, passes);
	if (__builtin_expect(err == 0, 1)) {
		fbsd_finish_bt(&s, abs, delta, bt);
		return 0;
	}
	if (err == FBSD_SLOW)
		return fbsd_binuptime_slow(tk, abs, ordered, bt, passes);
	return err;
}

/*
 * The same time as the exact ns floor (Go's nanotime1 and walltime), first
 * pass only; err FBSD_SLOW asks the caller for tk__fbsd_nanotime_slow()
 * (the inline tk__fbsd_nanotime() does).  The caller makes that call so
 * that this stays a leaf, whose values fit in call-clobbered registers: no
 * callee-saved register is saved and restored around every read.  Returned
 * by value, so it stays in registers.
 */
static inline __attribute__((always_inline)) struct tk__fbsd_ns
fbsd_nanotime_first(const struct fbsd_vdso_timekeep *tk, int abs, int ordered)
{
	struct tk__fbsd_ns r = { 0, 0 };
	struct fbsd_snap s;
	uint32_t delta = 0;
	unsigned passes;

	r.err = fbsd_read_first(tk, abs, ordered, &s, &delta, &passes);
	if (__builtin_expect(r.err == 0, 1))
		r.ns = fbsd_finish_ns(&s, abs, delta);
	return r;
}

/* FreeBSD getnanouptime(bt, tk): the last windup's uptime, no counter. */
static inline __attribute__((always_inline)) int
fbsd_getnanouptime(const struct fbsd_vdso_timekeep *tk, struct tk_bintime *bt,
    unsigned *passes)
{
	const struct fbsd_vdso_timehands *th;
	struct fbsd_snap s;
	uint32_t curr, gen;
	unsigned pass;
	int err = 0;

	if (__builtin_expect(
	        tk__load_relaxed(&tk->tk_ver) != VDSO_TK_VER_CURR, 0)) {
		*passes = 0;
		return -ENOSYS;
	}
	for (pass = 1; pass <= TK_TH_READ_TRIES; pass++) {
		if (tk__load_relaxed(&tk->tk_enabled) == 0) {
			err = -ENOSYS;
			break;
		}
		/* atomic_load_acq_32(&tk->tk_current): see timehands.h. */
		curr = tk__th_read_current(&tk->tk_current);
		if (curr >= VDSO_TH_NUM) {
			err = -ENOSYS;
			break;
		}
		th = &tk->tk_th[curr];
		/* atomic_load_acq_32(&th->th_gen): see timehands.h. */
		gen = tk__th_read_begin(&th->th_gen);
		s.offset.sec = tk__load_relaxed(&th->th_offset.sec);
		s.offset.frac = tk__load_relaxed(&th->th_offset.frac);
		/* atomic_thread_fence_acq() and the re-checks: timehands.h. */
		if (!tk__th_read_retry(
		        &tk->tk_current, &th->th_gen, curr, gen)) {
			err = 0;
			break;
		}
		err = -EAGAIN;
	}
	*passes = pass > TK_TH_READ_TRIES ? TK_TH_READ_TRIES : pass;
	if (err == 0)
		*bt = s.offset;
	return err;
}

/*
 * The reader's entry points, declared in src/source/freebsd.h, defined here
 * in the one file per build that includes this header.
 */

int
tk__fbsd_binuptime(const struct fbsd_vdso_timekeep *tk, int abs, int ordered,
    struct tk_bintime *bt, unsigned *passes)
{
	unsigned n;
	int err;

	/* Four specialised copies: no run-time test of abs or ordered. */
	if (ordered)
		err = abs ? fbsd_binuptime(tk, 1, 1, bt, &n)
		          : fbsd_binuptime(tk, 0, 1, bt, &n);
	else
		err = abs ? fbsd_binuptime(tk, 1, 0, bt, &n)
		          : fbsd_binuptime(tk, 0, 0, bt, &n);
	if (passes != NULL)
		*passes = n;
	return err;
}

/*
 * The first pass, one leaf function per (abs, ordered): each gets its own
 * register allocation and none saves a callee-saved register.
 */
struct tk__fbsd_ns
tk__fbsd_nanotime_00(const struct fbsd_vdso_timekeep *tk)
{
	return fbsd_nanotime_first(tk, 0, 0);
}

struct tk__fbsd_ns
tk__fbsd_nanotime_01(const struct fbsd_vdso_timekeep *tk)
{
	return fbsd_nanotime_first(tk, 0, 1);
}

struct tk__fbsd_ns
tk__fbsd_nanotime_10(const struct fbsd_vdso_timekeep *tk)
{
	return fbsd_nanotime_first(tk, 1, 0);
}

struct tk__fbsd_ns
tk__fbsd_nanotime_11(const struct fbsd_vdso_timekeep *tk)
{
	return fbsd_nanotime_first(tk, 1, 1);
}

struct tk__fbsd_ns
tk__fbsd_nanotime_slow(
    const struct fbsd_vdso_timekeep *tk, int abs, int ordered)
{
	return fbsd_nanotime_slow(tk, abs, ordered);
}

int
tk__fbsd_getnanouptime(const struct fbsd_vdso_timekeep *tk,
    struct tk_bintime *bt, unsigned *passes)
{
	unsigned n;
	int err;

	err = fbsd_getnanouptime(tk, bt, &n);
	if (passes != NULL)
		*passes = n;
	return err;
}

#endif /* TK_SOURCE_FBSD_READER_H */
