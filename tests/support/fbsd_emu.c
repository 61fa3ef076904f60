/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A FreeBSD kernel timekeeping emulator (see fbsd_emu.h).  It follows
 * FreeBSD sys/kern/kern_tc.c tc_windup() (kernel timehands ring, the
 * th_generation protocol, the large-delta split, the NTP second processing
 * reduced to one rate adjustment) and recalculate_scaling_factor_and_
 * large_delta(), tc_fill_vdso_timehands() with x86 tsc.c
 * x86_tsc_vdso_timehands() (through fbsd_host_fill_counter_md(),
 * tests/support/fbsd_host.h), and sys/kern/kern_sharedpage.c alloc_sv_tk()
 * and timehands_update() for the page.
 *
 * Invariants: one writer at a time (e->lock); every field of the page and
 * of the kernel timehands that a reader may load concurrently is stored
 * with an atomic (src/atomic.h), so ThreadSanitizer checks both protocols
 * without suppressions.  No cmocka: the benchmark links this file too.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "counter.h"
#include "fbsd_emu.h"
#include "source/freebsd.h"
#include "timehands.h"

#define EMU_TH_COUNT 2 /* kern.timecounter.timehands_count default */
#define EMU_MASK 0xffffffffu /* th_counter_mask of TSC-low and friends */
#define EMU_MAX_ADJ_NS 500000 /* ntpd's MAXFREQ: 500 ppm */
#define EMU_FILE_SIZE 4096 /* one shared page */

/* kern_tc.c struct timehands: the members the vDSO fill uses. */
struct emu_th {
	int64_t th_adjustment; /* ns/s << 32 */
	uint64_t th_scale;
	uint64_t th_large_delta;
	uint32_t th_offset_count;
	struct tk_bintime th_offset;
	struct tk_bintime th_boottime;
	/* Emulator only: the full-width counter >> shift at th_offset_count,
	 * so the reference is exact at any distance from the windup. */
	uint64_t th_base;
	uint32_t th_generation;
};

struct fbsd_emu {
	struct fbsd_vdso_timekeep *tk; /* the page, at the file's start */
	char path[256];
	unsigned shift;
	uint64_t freq; /* of the shifted 32-bit counter, Hz */
	int discipline;
	int64_t offset_ns;
	int hostile; /* enum fbsd_emu_hostile, atomic */
	struct emu_th ths[EMU_TH_COUNT];
	uint32_t cur; /* the kernel's timehands pointer, atomic */
	uint32_t sv_timekeep_curr; /* struct vdso_sv_tk */
	uint32_t sv_timekeep_gen;
	int64_t ntp_sec; /* uptime second of the last adjustment */
	uint64_t windups; /* atomic */
	pthread_mutex_t lock; /* one writer at a time */
	pthread_t thread;
	int running;
	int stop; /* atomic */
	unsigned hz;
};

uint64_t
fbsd_emu_counter(void)
{
	return tk__counter_ordered();
}

static int64_t
emu_host_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * The host's CLOCK_MONOTONIC at the moment of a counter read: the middle of
 * the tightest of a few clock-counter-clock sandwiches.
 */
static void
emu_sample(uint64_t *c, int64_t *mono)
{
	int64_t a, b, best = INT64_MAX;
	uint64_t cc;
	int i;

	for (i = 0; i < 5; i++) {
		a = emu_host_ns(CLOCK_MONOTONIC);
		cc = fbsd_emu_counter();
		b = emu_host_ns(CLOCK_MONOTONIC);
		if (b - a < best) {
			best = b - a;
			*c = cc;
			*mono = a + (b - a) / 2;
		}
	}
}

/* The raw counter's frequency against CLOCK_MONOTONIC, over ~100 ms. */
static uint64_t
emu_measure_freq(void)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	uint64_t c0, c1;
	int64_t t0, t1;

	emu_sample(&c0, &t0);
	nanosleep(&pause, NULL);
	emu_sample(&c1, &t1);
	if (t1 <= t0)
		return 0;
	return (uint64_t)((unsigned __int128)(c1 - c0) * 1000000000u /
	    (uint64_t)(t1 - t0));
}

