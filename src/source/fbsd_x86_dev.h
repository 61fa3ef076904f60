/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86 device counters a FreeBSD timekeep page may name besides the TSC
 * (src/source/fbsd_x86_dev.c), and the per-OS hooks that open them
 * (src/source/fbsd_dev_freebsd.c; src/source/fbsd_dev_none.c on Linux,
 * where no such device exists and only a test installs a simulated one).
 *
 * The readers are pure functions over a mapped page: the tests drive them
 * with device pages simulated in memory.  They follow FreeBSD
 * lib/libc/x86/sys/__vdso_gettc.c and have not yet run on real HPET,
 * Hyper-V or pvclock hardware.
 */
#ifndef TK_SOURCE_FBSD_X86_DEV_H
#define TK_SOURCE_FBSD_X86_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "abi/fbsd_vdso.h"
#include "abi/fbsd_x86_devices.h"

enum fbsd_dev {
	FBSD_DEV_HPET, /* /dev/hpet<idx>, one page */
	FBSD_DEV_HVTSC, /* /dev/hv_tsc, one page */
	FBSD_DEV_PVCLOCK, /* /dev/pvclock, AT_NCPUS records */
};

/*
 * The counter for th_algo 2, 3 or 4 of slot th (called inside the page
 * reader's generation loop, so th's fields are validated afterwards): 0 and
 * *tc, or a routing value.
 */
int tk__fbsd_x86_dev_gettc(
    const struct fbsd_vdso_timehands *th, uint32_t algo, uint32_t *tc);

/* HPET: the 32-bit main counter of a mapped register page. */
int tk__fbsd_hpet_read(const void *map, uint32_t *tc);

/*
 * Hyper-V reference TSC page: 0 and the low 32 bits of the reference time,
 * -ENOSYS while tsc_seq is 0, -EAGAIN after TK_TH_READ_TRIES changes.
 */
int tk__fbsd_hvtsc_read(
    const struct fbsd_hyperv_reftsc *p, uint32_t *tc, unsigned *passes);
/* high64(tsc * scale) + ofs, the reference time for one TSC value. */
uint64_t tk__fbsd_hvtsc_value(uint64_t tsc, uint64_t scale, int64_t ofs);

/*
 * pvclock: 0 and the low 32 bits of max(ns, last_systime), or a routing
 * value (no records, a CPU id out of range, the retry bound).
 */
int tk__fbsd_pvclock_read(const struct fbsd_pvclock_vcpu_time_info *ti,
    uint32_t ncpus, uint8_t stable_mask, uint64_t last_systime, uint32_t *tc,
    unsigned *passes);
/* pvclock_scale_delta: shift, then (delta * mul) >> 32 in 96 bits. */
uint64_t tk__fbsd_pvclock_scale_delta(
    uint64_t delta, uint32_t mul, int8_t shift);

/*
 * The mapping of each device, made on first use: NULL not tried yet,
 * MAP_FAILED unusable, else the page.  Published with a release CAS (a
 * test that simulates a device stores its page here with a release store,
 * pvclock_ncpus first).
 */
struct tk__fbsd_devs {
	const void *hpet[HPET_DEV_MAP_MAX];
	const void *hvtsc;
	const void *pvclock;
	uint32_t pvclock_ncpus; /* stored before pvclock is published */
};
extern struct tk__fbsd_devs tk__fbsd_devs;

/*
 * Per OS.  Map the device read-only and shared: the mapping, with *len (and
 * *ncpus for pvclock) set, or MAP_FAILED when it cannot be used.  Unmap one
 * that lost the publication race.
 */
const void *tk__fbsd_dev_map(
    enum fbsd_dev dev, uint32_t idx, size_t *len, uint32_t *ncpus);
void tk__fbsd_dev_unmap(const void *map, size_t len);

#endif /* TK_SOURCE_FBSD_X86_DEV_H */
