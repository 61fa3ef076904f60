/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time: the public entry points (include/timekeep.h, the
 * tk_truetime block) over the providers of src/truetime/tt.h.
 *
 * The provider is chosen once, lazily, at the first call, in this order:
 * vmclock, clockbound, fbclock, adjtimex, none; the first whose open
 * succeeds serves.  TIMEKEEP_TRUETIME=NAME[:PATH] forces NAME (with its
 * file at PATH): a forced provider that cannot be opened is not replaced
 * by another one, it gives "none" (status unknown) with the reason, so an
 * operator never gets a bound from a source they did not name.  The
 * choice is published with a release store of tt_chosen; a thread that
 * arrives while another chooses does not wait: it gets "none" (status
 * unknown), as a thread arriving during the clock's source choice gets
 * the system call (docs/design.md, "Source choice").
 *
 * Semantics follow Spanner's TrueTime (OSDI 2012, section 3): after(t) is
 * t < earliest, before(t) is t > latest, and commit wait returns once
 * after(t) holds.  With no bound the interval is [INT64_MIN, INT64_MAX],
 * so after() and before() are false for every t: never an invented bound.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "platform.h"
#include "truetime/tt.h"

/*
 * Commit wait sleeps until this much is left, then spins: Linux's default
 * timer slack (50 us) plus a wakeup's latency, measured at 20-60 us on the
 * 2-vCPU KVM guest of README.md (Linux 6.18).
 */
#define TT_SPIN_NS 100000LL

TK_HIDDEN struct tk__tt_hooks tk__tt_hooks;

static int
none_read(struct tk_truetime *r)
{
	tt_unknown(r, TK_TRUETIME_UNKNOWN);
	r->provider = "none";
	return 0;
}

static int
none_after_before(int64_t t_ns)
{
	(void)t_ns;
	return 0;
}

static int
none_open(const char *path, int keep, const char **why)
{
	(void)path;
	(void)keep;
	*why = "always: no bound is claimed (status unknown)";
	return 0;
}

static void
none_info(struct tk_truetime_info *ti)
{
	(void)ti;
}

static void
none_close(void)
{
}

static const struct tt_provider tt_none = {
	.name = "none",
	.open = none_open,
	.read = none_read,
	.after = none_after_before,
	.before = none_after_before,
	.info = none_info,
	.close = none_close,
};

/* Detection order (docs/truetime.md says why this order). */
static const struct tt_provider *const tt_order[] = {
	&tk__tt_vmclock,
	&tk__tt_clockbound,
	&tk__tt_fbclock,
	&tk__tt_adjtimex,
	&tt_none,
};
#define TT_NPROVIDERS (sizeof(tt_order) / sizeof(tt_order[0]))

static const struct tt_provider *tt_chosen; /* NULL until chosen */
static uint32_t tt_choosing; /* 0 idle, 1 a thread is choosing */
static const char *tt_why = "not chosen yet";

static const struct tt_provider *
tt_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < TT_NPROVIDERS; i++) {
		if (strlen(tt_order[i]->name) == len &&
		    memcmp(tt_order[i]->name, name, len) == 0)
			return tt_order[i];
	}
	return NULL;
}

/* TIMEKEEP_TRUETIME=NAME[:PATH]: the forced provider, or none. */
static const struct tt_provider *
tt_choose_forced(const char *env)
{
	static char path[256];
	const char *colon = strchr(env, ':');
	size_t len = colon != NULL ? (size_t)(colon - env) : strlen(env);
	const struct tt_provider *p = tt_by_name(env, len);
	const char *arg = NULL;

	if (p == NULL) {
		tt_why = "TIMEKEEP_TRUETIME names no provider (vmclock, "
		         "clockbound, fbclock, adjtimex, none)";
		return &tt_none;
	}
	if (colon != NULL && colon[1] != '\0') {
		arg = tk__tt_path_keep(path, sizeof(path), colon + 1);
		if (arg == NULL) {
			tt_why = "the TIMEKEEP_TRUETIME path is too long";
			return &tt_none;
		}
	}
	if (p->open(arg, 1, &tt_why) != 0)
		return &tt_none; /* tt_why says why the forced one failed */
	return p;
}

static const struct tt_provider *
tt_choose(void)
{
	const char *env = tk__tt_hooks.env;

	if (env == NULL)
		env = getenv("TIMEKEEP_TRUETIME");
	if (env != NULL && *env != '\0')
		return tt_choose_forced(env);
	for (size_t i = 0; i < TT_NPROVIDERS; i++) {
		if (tt_order[i]->open(NULL, 1, &tt_why) == 0)
			return tt_order[i];
	}
	return &tt_none; /* not reached: none always opens */
}

/*
 * The first call: one thread chooses; the others answer "none" meanwhile
 * rather than wait.
 */
