/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time and ticks in words and JSON, for timekeep now and timekeep
 * info (see truetime.h).  An interval is shown only when a bound is
 * claimed (status synchronized or free-running); otherwise the tool says
 * why there is none, and the JSON has null, never the library's
 * [INT64_MIN, INT64_MAX] as if it were a time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "stats.h"
#include "text.h"
#include "truetime.h"

void
tt_view_load(struct tt_view *v)
{
	memset(v, 0, sizeof(*v));
	tk_truetime(&v->tt);
	tk_truetime_info(&v->ti);
	v->nprov = tk_truetime_providers(v->prov, TT_MAX_PROVIDERS);
	if (v->nprov > TT_MAX_PROVIDERS)
		v->nprov = TT_MAX_PROVIDERS;
}

const char *
tt_status_word(int status)
{
	switch (status) {
	case TK_TRUETIME_SYNCHRONIZED:
		return "synchronized";
	case TK_TRUETIME_FREE_RUNNING:
		return "free-running";
	case TK_TRUETIME_UNKNOWN:
		return "unknown";
	case TK_TRUETIME_DISRUPTED:
		return "disrupted";
	default:
		return "invalid";
	}
}

/* The JSON spelling: an identifier, as the enum's. */
static const char *
tt_status_json(int status)
{
	return status == TK_TRUETIME_FREE_RUNNING ? "free_running"
	                                          : tt_status_word(status);
}

static int
tt_bounded(const struct tk_truetime *tt)
{
	return tt->status == TK_TRUETIME_SYNCHRONIZED ||
	    tt->status == TK_TRUETIME_FREE_RUNNING;
}

void
tt_duration(int64_t ns, char *buf, size_t n)
{
	double a = ns < 0 ? -(double)ns : (double)ns;
	const char *sign = ns < 0 ? "-" : "";

	if (a < 1e3)
		snprintf(buf, n, "%s%.0f ns", sign, a);
	else if (a < 1e6)
		snprintf(buf, n, "%s%.4g us", sign, a / 1e3);
	else if (a < 1e9)
		snprintf(buf, n, "%s%.4g ms", sign, a / 1e6);
	else if (a < 1e13)
		snprintf(buf, n, "%s%.4g s", sign, a / 1e9);
	else
		snprintf(buf, n, "%s%.0f s", sign, a / 1e9);
}

/* CLOCK_REALTIME ns as RFC 3339 UTC with nanoseconds. */
static void
tt_time(int64_t ns, char *buf, size_t n)
{
	int64_t sec = ns / NS_PER_S, nsec = ns % NS_PER_S;

	if (nsec < 0) {
		nsec += NS_PER_S;
		sec--;
	}
	rfc3339(sec, (int32_t)nsec, buf, n);
}

/* Half the interval's width, rounded up. */
static int64_t
tt_half(const struct tk_truetime *tt)
{
	uint64_t w = (uint64_t)tt->latest_ns - (uint64_t)tt->earliest_ns;

	return (int64_t)(w / 2 + (w & 1));
}

void
tt_now_text(const struct tk_truetime *tt)
{
	struct tk_truetime_info ti;
	char line[400], half[32], age[32], e[64], l[64];

	if (tt_bounded(tt)) {
		tt_duration(tt_half(tt), half, sizeof(half));
		tt_duration(tt->age_ns, age, sizeof(age));
		snprintf(line, sizeof(line),
		    "%s, \xc2\xb1%s (%s, measured %s ago)",
		    tt_status_word(tt->status), half, tt->provider, age);
		text_wrap(stdout, "truetime", 11, line);
		tt_time(tt->earliest_ns, e, sizeof(e));
		tt_time(tt->latest_ns, l, sizeof(l));
		printf("earliest   %s\n", e);
		printf("latest     %s\n", l);
		return;
	}
	tk_truetime_info(&ti);
	if (strcmp(tt->provider, "none") == 0)
		snprintf(line, sizeof(line),
		    "%s: no bound is claimed (no provider: %s)",
		    tt_status_word(tt->status), ti.why);
	else
		snprintf(line, sizeof(line), "%s: no bound is claimed (%s%s%s)",
		    tt_status_word(tt->status), tt->provider,
		    ti.provider_status[0] != '\0' ? " says " : "",
		    ti.provider_status);
	text_wrap(stdout, "truetime", 11, line);
}

