/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep info: this machine's clock facts and what timekeep chose, all
 * pulled through the library's introspection calls (tk_sources,
 * tk_vdso_symbols, tk_counter_info, tk_freebsd_page_info): the library
 * never prints.
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

/* Everything info shows, gathered once. */
struct info {
	struct machine m;
	struct tk_source_info src[MAX_SOURCES];
	struct tk_vdso_symbol syms[MAX_VDSO_SYMS];
	struct tk_freebsd_page_info fp;
	const char *chosen, *env;
	double measured;
	int nsrc, nsym, fperr;
};

static void
info_help(void)
{
	printf("usage: timekeep info [--json]\n"
	       "\n"
	       "Show this machine's clock facts and what timekeep chose:\n"
	       "kernel release, CPU vendor and model, the counter (kind, how "
	       "an ordered\n"
	       "read is ordered, invariant or not, its frequency and where "
	       "that comes\n"
	       "from, and the frequency this tool measures against "
	       "CLOCK_MONOTONIC),\n"
	       "the kernel's current and available clocksources, the vDSO "
	       "symbols\n"
	       "timekeep resolved (name, version, offset from the image "
	       "base), a FreeBSD\n"
	       "timekeep page (ver, enabled, algo, current) where there is "
	       "one, and each\n"
	       "source with \"usable\" or the reason it is not.\n"
	       "\n"
	       "  --json      the same as JSON: vdso {found, symbols [{name, "
	       "version,\n"
	       "              offset}]}, sources [{name, usable, chosen, "
	       "reason}], chosen, ...\n"
	       "  -h, --help  this text\n");
}

static const char *
tristate(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "unknown";
}

static const char *
source_state(const struct tk_source_info *s)
{
	if (s->chosen)
		return "chosen";
	return s->usable ? "usable" : "not usable";
}

static void
info_load(struct info *in)
{
	int i;

	machine_load(&in->m);
	in->chosen = "none";
	in->nsrc = tk_sources(in->src, MAX_SOURCES);
	if (in->nsrc > MAX_SOURCES)
		in->nsrc = MAX_SOURCES;
	for (i = 0; i < in->nsrc; i++)
		if (in->src[i].chosen)
			in->chosen = in->src[i].name;
	in->nsym = tk_vdso_symbols(in->syms, MAX_VDSO_SYMS);
	if (in->nsym > MAX_VDSO_SYMS)
		in->nsym = MAX_VDSO_SYMS;
	in->fperr = tk_freebsd_page_info(&in->fp);
	in->measured = NAN;
	if (counter_usable())
		in->measured = counter_measure_hz(50 * NS_PER_MS);
	in->env = getenv("TIMEKEEP_SOURCE");
}

