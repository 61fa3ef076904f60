/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The adjtimex provider: the kernel's own NTP error estimate, as chrony,
 * ntpd and systemd-timesyncd leave it (Linux kernel/time/ntp.c,
 * include/uapi/linux/timex.h; chrony sys_timex.c).
 *
 * adjtimex() with modes = 0 only reads.  maxerror (us) is the maximum
 * error of CLOCK_REALTIME: chrony sets it to root_delay/2 +
 * root_dispersion at each update, and the kernel adds 500 us (MAXFREQ,
 * 500 ppm) every second in second_overflow() until NTP_PHASE_LIMIT (16 s),
 * where it sets STA_UNSYNC.  No bound is claimed when STA_UNSYNC or
 * STA_CLOCKERR is set, when the call returns TIME_ERROR, or when maxerror
 * has reached 16 s: an unsynchronised kernel (this project's build
 * machines: state 5, STA_UNSYNC, maxerror 16 s) honestly gives UNKNOWN.
 *
 * The call is a system call, so it is never made per read: the reader
 * that finds the last reading a period (1 s) old makes the one call, into
 * the spare slot of a two-slot publication (src/truetime/tt_pub.h), so no
 * reader waits for it.  Between readings the bound grows as the kernel
 * grows maxerror:
 *   bound = maxerror + 500 us + (now - taken) x 500 ppm, rounded up,
 * where taken is CLOCK_MONOTONIC read before the call.  The extra 500 us
 * is the kernel's step at the next second boundary, which can come right
 * after the call: the kernel's own figure at any later time is at most
 * maxerror + 500 us x (whole seconds since + 1).  A reader whose clock
 * read preceded another thread's call (now < taken) uses age 0: the
 * bound it gets is the later one, wider by the 500 us.  esterror, the
 * estimated error, is reported by tk_truetime_info() only.
 */
#include <errno.h>
#include <sys/timex.h>

#include "atomic.h"
#include "truetime/tt.h"
#include "truetime/tt_now.h"
#include "truetime/tt_pub.h"

#define ADJ_PERIOD_NS TK_NSEC_PER_SEC
#define ADJ_MAXFREQ_PPB 500000 /* MAXFREQ, 500 ppm: 500 us a second */
#define ADJ_STEP_NS 500000 /* the kernel's step per second */
#define ADJ_PHASE_LIMIT_US 16000000L /* NTP_PHASE_LIMIT, 16 s */
#define ADJ_STA_UNSYNC 0x0040 /* include/uapi/linux/timex.h */
#define ADJ_STA_CLOCKERR 0x1000
#define ADJ_TIME_ERROR 5

/* Slot values: taken_ns, state (or -errno), status, maxerror, esterror. */
enum { V_TAKEN, V_STATE, V_STATUS, V_MAXERR, V_ESTERR, V_NV };

static struct tt_pub adj_pub;
static int64_t adj_due_ns; /* idempotent hint: relaxed */

/* adjtimex(2), modes 0, with errno saved and restored. */
static int
adj_sys(struct tk__tt_timex *tx)
{
	struct timex t = { 0 };
	int saved = errno;
	int st = adjtimex(&t);

	if (st < 0)
		st = -errno;
	errno = saved;
	tx->state = st;
	tx->status = t.status;
	tx->maxerror_us = t.maxerror;
	tx->esterror_us = t.esterror;
	return st;
}

static int
adj_call(struct tk__tt_timex *tx)
{
	*tx = (struct tk__tt_timex){ 0 };
	return tk__tt_hooks.adjtimex != NULL ? tk__tt_hooks.adjtimex(tx)
	                                     : adj_sys(tx);
}

static int64_t
adj_period(void)
{
	return tk__tt_hooks.adj_period_ns > 0 ? tk__tt_hooks.adj_period_ns
	                                      : ADJ_PERIOD_NS;
}

/* Take a reading at mono_ns (read before the call) and publish it. */
static void
adj_take(int64_t mono_ns)
{
	struct tk__tt_timex tx;
	int64_t v[V_NV];
	int st;

	tk__store_relaxed(&adj_due_ns, mono_ns + adj_period());
	st = adj_call(&tx);
	v[V_TAKEN] = mono_ns;
	v[V_STATE] = st;
	v[V_STATUS] = tx.status;
	v[V_MAXERR] = tx.maxerror_us;
	v[V_ESTERR] = tx.esterror_us;
	tt_pub_write(&adj_pub, v, V_NV);
}

/* A reading that claims a bound (see the top of the file). */
static int
adj_synced(const int64_t v[V_NV])
{
	return v[V_STATE] >= 0 && v[V_STATE] != ADJ_TIME_ERROR &&
	    (v[V_STATUS] & (ADJ_STA_UNSYNC | ADJ_STA_CLOCKERR)) == 0 &&
	    v[V_MAXERR] >= 0 && v[V_MAXERR] < ADJ_PHASE_LIMIT_US;
}

/*
 * Take a reading if one is due at mono_ns and no other reader is.  The due
 * time is checked again under the lock: a reader whose clock read came
 * before another's reading would otherwise make a second call.
 */
