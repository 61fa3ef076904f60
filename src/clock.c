/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public entry points: choose a source once, dispatch, convert.
 *
 * Sources are tried in a fixed priority (freebsd, tsc, vdso, syscall); the
 * first whose init succeeds is "chosen", and every usable source below it
 * stays ready as its fallback.  TIMEKEEP_SOURCE=NAME[:ARG] starts the
 * search at NAME instead; a forced source that cannot work falls to the
 * next one down, and tk_source() names the one really in use.
 *
 * The choice is made lazily by the first caller that wins a CAS on
 * choose_state; callers that arrive while it runs do not wait: they are
 * answered by the system call, which is always right.  Each public entry
 * has exactly one fallback site (STYLE 45): the loop in route_*() that
 * turns a source's routing value into the next source down.
 *
 * On x86-64 Linux the own timehands are read inline first (see
 * src/source/tsc.h): no indirect call, no clock-id dispatch and no
 * division stand between tk_nanotime() and the counter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "platform.h"
#include "source/source.h"
#include "syscall.h"
#ifdef TK_WITH_TSC
#include "source/tsc.h"
#endif

static const struct tk__source *const sources[] = {
#ifdef TK_WITH_FREEBSD
	&tk__source_freebsd,
#endif
#ifdef TK_WITH_TSC
	&tk__source_tsc,
#endif
#ifdef TK_WITH_VDSO
	&tk__source_vdso,
#endif
	&tk__source_syscall,
};
#define STR_(x) #x
#define STR(x) STR_(x)
#define TK_VERSION_STRING                                                      \
	STR(TK_VERSION_MAJOR)                                                  \
	"." STR(TK_VERSION_MINOR) "." STR(TK_VERSION_PATCH)

#define NSOURCES ((int)(sizeof(sources) / sizeof(sources[0])))

enum { CHOOSE_NONE, CHOOSE_RUNNING, CHOOSE_DONE };

static int choose_state; /* CHOOSE_*, see choose() */
static int chosen = NSOURCES - 1; /* index into sources[] */
static int state[NSOURCES]; /* 0 usable, <0 init error, 1 not tried */
static const char *why[NSOURCES];

/* The search start and its argument from TIMEKEEP_SOURCE=NAME[:ARG]. */
static int
env_start(const char **arg)
{
	static char buf[4096];
	const char *env = getenv("TIMEKEEP_SOURCE");
	const char *colon;
	size_t len;
	int i;

	*arg = NULL;
	if (env == NULL || *env == '\0')
		return 0;
	colon = strchr(env, ':');
	len = colon ? (size_t)(colon - env) : strlen(env);
	if (colon != NULL && strlen(colon + 1) < sizeof(buf)) {
		memcpy(buf, colon + 1, strlen(colon + 1) + 1);
		*arg = buf;
	}
	for (i = 0; i < NSOURCES; i++)
		if (strlen(sources[i]->name) == len &&
		    memcmp(sources[i]->name, env, len) == 0)
			return i;
	return 0; /* an unknown name: the normal search, documented */
}

static void
choose_run(void)
{
	const char *arg;
	int start = env_start(&arg);
	int first = -1;
	int i;

	for (i = 0; i < NSOURCES; i++) {
		state[i] = 1;
		why[i] = i < start ? "skipped by TIMEKEEP_SOURCE" : "not tried";
	}
	for (i = start; i < NSOURCES; i++) {
		if (first >= 0 && sources[i]->inline_reads) {
			why[i] = "not a fallback: a source above it was chosen";
			continue;
		}
		why[i] = NULL;
		state[i] = sources[i]->init(i == start ? arg : NULL, &why[i]);
		if (why[i] == NULL)
			why[i] = state[i] == 0 ? "usable" : "not usable";
		if (state[i] == 0 && first < 0)
			first = i;
	}
	chosen = first < 0 ? NSOURCES - 1 : first;
}

/*
 * Make the choice if nobody has.  Returns 1 when it is made (by this call
 * or earlier), 0 while another thread is still making it.
 */
static int
choose(void)
{
	int expect = CHOOSE_NONE;

	/* Acquire: pairs with the release store below; state[] is then set. */
	if (TK_LIKELY(tk__load_acquire(&choose_state) == CHOOSE_DONE))
		return 1;
	/*
	 * Acquire-release CAS: one thread wins the right to choose; losers
	 * do not wait (they are answered by the system call meanwhile).  Its
	 * partner is the release store of CHOOSE_DONE below.
	 */
	if (!tk__cas_acq_rel(&choose_state, &expect, CHOOSE_RUNNING))
		return 0;
	choose_run();
	/* Release: publishes chosen, state[] and why[] to choose(). */
	tk__store_release(&choose_state, CHOOSE_DONE);
	return 1;
}

/* Index of the first source to ask, or -1 for "the system call, now". */
static int
route_start(void)
{
	return choose() ? chosen : -1;
}

int
tk__ns_to_timespec(int64_t ns, struct timespec *ts)
{
	int64_t s = ns / TK_NSEC_PER_SEC;
	int64_t r = ns % TK_NSEC_PER_SEC;

	if (r < 0) {
		r += TK_NSEC_PER_SEC;
		s--;
	}
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)r;
	return 0;
}