static void
json_machine(struct json *j, const struct info *in)
{
	const struct machine *m = &in->m;
	char tmp[256], *save = NULL, *tok;

	j_open(j, "kernel", '{');
	j_str(j, "sysname", m->uts.sysname);
	j_str(j, "release", m->uts.release);
	j_str(j, "version", m->uts.version);
	j_str(j, "machine", m->uts.machine);
	j_close(j, '}');
	j_open(j, "cpu", '{');
	j_str(j, "vendor", m->vendor);
	j_str(j, "model", m->model);
	j_int(j, "count", m->ncpu);
	j_close(j, '}');
	j_open(j, "counter", '{');
	if (m->ci_err == 0) {
		j_str(j, "kind", m->ci.kind);
		j_str(j, "ordering", m->ci.ordering);
		if (m->ci.invariant < 0)
			j_null(j, "invariant");
		else
			j_bool(j, "invariant", m->ci.invariant);
		j_uint(j, "freq_hz", m->ci.freq_hz);
		j_str(j, "freq_from", m->ci.freq_from);
	} else {
		j_str(j, "error", strerror(-m->ci_err));
	}
	j_num(j, "measured_hz", in->measured);
	j_str(j, "measured_from",
	    isfinite(in->measured) ? "50 ms against CLOCK_MONOTONIC"
	                           : counter_note());
	j_close(j, '}');
	j_open(j, "clocksource", '{');
	j_str(j, "current", m->clocksource);
	j_open(j, "available", '[');
	snprintf(tmp, sizeof(tmp), "%s", m->clocksources);
	for (tok = strtok_r(tmp, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		j_str(j, NULL, tok);
	j_close(j, ']');
	j_close(j, '}');
}

static void
info_json(const struct info *in)
{
	struct json j;
	int i;

	j_init(&j, stdout);
	j_open(&j, NULL, '{');
	j_str(&j, "version", tk_version());
	json_machine(&j, in);
	j_open(&j, "vdso", '{');
	j_bool(&j, "found", in->nsym > 0);
	j_open(&j, "symbols", '[');
	for (i = 0; i < in->nsym; i++) {
		j_open(&j, NULL, '{');
		j_str(&j, "name", in->syms[i].name);
		j_str(&j, "version", in->syms[i].version);
		j_uint(&j, "offset", in->syms[i].offset);
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
		j_bool(&j, "usable", in->src[i].usable);
		j_bool(&j, "chosen", in->src[i].chosen);
		j_str(&j, "reason", in->src[i].reason);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_str(&j, "chosen", in->chosen);
	j_str(&j, "timekeep_source", in->env);
	j_close(&j, '}');
}

static void
text_counter(const struct info *in)
{
	const struct machine *m = &in->m;

	if (m->ci_err == 0) {
		printf("counter      %s, ordered by %s, invariant %s\n",
		    m->ci.kind, m->ci.ordering, tristate(m->ci.invariant));
		if (m->ci.freq_hz != 0)
			printf("frequency    %.6f MHz (from %s)\n",
			    (double)m->ci.freq_hz / 1e6, m->ci.freq_from);
		else
			printf("frequency    not stated (%s)\n",
			    m->ci.freq_from != NULL ? m->ci.freq_from : "-");
	} else {
		printf("counter      unknown (tk_counter_info: %s)\n",
		    strerror(-m->ci_err));
	}
	if (isfinite(in->measured))
		printf(
		    "measured     %.6f MHz (50 ms against CLOCK_MONOTONIC)\n",
		    in->measured / 1e6);
	else
		printf("measured     no (%s)\n", counter_note());
}

static void
info_text(const struct info *in)
{
	const struct machine *m = &in->m;
	int i;

	printf("timekeep     %s\n", tk_version());
	printf("kernel       %s %s %s\n", m->uts.sysname, m->uts.release,
	    m->uts.machine);
	printf("cpu          %s%s%s, %d CPU%s\n", m->vendor,
	    m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->ncpu == 1 ? "" : "s");
	text_counter(in);
	printf("clocksource  %s (available: %s)\n",
	    m->clocksource[0] ? m->clocksource : "unknown",
	    m->clocksources[0] ? m->clocksources : "unknown");
	if (in->nsym > 0) {
		printf("vdso         found, %d symbol%s\n", in->nsym,
		    in->nsym == 1 ? "" : "s");
		for (i = 0; i < in->nsym; i++)
			printf("  %-26s %-12s offset 0x%" PRIx64 "\n",
			    in->syms[i].name, in->syms[i].version,
			    in->syms[i].offset);
	} else {
		printf("vdso         not found\n");
	}
	if (in->fperr == 0)
		printf("freebsd page ver %" PRIu32 ", enabled %" PRIu32
		       ", algo %" PRIu32 ", current %" PRIu32 " (from %s)\n",
		    in->fp.ver, in->fp.enabled, in->fp.algo, in->fp.current,
		    in->fp.from != NULL ? in->fp.from : "?");
	else
		printf("freebsd page none\n");
	printf("sources\n");
	for (i = 0; i < in->nsrc; i++)
		printf("  %-8s %-10s %s\n", in->src[i].name,
		    source_state(&in->src[i]),
		    in->src[i].reason != NULL ? in->src[i].reason : "");
	printf("chosen       %s%s%s\n", in->chosen,
	    in->env != NULL ? ", TIMEKEEP_SOURCE=" : "",
	    in->env != NULL ? in->env : "");
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
	in = xcalloc(1, sizeof(*in));
	info_load(in);
	if (json)
		info_json(in);
	else
		info_text(in);
	free(in);
	return 0;
}
