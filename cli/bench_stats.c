/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The numbers of one timekeep bench run, from the harness's rounds:
 * medians and spreads, ratios to the references, single-call
 * percentiles, the thread levels, the summary line and the targets.
 *
 * A ratio to a reference is the median of the ratios taken round by
 * round: the two ran within the same round, so whatever slowed a round
 * (a frequency change, a noisy neighbour) slowed both, and the ratio's
 * spread is its own, not the sum of two.  The targets, which the project
 * states as ratios of medians, are ratios of medians.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "options.h"

static const struct cand *
find(const struct bench *b, const char *id)
{
	int k;

	for (k = 0; k < b->h.n; k++)
		if (b->c[k].e->avail && strcmp(b->c[k].id, id) == 0)
			return &b->c[k];
	return NULL;
}

/* num / den round by round, over rounds. */
static void
ratio_spread(const struct bench *b, const struct cand *num,
    const struct cand *den, struct spread *s)
{
	double *v = xcalloc((size_t)b->rounds, sizeof(double));
	long r;

	for (r = 0; r < b->rounds; r++)
		v[r] = num->e->ns[r] / den->e->ns[r];
	spread_of(v, (size_t)b->rounds, s);
	free(v);
}

/*
 * "tk_nanotime: 1.15 ± 0.02 x faster than clock_gettime(MONOTONIC)": the
 * median and half the interquartile range of the per-round speed-ups, or
 * of the slow-downs when it is slower.
 */
static void
summarize(struct bench *b)
{
	struct summary *s = &b->sum;
	struct spread sp;

	s->subject = find(b, "tk_nanotime");
	s->ref = b->vdso != NULL ? b->vdso : find(b, "sys_mono");
	if (s->subject == NULL || s->ref == NULL)
		return;
	ratio_spread(b, s->ref, s->subject, &sp);
	s->faster = sp.med >= 1;
	if (!s->faster)
		ratio_spread(b, s->subject, s->ref, &sp);
	s->ratio = sp.med;
	s->spread = spread_half_iqr(&sp);
	s->ok = isfinite(s->ratio);
	snprintf(s->text, sizeof(s->text),
	    "%s: %.2f " PLUS_MINUS " %.2f x %s than %s", s->subject->name,
	    s->ratio, s->spread, s->faster ? "faster" : "slower", s->ref->name);
}

static void
level_stats(struct bench *b, struct cand *c, const struct cand *one)
{
	double *tmp = xcalloc((size_t)b->rounds, sizeof(double));
	int i;
	long r;

	for (i = 0; i < c->threads; i++) {
		for (r = 0; r < b->rounds; r++)
			tmp[r] = c->e->per[r * c->threads + i];
		c->per[i] = median(tmp, (size_t)b->rounds);
	}
	c->r_one = one != NULL ? c->ns.med / one->ns.med : NAN;
	free(tmp);
}

static double
lookup(const void *arg, const char *id, const char **label)
{
	const struct cand *c = find(arg, id);

	if (c == NULL)
		return NAN;
	*label = c->name;
	return c->ns.med;
}

void
bench_stats(struct bench *b)
{
	double bracket = harness_bracket(&b->h), per_tick = NAN;
	struct spread rc;
	int k;

	if (b->have_counter) {
		per_tick = 1e9 / b->hz;
		b->bracket_ns = bracket * per_tick;
	}
	for (k = 0; k < b->h.n; k++) {
		struct cand *c = &b->c[k];

		c->p[0] = c->p[1] = c->p[2] = NAN;
		if (!c->e->avail)
			continue;
		spread_of(c->e->ns, (size_t)b->rounds, &c->ns);
		if (b->have_counter)
			harness_latency(&b->h, c->e, bracket, per_tick, c->p);
		if (c->def != NULL && c->def->ref == R_VDSO)
			b->vdso = c;
		if (c->def != NULL && c->def->ref == R_COUNTER)
			b->ctr = c;
	}
	for (k = 0; k < b->h.n; k++) {
		struct cand *c = &b->c[k];

		c->r_vdso = c->r_counter = NAN;
		if (!c->e->avail)
			continue;
		if (b->vdso != NULL) {
			ratio_spread(b, c, b->vdso, &c->rv);
			c->r_vdso = c->rv.med;
		}
		if (b->ctr != NULL) {
			ratio_spread(b, c, b->ctr, &rc);
			c->r_counter = rc.med;
		}
		if (c->threads > 0)
			level_stats(b, c, find(b, "threads_1"));
	}
	summarize(b);
	b->ntgt = targets_eval(b->m->source, lookup, b, b->tgt);
}
