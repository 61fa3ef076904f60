/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fbclock provider: the "v2" shared-memory segment of Meta's fbclock
 * daemon (facebook/time fbclock/), at /run/fbclock_data_v2.  It is not a
 * published protocol and its layout has changed between commits, so a
 * segment is accepted only with the exact size of a layout read here:
 *
 *   64 bytes	struct fbclock_shmdata_v2 of fbclock/fbclock.h at commit
 *		6be84399c1536f607ea7fe302f3b192beee6e27f: u64 seq, then
 *		struct fbclock_clockdata_v2 (below);
 *   128 bytes	the later two-section form of fbclock.h (struct
 *		fbclock_shmsection, "primary" at 0 and "realtime" at 64):
 *		its primary section is the same 64 bytes, seq included,
 *		written by the same fbclock_clockdata_store_data_v2, and is
 *		the one read.
 *
 * Who writes: fbclock_clockdata_store_data_v2 (fbclock/fbclock.c): seq
 * made odd, full barrier, the data copied, full barrier, seq made even (on
 * wrap-around 2, never 0).  0 means never written.
 *
 * How it is read (fbclock_gettime_tz_v2 and fbclock_calculate_time_v2):
 * a copy between two equal, even, non-zero seq values, bounded to
 * TK_TH_READ_TRIES passes (fbclock's own client sleeps 10 us on seq 0:
 * never here); then, with d = now - sysclock_time_ns on the clock clockId
 * names (CLOCK_REALTIME or CLOCK_MONOTONIC_RAW),
 *   PHC time now = phc_time_ns + d + d x coef_ppb / 10^9   (TAI)
 *   window       = error_bound_ns
 *		  + holdover_multiplier_ns / 2^16 x (PHC now - ingress)/1 s
 * and UTC = TAI - utc_offset (37 s when both offsets are 0, fbclock.h
 * UTC_TAI_OFFSET_NS).  Differences from fbclock's client:
 *   - the window grows with the time since ingress *now*, not at the
 *     daemon's last update, so it keeps growing if the daemon stops;
 *   - d beyond 1 s gives no bound (FBCLOCK_MAX_EXTRAPOLATION_NS of later
 *     fbclock.h: the daemon updates every 10 ms, and past that the
 *     sysclock-to-PHC extrapolation has no bound; fbclock_calculate_time_v2
 *     adds none either, see its FIXME), nor does d < -1 us;
 *   - during a leap smear window (clock_smearing_start_s + 62500 s, the
 *     SMEAR_DURATION of fbclock.c) the interval covers both the pre and
 *     the post offset instead of a smeared time: CLOCK_REALTIME steps
 *     at a leap second, it is not smeared;
 *   - status free-running once the last ingress is older than 10 s (the
 *     window then grows at the holdover rate);
 *   - CLOCK_MONOTONIC_RAW stamps are moved into this process's time
 *     namespace;
 *   - d x coef / 10^9 is one multiply by a 0.64 fixed-point coefficient,
 *     and the window grows with the age before that term (see FB_EB):
 *     a window a few ns wider than fbclock's, for a read of one multiply
 *     on each path instead of a multiply, a division and a multiply.
 * Each publication is checked once, known by seq (64 bits: it never
 * repeats), and kept in a cache (src/truetime/tt_cache.h).
 */
#include <errno.h>
#include <stddef.h>
#include <time.h>

#include "atomic.h"
#include "timehands.h"
#include "truetime/tt.h"
#include "truetime/tt_cache.h"
#include "truetime/tt_now.h"

#define FB_PATH "/run/fbclock_data_v2"
#define FB_SIZE 64
#define FB_SIZE_TWO 128
#define FB_TAI_UTC_S 37 /* -UTC_TAI_OFFSET_NS of fbclock.h, in s */
#define FB_SMEAR_S 62500 /* SMEAR_DURATION, fbclock.c */
#define FB_EXTRAP_NS TK_NSEC_PER_SEC /* FBCLOCK_MAX_EXTRAPOLATION_NS */
#define FB_HOLDOVER_NS (10 * TK_NSEC_PER_SEC)
#define FB_CLOCK_REALTIME 0 /* Linux clock ids, as the daemon stores */
#define FB_CLOCK_MONOTONIC_RAW 4

