/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "truetime": bounded time (tk_truetime) as timekeep serves it, with
 * named findings (truetime.h).  What is a failure and what a warning:
 *
 *   failure  timekeep contradicts itself or the kernel, which no state of
 *	      the machine explains: truetime.inconsistent (an inverted
 *	      interval, a "no bound" that is not the whole range, the
 *	      provider named differently by tk_truetime(), tk_truetime_info()
 *	      and tk_truetime_providers(), after()/before() disagreeing with
 *	      the interval) and truetime.realtime_outside for a provider whose
 *	      interval is centred on CLOCK_REALTIME (adjtimex, clockbound):
 *	      the kernel's clock read just before and after lies outside it.
 *   warning  the machine's clocks are not as good as they could be; every
 *	      answer timekeep gives is still right: truetime.unsynchronised
 *	      (the adjtimex provider and an unsynchronised kernel: STA_UNSYNC,
 *	      STA_CLOCKERR or TIME_ERROR), truetime.unknown (another provider
 *	      claims no bound), truetime.disrupted, truetime.free_running,
 *	      truetime.stale (the bound is older than the provider promises),
 *	      truetime.forced (TIMEKEEP_TRUETIME names a provider that cannot
 *	      serve) and truetime.realtime_outside for a provider with a clock
 *	      of its own (vmclock, fbclock: the kernel's clock may lag it, as
 *	      after a live migration).
 *   note     truetime.none: no provider on this machine.
 *
 * A warning does not fail the verdict: a machine without a synchronised
 * clock (the build machines of this project, an unsynchronised kernel)
 * still has working clocks; bounded time then honestly claims no bound.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"
#include "truetime.h"

#define TT_FAR_NS (10 * NS_PER_S) /* after()/before() probes */

const char *
tt_level_word(enum tt_level l)
{
	return l == TT_FAILURE ? "failure"
	    : l == TT_WARNING  ? "warning"
	                       : "note";
}

int
tt_findings_warn(const struct tt_findings *f)
{
	for (int i = 0; i < f->n; i++)
		if (f->f[i].level == TT_WARNING)
			return 1;
	return 0;
}

static __attribute__((format(printf, 4, 5))) void
tt_add(struct tt_findings *f, const char *id, enum tt_level level,
    const char *fmt, ...)
{
	va_list ap;

	if (f->n >= TT_MAX_FINDINGS)
		return;
	f->f[f->n].id = id;
	f->f[f->n].level = level;
	va_start(ap, fmt);
	vsnprintf(f->f[f->n].text, sizeof(f->f[f->n].text), fmt, ap);
	va_end(ap);
	f->n++;
}

static int64_t
kernel_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts_ns(&ts);
}

static int
bounded(const struct tk_truetime *tt)
{
	return tt->status == TK_TRUETIME_SYNCHRONIZED ||
	    tt->status == TK_TRUETIME_FREE_RUNNING;
}

/* The interval and its status word against the library's contract. */
static void
tt_shape(const struct tk_truetime *tt, struct tt_findings *f)
{
	if ((unsigned)tt->status > TK_TRUETIME_DISRUPTED)
		tt_add(f, "truetime.inconsistent", TT_FAILURE,
		    "tk_truetime() gives status %d, not one of the four",
		    tt->status);
	else if (bounded(tt) &&
	    (tt->earliest_ns > tt->latest_ns || tt->age_ns < 0))
		tt_add(f, "truetime.inconsistent", TT_FAILURE,
		    "a bound claimed with earliest %lld above latest %lld or "
		    "age %lld",
		    (long long)tt->earliest_ns, (long long)tt->latest_ns,
		    (long long)tt->age_ns);
	else if (!bounded(tt) &&
	    (tt->earliest_ns != INT64_MIN || tt->latest_ns != INT64_MAX ||
	        tt->age_ns != -1))
		tt_add(f, "truetime.inconsistent", TT_FAILURE,
		    "status %s with an interval other than the whole range",
		    tt_status_word(tt->status));
}

/* One provider chosen, the one tk_truetime() and the info name. */
static void
tt_names(const struct tk_truetime *tt, const struct tk_truetime_info *ti,
    const struct tk_source_info *p, int np, struct tt_findings *f)
{
	int i, nchosen = 0, chosen = -1;

	for (i = 0; i < np && i < TT_MAX_PROVIDERS; i++)
		if (p[i].chosen) {
			nchosen++;
			chosen = i;
		}
	if (strcmp(tt->provider, ti->provider) != 0)
		tt_add(f, "truetime.inconsistent", TT_FAILURE,
		    "tk_truetime() names %s, tk_truetime_info() %s",
		    tt->provider, ti->provider);
	else if (np < 1 || np > TT_MAX_PROVIDERS || nchosen != 1)
		tt_add(f, "truetime.inconsistent", TT_FAILURE,
		    "tk_truetime_providers() lists %d providers, %d chosen", np,
		    nchosen);
	else if (strcmp(p[chosen].name, tt->provider) != 0 || !p[chosen].usable)
		tt_add(f, "truetime.inconsistent", TT_FAILURE,
		    "tk_truetime_providers() marks %s chosen (%s), "
		    "tk_truetime() names %s",
		    p[chosen].name, p[chosen].usable ? "usable" : "not usable",
		    tt->provider);
}