/*
 * sys/x86/x86/tsc.c init_TSC_tc(): with kern.timecounter.tsc_shift = 1 the
 * limit is UINT_MAX >> 1, and the shift is the smallest that brings the
 * frequency under it.  The emulator wants TSC-low, so at least 1.
 */
static unsigned
emu_choose_shift(uint64_t freq)
{
	uint64_t max_freq = 0xffffffffu >> 1;
	unsigned s = 0;

	if (!FBSD_HOST_HAS_SHIFT)
		return 0;
	while (s < 31 && (freq >> s) > max_freq)
		s++;
	return s == 0 ? 1 : s;
}

/* kern_tc.c recalculate_scaling_factor_and_large_delta(). */
static void
emu_recalc(struct emu_th *th, uint64_t freq)
{
	uint64_t s = (uint64_t)1 << 63;
	uint64_t large;

	/* 2199 / 1024 ~ 2^31 / 10^9: ns/s << 32 to a fraction of 2^63. */
	s += (uint64_t)((th->th_adjustment / 1024) * 2199);
	s /= freq;
	large = ((uint64_t)1 << 63) / s;
	tk__store_relaxed(&th->th_scale, s * 2);
	tk__store_relaxed(
	    &th->th_large_delta, large > 0xffffffffu ? 0xffffffffu : large);
}

static void
emu_store_bt(struct tk_bintime *dst, const struct tk_bintime *src)
{
	tk__store_relaxed(&dst->sec, src->sec);
	tk__store_relaxed(&dst->frac, src->frac);
}

/*
 * Copy a filled slot into the page (the memcpy of timehands_update, field
 * by field so each store is atomic).  th_gen is not copied: it stays 0
 * until tk__th_write_end() publishes the slot.  The machine-dependent tail
 * is copied as the eight 32-bit words it is on every host layout.
 */
static void
emu_copy_slot(
    struct fbsd_vdso_timehands *dst, const struct fbsd_vdso_timehands *src)
{
	size_t md = offsetof(struct fbsd_vdso_timehands, th_boottime) +
	    sizeof(src->th_boottime);
	uint32_t *dmd = (uint32_t *)(void *)((char *)dst + md);
	const uint32_t *smd =
	    (const uint32_t *)(const void *)((const char *)src + md);
	size_t i;

	tk__store_relaxed(&dst->th_algo, src->th_algo);
	tk__store_relaxed(&dst->th_scale, src->th_scale);
	tk__store_relaxed(&dst->th_offset_count, src->th_offset_count);
	tk__store_relaxed(&dst->th_counter_mask, src->th_counter_mask);
	tk__store_relaxed(&dst->th_offset.sec, src->th_offset.sec);
	tk__store_relaxed(&dst->th_offset.frac, src->th_offset.frac);
	tk__store_relaxed(&dst->th_boottime.sec, src->th_boottime.sec);
	tk__store_relaxed(&dst->th_boottime.frac, src->th_boottime.frac);
	for (i = 0; i < (sizeof(*src) - md) / sizeof(uint32_t); i++)
		tk__store_relaxed(&dmd[i], smd[i]);
}

/*
 * kern_sharedpage.c timehands_update() with tc_fill_vdso_timehands(): the
 * next slot of the 4-slot ring, one generation for the whole page.
 */
