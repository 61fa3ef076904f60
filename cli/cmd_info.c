/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep info: this machine's clock facts and what timekeep chose, all
 * pulled through the library's introspection calls (tk_sources,
 * tk_vdso_symbols, tk_counter_info, tk_freebsd_page_info, tk_ticks_info,
 * tk_truetime_info, tk_truetime_providers): the library never prints.
 * Figures carry the precision they have: a frequency known to 1% is not
 * printed to the Hz.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#include "commands.h"
#include "counter.h"
#include "json.h"
#include "machine.h"
#include "options.h"
#include "stats.h"
#include "text.h"
#include "truetime.h"

/* Everything info shows, gathered once. */
struct info {
	struct machine m;
	struct requested req;
	struct tk_source_info src[MAX_SOURCES];
	struct tk_vdso_symbol syms[MAX_VDSO_SYMS];
	struct tk_freebsd_page_info fp;
	struct tt_view tt;
	double measured, ppm;
	char measured_from[160];
	int nsrc, nsym, fperr;
};

static void
info_help(void)
{
	printf(
	    "usage: timekeep info [--json]\n"
	    "\n"
	    "Show this machine's clock facts and what timekeep chose: the "
	    "kernel, the\n"
	    "machine (a hypervisor's guest or not), the CPU, its counter (how "
	    "an ordered\n"
	    "read is ordered, whether it is invariant, its frequency as the "
	    "library\n"
	    "states it and as this tool measures it against "
	    "CLOCK_MONOTONIC), the\n"
	    "kernel's clocksources, the vDSO symbols timekeep resolved, a "
	    "FreeBSD\n"
	    "timekeep page where there is one, every source in the order "
	    "they are\n"
	    "tried, with why it is (not) used, the ticks (tk_ticks: unit, "
	    "rate, how far\n"
	    "back they convert exactly), and bounded time: the provider "
	    "(tk_truetime),\n"
	    "its bound, its raw fields, and every provider in the order they "
	    "are tried.\n"
	    "\n"
	    "  --json      JSON (schema 1, docs/cli-json.md): machine, "
	    "counter, vdso,\n"
	    "              freebsd_page, sources [{name, state, usable, "
	    "chosen, reason}],\n"
	    "              ticks, truetime {provider, ..., fields, "
	    "providers}\n"
	    "  -h, --help  this text\n");
}

/* chosen, usable, skipped (TIMEKEEP_SOURCE starts below it) or not. */
static const char *
source_state(const struct tk_source_info *s)
{
	if (s->chosen)
		return "chosen";
	if (s->usable)
		return "usable";
	if (s->reason != NULL && strstr(s->reason, "skipped") != NULL)
		return "skipped";
	return "not usable";
}

static void
info_load(struct info *in)
{
	machine_load(&in->m);
	requested_source(&in->req);
	in->nsrc = tk_sources(in->src, MAX_SOURCES);
	if (in->nsrc > MAX_SOURCES)
		in->nsrc = MAX_SOURCES;
	in->nsym = tk_vdso_symbols(in->syms, MAX_VDSO_SYMS);
	if (in->nsym > MAX_VDSO_SYMS)
		in->nsym = MAX_VDSO_SYMS;
	in->fperr = tk_freebsd_page_info(&in->fp);
	tt_view_load(&in->tt);
	in->measured = in->ppm = NAN;
	if (counter_usable())
		in->measured = counter_measure_hz(50 * NS_PER_MS, &in->ppm);
	if (isfinite(in->measured))
		snprintf(in->measured_from, sizeof(in->measured_from),
		    "this tool: 50 ms against CLOCK_MONOTONIC, %s%.0f ppm",
		    "\xc2\xb1", ceil(in->ppm));
	else
		snprintf(in->measured_from, sizeof(in->measured_from), "%s",
		    counter_note());
}