/*
 * after() and before() against the interval, 10 s outside it (no update
 * moves a bound that far in a moment): with a bound both are true, with
 * none both are false.  A status that changed meanwhile is no failure.
 */
static void
tt_after_before(const struct tk_truetime *tt, struct tt_findings *f)
{
	struct tk_truetime again;
	int a, b, want = bounded(tt);
	int64_t lo = want ? tt->earliest_ns - TT_FAR_NS : 0;
	int64_t hi = want ? tt->latest_ns + TT_FAR_NS : 0;

	a = tk_truetime_after(lo);
	b = tk_truetime_before(hi);
	if (a == want && b == want)
		return;
	tk_truetime(&again);
	if (again.status != tt->status)
		return;
	tt_add(f, "truetime.inconsistent", TT_FAILURE,
	    "with status %s, tk_truetime_after(earliest - 10 s) is %d and "
	    "tk_truetime_before(latest + 10 s) is %d",
	    tt_status_word(tt->status), a, b);
}

/*
 * The kernel's CLOCK_REALTIME, read just before (k0) and after (k1) the
 * interval, lies inside it: a failure for the providers whose interval is
 * centred on that clock, a warning for those with their own clock.
 */
static void
tt_kernel(
    const struct tk_truetime *tt, int64_t k0, int64_t k1, struct tt_findings *f)
{
	int centred = strcmp(tt->provider, "adjtimex") == 0 ||
	    strcmp(tt->provider, "clockbound") == 0;
	int64_t off;
	char d[32];

	if (!bounded(tt) || (k1 >= tt->earliest_ns && k0 <= tt->latest_ns))
		return;
	off = k1 < tt->earliest_ns ? tt->earliest_ns - k1 : k0 - tt->latest_ns;
	tt_duration(off, d, sizeof(d));
	if (centred)
		tt_add(f, "truetime.realtime_outside", TT_FAILURE,
		    "the kernel's CLOCK_REALTIME is %s outside an interval "
		    "centred on it: timekeep's realtime and the kernel's "
		    "disagree",
		    d);
	else
		tt_add(f, "truetime.realtime_outside", TT_WARNING,
		    "the kernel's CLOCK_REALTIME is %s outside %s's interval: "
		    "its NTP or PTP client has not caught up with the "
		    "provider's clock (after a live migration?)",
		    d, tt->provider);
}

/* What the machine's state says: the warnings and the note. */
static void
tt_state(const struct tk_truetime *tt, const struct tk_truetime_info *ti,
    struct tt_findings *f)
{
	const char *env = getenv("TIMEKEEP_TRUETIME");
	const char *ps = ti->provider_status;
	char d[32], m[32];

