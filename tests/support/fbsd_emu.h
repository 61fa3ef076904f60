/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A FreeBSD kernel timekeeping emulator, for the tests and the benchmark of
 * the FreeBSD timekeep source: it writes a timekeep page exactly as
 * FreeBSD's sys/kern/kern_tc.c tc_windup() + tc_fill_vdso_timehands() and
 * sys/kern/kern_sharedpage.c timehands_update() do, into a file mapping
 * that TIMEKEEP_SOURCE=freebsd:PATH can name and that is also readable in
 * this process.  It uses no cmocka.
 *
 * The counter is this machine's own (tk__counter_ordered()): on x86 the
 * TSC as "TSC-low", shifted right by a non-zero th_x86_shift chosen as
 * sys/x86/x86/tsc.c init_TSC_tc() chooses it (at least 1); elsewhere
 * CNTVCT or the time CSR.  Its frequency is measured against the host's
 * CLOCK_MONOTONIC, the uptime starts at the host's CLOCK_MONOTONIC (plus an
 * optional offset) and boot time is the host's CLOCK_REALTIME minus
 * CLOCK_MONOTONIC, so the emulated clocks can be compared with the host's.
 *
 * One writer at a time: a writer thread (fbsd_emu_start) or fbsd_emu_windup()
 * calls from one thread, never both.  Readers of the page and of the
 * reference may run in any thread at any time.
 */
#ifndef TK_FBSD_EMU_H
#define TK_FBSD_EMU_H

#include <stdint.h>

#include "abi/fbsd_vdso.h"
#include "fbsd_host.h"
#include "timekeep.h"

struct fbsd_emu_config {
	/*
	 * Slew the emulated clock toward the host's CLOCK_MONOTONIC once per
	 * second through th_adjustment, as the kernel's NTP code does (at
	 * most 500 ppm).  Off, the scale never changes, so every set of hands
	 * gives exactly the same time for a counter value: what the torn-read
	 * and step-back tests need.
	 */
	int discipline;
	/* Added to the uptime origin: tells emulated time from the host's. */
	int64_t offset_ns;
	/* Where the page file goes; NULL: /dev/shm, else /tmp. */
	const char *dir;
};

/* What a hostile kernel page does from the next windup on. */
enum fbsd_emu_hostile {
	FBSD_EMU_SANE = 0,
	FBSD_EMU_DISABLED, /* tk_enabled = 0 (fast_gettime=0) */
	FBSD_EMU_BAD_VERSION, /* tk_ver = 2 */
	FBSD_EMU_BAD_ALGO, /* th_algo = 0x7e */
	FBSD_EMU_CURRENT_OOR, /* tk_current = VDSO_TH_NUM + 3 */
	FBSD_EMU_GEN_STUCK, /* th_gen published as 0 */
};

struct fbsd_emu;

/*
 * Create the page file, measure the counter (about 100 ms) and publish the
 * first windup.  NULL on failure (errno says why).
 */
struct fbsd_emu *fbsd_emu_create(const struct fbsd_emu_config *cfg);
/* Stop the writer, unmap and remove the file. */
void fbsd_emu_destroy(struct fbsd_emu *e);

/* Start a writer thread: hz windups per second, 0 for flat out. 0 or -1. */
int fbsd_emu_start(struct fbsd_emu *e, unsigned hz);
void fbsd_emu_stop(struct fbsd_emu *e);
/* One windup from the caller (no writer thread may be running). */
void fbsd_emu_windup(struct fbsd_emu *e);
uint64_t fbsd_emu_windups(const struct fbsd_emu *e);

void fbsd_emu_set_hostile(struct fbsd_emu *e, enum fbsd_emu_hostile h);

const struct fbsd_vdso_timekeep *fbsd_emu_page(const struct fbsd_emu *e);
const char *fbsd_emu_path(const struct fbsd_emu *e);
/* th_x86_shift (0 where the layout has none) and the page's frequency. */
unsigned fbsd_emu_shift(const struct fbsd_emu *e);
uint64_t fbsd_emu_freq(const struct fbsd_emu *e);

/* The 64-bit counter the page is based on, read ordered. */
uint64_t fbsd_emu_counter(void);

/*
 * The reference: the emulator's own time at counter value c (from
 * fbsd_emu_counter()), uptime or realtime, from its current kernel hands,
 * computed with 128-bit arithmetic over the full counter width (valid for
 * any c, before or after the hands' base).
 */
void fbsd_emu_ref(
    struct fbsd_emu *e, uint64_t c, int abs, struct tk_bintime *bt);
int64_t fbsd_emu_ref_ns(struct fbsd_emu *e, uint64_t c, int abs);

#endif /* TK_FBSD_EMU_H */
