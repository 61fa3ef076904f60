/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the VMClock provider's two files share: the page's layout (Linux
 * include/uapi/linux/vmclock-abi.h), a consistent copy of it, a checked
 * publication as the caches hold it, and the interval one gives.
 * tt_vmclock_eval.c copies and checks a publication; tt_vmclock.c maps the
 * page and serves the reads.  Nothing else includes this.
 */
#ifndef TK_TT_VMCLOCK_PAGE_H
#define TK_TT_VMCLOCK_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "truetime/tt.h"
#include "truetime/tt_cache.h"
#include "truetime/tt_pub.h"

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

#if defined(TK_ARCH_X86_64)
#define VM_COUNTER_ID VMCLOCK_COUNTER_X86_TSC
#elif defined(TK_ARCH_AARCH64)
#define VM_COUNTER_ID VMCLOCK_COUNTER_ARM_VCNT
#else
#define VM_COUNTER_ID VMCLOCK_COUNTER_INVALID /* no counter of ours */
#endif

/* struct vmclock_abi, member by member (vmclock-abi.h). */
struct tt_vm_page {
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
_Static_assert(offsetof(struct tt_vm_page, seq_count) == 12, "seq_count");
_Static_assert(offsetof(struct tt_vm_page, clock_status) == 34, "status");
_Static_assert(offsetof(struct tt_vm_page, counter_value) == 40, "counter");
_Static_assert(offsetof(struct tt_vm_page, time_sec) == 72, "time_sec");
_Static_assert(sizeof(struct tt_vm_page) == 112, "112 bytes");
_Static_assert(offsetof(struct tt_vm_head, seq_count) ==
            offsetof(struct tt_vm_page, seq_count) &&
        offsetof(struct tt_vm_head, disruption_marker) ==
            offsetof(struct tt_vm_page, disruption_marker),
    "tt.h's head of the page");
/* The structure before vm_generation_counter was added. */
#define VM_SIZE_MIN 104

/* One consistent copy of the page (tk__tt_vm_snapshot). */
struct tt_vm_snap {
	uint32_t magic, size, seq;
	uint16_t version, tai_offset;
	uint8_t counter_id, time_type, status, smear, leap, shift;
	uint64_t marker, flags, counter_value, period, est_rate, max_rate;
	uint64_t time_sec, time_frac, esterror, maxerror, vmgen;
	uint64_t counter; /* the counter value the copy is for */
};

/* A checked publication (tk__tt_vm_derive), as the caches hold it. */
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

/*
 * Copy the page between two equal even seq_count values, with the counter
 * read inside the copy when live: 0, or -EAGAIN after TK_TH_READ_TRIES
 * passes (tt_vmclock_eval.c).
 */
int tk__tt_vm_snapshot(
    const struct tt_vm_page *p, struct tt_vm_snap *o, int live);

/*
 * Check one publication of a page mapped len bytes long and derive what a
 * read needs; prev is the checked publication before it, or NULL
 * (tt_vmclock_eval.c).
 */
void tk__tt_vm_derive(const struct tt_vm_snap *s, size_t len,
    const int64_t *prev, int64_t v[VM_NV]);

/* The constant part: a VMClock page of version 1 that fits the map. */
static inline int
tt_vm_valid(const struct tt_vm_snap *s, size_t len)
{
	return s->magic == VMCLOCK_MAGIC && s->version == 1 &&
	    s->size >= VM_SIZE_MIN && s->size <= len;
}

/* Everything a bound needs is there (clock_status aside). */
static inline int
tt_vm_has_time(const struct tt_vm_snap *s)
{
	uint64_t need = VMCLOCK_FLAG_TIME_MAXERROR_VALID |
	    VMCLOCK_FLAG_PERIOD_MAXERROR_VALID;

	return s->counter_id == VM_COUNTER_ID && (s->flags & need) == need &&
	    (s->time_type == VMCLOCK_TIME_UTC ||
	        (s->time_type == VMCLOCK_TIME_TAI &&
	            (s->flags & VMCLOCK_FLAG_TAI_OFFSET_VALID) != 0));
}

/* The values of a checked publication that a read computes with. */
struct tt_vm_pub {
	uint64_t cv, lim, i, f, ei, ef;
	int64_t base, bound, status;
};

static inline __attribute__((always_inline)) struct tt_vm_pub
tt_vm_pub_of(const int64_t v[VM_NV])
{
	struct tt_vm_pub p = { (uint64_t)v[VM_CV], (uint64_t)v[VM_LIM],
		(uint64_t)v[VM_I], (uint64_t)v[VM_F], (uint64_t)v[VM_EI],
		(uint64_t)v[VM_EF], v[VM_BASE], v[VM_BOUND], v[VM_STATUS] };

	return p;
}

/* The interval a checked publication gives at counter value c. */
static inline __attribute__((always_inline)) void
tt_vm_claim(struct tt_vm_pub p, uint64_t c, struct tk_truetime *r)
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

#endif /* TK_TT_VMCLOCK_PAGE_H */