	if (strcmp(tt->provider, "none") == 0) {
		if (env != NULL && env[0] != '\0' &&
		    strncmp(env, "none", 4) != 0)
			tt_add(f, "truetime.forced", TT_WARNING,
			    "TIMEKEEP_TRUETIME=%s cannot serve: %s", env,
			    ti->why);
		else if (env != NULL && env[0] != '\0')
			tt_add(f, "truetime.none", TT_NOTE,
			    "TIMEKEEP_TRUETIME=%s: no provider, no bound", env);
		else
			tt_add(f, "truetime.none", TT_NOTE,
			    "no bounded-time provider here (no VMClock page, "
			    "ClockBound or fbclock segment, adjtimex): "
			    "tk_truetime() claims no bound");
		return;
	}
	if (tt->status == TK_TRUETIME_DISRUPTED)
		tt_add(f, "truetime.disrupted", TT_WARNING,
		    "%s says the clock was disrupted (a live migration or a "
		    "snapshot restore): no bound until it publishes a fresh "
		    "one",
		    tt->provider);
	else if (tt->status == TK_TRUETIME_UNKNOWN &&
	    strcmp(tt->provider, "adjtimex") == 0 &&
	    (strcmp(ps, "STA_UNSYNC") == 0 || strcmp(ps, "STA_CLOCKERR") == 0 ||
	        strcmp(ps, "TIME_ERROR") == 0)) {
		tt_duration(ti->bound_ns, m, sizeof(m));
		tt_add(f, "truetime.unsynchronised", TT_WARNING,
		    "the kernel's clock is not synchronised (%s, maxerror %s); "
		    "an NTP client (chrony, ntpd, systemd-timesyncd) would "
		    "give a bound",
		    ps, ti->bound_ns >= 0 ? m : "unknown");
	} else if (tt->status == TK_TRUETIME_UNKNOWN) {
		tt_add(f, "truetime.unknown", TT_WARNING,
		    "%s claims no bound now (%s)", tt->provider,
		    ps[0] != '\0' ? ps : ti->why);
	} else if (tt->status == TK_TRUETIME_FREE_RUNNING) {
		tt_add(f, "truetime.free_running", TT_WARNING,
		    "%s is free-running: the bound holds but grows by %.4g ppm "
		    "of its age",
		    tt->provider,
		    ti->drift_ppb >= 0 ? (double)ti->drift_ppb / 1e3 : 0.0);
	}
	if (ti->max_age_ns > 0 && ti->age_ns > ti->max_age_ns) {
		tt_duration(ti->age_ns, d, sizeof(d));
		tt_duration(ti->max_age_ns, m, sizeof(m));
		tt_add(f, "truetime.stale", TT_WARNING,
		    "the bound was measured %s ago, longer than the %s %s "
		    "promises: is its daemon running?",
		    d, m, tt->provider);
	}
}

static void
tt_values(struct check *c, const struct tk_truetime *tt,
    const struct tk_truetime_info *ti)
{
	uint64_t w = (uint64_t)tt->latest_ns - (uint64_t)tt->earliest_ns;

	check_x(
	    c, "half_width_ns", bounded(tt) ? (double)(w / 2 + (w & 1)) : NAN);
	check_x(c, "age_ns", tt->age_ns >= 0 ? (double)tt->age_ns : NAN);
	check_x(c, "bound_ns", ti->bound_ns >= 0 ? (double)ti->bound_ns : NAN);
	check_x(
	    c, "max_age_ns", ti->max_age_ns > 0 ? (double)ti->max_age_ns : NAN);
	check_x(
	    c, "drift_ppb", ti->drift_ppb >= 0 ? (double)ti->drift_ppb : NAN);
}

/* The detail: what tk_truetime() says, then each finding. */
static void
tt_detail(
    struct check *c, const struct tk_truetime *tt, const struct tt_findings *f)
{
	char half[32], age[32];
	size_t used;
	int i;

	if (bounded(tt)) {
		uint64_t w =
		    (uint64_t)tt->latest_ns - (uint64_t)tt->earliest_ns;

		tt_duration((int64_t)(w / 2 + (w & 1)), half, sizeof(half));
		tt_duration(tt->age_ns, age, sizeof(age));
		check_set(c, c->status, "%s %s, \xc2\xb1%s, measured %s ago",
		    tt->provider, tt_status_word(tt->status), half, age);
	} else {
		check_set(c, c->status, "%s: no bound claimed (status %s)",
		    tt->provider, tt_status_word(tt->status));
	}
	for (i = 0; i < f->n; i++) {
		used = strlen(c->detail);
		snprintf(c->detail + used, sizeof(c->detail) - used,
		    "; %s %s: %s", tt_level_word(f->f[i].level), f->f[i].id,
		    f->f[i].text);
	}
}

void
check_truetime(struct check *c, struct tt_findings *f)
{
	struct tk_source_info p[TT_MAX_PROVIDERS];
	struct tk_truetime_info ti;
	struct tk_truetime tt;
	int64_t k0, k1;
	int rc, np, i;

	c->name = "truetime";
	memset(f, 0, sizeof(*f));
	memset(&tt, 0, sizeof(tt));
	k0 = kernel_realtime_ns();
	rc = tk_truetime(&tt);
	k1 = kernel_realtime_ns();
	if (rc != 0 || tt.provider == NULL) {
		check_set(c, ST_FAIL,
		    "failure truetime.inconsistent: tk_truetime() returned %d",
		    rc);
		return;
	}
	tk_truetime_info(&ti);
	np = tk_truetime_providers(p, TT_MAX_PROVIDERS);
	tt_shape(&tt, f);
	tt_names(&tt, &ti, p, np, f);
	tt_after_before(&tt, f);
	tt_kernel(&tt, k0, k1, f);
	tt_state(&tt, &ti, f);
	c->status = ST_PASS;
	for (i = 0; i < f->n; i++)
		if (f->f[i].level == TT_FAILURE)
			c->status = ST_FAIL;
	tt_values(c, &tt, &ti);
	tt_detail(c, &tt, f);
}
