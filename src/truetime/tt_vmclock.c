/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The VMClock provider: the page a hypervisor shares with its guests to
 * say how the CPU counter maps to real time, and how wrong that may be
 * (Linux include/uapi/linux/vmclock-abi.h, kernel 6.13 and later; driver
 * drivers/ptp/ptp_vmclock.c, which lets user space mmap it read-only
 * from /dev/vmclock0).  Little-endian fields; every target timekeep
 * supports is little-endian.
 *
 * Who writes: the hypervisor, with a seqcount: seq_count made odd, a write
 * barrier, the fields, a write barrier, seq_count made even.  Who reads:
 * the guest, as vmclock_get_crosststamp() in ptp_vmclock.c does: a copy
 * between two equal even seq_count values, with the counter read inside
 * the copy; here bounded to TK_TH_READ_TRIES passes.
 *
 * Used only when the hypervisor fills the time fields: the page's counter
 * is this CPU's (counter_id 1, the TSC, on x86-64; 0, the virtual counter,
 * on arm64), time_type is UTC or TAI (with its offset), and both
 * TIME_MAXERROR_VALID and PERIOD_MAXERROR_VALID are set.  A page without
 * them is still kept for its disruption marker, which ClockBound's check
 * needs (tk__tt_vm_marker).  Then, at counter value c:
 *   time(c) = time_sec + time_frac_sec / 2^64
 *	       + (c - counter_value) x counter_period_frac_sec / 2^(64+shift)
 *   bound(c) = time_maxerror_nanosec
 *	       + |c - counter_value| x counter_period_maxerror_rate_frac_sec
 *	         / 2^(64+shift), rounded up
 * (the same form as FreeBSD's timehands), with status synchronized or
 * free-running as clock_status says (unknown, initializing and
 * unreliable claim no bound).  This is the page's own clock, independent
 * of the kernel's CLOCK_REALTIME: it is right after a live migration
 * before NTP has recovered, which is what the page is for.
 *
 * Each publication (seq_count with counter_value, disruption_marker and
 * vm_generation_counter) is copied and checked once, by the first reader
 * to see it, which derives the factors a read needs and publishes them
 * (src/truetime/tt_cache.h); every other read is seq_count and the key
 * fields, the cache, the counter, seq_count again, and two multiply-adds.
 * Fields changed without a new seq_count are a writer breaking the
 * protocol and are not seen until the next publication.
 *
 * Disruption.  disruption_marker changes when the counter is disrupted
 * (live migration), vm_generation_counter (if present) when the VM is
 * restored from a snapshot.  A publication whose marker or generation
 * differs from the cached one before it is DISRUPTED: every read answers
 * no bound until the hypervisor publishes again (seq_count moves on),
 * and the new values are the anchor that next publication is checked
 * against.
 *
 * During a positive leap second (leap_indicator VMCLOCK_LEAP_POS) POSIX
 * time is ambiguous by a second, so the bound grows by 1 s then.
 */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include "atomic.h"
#include "counter.h"
#include "timehands.h"
#include "truetime/tt.h"
#include "truetime/tt_cache.h"
#include "truetime/tt_pub.h"

#define VM_PATH "/dev/vmclock0"
#define VMCLOCK_MAGIC 0x4b4c4356u /* "VCLK" */
#define VMCLOCK_COUNTER_ARM_VCNT 0
#define VMCLOCK_COUNTER_X86_TSC 1
#define VMCLOCK_COUNTER_INVALID 0xff
#define VMCLOCK_TIME_UTC 0
#define VMCLOCK_TIME_TAI 1
#define VMCLOCK_FLAG_TAI_OFFSET_VALID (1u << 0)
#define VMCLOCK_FLAG_PERIOD_MAXERROR_VALID (1u << 4)
#define VMCLOCK_FLAG_TIME_MAXERROR_VALID (1u << 6)
#define VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT (1u << 8)
#define VMCLOCK_STATUS_SYNCHRONIZED 2
#define VMCLOCK_STATUS_FREERUNNING 3
#define VMCLOCK_LEAP_POS 0x03
/* A regular file standing in for the device holds one 4 KiB region. */
#define VM_FILE_SIZE 4096

#if defined(TK_ARCH_X86_64)
#define VM_COUNTER_ID VMCLOCK_COUNTER_X86_TSC
#elif defined(TK_ARCH_AARCH64)
#define VM_COUNTER_ID VMCLOCK_COUNTER_ARM_VCNT
#else
#define VM_COUNTER_ID VMCLOCK_COUNTER_INVALID /* no counter of ours */
#endif

/* struct vmclock_abi, member by member (vmclock-abi.h). */
struct vm_page {
	uint32_t magic;
	uint32_t size; /* of the region holding the structure */
	uint16_t version; /* 1 */
	uint8_t counter_id;
	uint8_t time_type;
	uint32_t seq_count; /* low bit: update in progress */
	uint64_t disruption_marker;
	uint64_t flags;
	uint8_t pad[2];
	uint8_t clock_status;
	uint8_t leap_second_smearing_hint;
	uint16_t tai_offset_sec; /* two's complement */
	uint8_t leap_indicator;
	uint8_t counter_period_shift;
	uint64_t counter_value;
	uint64_t counter_period_frac_sec; /* 2^-(64 + shift) s */
	uint64_t counter_period_esterror_rate_frac_sec;
	uint64_t counter_period_maxerror_rate_frac_sec;
	uint64_t time_sec;
	uint64_t time_frac_sec; /* 2^-64 s */
	uint64_t time_esterror_nanosec;
	uint64_t time_maxerror_nanosec;
	uint64_t vm_generation_counter;
};
_Static_assert(offsetof(struct vm_page, seq_count) == 12, "seq_count");
_Static_assert(offsetof(struct vm_page, clock_status) == 34, "status");
_Static_assert(offsetof(struct vm_page, counter_value) == 40, "counter");
_Static_assert(offsetof(struct vm_page, time_sec) == 72, "time_sec");
_Static_assert(sizeof(struct vm_page) == 112, "112 bytes");
_Static_assert(offsetof(struct tt_vm_head, seq_count) ==
            offsetof(struct vm_page, seq_count) &&
        offsetof(struct tt_vm_head, disruption_marker) ==
            offsetof(struct vm_page, disruption_marker),
    "tt.h's head of the page");
/* The structure before vm_generation_counter was added. */
#define VM_SIZE_MIN 104

struct vm_snap {
	uint32_t magic, size, seq;
	uint16_t version, tai_offset;
	uint8_t counter_id, time_type, status, smear, leap, shift;
	uint64_t marker, flags, counter_value, period, est_rate, max_rate;
	uint64_t time_sec, time_frac, esterror, maxerror, vmgen;
	uint64_t counter; /* the counter value the copy is for */
};

static const struct vm_page *vm_page; /* chosen: time and marker */
static const struct vm_page *vm_marker_page; /* not chosen: marker only */
TK_HIDDEN struct tt_vm_map tk__tt_vm_map;
static size_t vm_len;
/*
 * The current publication, checked: vm_pub keeps it for the slow path in
 * two slots, so that the disruption anchor (the last publication's marker
 * and VM generation) can always be read; vm_cache is the copy the first
 * pass reads (src/truetime/tt_cache.h).
 */
static struct tt_pub vm_pub;
static struct tt_cache vm_cache;
static char vm_pathbuf[256];
static const char *vm_path = "";

static int
vm_snapshot(const struct vm_page *p, struct vm_snap *o, int live)
{
	for (int i = 0; i < TK_TH_READ_TRIES; i++) {
		/*
		 * Acquire: the fields are loaded after seq_count; pairs with
		 * the hypervisor's write barrier before it makes seq_count
		 * even (what ptp_vmclock.c vmclock_get_crosststamp relies
		 * on).
		 */
		uint32_t seq = tk__load_acquire(&p->seq_count);

		if ((seq & 1u) != 0)
			continue;
		o->magic = tk__load_relaxed(&p->magic);
		o->size = tk__load_relaxed(&p->size);
		o->version = tk__load_relaxed(&p->version);
		o->counter_id = tk__load_relaxed(&p->counter_id);
		o->time_type = tk__load_relaxed(&p->time_type);
		o->marker = tk__load_relaxed(&p->disruption_marker);
		o->flags = tk__load_relaxed(&p->flags);
		o->status = tk__load_relaxed(&p->clock_status);
		o->smear = tk__load_relaxed(&p->leap_second_smearing_hint);
		o->tai_offset = tk__load_relaxed(&p->tai_offset_sec);
		o->leap = tk__load_relaxed(&p->leap_indicator);
		o->shift = tk__load_relaxed(&p->counter_period_shift);
		o->counter_value = tk__load_relaxed(&p->counter_value);
		o->period = tk__load_relaxed(&p->counter_period_frac_sec);
		o->est_rate =
		    tk__load_relaxed(&p->counter_period_esterror_rate_frac_sec);
		o->max_rate =
		    tk__load_relaxed(&p->counter_period_maxerror_rate_frac_sec);
		o->time_sec = tk__load_relaxed(&p->time_sec);
		o->time_frac = tk__load_relaxed(&p->time_frac_sec);
		o->esterror = tk__load_relaxed(&p->time_esterror_nanosec);
		o->maxerror = tk__load_relaxed(&p->time_maxerror_nanosec);
		o->vmgen = tk__load_relaxed(&p->vm_generation_counter);
		if (live)
			o->counter = tk__counter_ordered();
		/*
		 * Acquire fence: the field loads and the counter read
		 * complete before seq_count is loaded again; pairs with the
		 * hypervisor's write barrier after it makes seq_count odd.
		 */
		tk__fence_acquire();
		if (tk__load_relaxed(&p->seq_count) == seq) {
			o->seq = seq;
			return 0;
		}
	}
	return -EAGAIN;
}

/* The constant part: a VMClock page of version 1 that fits the map. */
static int
vm_valid(const struct vm_snap *s, size_t len)
{
	return s->magic == VMCLOCK_MAGIC && s->version == 1 &&
	    s->size >= VM_SIZE_MIN && s->size <= len;
}

/* Everything a bound needs is there (clock_status aside). */
static int
vm_has_time(const struct vm_snap *s)
{
	uint64_t need = VMCLOCK_FLAG_TIME_MAXERROR_VALID |
	    VMCLOCK_FLAG_PERIOD_MAXERROR_VALID;

	return s->counter_id == VM_COUNTER_ID && (s->flags & need) == need &&
	    (s->time_type == VMCLOCK_TIME_UTC ||
	        (s->time_type == VMCLOCK_TIME_TAI &&
	            (s->flags & VMCLOCK_FLAG_TAI_OFFSET_VALID) != 0));
}

static uint64_t
vm_gen(const struct vm_snap *s)
{
	return (s->flags & VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT) != 0 &&
	        s->size >= sizeof(struct vm_page)
	    ? s->vmgen
	    : 0;
}

/*
 * floor(counts x rate / 2^(64 + shift)) in ns: the product is a 128-bit
 * fraction of a second in units of 2^-(64 + shift) s; times 10^9 split as
 * hi x 10^9 + (lo x 10^9) >> 64 so nothing overflows.  UINT64_MAX when the
 * result does not fit below 2^62.  (For tk_truetime_info: reads use the
 * per-count factors of vm_derive.)
 */
static uint64_t
vm_scale(uint64_t counts, uint64_t rate, unsigned shift)
{
	unsigned __int128 p = (unsigned __int128)counts * rate;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
	unsigned __int128 ns = (unsigned __int128)hi * 1000000000u +
	    (((unsigned __int128)lo * 1000000000u) >> 64);

	ns >>= shift;
	return ns >> 62 != 0 ? UINT64_MAX : (uint64_t)ns;
}

/* A checked publication (vm_derive), as the cache holds it. */
enum {
	VM_SEQ, /* the key: seq_count, counter_value, disruption_marker */
	VM_CV, /* and vm_generation_counter as stored (flag or not) */
	VM_MARKER,
	VM_RAWGEN,
	VM_GEN, /* the disruption anchor: the VM generation if flagged */
	VM_STATUS, /* TK_TRUETIME_* as published, or the verdict */
	VM_LIM, /* a bound while |counter - counter_value| < this; 0: never */
	VM_BASE, /* UTC ns at counter_value */
	VM_I, /* ns per count: VM_I + VM_F / 2^64 */
	VM_F,
	VM_EI, /* maximum error ns per count, the same way */
	VM_EF,
	VM_BOUND, /* time_maxerror_nanosec + rounding (+ 1 s in a leap) */
	VM_NV
};
_Static_assert(VM_NV <= TT_CACHE_NV && VM_NV <= TT_PUB_NV,
    "the caches hold a publication");

/* rate in 2^-(64 + shift) s per count as ns per count, 64.64 (floor). */
static void
vm_per_count(uint64_t rate, unsigned shift, int64_t *i, int64_t *f)
{
	unsigned __int128 x = ((unsigned __int128)rate * 1000000000u) >> shift;

	*i = (int64_t)(uint64_t)(x >> 64); /* below 10^9: rate < 2^64 */
	*f = (int64_t)(uint64_t)x;
}

/*
 * The largest count difference whose floor(counts x (i + f / 2^64)) is at
 * most max; UINT64_MAX for a rate of 0.
 */
static uint64_t
vm_counts_within(int64_t i, int64_t f, int64_t max)
{
	unsigned __int128 rate =
	    (unsigned __int128)(uint64_t)i << 64 | (uint64_t)f;
	unsigned __int128 n;

	if (rate == 0)
		return UINT64_MAX;
	n = (((unsigned __int128)(uint64_t)max + 1) << 64) - 1;
	n /= rate;
	return n >> 64 != 0 ? UINT64_MAX : (uint64_t)n;
}

/*
 * Check one publication, once, and derive what a read needs.  prev is
 * the cache before it (NULL: none): a disruption marker or VM generation
 * that differs from prev's makes this publication DISRUPTED, and becomes
 * the anchor the next publication is compared with.  VM_LIM folds every
 * check on the distance from the anchor into one compare: the products
 * stay below 2^62, the elapsed time within TT_AGE_MAX_NS and the error's
 * growth within TT_BOUND_MAX_NS.
 */
static void
vm_derive(
    const struct vm_snap *s, size_t len, const int64_t *prev, int64_t v[VM_NV])
{
	uint64_t lim, l;
	int64_t ratemax;

	for (int k = 0; k < VM_NV; k++)
		v[k] = 0;
	v[VM_SEQ] = s->seq;
	v[VM_CV] = (int64_t)s->counter_value;
	v[VM_MARKER] = (int64_t)s->marker;
	v[VM_RAWGEN] = (int64_t)s->vmgen;
	v[VM_GEN] = (int64_t)vm_gen(s);
	v[VM_STATUS] = TK_TRUETIME_UNKNOWN;
	if (!vm_valid(s, len) || !vm_has_time(s) || s->period == 0 ||
	    s->shift > 63 || s->time_sec >= (1ULL << 33) ||
	    s->maxerror > (uint64_t)TT_BOUND_MAX_NS)
		return;
	if (prev != NULL &&
	    (v[VM_MARKER] != prev[VM_MARKER] || v[VM_GEN] != prev[VM_GEN])) {
		v[VM_STATUS] = TK_TRUETIME_DISRUPTED;
		return;
	}
	if (s->status != VMCLOCK_STATUS_SYNCHRONIZED &&
	    s->status != VMCLOCK_STATUS_FREERUNNING)
		return;
	v[VM_STATUS] = s->status == VMCLOCK_STATUS_SYNCHRONIZED
	    ? TK_TRUETIME_SYNCHRONIZED
	    : TK_TRUETIME_FREE_RUNNING;
	vm_per_count(s->period, s->shift, &v[VM_I], &v[VM_F]);
	vm_per_count(s->max_rate, s->shift, &v[VM_EI], &v[VM_EF]);
	/* Keeps counts x (I or EI) + the high product below 2^63. */
	ratemax = v[VM_I] > v[VM_EI] ? v[VM_I] : v[VM_EI];
	lim = (uint64_t)((1LL << 62) / (ratemax + 1));
	l = vm_counts_within(v[VM_I], v[VM_F], TT_AGE_MAX_NS);
	lim = l < lim ? l : lim;
	l = vm_counts_within(v[VM_EI], v[VM_EF], TT_BOUND_MAX_NS);
	lim = l < lim ? l : lim;
	v[VM_LIM] = (int64_t)(lim + 1);
	v[VM_BASE] = (int64_t)s->time_sec * TK_NSEC_PER_SEC +
	    (int64_t)tk__frac_to_units(s->time_frac, 1000000000u);
	if (s->time_type == VMCLOCK_TIME_TAI)
		v[VM_BASE] -= (int64_t)(int16_t)s->tai_offset * TK_NSEC_PER_SEC;
	/*
	 * +1 for the floors of the time, +1 for those of the error, +1 for
	 * the error's growth rounded up.
	 */
	v[VM_BOUND] = (int64_t)s->maxerror + 3;
	if (s->leap == VMCLOCK_LEAP_POS)
		v[VM_BOUND] += TK_NSEC_PER_SEC;
}

/* The values of a checked publication that a read computes with. */
struct vm_pub {
	uint64_t cv, lim, i, f, ei, ef;
	int64_t base, bound, status;
};

static inline __attribute__((always_inline)) struct vm_pub
vm_pub_of(const int64_t v[VM_NV])
{
	struct vm_pub p = { (uint64_t)v[VM_CV], (uint64_t)v[VM_LIM],
		(uint64_t)v[VM_I], (uint64_t)v[VM_F], (uint64_t)v[VM_EI],
		(uint64_t)v[VM_EF], v[VM_BASE], v[VM_BOUND], v[VM_STATUS] };

	return p;
}

/* The interval a checked publication gives at counter value c. */
static inline __attribute__((always_inline)) void
vm_claim(struct vm_pub p, uint64_t c, struct tk_truetime *r)
{
	uint64_t delta = c - p.cv;
	int64_t el, err;

	/* A counter before the anchor is rare: a branch, not a cmov. */
	if (TK_UNLIKELY((int64_t)delta < 0)) {
		delta = 0 - delta;
		if (TK_UNLIKELY(delta >= p.lim))
			goto none;
		el = (int64_t)(delta * p.i + tt_mulhi(delta, p.f));
		err = (int64_t)(delta * p.ei + tt_mulhi(delta, p.ef));
		tt_interval(r, p.base - el, p.bound + err, 0, (int)p.status);
		return;
	}
	if (TK_UNLIKELY(delta >= p.lim))
		goto none;
	el = (int64_t)(delta * p.i + tt_mulhi(delta, p.f));
	err = (int64_t)(delta * p.ei + tt_mulhi(delta, p.ef));
	tt_interval(r, p.base + el, p.bound + err, el, (int)p.status);
	return;
none:
	tt_unknown(r,
	    p.status == TK_TRUETIME_DISRUPTED ? TK_TRUETIME_DISRUPTED
	                                      : TK_TRUETIME_UNKNOWN);
}

void
tk__tt_vm_eval(
    const void *page, size_t len, uint64_t counter, struct tk_truetime *r)
{
	struct vm_snap s;
	int64_t v[VM_NV];

	r->provider = "vmclock";
	if (vm_snapshot(page, &s, 0) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	vm_derive(&s, len, NULL, v);
	vm_claim(vm_pub_of(v), counter, r);
}

/*
 * A read the first pass cannot serve: copy the page with the counter,
 * check and derive it against the cache before it, offer the result.  A
 * cache of this very publication is used as it is (its verdict on a
 * disruption stands until the hypervisor publishes again).
 */
static __attribute__((noinline)) int
vm_read_slow(struct tk_truetime *r)
{
	struct vm_snap s;
	int64_t prev[VM_NV], v[VM_NV];
	int have = tt_pub_read(&vm_pub, prev, VM_NV) == 0;

	r->provider = "vmclock";
	if (vm_snapshot(vm_page, &s, 1) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return 0;
	}
	if (have && (uint32_t)prev[VM_SEQ] == s.seq &&
	    (uint64_t)prev[VM_CV] == s.counter_value &&
	    (uint64_t)prev[VM_MARKER] == s.marker &&
	    (uint64_t)prev[VM_RAWGEN] == s.vmgen) {
		tt_cache_offer(&vm_cache, prev, VM_NV);
		vm_claim(vm_pub_of(prev), s.counter, r);
		return 0;
	}
	vm_derive(&s, vm_len, have ? prev : NULL, v);
	tt_pub_offer(&vm_pub, v, VM_NV);
	tt_cache_offer(&vm_cache, v, VM_NV);
	vm_claim(vm_pub_of(v), s.counter, r);
	return 0;
}

/*
 * The read's first pass: seq_count, the fields that tell one publication
 * from another (counter_value, disruption_marker, vm_generation_counter)
 * against the cache's key, the counter and seq_count again, as the
 * kernel's vmclock_get_crosststamp() reads the page; then the cache's
 * values and two multiply-adds.  0, or -1 for the slow way.  A seq_count
 * alone could repeat: a guest restored from a snapshot keeps its own
 * memory (the cache) while the hypervisor rewrites the page.
 */
static inline __attribute__((always_inline)) int
vm_fast(struct tk_truetime *r)
{
	const struct vm_page *pg = vm_page;
	const int64_t *cv = vm_cache.v;
	uint32_t gen = tk__th_read_begin(&vm_cache.gen);
	struct vm_pub p;
	uint64_t c, key;
	uint32_t seq;

	/*
	 * Acquire: the fields and the counter are read after seq_count;
	 * pairs with the hypervisor's write barrier before it makes
	 * seq_count even (vmclock_get_crosststamp relies on it too).
	 */
	seq = tk__load_acquire(&pg->seq_count);
	key = ((uint64_t)seq ^ (uint64_t)tk__load_relaxed(&cv[VM_SEQ])) |
	    (tk__load_relaxed(&pg->counter_value) ^
	        (uint64_t)tk__load_relaxed(&cv[VM_CV])) |
	    (tk__load_relaxed(&pg->disruption_marker) ^
	        (uint64_t)tk__load_relaxed(&cv[VM_MARKER])) |
	    (tk__load_relaxed(&pg->vm_generation_counter) ^
	        (uint64_t)tk__load_relaxed(&cv[VM_RAWGEN]));
	if (TK_UNLIKELY(key != 0 || (seq & 1u) != 0))
		return -1;
	c = tk__counter_ordered();
	/*
	 * Acquire fence: the loads and the counter read complete before
	 * seq_count is loaded again; pairs with the hypervisor's write
	 * barrier after it makes seq_count odd.
	 */
	tk__fence_acquire();
	p.cv = (uint64_t)tk__load_relaxed(&cv[VM_CV]);
	p.lim = (uint64_t)tk__load_relaxed(&cv[VM_LIM]);
	p.i = (uint64_t)tk__load_relaxed(&cv[VM_I]);
	p.f = (uint64_t)tk__load_relaxed(&cv[VM_F]);
	p.ei = (uint64_t)tk__load_relaxed(&cv[VM_EI]);
	p.ef = (uint64_t)tk__load_relaxed(&cv[VM_EF]);
	p.base = tk__load_relaxed(&cv[VM_BASE]);
	p.bound = tk__load_relaxed(&cv[VM_BOUND]);
	p.status = tk__load_relaxed(&cv[VM_STATUS]);
	if (TK_UNLIKELY(tk__load_relaxed(&pg->seq_count) != seq ||
	        tk__th_read_retry_even(&vm_cache.gen, gen)))
		return -1;
	r->provider = "vmclock";
	vm_claim(p, c, r);
	return 0;
}

TT_READERS(vm, vm_fast, vm_read_slow)

int
tk__tt_vm_marker(uint64_t *marker)
{
	struct tt_vm_map m = tk__tt_vm_map;

	if (m.head == NULL)
		return -ENOENT;
	for (int i = 0; i < TK_TH_READ_TRIES; i++) {
		if (tt_vm_marker_pass(m.head, m.len, marker) == 0)
			return 0;
	}
	return -EAGAIN;
}

/* The page ClockBound's disruption check reads (tt.h). */
static void
vm_map_set(const struct vm_page *p, size_t len)
{
	tk__tt_vm_map.head = (const struct tt_vm_head *)(const void *)p;
	tk__tt_vm_map.len = p != NULL ? len : 0;
}

/*
 * Map one page of the device (its driver maps exactly one), or a regular
 * file of one 4 KiB region standing in for it, and check the constant
 * part: 0, *map, *len and *s, or -errno and *why.
 */
static int
vm_map(const char *path, const struct vm_page **map, size_t *len,
    struct vm_snap *s, const char **why)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t want = pg >= VM_FILE_SIZE ? (size_t)pg : VM_FILE_SIZE;
	const void *m;
	int err = tk__tt_map(path, want, VM_FILE_SIZE, 1, &m, len, why);

	if (err != 0)
		return err;
	if (vm_snapshot(m, s, 0) != 0) {
		*why = "no consistent copy of the VMClock page (seq_count odd)";
		err = -EAGAIN;
	} else if (!vm_valid(s, *len)) {
		*why = "not a VMClock page (magic, version 1 or size)";
		err = -EINVAL;
	}
	if (err != 0) {
		tk__tt_unmap(m, *len);
		return err;
	}
	*map = m;
	return 0;
}

void
tk__tt_vm_marker_open(void)
{
	const char *path = tk__tt_hooks.vmclock_path != NULL
	    ? tk__tt_hooks.vmclock_path
	    : VM_PATH;
	const struct vm_page *m;
	const char *why;
	struct vm_snap s;
	size_t len;

	if (vm_page != NULL || vm_marker_page != NULL)
		return;
	if (vm_map(path, &m, &len, &s, &why) == 0) {
		vm_len = len;
		vm_marker_page = m;
		vm_map_set(m, len);
	}
}

static int
vm_open(const char *path, int keep, const char **why)
{
	const struct vm_page *m;
	struct vm_snap s;
	size_t len;
	int err;

	if (path == NULL)
		path = tk__tt_hooks.vmclock_path != NULL
		    ? tk__tt_hooks.vmclock_path
		    : VM_PATH;
	err = vm_map(path, &m, &len, &s, why);
	if (err != 0)
		return err;
	if (!vm_has_time(&s)) {
		*why = "a VMClock page without time for this CPU's counter "
		       "(only its disruption marker is used)";
		if (keep && vm_page == NULL && vm_marker_page == NULL) {
			vm_len = len;
			vm_marker_page = m;
			vm_map_set(m, len);
		} else {
			tk__tt_unmap(m, len);
		}
		return -ENOTSUP;
	}
	*why = "a VMClock page with time and maximum error";
	if (!keep) {
		tk__tt_unmap(m, len);
		return 0;
	}
	if (vm_marker_page != NULL) {
		tk__tt_unmap(vm_marker_page, vm_len);
		vm_marker_page = NULL;
	}
	vm_path = tk__tt_path_keep(vm_pathbuf, sizeof(vm_pathbuf), path);
	if (vm_path == NULL)
		vm_path = "";
	vm_len = len;
	{
		int64_t v[VM_NV];

		vm_derive(&s, len, NULL, v);
		tt_pub_offer(&vm_pub, v, VM_NV);
		tt_cache_offer(&vm_cache, v, VM_NV);
	}
	vm_page = m;
	vm_map_set(m, len);
	return 0;
}

static const char *
vm_status_name(uint8_t st)
{
	static const char *const names[] = { "unknown", "initializing",
		"synchronized", "free-running", "unreliable" };

	return st < 5 ? names[st] : "invalid";
}

static void
vm_info(struct tk_truetime_info *ti)
{
	struct vm_snap s;

	ti->path = vm_path;
	if (vm_snapshot(vm_page, &s, 1) != 0) {
		ti->provider_status = "no consistent copy (seq_count odd)";
		return;
	}
	ti->provider_status = vm_status_name(s.status);
	ti->bound_ns = (int64_t)s.maxerror;
	ti->age_ns = s.counter >= s.counter_value
	    ? (int64_t)vm_scale(s.counter - s.counter_value, s.period, s.shift)
	    : 0;
	/* max_rate / period is the rate error per unit: x 10^9 in ppb. */
	ti->drift_ppb = s.period == 0
	    ? -1
	    : (int64_t)((unsigned __int128)s.max_rate * 1000000000u / s.period);
	tk__tt_field(ti, "magic", s.magic, 0);
	tk__tt_field(ti, "size", s.size, 0);
	tk__tt_field(ti, "version", s.version, 0);
	tk__tt_field(ti, "counter_id", s.counter_id, 0);
	tk__tt_field(ti, "time_type", s.time_type, 0);
	tk__tt_field(ti, "seq_count", s.seq, 0);
	tk__tt_field(ti, "disruption_marker", s.marker, 0);
	tk__tt_field(ti, "flags", s.flags, 0);
	tk__tt_field(ti, "clock_status", s.status, 0);
	tk__tt_field(ti, "leap_second_smearing_hint", s.smear, 0);
	tk__tt_field(
	    ti, "tai_offset_sec", (uint64_t)(int64_t)(int16_t)s.tai_offset, 1);
	tk__tt_field(ti, "leap_indicator", s.leap, 0);
	tk__tt_field(ti, "counter_period_shift", s.shift, 0);
	tk__tt_field(ti, "counter_value", s.counter_value, 0);
	tk__tt_field(ti, "counter_period_frac_sec", s.period, 0);
	tk__tt_field(
	    ti, "counter_period_esterror_rate_frac_sec", s.est_rate, 0);
	tk__tt_field(
	    ti, "counter_period_maxerror_rate_frac_sec", s.max_rate, 0);
	tk__tt_field(ti, "time_sec", s.time_sec, 0);
	tk__tt_field(ti, "time_frac_sec", s.time_frac, 0);
	tk__tt_field(ti, "time_esterror_nanosec", s.esterror, 0);
	tk__tt_field(ti, "time_maxerror_nanosec", s.maxerror, 0);
	tk__tt_field(ti, "vm_generation_counter", s.vmgen, 0);
	tk__tt_field(ti, "counter (now)", s.counter, 0);
}

static void
vm_close(void)
{
	tk__tt_unmap(vm_page, vm_len);
	tk__tt_unmap(vm_marker_page, vm_len);
	vm_page = NULL;
	vm_marker_page = NULL;
	vm_map_set(NULL, 0);
	vm_path = "";
	tt_pub_clear(&vm_pub);
	tt_cache_clear(&vm_cache);
}

TK_HIDDEN const struct tt_provider tk__tt_vmclock = {
	.name = "vmclock",
	.open = vm_open,
	.read = vm_read,
	.after = vm_after,
	.before = vm_before,
	.info = vm_info,
	.close = vm_close,
};
