/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Constants of the FreeBSD timekeep ABI shared by every architecture, and
 * the scalar types the per-architecture layouts (src/abi/fbsd_vdso_<arch>.h)
 * are written with.  Values are those of FreeBSD sys/sys/vdso.h,
 * sys/sys/elf_common.h, sys/sys/_clock_id.h and the machine-dependent
 * sys/<arch>/include/vdso.h headers, so that each line can be checked
 * against them.
 *
 * Invariants: these values are ABI and never change; a new FreeBSD layout
 * would come with a new VDSO_TK_VER_CURR, which timekeep refuses (the
 * reader then makes the system call).  The aligned types make every layout
 * independent of the compiling host, so all six layouts are checked on any
 * host (tests/test_abi.c).
 */
#ifndef TK_ABI_FBSD_VDSO_COMMON_H
#define TK_ABI_FBSD_VDSO_COMMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * The page (sys/sys/vdso.h), member by member.  Written only by the kernel:
 * kern_sharedpage.c timehands_update() at the end of every tc_windup(), about
 * once per hardclock tick; read by every process through libc (and now
 * timekeep), never written by them.  Offsets, sizes and the slot count never
 * change without a new tk_ver.
 *
 * struct vdso_timekeep, the header:
 *   tk_ver           layout version, VDSO_TK_VER_CURR; set once at boot.
 *   tk_enabled       0: the current counter cannot be read from user space
 *                    (no fill method, or kern.timecounter.fast_gettime=0);
 *                    the reader makes the system call.
 *   tk_current       index of the slot published last, < VDSO_TH_NUM.
 *   tk_th[]          VDSO_TH_NUM slots, a ring the kernel fills in turn.
 * struct vdso_timehands, one slot:
 *   th_algo          which counter to read (VDSO_TH_ALGO_*, per arch).
 *   th_gen           generation; 0 while the slot is written.  One counter
 *                    for the whole page, bumped at every publish.
 *   th_scale         seconds per counter tick, in units of 2^-64 s.
 *   th_offset_count  counter value (32 bits) at which th_offset was taken.
 *   th_counter_mask  implemented counter bits; deltas are masked by it.
 *   th_offset        uptime (struct bintime) at th_offset_count.
 *   th_boottime      UTC of boot; realtime = uptime + th_boottime.
 *   VDSO_TIMEHANDS_MD 32 bytes of per-arch counter parameters.
 * struct bintime is {time_t sec; uint64_t frac;}: frac counts 2^-64 s.
 */

/*
 * 64-bit members as each ABI aligns them inside a struct: 8 bytes on every
 * FreeBSD target but i386, where the SysV i386 ABI aligns them to 4.  A
 * typedef with the aligned attribute may lower alignment as well as raise
 * it (GCC and Clang), which is what makes the i386 layout checkable here.
 */
typedef uint64_t fbsd_u64_al8 __attribute__((aligned(8)));
typedef int64_t fbsd_i64_al8 __attribute__((aligned(8)));
typedef uint64_t fbsd_u64_al4 __attribute__((aligned(4)));

/* sys/sys/vdso.h: the layout version; libc and Go refuse any other. */
#define VDSO_TK_VER_1 0x1
#define VDSO_TK_VER_CURR VDSO_TK_VER_1
/* sys/sys/vdso.h: defined, but neither the kernel nor libc uses it. */
#define VDSO_TK_CURRENT_BUSY 0xffffffffu

/*
 * The number of timehands slots on the page.  sys/sys/vdso.h defines it
 * only under _KERNEL, so user code has to hard-code it (Go's _VDSO_TH_NUM
 * does the same); libc never needs it because it only indexes with
 * tk_current.  timekeep needs it to bounds-check tk_current before it
 * follows it (docs/design.md, "FreeBSD page reader").
 */
#define VDSO_TH_NUM 4

/* sys/sys/vdso.h: the generic algorithm numbers. */
#define VDSO_TH_ALGO_1 0x1
#define VDSO_TH_ALGO_2 0x2
#define VDSO_TH_ALGO_3 0x3
#define VDSO_TH_ALGO_4 0x4

/*
 * What th_algo means per architecture: the same number names a different
 * counter on each, so a reader switches on it per architecture.
 */
/* sys/x86/include/vdso.h (amd64 and i386) */
#define VDSO_TH_ALGO_X86_TSC VDSO_TH_ALGO_1
#define VDSO_TH_ALGO_X86_HPET VDSO_TH_ALGO_2
#define VDSO_TH_ALGO_X86_HVTSC VDSO_TH_ALGO_3 /* Hyper-V reference TSC */
#define VDSO_TH_ALGO_X86_PVCLK VDSO_TH_ALGO_4 /* KVM/Xen pvclock */
/* sys/arm64/include/vdso.h and sys/arm/include/vdso.h */
#define VDSO_TH_ALGO_ARM_GENTIM VDSO_TH_ALGO_1
/* sys/riscv/include/vdso.h */
#define VDSO_TH_ALGO_RISCV_RDTIME VDSO_TH_ALGO_1
/* sys/powerpc/include/vdso.h */
#define VDSO_TH_ALGO_PPC_TB VDSO_TH_ALGO_1

/*
 * sys/sys/elf_common.h: the aux vector entry holding the user address of
 * the timekeep block ("Pointer to timehands"), the same on every
 * architecture; and the CPU count the pvclock reader sizes its mapping by.
 */
#define AT_TIMEKEEP 22
#define AT_NCPUS 19

/*
 * sys/sys/_clock_id.h.  Prefixed with FBSD_ because the host's <time.h>
 * owns the bare names, and on Linux they mean other numbers.  3 and 6 are
 * unused; CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE and CLOCK_MONOTONIC_COARSE
 * are aliases of 5, 10 and 12.
 */
#define FBSD_CLOCK_REALTIME 0
#define FBSD_CLOCK_VIRTUAL 1
#define FBSD_CLOCK_PROF 2
#define FBSD_CLOCK_MONOTONIC 4
#define FBSD_CLOCK_UPTIME 5
#define FBSD_CLOCK_UPTIME_PRECISE 7
#define FBSD_CLOCK_UPTIME_FAST 8
#define FBSD_CLOCK_REALTIME_PRECISE 9
#define FBSD_CLOCK_REALTIME_FAST 10
#define FBSD_CLOCK_MONOTONIC_PRECISE 11
#define FBSD_CLOCK_MONOTONIC_FAST 12
#define FBSD_CLOCK_SECOND 13
#define FBSD_CLOCK_THREAD_CPUTIME_ID 14
#define FBSD_CLOCK_PROCESS_CPUTIME_ID 15
#define FBSD_CLOCK_BOOTTIME FBSD_CLOCK_UPTIME
#define FBSD_CLOCK_REALTIME_COARSE FBSD_CLOCK_REALTIME_FAST
#define FBSD_CLOCK_MONOTONIC_COARSE FBSD_CLOCK_MONOTONIC_FAST

#endif /* TK_ABI_FBSD_VDSO_COMMON_H */