static void
emu_push(struct fbsd_emu *e, const struct emu_th *th)
{
	struct fbsd_vdso_timekeep *tk = e->tk;
	struct fbsd_vdso_timehands local, *slot;
	int hostile = tk__load_relaxed(&e->hostile);
	uint32_t enabled, idx, gen;

	memset(&local, 0, sizeof(local));
	local.th_algo =
	    hostile == FBSD_EMU_BAD_ALGO ? 0x7eu : FBSD_HOST_COUNTER_ALGO;
	local.th_scale = th->th_scale;
	local.th_offset_count = th->th_offset_count;
	local.th_counter_mask = EMU_MASK;
	local.th_offset.sec = th->th_offset.sec;
	local.th_offset.frac = th->th_offset.frac;
	local.th_boottime.sec = th->th_boottime.sec;
	local.th_boottime.frac = th->th_boottime.frac;
	fbsd_host_fill_counter_md(&local, e->shift);
	/* vdso_th_enable (kern.timecounter.fast_gettime) = 0 if disabled. */
	enabled = hostile == FBSD_EMU_DISABLED ? 0 : 1;
	local.th_gen = 0;

	idx = (e->sv_timekeep_curr + 1) % VDSO_TH_NUM;
	e->sv_timekeep_curr = idx;
	gen = tk__th_next_gen(e->sv_timekeep_gen);
	e->sv_timekeep_gen = gen;

	slot = &tk->tk_th[idx];
	/* th_gen = 0, then the release fence (see timehands.h). */
	tk__th_write_begin(&slot->th_gen);
	if (enabled)
		emu_copy_slot(slot, &local);
	/* Store-release th_gen, then store-release tk_current. */
	tk__th_write_end(&slot->th_gen, hostile == FBSD_EMU_GEN_STUCK ? 0 : gen,
	    &tk->tk_current,
	    hostile == FBSD_EMU_CURRENT_OOR ? VDSO_TH_NUM + 3 : idx);
	/* Plain in the kernel: its order against the slot does not matter. */
	tk__store_relaxed(&tk->tk_enabled, enabled);
	/* The kernel writes tk_ver once; the knob rewrites it. */
	tk__store_relaxed(&tk->tk_ver,
	    hostile == FBSD_EMU_BAD_VERSION ? 2u : (uint32_t)VDSO_TK_VER_CURR);
}

/*
 * The NTP second processing, reduced: aim to remove the whole error
 * against the host's CLOCK_MONOTONIC (plus offset_ns) over the next
 * second, at most EMU_MAX_ADJ_NS per second, then rescale.
 */
static void
emu_ntp_second(struct fbsd_emu *e, struct emu_th *th, int64_t host_ns)
{
	int64_t err = host_ns + e->offset_ns - tk_bintime_to_ns(&th->th_offset);

	if (err > EMU_MAX_ADJ_NS)
		err = EMU_MAX_ADJ_NS;
	if (err < -EMU_MAX_ADJ_NS)
		err = -EMU_MAX_ADJ_NS;
	tk__store_relaxed(&th->th_adjustment, (int64_t)((uint64_t)err << 32));
	emu_recalc(th, e->freq);
}

/* kern_tc.c tc_windup(NULL), then timekeep_push_vdso(). */
static void
emu_windup_locked(struct fbsd_emu *e)
{
	struct emu_th *tho = &e->ths[e->cur];
	uint32_t next = (e->cur + 1) % EMU_TH_COUNT;
	struct emu_th *th = &e->ths[next];
	struct tk_bintime off;
	uint32_t ogen, tc, delta;
	uint64_t c, x;
	int64_t host = 0, a;

	ogen = th->th_generation;
	tk__store_relaxed(&th->th_generation, 0u);
	/*
	 * Release fence (atomic_thread_fence_rel): the 0 above is ordered
	 * before the field stores below; pairs with the acquire fence in
	 * emu_ref_hands().
	 */
	tk__fence_release();
	tk__store_relaxed(&th->th_adjustment, tho->th_adjustment);
	tk__store_relaxed(&th->th_scale, tho->th_scale);
	tk__store_relaxed(&th->th_large_delta, tho->th_large_delta);
	emu_store_bt(&th->th_boottime, &tho->th_boottime);

	if (e->discipline) {
		a = emu_host_ns(CLOCK_MONOTONIC);
		c = fbsd_emu_counter();
		host = a + (emu_host_ns(CLOCK_MONOTONIC) - a) / 2;
	} else {
		c = fbsd_emu_counter();
	}
	tc = (uint32_t)(c >> e->shift);
	delta = (tc - tho->th_offset_count) & EMU_MASK;
	tk__store_relaxed(
	    &th->th_offset_count, (tho->th_offset_count + delta) & EMU_MASK);
	tk__store_relaxed(&th->th_base, tho->th_base + delta);
	off = tho->th_offset;
	if (delta >= tho->th_large_delta) {
		/* The product would overflow: the high 32 bits first. */
		x = (tho->th_scale >> 32) * delta;
		off.sec += (int64_t)(x >> 32);
		tk_bintime_addx(&off, x << 32);
		x = (tho->th_scale & 0xffffffffu) * delta;
	} else {
		x = tho->th_scale * delta;
	}
	tk_bintime_addx(&off, x);
	emu_store_bt(&th->th_offset, &off);
	if (e->discipline && off.sec != e->ntp_sec) {
		e->ntp_sec = off.sec;
		emu_ntp_second(e, th, host);
	}
	/*
	 * Release (atomic_store_rel_int(&th->th_generation, ogen)): the
	 * fields are visible before the generation; pairs with the acquire
	 * load of th_generation in emu_ref_hands().
	 */
	tk__store_release(&th->th_generation, tk__th_next_gen(ogen));
	/*
	 * Release (timehands = th): the complete hands are visible before
	 * they are current; pairs with the acquire load in emu_ref_hands().
	 */
	tk__store_release(&e->cur, next);
	emu_push(e, th);
	tk__store_relaxed(&e->windups, tk__load_relaxed(&e->windups) + 1);
}