/* struct fbclock_shmdata_v2 at 6be84399, member by member. */
struct fb_segment {
	uint64_t seq; /* odd: being written; 0: never written */
	int64_t ingress_time_ns; /* PHC time of the last sync message */
	uint32_t error_bound_ns;
	uint32_t holdover_multiplier_ns; /* ns per s, 16.16 fixed point */
	uint64_t clock_smearing_start_s; /* TAI */
	int16_t utc_offset_pre_s; /* TAI - UTC before the leap second */
	int16_t utc_offset_post_s; /* and after it */
	uint32_t clockId; /* of sysclock_time_ns */
	int64_t phc_time_ns; /* PHC time at ... */
	int64_t sysclock_time_ns; /* ... this sysclock time */
	int64_t coef_ppb; /* PHC rate relative to the sysclock */
};
_Static_assert(sizeof(struct fb_segment) == FB_SIZE, "64-byte segment");
_Static_assert(offsetof(struct fb_segment, clockId) == 36, "clockId");
_Static_assert(offsetof(struct fb_segment, coef_ppb) == 56, "coef_ppb");

struct fb_snap {
	uint64_t seq;
	int64_t ingress, phc, sys, coef;
	uint32_t eb, holdover, clock_id;
	uint64_t smear_start;
	int16_t pre, post;
};

static const struct fb_segment *fb_seg;
static struct tt_cache fb_cache; /* the current publication, checked */
static size_t fb_len;
static struct tt_timens fb_ns;
static char fb_pathbuf[256];
static const char *fb_path = "";

static inline __attribute__((always_inline)) int
fb_snapshot(const struct fb_segment *s, struct fb_snap *o)
{
	for (int i = 0; i < TK_TH_READ_TRIES; i++) {
		/*
		 * Acquire: the fields are loaded after seq; pairs with the
		 * barrier before the even seq store in
		 * fbclock_clockdata_store_data_v2.
		 */
		uint64_t seq = tk__load_acquire(&s->seq);

		if (seq == 0 || (seq & 1u) != 0)
			continue;
		o->ingress = tk__load_relaxed(&s->ingress_time_ns);
		o->eb = tk__load_relaxed(&s->error_bound_ns);
		o->holdover = tk__load_relaxed(&s->holdover_multiplier_ns);
		o->smear_start = tk__load_relaxed(&s->clock_smearing_start_s);
		o->pre = tk__load_relaxed(&s->utc_offset_pre_s);
		o->post = tk__load_relaxed(&s->utc_offset_post_s);
		o->clock_id = tk__load_relaxed(&s->clockId);
		o->phc = tk__load_relaxed(&s->phc_time_ns);
		o->sys = tk__load_relaxed(&s->sysclock_time_ns);
		o->coef = tk__load_relaxed(&s->coef_ppb);
		/*
		 * Acquire fence: the field loads complete before seq is
		 * loaded again; pairs with the barrier after the odd seq
		 * store in fbclock_clockdata_store_data_v2.
		 */
		tk__fence_acquire();
		if (tk__load_relaxed(&s->seq) == seq) {
			o->seq = seq;
			return 0;
		}
	}
	return -EAGAIN;
}

