/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The source choice and the routes every public entry point falls back to
 * (src/choose.h).
 *
 * Sources are tried in a fixed priority (freebsd, tsc, vdso, syscall); the
 * first whose init succeeds is chosen, and every usable source below it
 * stays ready as its fallback.  TIMEKEEP_SOURCE=NAME[:ARG] starts the
 * search at NAME instead; a forced source that cannot work falls to the
 * next one down; an unknown NAME is ignored and reported by tk_sources().
 * A source with an inline fast tier (src/fast.h) is set up only when it is
 * the chosen one, so its tier never answers ahead of a source above it.
 *
 * The choice is made lazily by the first caller that wins a CAS on
 * choose_state; callers that arrive while it runs do not wait (the routes
 * answer them with the system call).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "choose.h"
#include "platform.h"
#include "syscall.h"

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
#define NSOURCES ((int)(sizeof(sources) / sizeof(sources[0])))

enum { CHOOSE_NONE, CHOOSE_RUNNING, CHOOSE_DONE };

static int choose_state; /* CHOOSE_*, see choose() */
static int chosen = NSOURCES - 1; /* index into sources[] */
static int state[NSOURCES]; /* 0 usable, <0 init error, 1 not tried */
static const char *why[NSOURCES];
static char unknown_why[160]; /* the chosen entry's reason, amended */

/*
 * The search start from TIMEKEEP_SOURCE=NAME[:ARG], its argument, and
 * whether NAME was unknown.
 */
static int
env_start(const char **arg, int *unknown)
{
	static char buf[4096];
	const char *env = getenv("TIMEKEEP_SOURCE");
	const char *colon;
	size_t len;
	int i;

	*arg = NULL;
	*unknown = 0;
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
	*unknown = 1;
	return 0;
}

/* Note an unknown TIMEKEEP_SOURCE name in the chosen entry's reason. */
static void
note_unknown(int i)
{
	const char *pre = "TIMEKEEP_SOURCE names no source here, "
	                  "so the normal search chose this: ";
	size_t n = strlen(pre), m = strlen(why[i]);

	if (n + m + 1 > sizeof(unknown_why))
		m = sizeof(unknown_why) - n - 1;
	memcpy(unknown_why, pre, n);
	memcpy(unknown_why + n, why[i], m);
	unknown_why[n + m] = '\0';
	why[i] = unknown_why;
}