/* The one fallback site for nanotime-shaped reads. */
static int64_t
route_nanotime(int abs, int ordered)
{
	struct timespec ts;
	int64_t ns;
	int i;

	for (i = route_start(); i >= 0 && i < NSOURCES; i++)
		if (state[i] == 0 &&
		    sources[i]->nanotime(abs, ordered, &ns) == 0)
			return ns;
	if (tk__sys_clock_gettime(abs ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts))
		return 0; /* cannot happen for these two ids */
	return tk__timespec_to_ns(&ts);
}

int64_t
tk_nanotime(void)
{
#ifdef TK_WITH_TSC
	int64_t ns;

	if (TK_LIKELY(tk__tsc_nanotime_fast(0, 1, &ns) == 0))
		return ns;
#endif
	return route_nanotime(0, 1);
}

int64_t
tk_nanotime_relaxed(void)
{
#ifdef TK_WITH_TSC
	int64_t ns;

	if (TK_LIKELY(tk__tsc_nanotime_fast(0, 0, &ns) == 0))
		return ns;
#endif
	return route_nanotime(0, 0);
}

/* Out of line, so the fast path of tk_walltime saves no register. */
static __attribute__((noinline)) void
walltime_slow(int64_t *sec, int32_t *nsec)
{
	struct timespec ts;

	tk__ns_to_timespec(route_nanotime(1, 1), &ts);
	if (sec != NULL)
		*sec = (int64_t)ts.tv_sec;
	if (nsec != NULL)
		*nsec = (int32_t)ts.tv_nsec;
}

void
tk_walltime(int64_t *sec, int32_t *nsec)
{
#ifdef TK_WITH_TSC
	struct timespec ts;

	if (TK_LIKELY(tk__tsc_timespec_fast(1, 1, &ts) == 0)) {
		if (sec != NULL)
			*sec = (int64_t)ts.tv_sec;
		if (nsec != NULL)
			*nsec = (int32_t)ts.tv_nsec;
		return;
	}
#endif
	walltime_slow(sec, nsec);
}

/* The one fallback site for clock_gettime (out of line, as walltime_slow). */
static __attribute__((noinline)) int
route_gettime(clockid_t id, struct timespec *ts)
{
	int i, err;

	for (i = route_start(); i >= 0 && i < NSOURCES; i++) {
		if (state[i] != 0)
			continue;
		err = sources[i]->gettime(id, ts);
		if (err == 0 || err == -EINVAL)
			return err;
	}
	return tk__sys_clock_gettime(id, ts);
}

int
tk_clock_gettime(clockid_t id, struct timespec *ts)
{
	if (TK_UNLIKELY(ts == NULL))
		return -EFAULT;
#ifdef TK_WITH_TSC
	if (id == CLOCK_MONOTONIC || id == CLOCK_REALTIME) {
		if (TK_LIKELY(tk__tsc_timespec_fast(
		                  id == CLOCK_REALTIME, 1, ts) == 0))
			return 0;
	}
#endif
	return route_gettime(id, ts);
}

/* The one fallback site for bintime reads. */
static int
route_bintime(int abs, struct tk_bintime *bt)
{
	struct timespec ts;
	int i, err;

	if (bt == NULL)
		return -EFAULT;
	for (i = route_start(); i >= 0 && i < NSOURCES; i++)
		if (state[i] == 0 && sources[i]->bintime(abs, bt) == 0)
			return 0;
	err =
	    tk__sys_clock_gettime(abs ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	if (err == 0)
		tk_timespec_to_bintime(&ts, bt);
	return err;
}

int
tk_binuptime(struct tk_bintime *bt)
{
	return route_bintime(0, bt);
}

int
tk_bintime(struct tk_bintime *bt)
{
	return route_bintime(1, bt);
}

const char *
tk_source(void)
{
	unsigned spins;

	/* Bounded: the choice takes well under a millisecond. */
	for (spins = 0; spins < 100000000u; spins++)
		if (choose())
			return sources[chosen]->name;
	return tk__source_syscall.name;
}

const char *
tk_version(void)
{
	return TK_VERSION_STRING;
}

int
tk_sources(struct tk_source_info *out, int n)
{
	int i;

	(void)tk_source();
	for (i = 0; out != NULL && i < NSOURCES && i < n; i++) {
		out[i].name = sources[i]->name;
		out[i].usable = state[i] == 0;
		out[i].chosen = i == chosen;
		out[i].reason = why[i];
	}
	return NSOURCES;
}

#ifndef TK_WITH_VDSO
/* This build has no vDSO source (FreeBSD): there is nothing to list. */
int
tk_vdso_symbols(struct tk_vdso_symbol *out, int n)
{
	(void)out;
	(void)n;
	return -ENOENT;
}
#endif

#ifndef TK_WITH_FREEBSD
int
tk_freebsd_page_info(struct tk_freebsd_page_info *pi)
{
	(void)pi;
	return -ENOENT;
}
#endif