/* fbclock_gettime_tz_v2's checks, and the limits of physical sense. */
static inline __attribute__((always_inline)) int
fb_sane(const struct fb_snap *s)
{
	return s->eb != 0 && s->eb != UINT32_MAX && s->holdover != UINT32_MAX &&
	    s->ingress > 0 && s->phc > 0 && s->phc < (1LL << 62) &&
	    s->ingress <= s->phc && s->sys > 0 && s->sys < (1LL << 62) &&
	    (s->clock_id == FB_CLOCK_REALTIME ||
	        s->clock_id == FB_CLOCK_MONOTONIC_RAW) &&
	    s->coef >= -TT_DRIFT_MAX_PPB && s->coef <= TT_DRIFT_MAX_PPB &&
	    s->pre >= 0 && s->pre <= 1000 && s->post >= 0 && s->post <= 1000 &&
	    s->smear_start < (1ULL << 33);
}

/*
 * A checked publication (fb_derive), as the cache holds it.  The key is
 * seq: 64 bits, it never repeats.
 */
enum {
	FB_SEQ, /* the key */
	FB_CLOCKID, /* of the sysclock */
	FB_SYS, /* sysclock_time_ns in this process's namespace */
	FB_DSPAN, /* a bound while now - FB_SYS + 1 us is below this; 0: never */
	FB_PHC, /* phc_time_ns */
	FB_COEF, /* coef_ppb x 2^64 / 10^9: the rate less 1, 0.64, signed */
	FB_A0, /* phc_time_ns - ingress_time_ns: the age at d = 0 */
	FB_EB, /* error_bound_ns + the roundings (below) */
	FB_HM, /* ceil(holdover_multiplier_ns x 2^48 / 10^9): growth, 0.64 */
	FB_SMLO, /* PHC ns: before, the pre offset; INT64_MAX: no window */
	FB_SMHI, /* after this, the post offset; between, both */
	FB_PRE, /* TAI - UTC, ns: before the window */
	FB_POST, /* after it */
	FB_NV
};
_Static_assert(FB_NV <= TT_CACHE_NV, "the cache holds a publication");

/*
 * Check one consistent copy, once, and derive what a read needs.  The
 * extrapolation limits become one range of d = now - sysclock_time_ns,
 * [-1 us, 1 s]; offsets of 0 and 0 become 37 s with no smear window.
 */
static void
fb_derive(const struct fb_snap *s, int64_t ns_off_ns, int64_t v[FB_NV])
{
	for (int k = 0; k < FB_NV; k++)
		v[k] = 0;
	v[FB_SEQ] = (int64_t)s->seq;
	v[FB_CLOCKID] = s->clock_id;
	if (!fb_sane(s))
		return;
	v[FB_SYS] =
	    s->sys + (s->clock_id == FB_CLOCK_MONOTONIC_RAW ? ns_off_ns : 0);
	v[FB_DSPAN] = FB_EXTRAP_NS + TT_CAUSALITY_NS + 1;
	v[FB_PHC] = s->phc;
	/* |coef| <= 10^6: below 2^64 / 1000; off by at most 2^-64 a ns. */
	v[FB_COEF] = (int64_t)((__int128)s->coef * ((__int128)1 << 64) /
	    TK_NSEC_PER_SEC);
	v[FB_A0] = s->phc - s->ingress;
	/*
	 * + 1 for the growth's floor (FB_HM is rounded up, so the product
	 * is at most 1 below the real growth), + 2 for PHC time's floor of
	 * d x FB_COEF / 2^64 (up to 1 below d x coef / 10^9, and up to
	 * 10^-10 above it), + 1 for the clock reads' floors; and the growth
	 * over what the read leaves out of the age it grows the window by
	 * (d x coef / 10^9, at most |coef| ns at d <= 1 s, and the 2 ns
	 * above), rounded up.
	 */
	v[FB_EB] = (int64_t)s->eb + 4 +
	    (int64_t)(((uint64_t)(s->coef < 0 ? -s->coef : s->coef) + 3) *
	            s->holdover +
	        (65536 * (uint64_t)TK_NSEC_PER_SEC - 1)) /
	        (65536 * TK_NSEC_PER_SEC);
	v[FB_HM] = (int64_t)(uint64_t)((((unsigned __int128)s->holdover << 48) +
	                                   (TK_NSEC_PER_SEC - 1)) /
	    TK_NSEC_PER_SEC);
	if (s->pre == 0 && s->post == 0) {
		v[FB_SMLO] = v[FB_SMHI] = INT64_MAX;
		v[FB_PRE] = v[FB_POST] = FB_TAI_UTC_S * TK_NSEC_PER_SEC;
	} else {
		v[FB_SMLO] = (int64_t)s->smear_start * TK_NSEC_PER_SEC;
		v[FB_SMHI] = v[FB_SMLO] + FB_SMEAR_S * TK_NSEC_PER_SEC;
		v[FB_PRE] = s->pre * TK_NSEC_PER_SEC;
		v[FB_POST] = s->post * TK_NSEC_PER_SEC;
	}
}