static int
adj_refresh(int64_t mono_ns)
{
	if (TK_LIKELY(mono_ns < tk__load_relaxed(&adj_due_ns)) ||
	    !tt_pub_trylock(&adj_pub))
		return 0;
	/* Relaxed: written under the lock, whose acquire this follows. */
	if (mono_ns < tk__load_relaxed(&adj_due_ns)) {
		tt_pub_unlock(&adj_pub);
		return 0;
	}
	adj_take(mono_ns);
	tt_pub_unlock(&adj_pub);
	return 1;
}

static void
adj_compute(const int64_t v[V_NV], int64_t mono_ns, int64_t real_ns,
    struct tk_truetime *r)
{
	int64_t age = mono_ns - v[V_TAKEN];

	if (age < 0)
		age = 0;
	if (!adj_synced(v) || age > TT_AGE_MAX_NS) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	tt_interval(r, real_ns,
	    tt_grow(v[V_MAXERR] * 1000 + ADJ_STEP_NS, age, ADJ_MAXFREQ_PPB),
	    age, TK_TRUETIME_SYNCHRONIZED);
}

/*
 * The read.  An unsynchronised kernel (the last reading claims no bound)
 * costs one monotonic read, for the refresh's due time; a synchronised
 * one the "now" of both clocks.
 */
static void
adj_interval(struct tk_truetime *r)
{
	int64_t v[V_NV], mono, real;

	if (TK_UNLIKELY(tt_pub_read(&adj_pub, v, V_NV) != 0)) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	if (!adj_synced(v)) {
		if (!adj_refresh(tk_nanotime_relaxed()) ||
		    tt_pub_read(&adj_pub, v, V_NV) != 0 || !adj_synced(v)) {
			tt_unknown(r, TK_TRUETIME_UNKNOWN);
			return;
		}
	}
	tt_now(&mono, &real);
	if (TK_UNLIKELY(adj_refresh(mono)) &&
	    tt_pub_read(&adj_pub, v, V_NV) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	adj_compute(v, mono, real, r);
}

static int
adj_read(struct tk_truetime *r)
{
	adj_interval(r);
	r->provider = "adjtimex";
	return 0;
}

static int
adj_after(int64_t t_ns)
{
	struct tk_truetime tt;

	adj_interval(&tt);
	return t_ns < tt.earliest_ns;
}

static int
adj_before(int64_t t_ns)
{
	struct tk_truetime tt;

	adj_interval(&tt);
	return t_ns > tt.latest_ns;
}

static int
adj_open(const char *path, int keep, const char **why)
{
	struct tk__tt_timex tx;
	int64_t v[V_NV];

	(void)path;
	*why = "adjtimex(2) fails here";
	if (!keep) {
		if (adj_call(&tx) < 0)
			return -ENOSYS;
		*why = "the kernel's NTP maxerror (adjtimex, modes 0)";
		return 0;
	}
	(void)tt_pub_trylock(&adj_pub);
	adj_take(tk_nanotime());
	tt_pub_unlock(&adj_pub);
	if (tt_pub_read(&adj_pub, v, V_NV) != 0 || v[V_STATE] < 0)
		return -ENOSYS;
	*why = "the kernel's NTP maxerror (adjtimex, modes 0)";
	return 0;
}

static void
adj_info(struct tk_truetime_info *ti)
{
	int64_t v[V_NV], mono, real;
	int64_t st;

	tt_now(&mono, &real);
	ti->max_age_ns = 2 * adj_period();
	if (tt_pub_read(&adj_pub, v, V_NV) != 0) {
		ti->provider_status = "no reading published";
		return;
	}
	st = v[V_STATUS];
	ti->provider_status = v[V_STATE] < 0 ? "adjtimex failed"
	    : (st & ADJ_STA_UNSYNC) != 0     ? "STA_UNSYNC"
	    : (st & ADJ_STA_CLOCKERR) != 0   ? "STA_CLOCKERR"
	    : v[V_STATE] == ADJ_TIME_ERROR   ? "TIME_ERROR"
	                                     : "synchronized";
	ti->bound_ns = v[V_MAXERR] * 1000;
	ti->age_ns = mono - v[V_TAKEN];
	ti->drift_ppb = ADJ_MAXFREQ_PPB;
	tk__tt_field(ti, "state", (uint64_t)v[V_STATE], 1);
	tk__tt_field(ti, "status", (uint64_t)v[V_STATUS], 0);
	tk__tt_field(ti, "maxerror", (uint64_t)v[V_MAXERR], 1);
	tk__tt_field(ti, "esterror", (uint64_t)v[V_ESTERR], 1);
}

static void
adj_close(void)
{
	tk__store_relaxed(&adj_due_ns, 0);
	tt_pub_clear(&adj_pub);
}

TK_HIDDEN const struct tt_provider tk__tt_adjtimex = {
	.name = "adjtimex",
	.open = adj_open,
	.read = adj_read,
	.after = adj_after,
	.before = adj_before,
	.info = adj_info,
	.close = adj_close,
};
