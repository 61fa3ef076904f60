/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vdso source: the Linux kernel's vDSO clock_gettime, found through
 * AT_SYSINFO_EHDR and resolved by timekeep's own ELF lookup
 * (src/elf/vdso_elf.c), with no help from the dynamic linker.  It follows
 * the Go runtime's src/runtime/vdso_linux.go (vdsoauxv, vdsoClockgettimeSym)
 * and musl's src/time/clock_gettime.c (cgt_init, and its rule that only
 * -EINVAL from the vDSO is final: everything else goes to the system call,
 * which is what src/choose.c does with our routing values).  The
 * symbol names and version of this architecture come from
 * src/sys/linux-<arch>/vdso_arch.h.
 *
 * Also provides tk__vdso_gettime() (src/source/vdso.h), which the own tsc
 * source calls to sample the kernel clock before any source is chosen, the
 * vdso fast tier's pointer (src/source/vdso_fast.h), armed when this source
 * is chosen, and tk__vdso_symbols() for tk_vdso_symbols() (src/info.c).
 *
 * Invariants:
 *   - The vDSO is never mapped away or written while the process runs and
 *     AT_SYSINFO_EHDR never changes, so its clock_gettime address is a
 *     pure function of the process: whoever computes it gets the same
 *     value.  That is what lets vdso_cgt be cached with relaxed atomics
 *     and no lock (an idempotent value).
 *   - Never the vsyscall page, never the vvar page: neither is an ABI
 *     (Linux Documentation/ABI/stable/vdso), and the vDSO's own functions
 *     handle time namespaces.
 *   - The vDSO runs on the caller's stack and may use about a page of it
 *     (golang/go issue #20427); callers on tiny stacks need that headroom.
 *   - Apart from tk__auxv_get(), which is getauxval() in the library, this
 *     file calls no libc: tests/freestanding/ links it without one.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "elf/auxv.h"
#include "elf/vdso_elf.h"
#include "platform.h"
#include "source/source.h"
#include "info.h"
#include "source/vdso.h"
#include "source/vdso_fast.h"
#include "vdso_arch.h"

/* The kernel's clock_gettime as the vDSO exports it (lib/vdso). */
typedef tk__vdso_cgt_fn vdso_cgt_func;

TK_HIDDEN tk__vdso_cgt_fn *tk__vdso_fast_cgt;

static const char *const vdso_names[] = { TK_VDSO_SYMBOL_NAMES };
#define VDSO_NNAMES ((int)(sizeof(vdso_names) / sizeof(vdso_names[0])))

/*
 * The vDSO's clock_gettime address: 0 while nobody has looked, VDSO_NONE
 * once somebody found there is none (1 can never be a function inside an
 * image that starts on a page boundary).  Written by vdso_cgt_get() and
 * vdso_init(), only ever with the same value (see the invariants above).
 */
#define VDSO_NONE ((uintptr_t)1)
static uintptr_t vdso_cgt;

/* This process's vDSO image, validated: 0, or -ENOENT and *why. */
static int
vdso_open(struct tk__elf_image *img, const char **why)
{
	unsigned long base = tk__auxv_get(TK_AT_SYSINFO_EHDR);

	if (base == 0) {
		*why = "no vDSO in this process (AT_SYSINFO_EHDR absent)";
		return -ENOENT;
	}
	if (tk__elf_open(img, (const void *)base, TK_ELF_SIZE_MAPPED) != 0) {
		*why = "the vDSO image fails timekeep's ELF checks";
		return -ENOENT;
	}
	if (img->machine != TK_VDSO_ELF_MACHINE) {
		*why = "the vDSO image is for another machine type";
		return -ENOENT;
	}
	return 0;
}

/* Look the clock_gettime symbol up: its address, or VDSO_NONE and *why. */
static uintptr_t
vdso_resolve(const char **why)
{
	struct tk__elf_image img;
	uint64_t off;

	if (vdso_open(&img, why) != 0)
		return VDSO_NONE;
	if (tk__elf_lookup(
	        &img, TK_VDSO_CLOCK_GETTIME, TK_VDSO_VERSION, &off) != 0) {
		*why = "vDSO has no " TK_VDSO_VERSION " " TK_VDSO_CLOCK_GETTIME;
		return VDSO_NONE;
	}
	*why = "the kernel's " TK_VDSO_CLOCK_GETTIME "@" TK_VDSO_VERSION;
	return (uintptr_t)(img.base + off);
}

/* The cached clock_gettime, looked up on first use; NULL if there is none. */
static vdso_cgt_func *
vdso_cgt_get(void)
{
	const char *why;
	uintptr_t a;

	/*
	 * Relaxed: an idempotent cached probe result that points into
	 * immutable memory (the vDSO text, mapped before the process ran),
	 * so nothing needs to be ordered before the call through it.
	 * Partner: the relaxed store below and in vdso_init().
	 */
	a = tk__load_relaxed(&vdso_cgt);
	if (TK_UNLIKELY(a == 0)) {
		a = vdso_resolve(&why);
		/* Relaxed: the same idempotent value, see the load above. */
		tk__store_relaxed(&vdso_cgt, a);
	}
	return a == VDSO_NONE ? NULL : (vdso_cgt_func *)a;
}

int
tk__vdso_gettime(clockid_t id, struct timespec *ts)
{
	vdso_cgt_func *cgt = vdso_cgt_get();
	int err;

	if (cgt == NULL)
		return -ENOSYS;
	if (ts == NULL)
		return -EFAULT; /* the vDSO would write through it */
	err = cgt(id, ts);
	/*
	 * Our vDSOs return 0 or -errno; a positive value (powerpc's
	 * convention) is not ours to interpret: route it.
	 */
	return err > 0 ? -ENOSYS : err;
}

/*
 * Usable when the symbol resolves and answers CLOCK_MONOTONIC: 32-bit arm
 * kernels 5.4-5.7 exported a clock_gettime64 that returned garbage when
 * the arch timer was unusable (fixed by Linux 4405bdf3c57e), so a
 * symbol that is present is not yet proof that it works.
 */
static int
vdso_init(const char *arg, const char **why)
{
	struct timespec ts;
	vdso_cgt_func *cgt;
	uintptr_t a;

	(void)arg; /* TIMEKEEP_SOURCE=vdso takes no argument */
	a = vdso_resolve(why);
	/* Relaxed: idempotent, as in vdso_cgt_get(). */
	tk__store_relaxed(&vdso_cgt, a);
	if (a == VDSO_NONE)
		return -ENOENT;
	cgt = (vdso_cgt_func *)a;
	if (cgt(CLOCK_MONOTONIC, &ts) != 0 || ts.tv_nsec < 0 ||
	    ts.tv_nsec >= TK_NSEC_PER_SEC) {
		*why = "the vDSO's clock_gettime fails for CLOCK_MONOTONIC";
		return -ENOSYS;
	}
	return 0;
}

/*
 * 0 and -EINVAL are final; any other value routes to the system call
 * (musl clock_gettime.c: mips before 4.13 returned -ENOSYS for clocks its
 * vDSO could not read).  The vDSO itself makes the system call
 * for clock ids it does not serve, so -EINVAL is the kernel's own answer.
 */
static int
vdso_gettime(clockid_t id, struct timespec *ts)
{
	return tk__vdso_gettime(id, ts);
}

/*
 * The counter read is the kernel's (x86 rdtsc_ordered(), arm64 an isb
 * before CNTVCT_EL0, riscv64 a plain rdtime) and timekeep cannot change
 * it, so the ordered and relaxed reads are the same call here.
 */
static int
vdso_nanotime(int clock, int ordered, int64_t *ns)
{
	struct timespec ts;
	int err;

	(void)ordered;
	err = tk__vdso_gettime(clock ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	if (err != 0)
		return err;
	*ns = tk__timespec_to_ns(&ts);
	return 0;
}

static int
vdso_bintime(int abs, struct tk_bintime *bt)
{
	struct timespec ts;
	int err;

	err = tk__vdso_gettime(abs ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	if (err != 0)
		return err;
	tk_timespec_to_bintime(&ts, bt);
	return 0;
}

/* Arm the fast tier: reads now call the vDSO through one pointer. */
static void
vdso_chosen(void)
{
	/* Relaxed: an idempotent value into immutable memory (above). */
	tk__store_relaxed(&tk__vdso_fast_cgt, vdso_cgt_get());
}

int
tk__vdso_symbols(struct tk_vdso_symbol *out, int n)
{
	struct tk__elf_image img;
	const char *why;
	uint64_t off;
	int i, count = 0;

	if (vdso_open(&img, &why) != 0)
		return -ENOENT;
	for (i = 0; i < VDSO_NNAMES; i++) {
		if (tk__elf_lookup(
		        &img, vdso_names[i], TK_VDSO_VERSION, &off) != 0)
			continue;
		if (out != NULL && count < n) {
			out[count].name = vdso_names[i];
			out[count].version = TK_VDSO_VERSION;
			out[count].offset = off;
		}
		count++;
	}
	return count;
}

TK_HIDDEN const struct tk__source tk__source_vdso = {
	.name = "vdso",
	.init = vdso_init,
	.chosen = vdso_chosen,
	.gettime = vdso_gettime,
	.nanotime = vdso_nanotime,
	.bintime = vdso_bintime,
};