void
tt_now_json(struct json *j, const struct tk_truetime *tt)
{
	char e[64], l[64];
	int b = tt_bounded(tt);

	j_open(j, "truetime", '{');
	j_str(j, "provider", tt->provider);
	j_str(j, "status", tt_status_json(tt->status));
	if (b) {
		tt_time(tt->earliest_ns, e, sizeof(e));
		tt_time(tt->latest_ns, l, sizeof(l));
		j_int(j, "earliest_ns", tt->earliest_ns);
		j_int(j, "latest_ns", tt->latest_ns);
		j_str(j, "earliest", e);
		j_str(j, "latest", l);
		j_int(j, "half_width_ns", tt_half(tt));
		j_int(j, "age_ns", tt->age_ns);
	} else {
		j_null(j, "earliest_ns");
		j_null(j, "latest_ns");
		j_null(j, "earliest");
		j_null(j, "latest");
		j_null(j, "half_width_ns");
		j_null(j, "age_ns");
	}
	j_close(j, '}');
}

/* chosen, usable or not usable (as info's sources). */
static const char *
tt_prov_state(const struct tk_source_info *p)
{
	return p->chosen ? "chosen" : p->usable ? "usable" : "not usable";
}

/* Raw fields that are bit sets or magic numbers read best in hex. */
static int
tt_field_hex(const char *name)
{
	return strstr(name, "magic") != NULL || strcmp(name, "flags") == 0 ||
	    strcmp(name, "status") == 0;
}

static void
tt_field_text(const struct tk_truetime_field *f, char *buf, size_t n)
{
	if (f->is_signed)
		snprintf(buf, n, "%" PRId64, (int64_t)f->value);
	else if (tt_field_hex(f->name))
		snprintf(buf, n, "0x%" PRIx64, f->value);
	else
		snprintf(buf, n, "%" PRIu64, f->value);
}

/*
 * tk_ticks_info(), after the reads that let the library measure the
 * counter's rate: its windups are driven by clock reads, and a fresh
 * process has none yet.  Up to 100 ms, in 5 ms steps.
 */
static int
tt_ticks_load(struct tk_ticks_info *k)
{
	int err = -1;

	for (int i = 0; i < 20; i++) {
		(void)tk_nanotime();
		err = tk_ticks_info(k);
		if (err != 0 || k->hz != 0)
			break;
		sleep_ns(5 * NS_PER_MS);
	}
	return err;
}

static void
tt_ticks_text(void)
{
	struct tk_ticks_info k;
	char line[200], hist[32];

	if (tt_ticks_load(&k) != 0) {
		printf("ticks        unknown (tk_ticks_info failed)\n");
		return;
	}
	tt_duration(k.history_ns, hist, sizeof(hist));
	if (strcmp(k.unit, "ns") == 0)
		snprintf(line, sizeof(line),
		    "ns: CLOCK_MONOTONIC nanoseconds, converted as they are");
	else if (k.hz == 0)
		snprintf(line, sizeof(line),
		    "%s, its rate not measured yet (no history to convert "
		    "with)",
		    k.unit);
	else if (k.history_ns <= 0)
		snprintf(line, sizeof(line),
		    "%s at %.3f MHz; no history kept yet (a fresh process)",
		    k.unit, (double)k.hz / 1e6);
	else
		snprintf(line, sizeof(line),
		    "%s at %.3f MHz; this process's ticks convert exactly "
		    "back %s",
		    k.unit, (double)k.hz / 1e6, hist);
	text_wrap(stdout, "ticks", 13, line);
}

/* The published bound, its age, growth and the provider's promise. */
static void
tt_bound_text(const struct tk_truetime_info *ti)
{
	char line[400], d[32];
	size_t used = 0;

	line[0] = '\0';
	if (ti->bound_ns >= 0) {
		tt_duration(ti->bound_ns, d, sizeof(d));
		used += (size_t)snprintf(
		    line + used, sizeof(line) - used, "%s published", d);
	} else {
		used += (size_t)snprintf(
		    line + used, sizeof(line) - used, "none published");
	}
	if (ti->age_ns >= 0) {
		tt_duration(ti->age_ns, d, sizeof(d));
		used += (size_t)snprintf(
		    line + used, sizeof(line) - used, ", measured %s ago", d);
	}
	if (ti->drift_ppb >= 0)
		used += (size_t)snprintf(line + used, sizeof(line) - used,
		    "; grows %.4g ppm", (double)ti->drift_ppb / 1e3);
	if (ti->max_age_ns > 0) {
		tt_duration(ti->max_age_ns, d, sizeof(d));
		snprintf(line + used, sizeof(line) - used,
		    "; stale after %s (the provider's promise)", d);
	} else {
		snprintf(line + used, sizeof(line) - used,
		    "; the provider promises no refresh");
	}
	text_wrap(stdout, "  bound", 13, line);
}

