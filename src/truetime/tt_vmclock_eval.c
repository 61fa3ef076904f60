/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The VMClock page's evaluation: a consistent copy of one publication, its
 * checks, and the factors a read computes with (the provider itself, which
 * maps the page and serves the reads, is tt_vmclock.c).
 *
 * Who writes: the hypervisor, with a seqcount: seq_count made odd, a write
 * barrier, the fields, a write barrier, seq_count made even.  Who reads:
 * the guest, as vmclock_get_crosststamp() in Linux drivers/ptp/
 * ptp_vmclock.c does: a copy between two equal even seq_count values, with
 * the counter read inside the copy; here bounded to TK_TH_READ_TRIES
 * passes.
 *
 * Used only when the hypervisor fills the time fields: the page's counter
 * is this CPU's (counter_id 1, the TSC, on x86-64; 0, the virtual counter,
 * on arm64), time_type is UTC or TAI (with its offset), and both
 * TIME_MAXERROR_VALID and PERIOD_MAXERROR_VALID are set.  Then, at counter
 * value c:
 *   time(c) = time_sec + time_frac_sec / 2^64
 *	       + (c - counter_value) x counter_period_frac_sec / 2^(64+shift)
 *   bound(c) = time_maxerror_nanosec
 *	       + |c - counter_value| x counter_period_maxerror_rate_frac_sec
 *	         / 2^(64+shift), rounded up
 * (the same form as FreeBSD's timehands), with status synchronized or
 * free-running as clock_status says (unknown, initializing and
 * unreliable claim no bound).  During a positive leap second
 * (leap_indicator VMCLOCK_LEAP_POS) POSIX time is ambiguous by a second,
 * so the bound grows by 1 s then.
 */
#include <errno.h>
#include <stddef.h>

#include "atomic.h"
#include "counter.h"
#include "timehands.h"
#include "truetime/tt.h"
#include "truetime/tt_vmclock_page.h"

int
tk__tt_vm_snapshot(const struct tt_vm_page *p, struct tt_vm_snap *o, int live)
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

static uint64_t
vm_gen(const struct tt_vm_snap *s)
{
	return (s->flags & VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT) != 0 &&
	        s->size >= sizeof(struct tt_vm_page)
	    ? s->vmgen
	    : 0;
}

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
void
tk__tt_vm_derive(const struct tt_vm_snap *s, size_t len, const int64_t *prev,
    int64_t v[VM_NV])
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
	if (!tt_vm_valid(s, len) || !tt_vm_has_time(s) || s->period == 0 ||
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
	vm_per_count(s->period, s->shift, &v[VM_I], &v[VM_F]);
	/*
	 * A counter slower than 1 MHz is no machine's: a corrupt period,
	 * whose time would run away from the counter's real rate.
	 */
	if (v[VM_I] >= 1000) {
		v[VM_I] = v[VM_F] = 0;
		return;
	}
	v[VM_STATUS] = s->status == VMCLOCK_STATUS_SYNCHRONIZED
	    ? TK_TRUETIME_SYNCHRONIZED
	    : TK_TRUETIME_FREE_RUNNING;
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

void
tk__tt_vm_eval(
    const void *page, size_t len, uint64_t counter, struct tk_truetime *r)
{
	struct tt_vm_snap s;
	int64_t v[VM_NV];

	r->provider = "vmclock";
	if (tk__tt_vm_snapshot(page, &s, 0) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return;
	}
	tk__tt_vm_derive(&s, len, NULL, v);
	tt_vm_claim(tt_vm_pub_of(v), counter, r);
}
