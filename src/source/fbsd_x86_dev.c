/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86 device counters of a FreeBSD timekeep page: HPET (th_algo 2),
 * the Hyper-V reference TSC page (3) and KVM/Xen pvclock (4).  Follows
 * FreeBSD lib/libc/x86/sys/__vdso_gettc.c: __vdso_init_hpet() and the HPET
 * case of __vdso_gettc(), __vdso_init_hyperv_tsc() and
 * __vdso_hyperv_tsc(), __vdso_init_pvclock_timeinfos() and
 * __vdso_pvclock_gettc(); pvclock_scale_delta() from
 * sys/x86/include/pvclock.h.
 *
 * Compiled on x86-64 for both OSes.  The readers are pure functions over a
 * mapped page; the mappings are made lazily, once per device, by the
 * per-OS tk__fbsd_dev_map() (FreeBSD: open + mmap of /dev/hpetN,
 * /dev/hv_tsc, /dev/pvclock; Linux: never) and published with a release
 * CAS, MAP_FAILED recording a failure so nobody retries.  That
 * first use is the one place a read may enter libc, as in FreeBSD's libc.
 *
 * Tested against device pages simulated in memory (tests/
 * test_fbsd_x86dev.c), not yet on real HPET, Hyper-V or pvclock hardware.
 *
 * Invariants: every index read from a page (HPET unit, pvclock CPU id) is
 * bounds-checked before use; every loop is bounded by TK_TH_READ_TRIES.
 */
#include <errno.h>
#include <sys/mman.h>

#include "atomic.h"
#include "counter.h"
#include "source/fbsd_x86_dev.h"
#include "timehands.h"

struct tk__fbsd_devs tk__fbsd_devs;

int
tk__fbsd_hpet_read(const void *map, uint32_t *tc)
{
	const uint32_t *reg =
	    (const uint32_t *)(const void *)((const char *)map +
	        HPET_MAIN_COUNTER);

	/* A device register: one 32-bit load, never torn or merged. */
	*tc = tk__load_relaxed(reg);
	return 0;
}

uint64_t
tk__fbsd_hvtsc_value(uint64_t tsc, uint64_t scale, int64_t ofs)
{
	return (uint64_t)(((unsigned __int128)tsc * scale) >> 64) +
	    (uint64_t)ofs;
}

int
tk__fbsd_hvtsc_read(
    const struct fbsd_hyperv_reftsc *p, uint32_t *tc, unsigned *passes)
{
	uint64_t scale, tsc;
	int64_t ofs;
	uint32_t seq;
	unsigned pass;

	for (pass = 1; pass <= TK_TH_READ_TRIES; pass++) {
		*passes = pass;
		/*
		 * Acquire (atomic_load_acq_int): scale and ofs are loaded
		 * after tsc_seq; pairs with the hypervisor's update of the
		 * page (the TLFS reference TSC protocol; the tests play the
		 * hypervisor in tests/test_fbsd_x86dev.c).
		 */
		seq = tk__load_acquire(&p->tsc_seq);
		if (seq == 0)
			return -ENOSYS; /* the page is invalid: no fast path */
		scale = tk__load_relaxed(&p->tsc_scale);
		ofs = tk__load_relaxed(&p->tsc_ofs);
		/*
		 * FreeBSD: mfence; rdtsc.  The ordered read gives what that is
		 * for: the TSC is not read before tsc_seq and the fields.
		 */
		tsc = tk__counter_ordered();
		/*
		 * Acquire fence (atomic_thread_fence_acq): the field loads
		 * complete before tsc_seq is loaded again; pairs with the
		 * hypervisor's update of the page.
		 */
		tk__fence_acquire();
		if (tk__load_relaxed(&p->tsc_seq) == seq) {
			*tc = (uint32_t)tk__fbsd_hvtsc_value(tsc, scale, ofs);
			return 0;
		}
	}
	return -EAGAIN;
}

uint64_t
tk__fbsd_pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	/* A hostile shift of 64 or more would be undefined: all bits go. */
	if (shift <= -64 || shift >= 64)
		return 0;
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	/*
	 * (delta * mul) >> 32 with a 96-bit product: the high word of delta
	 * times mul is already in units of 2^32, the low word's product is
	 * shifted on its own (exact: no carry crosses bit 32 of the sum).
	 */
	return (delta >> 32) * mul + (((delta & 0xffffffffu) * mul) >> 32);
}