static void
choose_run(void)
{
	const char *arg;
	int unknown, start = env_start(&arg, &unknown);
	int first = -1;
	int i;

	for (i = 0; i < NSOURCES; i++) {
		state[i] = 1;
		why[i] = i < start ? "skipped by TIMEKEEP_SOURCE" : "not tried";
	}
	for (i = start; i < NSOURCES; i++) {
		if (first >= 0 && sources[i]->tier) {
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
	if (unknown)
		note_unknown(chosen);
	if (sources[chosen]->chosen != NULL)
		sources[chosen]->chosen();
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
	 * do not wait.  Its partner is the release store of CHOOSE_DONE.
	 */
	if (!tk__cas_acq_rel(&choose_state, &expect, CHOOSE_RUNNING))
		return 0;
	choose_run();
	/* Release: publishes chosen, state[] and why[] to choose(). */
	tk__store_release(&choose_state, CHOOSE_DONE);
	return 1;
}

/*
 * The chosen source has handed over (its serves hook said so): the next
 * usable source below it becomes the chosen one, armed by its chosen hook.
 * One thread wins the CAS; the hook arms an idempotent tier, so a second
 * call from a loser would do no harm, and there is none.
 */
static void
hand_over(int from)
{
	int i, expect = from;

	for (i = from + 1; i < NSOURCES && state[i] != 0; i++)
		;
	if (i == NSOURCES)
		return;
	/*
	 * CAS, acquire-release: publishes the new index with the choice's
	 * other state unchanged; partner: the acquire load in route_start().
	 */
	if (!tk__cas_acq_rel(&chosen, &expect, i))
		return;
	if (sources[from]->dropped != NULL)
		sources[from]->dropped();
	if (sources[i]->chosen != NULL)
		sources[i]->chosen();
}

/* Index of the first source to ask, or NSOURCES for "the system call". */
static int
route_start(void)
{
	int i;

	if (!choose())
		return NSOURCES;
	/* Acquire: pairs with the CAS in hand_over(). */
	i = tk__load_acquire(&chosen);
	if (sources[i]->serves != NULL && !sources[i]->serves()) {
		hand_over(i);
		/* Acquire: as above. */
		i = tk__load_acquire(&chosen);
	}
	return i;
}

int64_t
tk__route_nanotime(int clock, int ordered)
{
	struct timespec ts;
	int64_t ns;
	int i;

	for (i = route_start(); i < NSOURCES; i++)
		if (state[i] == 0 &&
		    sources[i]->nanotime(clock, ordered, &ns) == 0)
			return ns;
	if (tk__sys_clock_gettime(
	        clock ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts))
		return 0; /* cannot happen for these two ids */
	return tk__timespec_to_ns(&ts);
}

int
tk__route_gettime(clockid_t id, struct timespec *ts)
{
	int i, err;

	for (i = route_start(); i < NSOURCES; i++) {
		if (state[i] != 0)
			continue;
		err = sources[i]->gettime(id, ts);
		if (err == 0 || err == -EINVAL)
			return err;
	}
	return tk__sys_clock_gettime(id, ts);
}

int
tk__route_bintime(int abs, struct tk_bintime *bt)
{
	struct timespec ts;
	int i, err;

	for (i = route_start(); i < NSOURCES; i++)
		if (state[i] == 0 && sources[i]->bintime(abs, bt) == 0)
			return 0;
	err =
	    tk__sys_clock_gettime(abs ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	if (err == 0)
		tk_timespec_to_bintime(&ts, bt);
	return err;
}

int
tk__route_pair(int64_t *mono_ns, int64_t *real_ns)
{
	int i = route_start();

	if (i < NSOURCES && state[i] == 0 && sources[i]->pair != NULL &&
	    sources[i]->pair(mono_ns, real_ns) == 0)
		return 0;
	/*
	 * Realtime first: the monotonic time read after it is late, if
	 * anything, which only ages a bound more (src/truetime/tt_now.h).
	 */
	*real_ns = tk__route_nanotime(1, 1);
	*mono_ns = tk__route_nanotime(0, 1);
	return 0;
}

/*
 * Ticks are the chosen source's (a source without a counter gives
 * CLOCK_MONOTONIC ns, and tk_ticks_info() says which), so the ticks routes
 * wait for a choice another thread is making: ticks of two units must
 * never mix.
 */
uint64_t
tk__route_ticks(int ordered)
{
	const struct tk__source *s = tk__chosen();

	if (s != NULL && s->ticks != NULL)
		return s->ticks(ordered);
	return (uint64_t)tk__route_nanotime(0, ordered);
}

int
tk__route_ticks_to_ns(uint64_t ticks, int64_t *mono_ns, int64_t *real_ns)
{
	const struct tk__source *s = tk__chosen();

	if (s != NULL && s->ticks_to_ns != NULL)
		return s->ticks_to_ns(ticks, mono_ns, real_ns);
	return -ENOSYS;
}

long
tk__route_timebase(void *buf, size_t size)
{
	const struct tk__source *s = tk__chosen();

	if (s != NULL && s->timebase != NULL)
		return s->timebase(buf, size);
	return -ENOSYS;
}

const struct tk__source *
tk__chosen(void)
{
	unsigned spins;

	/* Bounded: the choice takes well under a millisecond. */
	for (spins = 0; spins < 100000000u; spins++)
		if (choose())
			return sources[route_start()];
	return NULL;
}

int
tk__source_entry(
    int i, const struct tk__source **src, int *usable, const char **whyp)
{
	if (tk__chosen() != NULL && i >= 0 && i < NSOURCES) {
		*src = sources[i];
		*usable = state[i] == 0;
		*whyp = why[i];
		if (state[i] == 0 && sources[i]->serves != NULL &&
		    !sources[i]->serves()) {
			*usable = 0;
			*whyp = sources[i]->status != NULL
			    ? sources[i]->status()
			    : why[i];
		}
	}
	return NSOURCES;
}
