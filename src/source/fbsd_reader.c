/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader: FreeBSD lib/libc/sys/__vdso_gettimeofday.c
 * binuptime() and getnanouptime(), on the generation protocol of
 * src/timehands.h, whose writer side is the kernel's
 * sys/kern/kern_sharedpage.c timehands_update().  Compiled once; the
 * counter per th_algo comes from fbsd_gettc.h, found by its fixed name in
 * this build's src/source/fbsd/<arch>/, as libc builds one
 * __vdso_gettimeofday.c around each arch's __vdso_gettc.c.
 *
 * This is the full reader: the hooks of src/source/freebsd.c call it for
 * every read the inline fast tier (fbsd_fast.h) leaves to them.  Where it
 * differs from libc, and why:
 *   - every field the result needs is copied inside the loop and the
 *     arithmetic is done on the copies after the pass has been validated;
 *     libc adds into the output as it goes;
 *   - the loop is bounded (TK_TH_READ_TRIES, then -EAGAIN) and tk_current
 *     is bounds-checked, so a hostile page cannot hang or crash a reader;
 *     libc loops forever and indexes unchecked;
 *   - libc's EAGAIN "continue" in a do/while jumps to the loop test and can
 *     return without the counter delta; here a failed counter read after a
 *     valid snapshot routes, and a torn one retries;
 *   - tk_ver is checked on every call, as libc does after its lazy fetch.
 * The counter is read ordered, after th_gen, as libc reads it, for relaxed
 * callers too: a delta then is the one libc computes, however large (a
 * page the kernel stopped updating), never the wrap of a read taken early.
 */
#include <errno.h>

#include "fbsd_gettc.h"
#include "source/freebsd.h"
#include "timehands.h"

void
tk__fbsd_arch_init(void)
{
	fbsd_arch_init();
}

/*
 * One pass of binuptime()'s loop: 0 with *rd filled, -EAGAIN when the slot
 * was being written or replaced meanwhile (retry), or another routing
 * value when the page cannot answer.
 */
static int
fbsd_pass(const struct fbsd_vdso_timekeep *tk, struct tk__fbsd_read *rd)
{
	const struct fbsd_vdso_timehands *th;
	uint32_t curr, gen, tc = 0, oc;
	int err;

	/* Plain in libc; read again on every pass as libc does. */
	if (__builtin_expect(tk__load_relaxed(&tk->tk_enabled) == 0, 0))
		return -ENOSYS;
	/* atomic_load_acq_32(&tk->tk_current): see tk__th_read_current(). */
	curr = tk__th_read_current(&tk->tk_current);
	if (__builtin_expect(curr >= VDSO_TH_NUM, 0))
		return -ENOSYS;
	th = &tk->tk_th[curr];
	/* atomic_load_acq_32(&th->th_gen): see tk__th_read_begin(). */
	gen = tk__th_read_begin(&th->th_gen);
	rd->offset.sec = tk__load_relaxed(&th->th_offset.sec);
	rd->offset.frac = tk__load_relaxed(&th->th_offset.frac);
	rd->boottime.sec = tk__load_relaxed(&th->th_boottime.sec);
	rd->boottime.frac = tk__load_relaxed(&th->th_boottime.frac);
	rd->scale = tk__load_relaxed(&th->th_scale);
	rd->mask = tk__load_relaxed(&th->th_counter_mask);
	oc = tk__load_relaxed(&th->th_offset_count);
	err = fbsd_gettc(th, &tc, &rd->cpu);
	/*
	 * atomic_thread_fence_acq(), then the plain re-loads of tk_current
	 * and th_gen: inside tk__th_read_retry().
	 */
	if (tk__th_read_retry(&tk->tk_current, &th->th_gen, curr, gen))
		return -EAGAIN;
	if (__builtin_expect(err != 0, 0))
		return err;
	/* tc_delta(): 32-bit modular difference, masked. */
	rd->delta = (tc - oc) & rd->mask;
	rd->idx = curr;
	rd->gen = gen;
	return 0;
}

int
tk__fbsd_read(const struct fbsd_vdso_timekeep *tk, struct tk__fbsd_read *rd,
    unsigned *passes)
{
	unsigned pass = 0;
	int err = -ENOSYS;

	if (__builtin_expect(
	        tk__load_relaxed(&tk->tk_ver) == VDSO_TK_VER_CURR, 1)) {
		for (pass = 1; pass <= TK_TH_READ_TRIES; pass++) {
			err = fbsd_pass(tk, rd);
			if (err != -EAGAIN)
				break;
		}
		if (pass > TK_TH_READ_TRIES)
			pass = TK_TH_READ_TRIES;
	}
	if (passes != NULL)
		*passes = pass;
	return err;
}

int
tk__fbsd_binuptime(const struct fbsd_vdso_timekeep *tk, int abs,
    struct tk_bintime *bt, unsigned *passes)
{
	struct tk__fbsd_read rd;
	int err = tk__fbsd_read(tk, &rd, passes);

	if (err == 0)
		tk__fbsd_read_bintime(&rd, abs, bt);
	return err;
}

int
tk__fbsd_getnanouptime(const struct fbsd_vdso_timekeep *tk,
    struct tk_bintime *bt, unsigned *passes)
{
	const struct fbsd_vdso_timehands *th;
	struct tk_bintime off = { 0, 0 };
	uint32_t curr, gen;
	unsigned pass = 0;
	int err = -ENOSYS;

	if (tk__load_relaxed(&tk->tk_ver) != VDSO_TK_VER_CURR)
		goto out;
	for (pass = 1; pass <= TK_TH_READ_TRIES; pass++) {
		err = -ENOSYS;
		if (tk__load_relaxed(&tk->tk_enabled) == 0)
			break;
		/* atomic_load_acq_32(&tk->tk_current): tk__th_read_current(). */
		curr = tk__th_read_current(&tk->tk_current);
		if (curr >= VDSO_TH_NUM)
			break;
		th = &tk->tk_th[curr];
		/* atomic_load_acq_32(&th->th_gen): tk__th_read_begin(). */
		gen = tk__th_read_begin(&th->th_gen);
		off.sec = tk__load_relaxed(&th->th_offset.sec);
		off.frac = tk__load_relaxed(&th->th_offset.frac);
		/* atomic_thread_fence_acq() and the re-checks: in there. */
		err = tk__th_read_retry(&tk->tk_current, &th->th_gen, curr, gen)
		    ? -EAGAIN
		    : 0;
		if (err == 0)
			break;
	}
	if (pass > TK_TH_READ_TRIES)
		pass = TK_TH_READ_TRIES;
	if (err == 0)
		*bt = off;
out:
	if (passes != NULL)
		*passes = pass;
	return err;
}