/* The values of a checked publication that a read computes with. */
struct fb_pub {
	int64_t sys;
	uint64_t dspan;
	int64_t phc, coef, a0, eb;
	uint64_t hm;
	int64_t smlo, smhi, pre, post;
};

static inline __attribute__((always_inline)) struct fb_pub
fb_pub_of(const int64_t v[FB_NV])
{
	struct fb_pub p = { v[FB_SYS], (uint64_t)v[FB_DSPAN], v[FB_PHC],
		v[FB_COEF], v[FB_A0], v[FB_EB], (uint64_t)v[FB_HM], v[FB_SMLO],
		v[FB_SMHI], v[FB_PRE], v[FB_POST] };

	return p;
}

/*
 * The interval a checked publication gives at sys_ns, now on the clock
 * clockId names in this process's namespace, as fbclock_calculate_time_v2
 * computes it (see the top): PHC time now, the window grown with the
 * time since ingress, the offsets of the smear window.
 */
static inline __attribute__((always_inline)) void
fb_claim(struct fb_pub p, int64_t sys_ns, struct tk_truetime *r)
{
	int64_t d = sys_ns - p.sys, x, phc, wou, lo, hi;
	uint64_t age;

	/*
	 * PHC time: fbclock.c truncates d x coef / 10^9; here x is the
	 * floor of d x coef x 2^64 / 10^9 / 2^64, one multiply instead of a
	 * multiply and a division, covered by FB_EB's rounding.  The window
	 * grows with the age before x is added (FB_EB covers x's growth),
	 * so that the two multiplies run side by side.
	 */
	x = (int64_t)(((__int128)d * (__int128)p.coef) >> 64);
	phc = p.phc + d + x;
	age = (uint64_t)(p.a0 + d + x);
	wou = p.eb + (int64_t)tt_mulhi((uint64_t)(p.a0 + d), p.hm);
	if (TK_UNLIKELY((uint64_t)(d + TT_CAUSALITY_NS) >= p.dspan ||
	        age > (uint64_t)TT_AGE_MAX_NS)) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	if (TK_LIKELY(phc < p.smlo)) {
		lo = hi = p.pre;
	} else if (phc > p.smhi) {
		lo = hi = p.post;
	} else {
		lo = p.pre < p.post ? p.pre : p.post;
		hi = p.pre < p.post ? p.post : p.pre;
	}
	r->earliest_ns = phc - hi - wou;
	r->latest_ns = phc - lo + wou;
	r->age_ns = (int64_t)age;
	r->status = age <= (uint64_t)FB_HOLDOVER_NS ? TK_TRUETIME_SYNCHRONIZED
	                                            : TK_TRUETIME_FREE_RUNNING;
}