void
fbsd_emu_windup(struct fbsd_emu *e)
{
	pthread_mutex_lock(&e->lock);
	emu_windup_locked(e);
	pthread_mutex_unlock(&e->lock);
}

static void *
emu_thread(void *arg)
{
	struct fbsd_emu *e = arg;
	struct timespec next;
	int64_t period = e->hz ? TK_NSEC_PER_SEC / e->hz : 0;
	int64_t t;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!tk__load_relaxed(&e->stop)) {
		fbsd_emu_windup(e);
		if (period == 0)
			continue;
		t = (int64_t)next.tv_sec * TK_NSEC_PER_SEC + next.tv_nsec +
		    period;
		if (t < emu_host_ns(CLOCK_MONOTONIC) - 10 * period)
			t = emu_host_ns(CLOCK_MONOTONIC); /* fell behind */
		next.tv_sec = (time_t)(t / TK_NSEC_PER_SEC);
		next.tv_nsec = (long)(t % TK_NSEC_PER_SEC);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		           NULL) == EINTR)
			;
	}
	return NULL;
}

int
fbsd_emu_start(struct fbsd_emu *e, unsigned hz)
{
	if (e->running)
		return -1;
	e->hz = hz;
	tk__store_relaxed(&e->stop, 0);
	if (pthread_create(&e->thread, NULL, emu_thread, e) != 0)
		return -1;
	e->running = 1;
	return 0;
}

void
fbsd_emu_stop(struct fbsd_emu *e)
{
	if (!e->running)
		return;
	tk__store_relaxed(&e->stop, 1);
	pthread_join(e->thread, NULL);
	e->running = 0;
}

static int
emu_open_file(struct fbsd_emu *e, const char *dir)
{
	void *map;
	int fd;

	if (dir == NULL)
		dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(e->path, sizeof(e->path), "%s/fbsd-timekeep-XXXXXX", dir);
	fd = mkstemp(e->path);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, EMU_FILE_SIZE) != 0) {
		close(fd);
		unlink(e->path);
		return -1;
	}
	map = mmap(
	    NULL, EMU_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		unlink(e->path);
		return -1;
	}
	e->tk = map;
	return 0;
}

struct fbsd_emu *
fbsd_emu_create(const struct fbsd_emu_config *cfg)
{
	struct fbsd_emu *e;
	struct emu_th *th;
	uint64_t raw_freq, c;
	int64_t mono, real;

	tk__fbsd_arch_init(); /* x86: the TSC fence, as the library uses */
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	if (cfg != NULL) {
		e->discipline = cfg->discipline;
		e->offset_ns = cfg->offset_ns;
	}
	if (emu_open_file(e, cfg != NULL ? cfg->dir : NULL) != 0) {
		free(e);
		return NULL;
	}
	pthread_mutex_init(&e->lock, NULL);
	raw_freq = emu_measure_freq();
	e->shift = emu_choose_shift(raw_freq);
	e->freq = raw_freq >> e->shift;
	if (e->freq == 0) {
		fbsd_emu_destroy(e);
		errno = ENODEV;
		return NULL;
	}

	/* kern_sharedpage.c alloc_sv_tk(): a zeroed block, tk_ver set. */
	tk__store_relaxed(&e->tk->tk_ver, (uint32_t)VDSO_TK_VER_CURR);

	/* inittimecounter(): the first hands, at the host's clocks. */
	th = &e->ths[0];
	emu_sample(&c, &mono);
	real = emu_host_ns(CLOCK_REALTIME) - emu_host_ns(CLOCK_MONOTONIC);
	th->th_offset_count = (uint32_t)(c >> e->shift);
	th->th_base = c >> e->shift;
	tk_bintime_from_ns(&th->th_offset, mono + e->offset_ns);
	tk_bintime_from_ns(&th->th_boottime, real);
	e->ntp_sec = th->th_offset.sec;
	emu_recalc(th, e->freq);
	th->th_generation = 1;
	e->cur = 0;
	fbsd_emu_windup(e);
	return e;
}