static __attribute__((noinline)) const struct tt_provider *
tt_provider_slow(void)
{
	uint32_t expect = 0;
	const struct tt_provider *c;

	/*
	 * CAS: exactly one thread runs tt_choose(); it pairs with nothing
	 * else, the choice itself is published by the release store below.
	 */
	if (!tk__cas_acq_rel(&tt_choosing, &expect, 1u))
		return &tt_none;
	c = tt_choose();
	/*
	 * Release: the provider's state, set up by its open, is visible
	 * before the pointer; pairs with the acquire load in tt_provider().
	 */
	tk__store_release(&tt_chosen, c);
	return c;
}

/* The provider in use, choosing it at the first call. */
static inline const struct tt_provider *
tt_provider(void)
{
	/*
	 * Acquire: the chosen provider's state (its mapping, published
	 * anchor) is read after the pointer; pairs with the release store in
	 * tt_provider_slow().
	 */
	const struct tt_provider *p = tk__load_acquire(&tt_chosen);

	return TK_LIKELY(p != NULL) ? p : tt_provider_slow();
}

int
tk_truetime(struct tk_truetime *tt)
{
	if (TK_UNLIKELY(tt == NULL))
		return -EFAULT;
	return tt_provider()->read(tt);
}

int
tk_truetime_after(int64_t t_ns)
{
	return tt_provider()->after(t_ns);
}

int
tk_truetime_before(int64_t t_ns)
{
	return tt_provider()->before(t_ns);
}

/*
 * Sleep on CLOCK_MONOTONIC until abs_ns (clock_nanosleep returns its error
 * instead of setting errno; EINTR just ends this sleep early).
 */
static void
tt_sleep_until(int64_t abs_ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(abs_ns / TK_NSEC_PER_SEC);
	ts.tv_nsec = (long)(abs_ns % TK_NSEC_PER_SEC);
	(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

int
tk_truetime_wait_until_past(int64_t t_ns, int64_t deadline_ns)
{
	const struct tt_provider *p = tt_provider();
	struct tk_truetime tt;

	for (;;) {
		int64_t now, left;

		p->read(&tt);
		if (tt.status == TK_TRUETIME_UNKNOWN ||
		    tt.status == TK_TRUETIME_DISRUPTED)
			return -EAGAIN;
		if (t_ns < tt.earliest_ns)
			return 0;
		now = tk_nanotime();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		/*
		 * earliest advances with realtime less the bound's growth:
		 * at least 1 - 10^-3 ns per ns with drift and slew within
		 * 500 ppm each, so sleeping the gap less TT_SPIN_NS wakes
		 * before t for gaps under 100 ms; a longer gap is slept in
		 * parts, each re-read.  left >= 0 here, and below 2^63.
		 */
		left = t_ns - tt.earliest_ns + 1;
		if (left > TT_SPIN_NS) {
			int64_t until = left - TT_SPIN_NS > deadline_ns - now
			    ? deadline_ns
			    : now + (left - TT_SPIN_NS);

			tt_sleep_until(until);
		}
	}
}

void
tk__tt_field(
    struct tk_truetime_info *ti, const char *name, uint64_t v, int is_signed)
{
	if (ti->nfields >= TK_TRUETIME_MAX_FIELDS)
		return;
	ti->fields[ti->nfields].name = name;
	ti->fields[ti->nfields].value = v;
	ti->fields[ti->nfields].is_signed = is_signed;
	ti->nfields++;
}

int
tk_truetime_info(struct tk_truetime_info *ti)
{
	const struct tt_provider *p;
	struct tk_truetime tt;

	if (ti == NULL)
		return -EFAULT;
	p = tt_provider();
	memset(ti, 0, sizeof(*ti));
	ti->provider = p->name;
	ti->path = "";
	/* Relaxed: only which sentence to show depends on it. */
	ti->why = p == &tt_none && tk__load_relaxed(&tt_chosen) == NULL
	    ? "the provider is being chosen by another thread"
	    : tt_why;
	ti->provider_status = "";
	ti->bound_ns = -1;
	ti->age_ns = -1;
	ti->drift_ppb = -1;
	p->info(ti);
	p->read(&tt);
	ti->status = tt.status;
	return 0;
}

int
tk_truetime_providers(struct tk_source_info *out, int n)
{
	const struct tt_provider *chosen = tt_provider();

	for (size_t i = 0; i < TT_NPROVIDERS && (int)i < n; i++) {
		const struct tt_provider *p = tt_order[i];
		const char *why = "";

		if (out == NULL)
			break;
		out[i].name = p->name;
		out[i].chosen = p == chosen;
		if (p == chosen) {
			out[i].usable = 1;
			out[i].reason = tt_why;
		} else {
			out[i].usable = p->open(NULL, 0, &why) == 0;
			out[i].reason = why;
		}
	}
	return (int)TT_NPROVIDERS;
}

void
tk__tt_reset(void)
{
	for (size_t i = 0; i < TT_NPROVIDERS; i++)
		tt_order[i]->close();
	tk__store_relaxed(&tt_chosen, NULL);
	tk__store_relaxed(&tt_choosing, 0u);
	tt_why = "not chosen yet";
}
