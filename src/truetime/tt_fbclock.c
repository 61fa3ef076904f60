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
 *     namespace.
 */
#include <errno.h>
#include <stddef.h>
#include <time.h>

#include "atomic.h"
#include "timehands.h"
#include "truetime/tt.h"

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
 * The interval a consistent copy gives at sys_ns, now on the clock
 * clockId names in this process's namespace (ns_off_ns moves the
 * daemon's CLOCK_MONOTONIC_RAW stamp into it).
 */
static inline __attribute__((always_inline)) void
fb_compute(const struct fb_snap *s, int64_t sys_ns, int64_t ns_off_ns,
    struct tk_truetime *r)
{
	int64_t d, phc, age, wou, lo, hi, smear;

	if (TK_UNLIKELY(!fb_sane(s))) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	d = sys_ns - s->sys -
	    (s->clock_id == FB_CLOCK_MONOTONIC_RAW ? ns_off_ns : 0);
	if (TK_UNLIKELY(d < -TT_CAUSALITY_NS || d > FB_EXTRAP_NS)) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	/* |d x coef| < 2^30 x 2^20; truncated as fbclock.c does. */
	phc = s->phc + d + d * s->coef / 1000000000;
	age = phc - s->ingress;
	if (TK_UNLIKELY(age < 0 || age > TT_AGE_MAX_NS)) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	/*
	 * error_bound + holdover / 2^16 x age / 10^9, the growth rounded up
	 * (floor + 1; holdover x age < 2^75, >> 16 below 2^59), +1 for the
	 * truncated coefficient, +1 for the clock reads' floors.
	 */
	wou = (int64_t)s->eb +
	    (int64_t)((uint64_t)(((unsigned __int128)(uint64_t)age *
	                             s->holdover) >>
	                  16) /
	        1000000000u) +
	    3;
	if (s->pre == 0 && s->post == 0) {
		lo = hi = FB_TAI_UTC_S;
	} else {
		smear = (int64_t)s->smear_start * TK_NSEC_PER_SEC;
		if (phc < smear) {
			lo = hi = s->pre;
		} else if (phc > smear + FB_SMEAR_S * TK_NSEC_PER_SEC) {
			lo = hi = s->post;
		} else {
			lo = s->pre < s->post ? s->pre : s->post;
			hi = s->pre < s->post ? s->post : s->pre;
		}
	}
	r->earliest_ns = phc - hi * TK_NSEC_PER_SEC - wou;
	r->latest_ns = phc - lo * TK_NSEC_PER_SEC + wou;
	r->age_ns = age;
	r->status = age <= FB_HOLDOVER_NS ? TK_TRUETIME_SYNCHRONIZED
	                                  : TK_TRUETIME_FREE_RUNNING;
}

void
tk__tt_fb_eval(
    const void *seg, size_t len, int64_t sys_ns, struct tk_truetime *r)
{
	struct fb_snap s;

	if ((len != FB_SIZE && len != FB_SIZE_TWO) ||
	    fb_snapshot(seg, &s) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	fb_compute(&s, sys_ns, 0, r);
}

/* Now on the clock clockId names, in this process's namespace. */
static int
fb_sys_now(uint32_t clock_id, int64_t *ns)
{
	struct timespec ts;

	if (clock_id == FB_CLOCK_REALTIME) {
		int64_t sec;
		int32_t nsec;

		tk_walltime(&sec, &nsec);
		*ns = sec * TK_NSEC_PER_SEC + nsec;
		return 0;
	}
	if (tk_clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0)
		return -1;
	*ns = (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

/* The read: a consistent copy, the clock it names, the sums. */
static void
fb_read(struct tk_truetime *r)
{
	struct fb_snap s;
	int64_t sys;

	if (TK_UNLIKELY(fb_snapshot(fb_seg, &s) != 0 ||
	        fb_sys_now(s.clock_id, &sys) != 0)) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	fb_compute(&s, sys, fb_ns.mono_ns, r);
}

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
	int64_t sys = 0;

	ti->path = fb_path;
	ti->max_age_ns = FB_EXTRAP_NS;
	ti->timens_offset_ns = fb_ns.mono_ns;
	if (fb_snapshot(fb_seg, &s) != 0) {
		ti->provider_status = "no consistent copy (seq odd or 0)";
		return;
	}
	ti->provider_status = fb_sane(&s) ? "published" : "invalid";
	ti->bound_ns = s.eb;
	ti->drift_ppb = (int64_t)s.holdover * 1000 / 65536;
	if (fb_sys_now(s.clock_id, &sys) == 0) {
		fb_compute(&s, sys, fb_ns.mono_ns, &r);
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
}

TK_HIDDEN const struct tt_provider tk__tt_fbclock = {
	.name = "fbclock",
	.open = fb_open,
	.read = fb_read,
	.info = fb_info,
	.close = fb_close,
};
