/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The VMClock provider: the page a hypervisor shares with its guests to
 * say how the CPU counter maps to real time, and how wrong that may be
 * (Linux include/uapi/linux/vmclock-abi.h, kernel 6.13 and later; driver
 * drivers/ptp/ptp_vmclock.c, which lets user space mmap it read-only
 * from /dev/vmclock0).  Little-endian fields; every target timekeep
 * supports is little-endian.  This file maps the page and serves the
 * reads; the page's layout is tt_vmclock_page.h, and the copy and checks
 * of a publication, with the time and bound it gives, tt_vmclock_eval.c.
 *
 * A page without time for this CPU's counter is still kept for its
 * disruption marker, which ClockBound's check needs (tk__tt_vm_marker).
 * The page's clock is independent of the kernel's CLOCK_REALTIME: it is
 * right after a live migration before NTP has recovered, which is what
 * the page is for.
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
#include "truetime/tt_vmclock_page.h"

#define VM_PATH "/dev/vmclock0"
/* A regular file standing in for the device holds one 4 KiB region. */
#define VM_FILE_SIZE 4096

static const struct tt_vm_page *vm_page; /* chosen: time and marker */
static const struct tt_vm_page *vm_marker_page; /* not chosen: marker only */
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

/*
 * floor(counts x rate / 2^(64 + shift)) in ns: the product is a 128-bit
 * fraction of a second in units of 2^-(64 + shift) s; times 10^9 split as
 * hi x 10^9 + (lo x 10^9) >> 64 so nothing overflows.  UINT64_MAX when the
 * result does not fit below 2^62.  (For tk_truetime_info: reads use the
 * per-count factors of tk__tt_vm_derive.)
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

/*
 * A read the first pass cannot serve: copy the page with the counter,
 * check and derive it against the cache before it, offer the result.  A
 * cache of this very publication is used as it is (its verdict on a
 * disruption stands until the hypervisor publishes again).
 */
static __attribute__((noinline)) int
vm_read_slow(struct tk_truetime *r)
{
	struct tt_vm_snap s;
	int64_t prev[VM_NV], v[VM_NV];
	int have = tt_pub_read(&vm_pub, prev, VM_NV) == 0;

	r->provider = "vmclock";
	if (tk__tt_vm_snapshot(vm_page, &s, 1) != 0) {
		tt_unknown(r, TK_TRUETIME_UNKNOWN);
		return 0;
	}
	if (have && (uint32_t)prev[VM_SEQ] == s.seq &&
	    (uint64_t)prev[VM_CV] == s.counter_value &&
	    (uint64_t)prev[VM_MARKER] == s.marker &&
	    (uint64_t)prev[VM_RAWGEN] == s.vmgen) {
		tt_cache_offer(&vm_cache, prev, VM_NV);
		tt_vm_claim(tt_vm_pub_of(prev), s.counter, r);
		return 0;
	}
	tk__tt_vm_derive(&s, vm_len, have ? prev : NULL, v);
	tt_pub_offer(&vm_pub, v, VM_NV);
	tt_cache_offer(&vm_cache, v, VM_NV);
	tt_vm_claim(tt_vm_pub_of(v), s.counter, r);
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
	const struct tt_vm_page *pg = vm_page;
	const int64_t *cv = vm_cache.v;
	uint32_t gen = tk__th_read_begin(&vm_cache.gen);
	struct tt_vm_pub p;
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
	tt_vm_claim(p, c, r);
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
vm_map_set(const struct tt_vm_page *p, size_t len)
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
vm_map(const char *path, const struct tt_vm_page **map, size_t *len,
    struct tt_vm_snap *s, const char **why)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t want = pg >= VM_FILE_SIZE ? (size_t)pg : VM_FILE_SIZE;
	const void *m;
	int err = tk__tt_map(path, want, VM_FILE_SIZE, 1, &m, len, why);

	if (err != 0)
		return err;
	if (tk__tt_vm_snapshot(m, s, 0) != 0) {
		*why = "no consistent copy of the VMClock page (seq_count odd)";
		err = -EAGAIN;
	} else if (!tt_vm_valid(s, *len)) {
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
	const struct tt_vm_page *m;
	const char *why;
	struct tt_vm_snap s;
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
	const struct tt_vm_page *m;
	struct tt_vm_snap s;
	size_t len;
	int err;

	if (path == NULL)
		path = tk__tt_hooks.vmclock_path != NULL
		    ? tk__tt_hooks.vmclock_path
		    : VM_PATH;
	err = vm_map(path, &m, &len, &s, why);
	if (err != 0)
		return err;
	if (!tt_vm_has_time(&s)) {
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

		tk__tt_vm_derive(&s, len, NULL, v);
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
	struct tt_vm_snap s;

	ti->path = vm_path;
	if (tk__tt_vm_snapshot(vm_page, &s, 1) != 0) {
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
