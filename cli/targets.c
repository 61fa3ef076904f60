/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The targets (see targets.h), one row each: the ratio's numerator and
 * denominator by candidate id ("a|b": the first of them the run has), the
 * bound, and the sources it applies to.  A counter source (tsc, freebsd)
 * is held to the counter; the vdso source to glibc, which calls the same
 * vDSO; the system call source to nothing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "targets.h"
#include "text.h"

enum when { W_ANY, W_COUNTER, W_VDSO };

static const struct target {
	const char *num, *den;
	double bound;
	enum when when;
} targets[] = {
	{ "tk_nanotime", "ctr_ordered_call|ctr_ordered", 1.10, W_COUNTER },
	{ "tk_nanotime", "libc_mono", 0.82, W_COUNTER },
	{ "tk_relaxed", "ctr_relaxed_call|ctr_relaxed", 1.10, W_COUNTER },
	{ "tk_realtime", "tk_nanotime", 1.03, W_COUNTER },
	{ "tk_walltime", "tk_nanotime", 1.08, W_COUNTER },
	{ "tk_cgt_mono", "tk_nanotime", 1.10, W_COUNTER },
	{ "tk_nanotime", "libc_mono", 1.03, W_VDSO },
	{ "tk_cgt_mono", "libc_mono", 1.03, W_VDSO },
	{ "tk_walltime", "libc_real", 1.08, W_VDSO },
	{ "threads_2", "threads_1", 1.05, W_ANY },
};
#define NTARGETS (int)(sizeof(targets) / sizeof(targets[0]))

static int
applies(enum when w, const char *source)
{
	int counter =
	    strcmp(source, "tsc") == 0 || strcmp(source, "freebsd") == 0;

	return w == W_ANY || (w == W_COUNTER && counter) ||
	    (w == W_VDSO && strcmp(source, "vdso") == 0);
}

/* The first of "a|b" the run has: its median, and its label. */
static double
first_of(
    const char *ids, target_lookup look, const void *arg, const char **label)
{
	char id[48];
	const char *p = ids;
	size_t len;
	double v;

	while (*p != '\0') {
		len = strcspn(p, "|");
		snprintf(id, sizeof(id), "%.*s", (int)len, p);
		v = look(arg, id, label);
		if (isfinite(v))
			return v;
		p += len + (p[len] == '|');
	}
	return NAN;
}

int
targets_eval(const char *source, target_lookup look, const void *arg,
    struct target_result *out)
{
	const char *nl, *dl;
	double nv, dv;
	int i, n = 0;

	for (i = 0; i < NTARGETS && n < TARGETS_MAX; i++) {
		if (!applies(targets[i].when, source))
			continue;
		nv = first_of(targets[i].num, look, arg, &nl);
		dv = first_of(targets[i].den, look, arg, &dl);
		if (!isfinite(nv) || !isfinite(dv) || dv <= 0)
			continue;
		snprintf(out[n].what, sizeof(out[n].what), "%s / %s", nl, dl);
		out[n].ratio = nv / dv;
		out[n].bound = targets[i].bound;
		out[n].within = out[n].ratio <= out[n].bound;
		n++;
	}
	return n;
}

void
targets_print(
    FILE *f, const struct machine *m, const struct target_result *t, int n)
{
	char head[256];
	int i;

	text_wrap(f, "", 0,
	    "Targets for the machine kind the project is measured on "
	    "(" TARGETS_MACHINE_KIND ").");
	snprintf(head, sizeof(head), "This machine: a %s, source %s.", m->kind,
	    m->source);
	text_wrap(f, "", 0, head);
	if (n == 0) {
		fprintf(f, "  (none applies to source %s)\n", m->source);
		return;
	}
	fprintf(f, "  %-46s %6s  %s\n", "ratio of medians", "here", "target");
	for (i = 0; i < n; i++) {
		/* A long label gets a line of its own. */
		if (strlen(t[i].what) > 46)
			fprintf(f, "  %s\n  %-46s", t[i].what, "");
		else
			fprintf(f, "  %-46s", t[i].what);
		fprintf(f, " %6.3f  <= %.2f  ", t[i].ratio, t[i].bound);
		if (t[i].within)
			fprintf(f, "within\n");
		else
			fprintf(f, "above, +%.3f\n", t[i].ratio - t[i].bound);
	}
}

void
targets_json(struct json *j, const struct target_result *t, int n)
{
	int i;

	j_open(j, "targets", '{');
	j_str(j, "machine_kind", TARGETS_MACHINE_KIND);
	j_open(j, "rows", '[');
	for (i = 0; i < n; i++) {
		j_open(j, NULL, '{');
		j_str(j, "ratio_of", t[i].what);
		j_num(j, "ratio", t[i].ratio);
		j_num(j, "target", t[i].bound);
		j_bool(j, "within", t[i].within);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_close(j, '}');
}