void
fbsd_emu_destroy(struct fbsd_emu *e)
{
	if (e == NULL)
		return;
	fbsd_emu_stop(e);
	munmap(e->tk, EMU_FILE_SIZE);
	unlink(e->path);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

uint64_t
fbsd_emu_windups(const struct fbsd_emu *e)
{
	return tk__load_relaxed(&e->windups);
}

void
fbsd_emu_set_hostile(struct fbsd_emu *e, enum fbsd_emu_hostile h)
{
	tk__store_relaxed(&e->hostile, (int)h);
}

const struct fbsd_vdso_timekeep *
fbsd_emu_page(const struct fbsd_emu *e)
{
	return e->tk;
}

const char *
fbsd_emu_path(const struct fbsd_emu *e)
{
	return e->path;
}

unsigned
fbsd_emu_shift(const struct fbsd_emu *e)
{
	return e->shift;
}

uint64_t
fbsd_emu_freq(const struct fbsd_emu *e)
{
	return e->freq;
}

/* The current kernel hands, read as kern_tc.c bintime_off() reads them. */
static void
emu_ref_hands(struct fbsd_emu *e, struct emu_th *h)
{
	const struct emu_th *th;
	uint32_t gen;

	do {
		/*
		 * Acquire (the timehands pointer): the hands are read after
		 * they became current; pairs with the release store of cur
		 * in emu_windup_locked().
		 */
		th = &e->ths[tk__load_acquire(&e->cur)];
		/*
		 * Acquire (atomic_load_acq_int(&th->th_generation)): the
		 * fields are read after the generation; pairs with the
		 * release store of th_generation in emu_windup_locked().
		 */
		gen = tk__load_acquire(&th->th_generation);
		h->th_scale = tk__load_relaxed(&th->th_scale);
		h->th_base = tk__load_relaxed(&th->th_base);
		h->th_offset.sec = tk__load_relaxed(&th->th_offset.sec);
		h->th_offset.frac = tk__load_relaxed(&th->th_offset.frac);
		h->th_boottime.sec = tk__load_relaxed(&th->th_boottime.sec);
		h->th_boottime.frac = tk__load_relaxed(&th->th_boottime.frac);
		/*
		 * Acquire fence (atomic_thread_fence_acq): the field loads
		 * complete before th_generation is loaded again; pairs with
		 * the release fence in emu_windup_locked().
		 */
		tk__fence_acquire();
	} while (gen == 0 || gen != tk__load_relaxed(&th->th_generation));
}

void
fbsd_emu_ref(struct fbsd_emu *e, uint64_t c, int abs, struct tk_bintime *bt)
{
	struct emu_th h;
	struct tk_bintime sub;
	unsigned __int128 p;
	int64_t d;

	emu_ref_hands(e, &h);
	d = (int64_t)((c >> e->shift) - h.th_base);
	*bt = h.th_offset;
	if (d >= 0) {
		p = (unsigned __int128)h.th_scale * (uint64_t)d;
		bt->sec += (int64_t)(uint64_t)(p >> 64);
		tk_bintime_addx(bt, (uint64_t)p);
	} else {
		p = (unsigned __int128)h.th_scale * (uint64_t)-d;
		sub.sec = (int64_t)(uint64_t)(p >> 64);
		sub.frac = (uint64_t)p;
		tk_bintime_sub(bt, &sub);
	}
	if (abs)
		tk_bintime_add(bt, &h.th_boottime);
}

int64_t
fbsd_emu_ref_ns(struct fbsd_emu *e, uint64_t c, int abs)
{
	struct tk_bintime bt;

	fbsd_emu_ref(e, c, abs, &bt);
	return tk_bintime_to_ns(&bt);
}