void
tk__tt_fb_eval(
    const void *seg, size_t len, int64_t sys_ns, struct tk_truetime *r)
{
	struct fb_snap s;
	int64_t v[FB_NV];

	r->provider = "fbclock";
	if ((len != FB_SIZE && len != FB_SIZE_TWO) ||
	    fb_snapshot(seg, &s) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	fb_derive(&s, 0, v);
	fb_claim(fb_pub_of(v), sys_ns, r);
}

/* Now on the clock clockId names, in this process's namespace. */
static int
fb_sys_now(int64_t clock_id, int64_t *ns)
{
	struct timespec ts;

	if (clock_id == FB_CLOCK_REALTIME) {
		*ns = tt_real();
		return 0;
	}
	if (tk_clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0)
		return -1;
	*ns = (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

/*
 * The checked publication now: the cache's when it holds the segment's
 * seq, else a consistent copy, checked, derived and offered to the cache.
 * 0, or -EAGAIN (no consistent copy).
 */
static int
fb_current(int64_t v[FB_NV])
{
	struct fb_snap s;

	/*
	 * Acquire: pairs with the barrier before the even seq store in
	 * fbclock_clockdata_store_data_v2 (the cached copy was taken after
	 * that seq was stored).
	 */
	if (tt_cache_read(&fb_cache, v, FB_NV) == 0 &&
	    tk__load_acquire(&fb_seg->seq) == (uint64_t)v[FB_SEQ])
		return 0;
	if (fb_snapshot(fb_seg, &s) != 0)
		return -EAGAIN;
	fb_derive(&s, fb_ns.mono_ns, v);
	tt_cache_offer(&fb_cache, v, FB_NV);
	return 0;
}

/*
 * A read the first pass cannot serve (a new publication, a cache being
 * written, a segment on CLOCK_MONOTONIC_RAW, a clock off its fast tier).
 */
static __attribute__((noinline)) int
fb_read_slow(struct tk_truetime *r)
{
	int64_t v[FB_NV], sys;

	r->provider = "fbclock";
	if (fb_current(v) != 0 || fb_sys_now(v[FB_CLOCKID], &sys) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return 0;
	}
	fb_claim(fb_pub_of(v), sys, r);
	return 0;
}

/*
 * The read's first pass, over the cache (src/truetime/tt_cache.h): its
 * seq against the segment's, its values, CLOCK_REALTIME, the sums; 0, or
 * -1 for the slow way.  seq is loaded before the clock, so the
 * publication used was current before "now", and its extrapolation to now
 * is the one fbclock's client makes.  Fields changed without a new seq
 * are a writer breaking the protocol and are seen at the next
 * publication.
 */
static inline __attribute__((always_inline)) int
fb_fast(struct tk_truetime *r)
{
	const int64_t *cv = fb_cache.v;
	uint32_t gen = tk__th_read_begin(&fb_cache.gen);
	struct fb_pub p;
	int64_t mono, real;

	/*
	 * Acquire: the clock is read after seq; pairs with the barrier
	 * before the even seq store in fbclock_clockdata_store_data_v2.
	 */
	if (TK_UNLIKELY((tk__load_acquire(&fb_seg->seq) ^
	                    (uint64_t)tk__load_relaxed(&cv[FB_SEQ])) != 0 ||
	        tk__load_relaxed(&cv[FB_CLOCKID]) != FB_CLOCK_REALTIME ||
	        tt_now_fast(&mono, &real) != 0))
		return -1;
	p.sys = tk__load_relaxed(&cv[FB_SYS]);
	p.dspan = (uint64_t)tk__load_relaxed(&cv[FB_DSPAN]);
	p.phc = tk__load_relaxed(&cv[FB_PHC]);
	p.coef = tk__load_relaxed(&cv[FB_COEF]);
	p.a0 = tk__load_relaxed(&cv[FB_A0]);
	p.eb = tk__load_relaxed(&cv[FB_EB]);
	p.hm = (uint64_t)tk__load_relaxed(&cv[FB_HM]);
	p.smlo = tk__load_relaxed(&cv[FB_SMLO]);
	p.smhi = tk__load_relaxed(&cv[FB_SMHI]);
	p.pre = tk__load_relaxed(&cv[FB_PRE]);
	p.post = tk__load_relaxed(&cv[FB_POST]);
	if (TK_UNLIKELY(tk__th_read_retry_even(&fb_cache.gen, gen)))
		return -1;
	r->provider = "fbclock";
	fb_claim(p, real, r);
	return 0;
}

TT_READERS(fb, fb_fast, fb_read_slow)

static int
fb_open(const char *path, int keep, const char **why)
{
	const void *map;
	struct tt_timens ns;
	size_t len;
	int err;

	if (path == NULL)
		path = tk__tt_hooks.fbclock_path != NULL
		    ? tk__tt_hooks.fbclock_path
		    : FB_PATH;
	tk__tt_timens_read(&ns);
	if (!ns.known) {
		*why = "this process unshared a time namespace it is not in: "
		       "its CLOCK_MONOTONIC offset cannot be read";
		return -ENOTSUP;
	}
	/* Either exact size: one section or two (see the top). */
	err = tk__tt_map(path, FB_SIZE, FB_SIZE_TWO, 0, &map, &len, why);
	if (err != 0)
		return err;
	*why = "an fbclock v2 segment";
	if (!keep) {
		tk__tt_unmap(map, len);
		return 0;
	}
	fb_path = tk__tt_path_keep(fb_pathbuf, sizeof(fb_pathbuf), path);
	if (fb_path == NULL)
		fb_path = "";
	fb_ns = ns;
	fb_len = len;
	fb_seg = map;
	return 0;
}

static void
fb_info(struct tk_truetime_info *ti)
{
	struct fb_snap s;
	struct tk_truetime r;
	int64_t v[FB_NV], sys = 0;

	ti->path = fb_path;
	ti->max_age_ns = FB_HOLDOVER_NS;
	ti->timens_offset_ns = fb_ns.mono_ns;
	if (fb_snapshot(fb_seg, &s) != 0) {
		ti->provider_status = "no consistent copy (seq odd or 0)";
		return;
	}
	ti->provider_status = fb_sane(&s) ? "published" : "invalid";
	ti->bound_ns = s.eb;
	ti->drift_ppb = (int64_t)s.holdover * 1000 / 65536;
	fb_derive(&s, fb_ns.mono_ns, v);
	if (fb_sys_now(s.clock_id, &sys) == 0) {
		fb_claim(fb_pub_of(v), sys, &r);
		ti->age_ns = r.age_ns;
		if (s.clock_id == FB_CLOCK_MONOTONIC_RAW)
			sys -= fb_ns.mono_ns; /* in the daemon's namespace */
	} else {
		sys = s.sys;
	}
	tk__tt_field(ti, "seq", s.seq, 0);
	tk__tt_field(ti, "ingress_time_ns", (uint64_t)s.ingress, 1);
	tk__tt_field(ti, "error_bound_ns", s.eb, 0);
	tk__tt_field(ti, "holdover_multiplier_ns", s.holdover, 0);
	tk__tt_field(ti, "clock_smearing_start_s", s.smear_start, 0);
	tk__tt_field(ti, "utc_offset_pre_s", (uint64_t)(int64_t)s.pre, 1);
	tk__tt_field(ti, "utc_offset_post_s", (uint64_t)(int64_t)s.post, 1);
	tk__tt_field(ti, "clockId", s.clock_id, 0);
	tk__tt_field(ti, "phc_time_ns", (uint64_t)s.phc, 1);
	tk__tt_field(ti, "sysclock_time_ns", (uint64_t)s.sys, 1);
	tk__tt_field(ti, "coef_ppb", (uint64_t)s.coef, 1);
	tk__tt_field(
	    ti, "sysclock now - sysclock_time_ns", (uint64_t)(sys - s.sys), 1);
}

static void
fb_close(void)
{
	tk__tt_unmap(fb_seg, fb_len);
	fb_seg = NULL;
	fb_path = "";
	tt_cache_clear(&fb_cache);
}

TK_HIDDEN const struct tt_provider tk__tt_fbclock = {
	.name = "fbclock",
	.open = fb_open,
	.read = fb_read,
	.after = fb_after,
	.before = fb_before,
	.info = fb_info,
	.close = fb_close,
};