static void
info_json(const struct info *in)
{
	struct json j;
	int i;

	j_init(&j, stdout);
	json_head(&j, "info");
	json_machine(&j, &in->m);
	json_counter(&j, &in->m, in->measured, in->measured_from);
	j_open(&j, "vdso", '{');
	j_bool(&j, "found", in->nsym > 0);
	j_open(&j, "symbols", '[');
	for (i = 0; i < in->nsym; i++) {
		j_open(&j, NULL, '{');
		j_str(&j, "name", in->syms[i].name);
		j_str(&j, "version", in->syms[i].version);
		j_uint(&j, "offset_bytes", in->syms[i].offset);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_close(&j, '}');
	if (in->fperr == 0) {
		j_open(&j, "freebsd_page", '{');
		j_uint(&j, "ver", in->fp.ver);
		j_uint(&j, "enabled", in->fp.enabled);
		j_uint(&j, "algo", in->fp.algo);
		j_uint(&j, "current", in->fp.current);
		j_str(&j, "from", in->fp.from);
		j_close(&j, '}');
	} else {
		j_null(&j, "freebsd_page");
	}
	j_open(&j, "sources", '[');
	for (i = 0; i < in->nsrc; i++) {
		j_open(&j, NULL, '{');
		j_str(&j, "name", in->src[i].name);
		j_str(&j, "state", source_state(&in->src[i]));
		j_bool(&j, "usable", in->src[i].usable);
		j_bool(&j, "chosen", in->src[i].chosen);
		j_str(&j, "reason", in->src[i].reason);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	tt_info_json(&j, &in->tt);
	j_close(&j, '}');
}

/*
 * The library's "where the frequency comes from" in plain words: its
 * "(+-1%)" becomes ", ±1%".
 */
static void
freq_words(const char *from, char *buf, size_t n)
{
	const char *pm = strstr(from, " (+-");
	size_t len;

	if (pm == NULL) {
		snprintf(buf, n, "%s", from);
		return;
	}
	len = strlen(pm + 4);
	if (len > 0 && pm[4 + len - 1] == ')')
		len--;
	snprintf(buf, n, "%.*s, \xc2\xb1%.*s", (int)(pm - from), from, (int)len,
	    pm + 4);
}

static void
text_counter(const struct info *in)
{
	const struct machine *m = &in->m;
	char line[320], from[200];
	int digits;

	if (m->ci_err != 0) {
		printf("counter      unknown (tk_counter_info: %s)\n",
		    strerror(-m->ci_err));
	} else {
		printf("counter      %s, ordered by %s, %s\n", m->ci.kind,
		    m->ci.ordering,
		    m->ci.invariant > 0        ? "invariant"
		        : m->ci.invariant == 0 ? "not invariant"
		                               : "invariance unknown");
		freq_words(m->ci.freq_from != NULL ? m->ci.freq_from : "-",
		    from, sizeof(from));
		/* A stated tolerance in % means one decimal is plenty. */
		if (m->ci.freq_hz != 0)
			snprintf(line, sizeof(line), "%.*f MHz (%s)",
			    strchr(from, '%') != NULL ? 1 : 3,
			    (double)m->ci.freq_hz / 1e6, from);
		else
			snprintf(line, sizeof(line), "not stated (%s)", from);
		text_wrap(stdout, "frequency", 13, line);
	}
	if (isfinite(in->measured)) {
		/* Decimals down to the measurement's uncertainty. */
		digits = (int)ceil(-log10(in->ppm * in->measured / 1e12));
		digits = digits < 0 ? 0 : digits > 6 ? 6 : digits;
		snprintf(line, sizeof(line), "%.*f MHz (%s)", digits,
		    in->measured / 1e6, in->measured_from);
	} else {
		snprintf(line, sizeof(line), "no (%s)", in->measured_from);
	}
	text_wrap(stdout, "measured", 13, line);
}

static void
text_sources(const struct info *in)
{
	char label[40];
	int i;

	printf("sources      in the order they are tried\n");
	for (i = 0; i < in->nsrc; i++) {
		snprintf(label, sizeof(label), "  %-10s %s", in->src[i].name,
		    source_state(&in->src[i]));
		text_wrap(stdout, label, 26,
		    in->src[i].reason != NULL ? in->src[i].reason : "");
	}
	if (in->req.value != NULL && !in->req.known)
		printf("chosen       %s (TIMEKEEP_SOURCE=%s names no source: "
		       "ignored)\n",
		    tk_source(), in->req.value);
	else if (in->req.value != NULL)
		printf("chosen       %s (TIMEKEEP_SOURCE=%s)\n", tk_source(),
		    in->req.value);
	else
		printf("chosen       %s\n", tk_source());
}

static void
info_text(const struct info *in)
{
	const struct machine *m = &in->m;
	char line[400];
	int i;

	printf("timekeep     %s\n", tk_version());
	printf("kernel       %s %s %s\n", m->uts.sysname, m->uts.release,
	    m->uts.machine);
	printf("machine      %s\n", m->kind);
	snprintf(line, sizeof(line), "%s%s%s, %d CPU%s", m->vendor,
	    m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->ncpu == 1 ? "" : "s");
	text_wrap(stdout, "cpu", 13, line);
	text_counter(in);
	snprintf(line, sizeof(line), "%s (available: %s)",
	    m->clocksource[0] ? m->clocksource : "unknown",
	    m->clocksources[0] ? m->clocksources : "unknown");
	text_wrap(stdout, "clocksource", 13, line);
	printf("vdso         %s\n", in->nsym > 0 ? "found" : "not found");
	for (i = 0; i < in->nsym; i++)
		printf("  %-26s %-12s offset 0x%" PRIx64 "\n", in->syms[i].name,
		    in->syms[i].version, in->syms[i].offset);
	if (in->fperr == 0)
		printf("freebsd page ver %" PRIu32 ", enabled %" PRIu32
		       ", algo %" PRIu32 ", current %" PRIu32 "\n"
		       "             (from %s)\n",
		    in->fp.ver, in->fp.enabled, in->fp.algo, in->fp.current,
		    in->fp.from != NULL ? in->fp.from : "?");
	else
		printf("freebsd page none\n");
	text_sources(in);
	tt_info_text(&in->tt);
}

int
cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct info *in;
	int json = 0, c;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			info_help();
			return 0;
		default:
			opt_bad(c, argv);
		}
	}
	opt_no_operands(argc, argv);
	warn_unknown_source();
	in = xcalloc(1, sizeof(*in));
	info_load(in);
	if (json)
		info_json(in);
	else
		info_text(in);
	free(in);
	return 0;
}