int
tk__fbsd_pvclock_read(const struct fbsd_pvclock_vcpu_time_info *ti,
    uint32_t ncpus, uint8_t stable_mask, uint64_t last_systime, uint32_t *tc,
    unsigned *passes)
{
	const struct fbsd_pvclock_vcpu_time_info *rec;
	uint32_t version, cpu_ti = 0, cpu_tsc = 0;
	uint64_t tsc, ns;
	unsigned pass;
	int stable;

	*passes = 0;
	if (ncpus == 0)
		return -ENOSYS;
	for (pass = 1; pass <= TK_TH_READ_TRIES; pass++) {
		*passes = pass;
		rec = &ti[0];
		/*
		 * Acquire (atomic_load_acq_32): the record's fields are
		 * loaded after its version; pairs with the hypervisor's
		 * update of the record (played in tests/test_fbsd_x86dev.c).
		 */
		version = tk__load_acquire(&rec->version);
		stable = (tk__load_relaxed(&rec->flags) & stable_mask) != 0;
		if (stable) {
			tsc = tk__counter_ordered();
		} else {
			/* Per-vCPU records: find this CPU's, then re-check. */
			(void)tk__counter_rdtscp_aux(&cpu_ti);
			if (cpu_ti >= ncpus)
				return -ENOSYS;
			rec = &ti[cpu_ti];
			/* Acquire: as above, for this CPU's record. */
			version = tk__load_acquire(&rec->version);
			tsc = tk__counter_rdtscp_aux(&cpu_tsc);
		}
		ns = tk__load_relaxed(&rec->system_time) +
		    tk__fbsd_pvclock_scale_delta(
		        tsc - tk__load_relaxed(&rec->tsc_timestamp),
		        tk__load_relaxed(&rec->tsc_to_system_mul),
		        tk__load_relaxed(&rec->tsc_shift));
		/*
		 * Acquire fence (atomic_thread_fence_acq): the field loads
		 * complete before the version is loaded again; pairs with the
		 * hypervisor's update of the record.
		 */
		tk__fence_acquire();
		if ((version & 1) == 0 &&
		    tk__load_relaxed(&rec->version) == version &&
		    (stable || cpu_ti == cpu_tsc)) {
			/* The kernel's floor: the clock never goes back. */
			*tc = (uint32_t)(ns > last_systime ? ns : last_systime);
			return 0;
		}
	}
	return -EAGAIN;
}

/*
 * The mapping of a device, made on first use.  The acquire load is also
 * what keeps the compiler and CPU from loading the device page before the
 * pointer to it is known to be valid (as Linux's x86 vDSO puts a barrier()
 * between "this clock mode is on" and the first load of its page).
 */
static const void *
fbsd_dev_get(const void **slot, enum fbsd_dev dev, uint32_t idx)
{
	const void *map, *expect = NULL;
	uint32_t ncpus = 0;
	size_t len = 0;

	/*
	 * Acquire: the page behind the pointer (and pvclock_ncpus) is read
	 * after it; pairs with the CAS-release below (a test that puts a
	 * simulated page here publishes it with a release store of its own).
	 */
	map = tk__load_acquire(slot);
	if (__builtin_expect(map != NULL, 1))
		return map;
	map = tk__fbsd_dev_map(dev, idx, &len, &ncpus);
	if (dev == FBSD_DEV_PVCLOCK && map != MAP_FAILED)
		/* Ordered by the CAS-release below; same value for all. */
		tk__store_relaxed(&tk__fbsd_devs.pvclock_ncpus, ncpus);
	/*
	 * CAS-release (atomic_cmpset_rel_ptr): publishes the mapping, or the
	 * MAP_FAILED sentinel, to the acquire load above in other threads.
	 * The loser of a race unmaps its own copy and uses the winner's.
	 */
	if (!tk__cas_acq_rel(slot, &expect, map)) {
		if (map != MAP_FAILED)
			tk__fbsd_dev_unmap(map, len);
		map = expect;
	}
	return map;
}

int
tk__fbsd_x86_dev_gettc(
    const struct fbsd_vdso_timehands *th, uint32_t algo, uint32_t *tc)
{
	const void *map;
	unsigned passes;
	uint32_t idx;

	switch (algo) {
	case VDSO_TH_ALGO_X86_HPET:
		idx = tk__load_relaxed(&th->th_x86_hpet_idx);
		if (idx >= HPET_DEV_MAP_MAX)
			return -ENOSYS;
		map =
		    fbsd_dev_get(&tk__fbsd_devs.hpet[idx], FBSD_DEV_HPET, idx);
		if (map == MAP_FAILED)
			return -ENOSYS;
		return tk__fbsd_hpet_read(map, tc);
	case VDSO_TH_ALGO_X86_HVTSC:
		map = fbsd_dev_get(&tk__fbsd_devs.hvtsc, FBSD_DEV_HVTSC, 0);
		if (map == MAP_FAILED)
			return -ENOSYS;
		return tk__fbsd_hvtsc_read(map, tc, &passes);
	case VDSO_TH_ALGO_X86_PVCLK:
		map = fbsd_dev_get(&tk__fbsd_devs.pvclock, FBSD_DEV_PVCLOCK, 0);
		if (map == MAP_FAILED)
			return -ENOSYS;
		return tk__fbsd_pvclock_read(map,
		    tk__load_relaxed(&tk__fbsd_devs.pvclock_ncpus),
		    tk__load_relaxed(&th->th_x86_pvc_stable_mask),
		    tk__load_relaxed(&th->th_x86_pvc_last_systime), tc,
		    &passes);
	default:
		return -ENOSYS;
	}
}