void
tt_info_text(const struct tt_view *v)
{
	const struct tk_truetime_info *ti = &v->ti;
	char line[400], label[64], val[32];
	size_t w = 0;
	int i;

	tt_ticks_text();
	snprintf(line, sizeof(line), "%s, %s (%s)", ti->provider,
	    tt_status_word(ti->status),
	    tt_bounded(&v->tt) ? "a bound is claimed" : "no bound claimed");
	text_wrap(stdout, "truetime", 13, line);
	text_wrap(stdout, "  why", 13, ti->why);
	if (ti->path[0] != '\0')
		text_wrap(stdout, "  file", 13, ti->path);
	if (ti->provider_status[0] != '\0')
		text_wrap(stdout, "  says", 13, ti->provider_status);
	if (strcmp(ti->provider, "none") != 0)
		tt_bound_text(ti);
	if (ti->timens_offset_ns != 0) {
		tt_duration(ti->timens_offset_ns, val, sizeof(val));
		snprintf(line, sizeof(line),
		    "CLOCK_MONOTONIC %s from the initial namespace's", val);
		text_wrap(stdout, "  timens", 13, line);
	}
	if (ti->nfields > 0)
		printf("  fields     as the provider's layout names them\n");
	for (i = 0; i < ti->nfields; i++)
		if (strlen(ti->fields[i].name) > w)
			w = strlen(ti->fields[i].name);
	for (i = 0; i < ti->nfields; i++) {
		tt_field_text(&ti->fields[i], val, sizeof(val));
		printf("    %-*s %s\n", (int)w, ti->fields[i].name, val);
	}
	printf("providers    in the order they are tried\n");
	for (i = 0; i < v->nprov; i++) {
		snprintf(label, sizeof(label), "  %-10s %s", v->prov[i].name,
		    tt_prov_state(&v->prov[i]));
		text_wrap(stdout, label, 26,
		    v->prov[i].reason != NULL ? v->prov[i].reason : "");
	}
}

/* A value the library reports as "none" with a sentinel: null. */
static void
tt_int_or_null(struct json *j, const char *key, int64_t v, int none)
{
	if (none)
		j_null(j, key);
	else
		j_int(j, key, v);
}

static void
tt_ticks_json(struct json *j)
{
	struct tk_ticks_info k;

	if (tt_ticks_load(&k) != 0) {
		j_null(j, "ticks");
		return;
	}
	j_open(j, "ticks", '{');
	j_str(j, "unit", k.unit);
	if (k.hz != 0)
		j_uint(j, "freq_hz", k.hz);
	else
		j_null(j, "freq_hz");
	j_int(j, "history_ns", k.history_ns);
	j_close(j, '}');
}

void
tt_info_json(struct json *j, const struct tt_view *v)
{
	const struct tk_truetime_info *ti = &v->ti;
	int i;

	tt_ticks_json(j);
	j_open(j, "truetime", '{');
	j_str(j, "provider", ti->provider);
	j_str(j, "path", ti->path[0] != '\0' ? ti->path : NULL);
	j_str(j, "why", ti->why);
	j_str(j, "status", tt_status_json(ti->status));
	j_str(j, "provider_status",
	    ti->provider_status[0] != '\0' ? ti->provider_status : NULL);
	tt_int_or_null(j, "bound_ns", ti->bound_ns, ti->bound_ns < 0);
	tt_int_or_null(j, "age_ns", ti->age_ns, ti->age_ns < 0);
	tt_int_or_null(j, "max_age_ns", ti->max_age_ns, ti->max_age_ns <= 0);
	tt_int_or_null(j, "drift_ppb", ti->drift_ppb, ti->drift_ppb < 0);
	j_int(j, "timens_offset_ns", ti->timens_offset_ns);
	j_open(j, "fields", '[');
	for (i = 0; i < ti->nfields; i++) {
		j_open(j, NULL, '{');
		j_str(j, "name", ti->fields[i].name);
		if (ti->fields[i].is_signed)
			j_int(j, "value", (int64_t)ti->fields[i].value);
		else
			j_uint(j, "value", ti->fields[i].value);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_open(j, "providers", '[');
	for (i = 0; i < v->nprov; i++) {
		j_open(j, NULL, '{');
		j_str(j, "name", v->prov[i].name);
		j_str(j, "state", tt_prov_state(&v->prov[i]));
		j_bool(j, "usable", v->prov[i].usable);
		j_bool(j, "chosen", v->prov[i].chosen);
		j_str(j, "reason", v->prov[i].reason);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_close(j, '}');
}
