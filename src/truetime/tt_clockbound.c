/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ClockBound provider: the shared-memory segment of AWS ClockBound's
 * daemon, protocol version 2 exactly (aws/clock-bound docs/PROTOCOL.md;
 * daemon and client releases 2.0.0 and later), at
 * /var/run/clockbound/shm0.  Version 1 (shm) and the version-3 segment
 * (shm1) have other layouts and are not read.
 *
 * Who writes: the daemon, beside chronyd, about once a second, with
 * ShmWriter::write (clock-bound-shm/src/writer.rs): generation made odd
 * (release store), the data copied, generation made even (release store;
 * on wrap-around 2, never 0).  0 means never written; version 0 means the
 * daemon is re-initialising the segment.
 *
 * How it is read (the client's now(), clock-bound-shm/src/lib.rs): a
 * consistent copy between two equal, even, non-zero generations, bounded
 * to TK_TH_READ_TRIES passes; then every field is checked, once per
 * publication (the cache of src/truetime/tt_cache.h keeps the result,
 * known by the segment's generation word and as-of); then
 *   bound = bound_nsec + (now - as_of) x max_drift_ppb, rounded up,
 *   status kept while now < as_of + 5 s (the client's restart grace),
 *   free-running after that until void_after, unknown after void_after,
 *   unknown if now < as_of - 1 us (a causality breach: as-of in the
 *   future), unknown if the segment enables clock-disruption support and
 *   the VMClock page's disruption marker differs from the segment's.
 * Differences from the client: the reader keeps no per-thread state and
 * takes no lock (it is safe in any number of threads, unlike the client,
 * aws/clock-bound #35); one counter read gives both clocks
 * (src/truetime/tt_now.h); as-of and void-after are moved into this
 * process's time namespace.
 *
 * Known weak point of the writer: the odd generation is a release store
 * with no fence after it, so on a weakly ordered CPU (arm64) the data
 * stores may become visible before it, and no reader can then tell a
 * torn copy.  On x86 stores are not reordered with each other, so the
 * protocol holds there.  The 16-bit generation repeats after 32,768
 * updates (9 hours at 1 Hz, two steps an update); a reader would have to
 * stall inside its copy for that long to be fooled, and void_after (as_of
 * + 1000 s) ends any bound read from so old a segment; the cache's key
 * adds as-of, which never repeats.
 */
#include <errno.h>
#include <stddef.h>

#include "atomic.h"
#include "timehands.h"
#include "truetime/tt.h"
#include "truetime/tt_cache.h"
#include "truetime/tt_now.h"

#define CB_PATH "/var/run/clockbound/shm0"
/* SHM_MAGIC (clock-bound-shm/src/shm_header.rs), two native u32 words. */
#define CB_MAGIC0 0x414D5A4Eu
#define CB_MAGIC1 0x43420200u
#define CB_VERSION 2
#define CB_SIZE 80
/* CLOCKBOUND_RESTART_GRACE_PERIOD (clock-bound-shm/src/lib.rs): 5 s. */
#define CB_GRACE_NS (5 * TK_NSEC_PER_SEC)

/*
 * The segment, member by member as PROTOCOL.md lays it out.  segsize,
 * version and generation share one 8-byte word (hdr), which a read loads
 * at once as part of its key.
 */
struct cb_segment {
	uint32_t magic[2]; /* CB_MAGIC0, CB_MAGIC1 */
	union {
		struct {
			uint32_t segsize; /* 80 */
			uint16_t version; /* 2; 0: being re-initialised */
			uint16_t generation; /* odd: being written; 0: never */
		};
		uint64_t hdr;
	};
	int64_t as_of_sec; /* CLOCK_MONOTONIC_COARSE when bound computed */
	int64_t as_of_nsec;
	int64_t void_after_sec; /* CLOCK_MONOTONIC_COARSE: trust ends */
	int64_t void_after_nsec;
	int64_t bound_nsec; /* |CLOCK_REALTIME - true time| at as-of */
	uint64_t disruption_marker; /* last VMClock marker the daemon saw */
	uint32_t max_drift_ppb;
	int32_t clock_status; /* 0 unknown 1 sync 2 free-running 3 disrupted */
	uint8_t clock_disruption_support_enabled;
	uint8_t padding[7];
};
_Static_assert(sizeof(struct cb_segment) == CB_SIZE, "80-byte segment");
_Static_assert(offsetof(struct cb_segment, generation) == 14, "generation");
_Static_assert(offsetof(struct cb_segment, as_of_sec) == 16, "as_of");
_Static_assert(offsetof(struct cb_segment, bound_nsec) == 48, "bound");
_Static_assert(offsetof(struct cb_segment, max_drift_ppb) == 64, "drift");
_Static_assert(
    offsetof(struct cb_segment, clock_disruption_support_enabled) == 72,
    "disruption support");

/* A consistent copy of the segment. */
struct cb_snap {
	uint32_t magic0, magic1, segsize;
	uint16_t version, generation;
	uint64_t hdr;
	int64_t as_of_sec, as_of_nsec, void_sec, void_nsec, bound;
	uint64_t marker;
	uint32_t drift;
	int32_t status;
	uint8_t dsupport;
};

/*
 * A checked publication (cb_derive), as the cache holds it.  The key is
 * hdr (generation, version and size) and as-of: the generation alone
 * repeats after 32,768 updates, as-of never does.
 */
enum {
	CB_HDR, /* the key */
	CB_ASOF_SEC,
	CB_ASOF_NSEC,
	CB_LO, /* as-of - 1 us, ns, in this process's time namespace */
	CB_SPAN, /* a bound for mono - CB_LO in [0, CB_SPAN); 0: never */
	CB_GRACE, /* the published status while mono - CB_LO < this */
	CB_BOUND, /* bound_nsec + 2 (the growth's ceiling, the clocks' floor) */
	CB_MULT, /* ceil(max_drift_ppb x 2^64 / 10^9): growth per ns, 0.64 */
	CB_STATUS, /* TK_TRUETIME_* as published, or the verdict */
	CB_DSUPPORT, /* 1: check the VMClock disruption marker */
	CB_MARKER,
	CB_NV
};
_Static_assert(CB_NV <= TT_CACHE_NV, "the cache holds a publication");

static const struct cb_segment *cb_seg;
static struct tt_timens cb_ns;
static struct tt_cache cb_cache; /* the current publication, checked */
static char cb_pathbuf[256];
static const char *cb_path = "";

/* Copy the segment between two equal even generations: 0, or -EAGAIN. */
static int
cb_snapshot(const struct cb_segment *s, struct cb_snap *o)
{
	for (int i = 0; i < TK_TH_READ_TRIES; i++) {
		/*
		 * Acquire: the fields are loaded after the generation; pairs
		 * with the release store of the even generation in the
		 * daemon's ShmWriter::write.
		 */
		uint16_t gen = tk__load_acquire(&s->generation);

		if (gen == 0 || (gen & 1u) != 0)
			continue;
		o->magic0 = tk__load_relaxed(&s->magic[0]);
		o->magic1 = tk__load_relaxed(&s->magic[1]);
		o->hdr = tk__load_relaxed(&s->hdr);
		o->segsize = tk__load_relaxed(&s->segsize);
		o->version = tk__load_relaxed(&s->version);
		o->as_of_sec = tk__load_relaxed(&s->as_of_sec);
		o->as_of_nsec = tk__load_relaxed(&s->as_of_nsec);
		o->void_sec = tk__load_relaxed(&s->void_after_sec);
		o->void_nsec = tk__load_relaxed(&s->void_after_nsec);
		o->bound = tk__load_relaxed(&s->bound_nsec);
		o->marker = tk__load_relaxed(&s->disruption_marker);
		o->drift = tk__load_relaxed(&s->max_drift_ppb);
		o->status = tk__load_relaxed(&s->clock_status);
		o->dsupport =
		    tk__load_relaxed(&s->clock_disruption_support_enabled);
		/*
		 * Acquire fence: the field loads complete before the
		 * generation is loaded again; pairs with the release store
		 * of the odd generation in ShmWriter::write (see the arm64
		 * note at the top of this file).
		 */
		tk__fence_acquire();
		if (tk__load_relaxed(&s->generation) == gen) {
			o->generation = gen;
			return 0;
		}
	}
	return -EAGAIN;
}

/*
 * Every field against the layout and physical sense, in few branches:
 * magic, size and version as one comparison; the timespecs in range
 * (seconds below 2^32, 136 years of uptime, so that the stamp plus a
 * namespace offset fits in int64_t; nanoseconds below 10^9) by unsigned
 * compares; bound, drift, status and the support flag within their
 * domains.
 */
static int
cb_ok(const struct cb_snap *s)
{
	return ((s->magic0 ^ CB_MAGIC0) | (s->magic1 ^ CB_MAGIC1) |
	           (s->segsize ^ CB_SIZE) | (s->version ^ CB_VERSION)) == 0 &&
	    (uint64_t)s->as_of_sec < (1ULL << 32) &&
	    (uint64_t)s->as_of_nsec < (uint64_t)TK_NSEC_PER_SEC &&
	    (uint64_t)s->void_sec < (1ULL << 32) &&
	    (uint64_t)s->void_nsec < (uint64_t)TK_NSEC_PER_SEC &&
	    (uint64_t)s->bound <= (uint64_t)TT_BOUND_MAX_NS &&
	    s->drift <= TT_DRIFT_MAX_PPB && s->dsupport <= 1 &&
	    (uint32_t)s->status <= TK_TRUETIME_DISRUPTED;
}

/*
 * Check one consistent copy, once, and derive what a read needs (the
 * CB_* values).  The client's conditions on "now" become one range of
 * CLOCK_MONOTONIC: no bound when now is more than 1 us before as-of (the
 * causality blur), at or after void-after, or more than TT_AGE_MAX_NS
 * after as-of; a publication that claims none (unknown, disrupted, void
 * before as-of, any field out of its domain) has an empty range.
 */
static void
cb_derive(const struct cb_snap *s, int64_t ns_off_ns, int64_t v[CB_NV])
{
	int64_t as_of, void_after, hi;

	for (int k = 0; k < CB_NV; k++)
		v[k] = 0;
	v[CB_HDR] = (int64_t)s->hdr;
	v[CB_ASOF_SEC] = s->as_of_sec;
	v[CB_ASOF_NSEC] = s->as_of_nsec;
	v[CB_STATUS] = TK_TRUETIME_UNKNOWN;
	if (!cb_ok(s))
		return;
	if (s->status != TK_TRUETIME_SYNCHRONIZED &&
	    s->status != TK_TRUETIME_FREE_RUNNING) {
		if (s->status == TK_TRUETIME_DISRUPTED)
			v[CB_STATUS] = TK_TRUETIME_DISRUPTED;
		return;
	}
	as_of = s->as_of_sec * TK_NSEC_PER_SEC + s->as_of_nsec + ns_off_ns;
	void_after = s->void_sec * TK_NSEC_PER_SEC + s->void_nsec + ns_off_ns;
	if (void_after < as_of)
		return;
	hi = as_of + TT_AGE_MAX_NS + 1;
	if (void_after < hi)
		hi = void_after;
	v[CB_LO] = as_of - TT_CAUSALITY_NS;
	v[CB_SPAN] = hi - v[CB_LO];
	v[CB_GRACE] = TT_CAUSALITY_NS + CB_GRACE_NS;
	v[CB_BOUND] = s->bound + 2;
	/* Rounded up: mulhi(age, mult) + 1 >= ceil(age x drift / 10^9). */
	v[CB_MULT] = (int64_t)(uint64_t)((((unsigned __int128)s->drift << 64) +
	                                     (TK_NSEC_PER_SEC - 1)) /
	    TK_NSEC_PER_SEC);
	v[CB_STATUS] = s->status;
	v[CB_DSUPPORT] = s->dsupport;
	v[CB_MARKER] = (int64_t)s->marker;
}

/* The values of a checked publication that a read computes with. */
struct cb_pub {
	int64_t lo;
	uint64_t span, grace;
	int64_t bound;
	uint64_t mult;
	int64_t status;
};

static inline __attribute__((always_inline)) struct cb_pub
cb_pub_of(const int64_t v[CB_NV])
{
	struct cb_pub p = { v[CB_LO], (uint64_t)v[CB_SPAN],
		(uint64_t)v[CB_GRACE], v[CB_BOUND], (uint64_t)v[CB_MULT],
		v[CB_STATUS] };

	return p;
}

/*
 * The interval a checked publication gives at (mono_ns, real_ns):
 * bound = bound_nsec + ceil((now - as_of) x max_drift_ppb / 10^9) + 1,
 * status as published until 5 s after as-of, free-running after that.
 * A now up to 1 us before as-of counts as as-of: the error then differs
 * from the bound at as-of by at most the drift over that 1 us, 1 ns at
 * 1000 ppm, which the + 1 covers.
 */
static inline __attribute__((always_inline)) void
cb_claim(
    struct cb_pub p, int64_t mono_ns, int64_t real_ns, struct tk_truetime *r)
{
	uint64_t off = (uint64_t)(mono_ns - p.lo);
	uint64_t age = off > TT_CAUSALITY_NS ? off - TT_CAUSALITY_NS : 0;

	if (TK_UNLIKELY(off >= p.span)) {
		tt_unknown(r,
		    p.status == TK_TRUETIME_DISRUPTED ? TK_TRUETIME_DISRUPTED
		                                      : TK_TRUETIME_UNKNOWN);
		return;
	}
	tt_interval(r, real_ns, p.bound + (int64_t)tt_mulhi(age, p.mult),
	    (int64_t)age,
	    off < p.grace ? (int)p.status : TK_TRUETIME_FREE_RUNNING);
}

/*
 * The disruption check: with clock-disruption support enabled and a
 * VMClock page mapped, its marker now must be the segment's.  1: no
 * disruption seen (or none to check), 0: no bound.
 */
static int
cb_marker_ok(uint64_t seg_marker)
{
	uint64_t marker;
	int m = tk__tt_vm_marker(&marker);

	return m == -ENOENT || (m == 0 && marker == seg_marker);
}

void
tk__tt_cb_eval(const void *seg, int64_t mono_ns, int64_t real_ns,
    int64_t ns_off_ns, const uint64_t *vm_marker, struct tk_truetime *r)
{
	struct cb_snap s;
	int64_t v[CB_NV];

	r->provider = "clockbound";
	if (cb_snapshot(seg, &s) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	cb_derive(&s, ns_off_ns, v);
	if (v[CB_DSUPPORT] && vm_marker != NULL &&
	    *vm_marker != (uint64_t)v[CB_MARKER]) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	cb_claim(cb_pub_of(v), mono_ns, real_ns, r);
}

/*
 * The checked publication now: the cache's when its key is the segment's
 * (as in cb_fast()), else a consistent copy, checked, derived and offered
 * to the cache.  0, or -EAGAIN (no consistent copy).
 */
static int
cb_current(int64_t v[CB_NV])
{
	struct cb_snap s;

	/*
	 * Acquire: as-of is loaded after the generation (in hdr); pairs with
	 * the release store of the even generation in ShmWriter::write.
	 */
	if (tt_cache_read(&cb_cache, v, CB_NV) == 0 &&
	    tk__load_acquire(&cb_seg->hdr) == (uint64_t)v[CB_HDR] &&
	    tk__load_relaxed(&cb_seg->as_of_sec) == v[CB_ASOF_SEC] &&
	    tk__load_relaxed(&cb_seg->as_of_nsec) == v[CB_ASOF_NSEC])
		return 0;
	if (cb_snapshot(cb_seg, &s) != 0)
		return -EAGAIN;
	cb_derive(&s, cb_ns.mono_ns, v);
	tt_cache_offer(&cb_cache, v, CB_NV);
	return 0;
}

/*
 * A read the first pass cannot serve (a new publication, a cache being
 * written, a disruption marker to check, a clock off its fast tier): the
 * current publication, then the clocks and the interval.
 */
static __attribute__((noinline)) int
cb_read_slow(struct tk_truetime *r)
{
	int64_t v[CB_NV], mono, real;

	r->provider = "clockbound";
	if (cb_current(v) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return 0;
	}
	if (v[CB_DSUPPORT] && !cb_marker_ok((uint64_t)v[CB_MARKER])) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return 0;
	}
	tt_now(&mono, &real);
	cb_claim(cb_pub_of(v), mono, real, r);
	return 0;
}

/*
 * The read's first pass, over the cache (src/truetime/tt_cache.h): its
 * key against the segment's (hdr and as-of) to show the cached
 * publication is still the current one, its values, both clocks from one
 * counter read, the sums: 0, or -1 for the slow way (a new publication,
 * a cache being written, a disruption marker to check, a clock off its
 * fast tier).  The segment's key is loaded before the clocks, so the
 * publication used was current before "now": its bound, grown to now,
 * holds.  Fields changed without a new generation are a writer breaking
 * the protocol (a torn copy would be possible anyway) and are seen at the
 * next publication.  No call: the values stay in registers.
 */
static inline __attribute__((always_inline)) int
cb_fast(struct tk_truetime *r)
{
	const struct cb_segment *s = cb_seg;
	const int64_t *cv = cb_cache.v;
	uint32_t gen = tk__th_read_begin(&cb_cache.gen);
	struct cb_pub p;
	int64_t mono, real;
	uint64_t key;

	/*
	 * Acquire: as-of is loaded after the generation (in hdr); pairs with
	 * the release store of the even generation in ShmWriter::write.
	 */
	key = (tk__load_acquire(&s->hdr) ^
	          (uint64_t)tk__load_relaxed(&cv[CB_HDR])) |
	    (uint64_t)(tk__load_relaxed(&s->as_of_sec) ^
	        tk__load_relaxed(&cv[CB_ASOF_SEC])) |
	    (uint64_t)(tk__load_relaxed(&s->as_of_nsec) ^
	        tk__load_relaxed(&cv[CB_ASOF_NSEC]));
	if (TK_UNLIKELY(key != 0))
		return -1;
	if (TK_UNLIKELY(tk__load_relaxed(&cv[CB_DSUPPORT]) != 0)) {
		/* Plain: set once at the choice, before any read. */
		struct tt_vm_map m = tk__tt_vm_map;
		uint64_t marker;

		if (m.head != NULL &&
		    (tt_vm_marker_pass(m.head, m.len, &marker) != 0 ||
		        marker != (uint64_t)tk__load_relaxed(&cv[CB_MARKER])))
			return -1;
	}
	if (TK_UNLIKELY(tt_now_fast(&mono, &real) != 0))
		return -1;
	p.lo = tk__load_relaxed(&cv[CB_LO]);
	p.span = (uint64_t)tk__load_relaxed(&cv[CB_SPAN]);
	p.grace = (uint64_t)tk__load_relaxed(&cv[CB_GRACE]);
	p.bound = tk__load_relaxed(&cv[CB_BOUND]);
	p.mult = (uint64_t)tk__load_relaxed(&cv[CB_MULT]);
	p.status = tk__load_relaxed(&cv[CB_STATUS]);
	if (TK_UNLIKELY(tk__th_read_retry_even(&cb_cache.gen, gen)))
		return -1;
	r->provider = "clockbound";
	cb_claim(p, mono, real, r);
	return 0;
}

TT_READERS(cb, cb_fast, cb_read_slow)

static int
cb_open(const char *path, int keep, const char **why)
{
	const struct cb_segment *s;
	const void *map;
	struct tt_timens ns;
	size_t len;
	uint16_t version;
	int err;

	if (path == NULL)
		path = tk__tt_hooks.clockbound_path != NULL
		    ? tk__tt_hooks.clockbound_path
		    : CB_PATH;
	tk__tt_timens_read(&ns);
	if (!ns.known) {
		*why = "this process unshared a time namespace it is not in: "
		       "its CLOCK_MONOTONIC offset cannot be read";
		return -ENOTSUP;
	}
	err = tk__tt_map(path, CB_SIZE, 0, 0, &map, &len, why);
	if (err != 0)
		return err;
	s = map;
	version = tk__load_relaxed(&s->version);
	if (tk__load_relaxed(&s->magic[0]) != CB_MAGIC0 ||
	    tk__load_relaxed(&s->magic[1]) != CB_MAGIC1) {
		*why = "not a ClockBound segment (magic)";
		err = -EINVAL;
	} else if (tk__load_relaxed(&s->segsize) != CB_SIZE) {
		*why = "the ClockBound segment size is not 80 (protocol 2)";
		err = -EINVAL;
	} else if (version != CB_VERSION && version != 0) {
		*why = "a ClockBound segment of another protocol version "
		       "(this reads version 2)";
		err = -ENOTSUP;
	}
	if (err != 0 || !keep) {
		tk__tt_unmap(map, CB_SIZE);
		if (err == 0)
			*why = "a ClockBound protocol 2 segment";
		return err;
	}
	cb_path = tk__tt_path_keep(cb_pathbuf, sizeof(cb_pathbuf), path);
	if (cb_path == NULL)
		cb_path = "";
	cb_ns = ns;
	cb_seg = s;
	tk__tt_vm_marker_open();
	*why = "a ClockBound protocol 2 segment";
	return 0;
}

static const char *
cb_status_name(int32_t st)
{
	switch (st) {
	case 0:
		return "unknown";
	case 1:
		return "synchronized";
	case 2:
		return "free-running";
	case 3:
		return "disrupted";
	default:
		return "invalid";
	}
}

static void
cb_info(struct tk_truetime_info *ti)
{
	struct cb_snap s;
	int64_t mono, real, as_of;

	ti->path = cb_path;
	ti->max_age_ns = CB_GRACE_NS;
	ti->timens_offset_ns = cb_ns.mono_ns;
	if (cb_snapshot(cb_seg, &s) != 0) {
		ti->provider_status = "no consistent copy (writer busy)";
		return;
	}
	tt_now(&mono, &real);
	as_of = (uint64_t)s.as_of_sec < (1ULL << 32) &&
	        (uint64_t)s.as_of_nsec < (uint64_t)TK_NSEC_PER_SEC
	    ? s.as_of_sec * TK_NSEC_PER_SEC + s.as_of_nsec
	    : -1;
	ti->provider_status = cb_status_name(s.status);
	ti->bound_ns = s.bound;
	ti->drift_ppb = s.drift;
	ti->age_ns = as_of < 0 ? -1 : mono - (as_of + cb_ns.mono_ns);
	tk__tt_field(ti, "magic[0]", s.magic0, 0);
	tk__tt_field(ti, "magic[1]", s.magic1, 0);
	tk__tt_field(ti, "segsize", s.segsize, 0);
	tk__tt_field(ti, "version", s.version, 0);
	tk__tt_field(ti, "generation", s.generation, 0);
	tk__tt_field(ti, "as_of.tv_sec", (uint64_t)s.as_of_sec, 1);
	tk__tt_field(ti, "as_of.tv_nsec", (uint64_t)s.as_of_nsec, 1);
	tk__tt_field(ti, "void_after.tv_sec", (uint64_t)s.void_sec, 1);
	tk__tt_field(ti, "void_after.tv_nsec", (uint64_t)s.void_nsec, 1);
	tk__tt_field(ti, "bound_nsec", (uint64_t)s.bound, 1);
	tk__tt_field(ti, "disruption_marker", s.marker, 0);
	tk__tt_field(ti, "max_drift_ppb", s.drift, 0);
	tk__tt_field(ti, "clock_status", (uint64_t)(int64_t)s.status, 1);
	tk__tt_field(ti, "clock_disruption_support_enabled", s.dsupport, 0);
}

static void
cb_close(void)
{
	tk__tt_unmap(cb_seg, CB_SIZE);
	cb_seg = NULL;
	cb_path = "";
	tt_cache_clear(&cb_cache);
}

TK_HIDDEN const struct tt_provider tk__tt_clockbound = {
	.name = "clockbound",
	.open = cb_open,
	.read = cb_read,
	.after = cb_after,
	.before = cb_before,
	.info = cb_info,
	.close = cb_close,
};
