/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hypervisor's VMClock page writer, from Linux
 * include/uapi/linux/vmclock-abi.h: the constant fields once, then each
 * update under the seqcount: seq_count made odd, a write barrier, the
 * fields, a write barrier, seq_count made even.  The page is a 4 KiB
 * region, as QEMU and Firecracker expose it; a regular file stands in for
 * /dev/vmclock0.
 */
#include "tt_writers.h"
#include "platform.h"

#define VMCLOCK_MAGIC 0x4b4c4356u /* "VCLK" */

uint8_t
tt_vm_counter_id(void)
{
#if defined(TK_ARCH_X86_64)
	return 1; /* VMCLOCK_COUNTER_X86_TSC */
#elif defined(TK_ARCH_AARCH64)
	return 0; /* VMCLOCK_COUNTER_ARM_VCNT */
#else
	return 0xff; /* VMCLOCK_COUNTER_INVALID */
#endif
}

void
tt_vm_format(void *page, uint8_t counter_id, uint8_t time_type)
{
	tt_poke(page, TT_VM_OFF_MAGIC, VMCLOCK_MAGIC, 4);
	tt_poke(page, TT_VM_OFF_SIZE, TT_VM_SIZE, 4);
	tt_poke(page, TT_VM_OFF_VERSION, 1, 2);
	tt_poke(page, TT_VM_OFF_COUNTER_ID, counter_id, 1);
	tt_poke(page, TT_VM_OFF_TIME_TYPE, time_type, 1);
}

void
tt_vm_write(void *page, const struct tt_vm_data *d)
{
	uint32_t *seqp = (uint32_t *)((char *)page + TT_VM_OFF_SEQ);
	uint32_t seq = __atomic_load_n(seqp, __ATOMIC_RELAXED) | 1u;

	__atomic_store_n(seqp, seq, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* smp_wmb() */
	tt_poke(page, TT_VM_OFF_MARKER, d->disruption_marker, 8);
	tt_poke(page, TT_VM_OFF_FLAGS, d->flags, 8);
	tt_poke(page, TT_VM_OFF_STATUS, d->clock_status, 1);
	tt_poke(page, TT_VM_OFF_TAI, (uint16_t)d->tai_offset_sec, 2);
	tt_poke(page, TT_VM_OFF_LEAP, d->leap_indicator, 1);
	tt_poke(page, TT_VM_OFF_SHIFT, d->shift, 1);
	tt_poke(page, TT_VM_OFF_COUNTER, d->counter_value, 8);
	tt_poke(page, TT_VM_OFF_PERIOD, d->period_frac, 8);
	tt_poke(page, TT_VM_OFF_EST_RATE, d->maxerror_rate_frac / 2, 8);
	tt_poke(page, TT_VM_OFF_MAX_RATE, d->maxerror_rate_frac, 8);
	tt_poke(page, TT_VM_OFF_TIME_SEC, d->time_sec, 8);
	tt_poke(page, TT_VM_OFF_TIME_FRAC, d->time_frac, 8);
	tt_poke(page, TT_VM_OFF_ESTERROR, d->maxerror_ns / 2, 8);
	tt_poke(page, TT_VM_OFF_MAXERROR, d->maxerror_ns, 8);
	tt_poke(page, TT_VM_OFF_VMGEN, d->vm_generation_counter, 8);
	/* smp_wmb(), then the even seq_count. */
	__atomic_store_n(seqp, seq + 1, __ATOMIC_RELEASE);
}

void
tt_vm_poke(void *page, size_t off, uint64_t v, int width)
{
	uint32_t *seqp = (uint32_t *)((char *)page + TT_VM_OFF_SEQ);
	uint32_t seq = __atomic_load_n(seqp, __ATOMIC_RELAXED) | 1u;

	__atomic_store_n(seqp, seq, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	tt_poke(page, off, v, width);
	__atomic_store_n(seqp, seq + 1, __ATOMIC_RELEASE);
}
