/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep bench --plot: an SVG written by hand.  Two panels, one row per
 * candidate: the single-call latency distribution (a p50..p99 box, a
 * p99..p99.9 whisker, a dot at the loop's ns/call) on a log scale, and
 * ns/call relative to clock_gettime(MONOTONIC) as bars that grow left
 * (faster) or right (slower) from 1x, also on a log scale.  The caption
 * names the CPU, kernel, clocksource, source and date.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include <timekeep.h>

#include "bench.h"
#include "counter.h"

static const char *const kind_colors[NKIND] = { "#1f77b4", "#8c8c8c",
	"#d62728", "#2ca02c" };

#define SVG_W 1000.0
#define SVG_LX 300.0 /* left edge of the plot areas */
#define SVG_RX 960.0 /* right edge */
#define SVG_ROW 22.0

static void
svg_esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, f);
		}
	}
}

static void
svg_text(FILE *f, double x, double y, const char *attrs, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	svg_esc(f, buf);
	fputs("</text>\n", f);
}

struct logscale {
	double lo, hi; /* the domain, both > 0 */
};

static double
lx(const struct logscale *s, double v)
{
	if (!(v > s->lo))
		v = s->lo;
	if (v > s->hi)
		v = s->hi;
	return SVG_LX +
	    (log(v) - log(s->lo)) / (log(s->hi) - log(s->lo)) *
	    (SVG_RX - SVG_LX);
}

/* Row stripes and labels for the available candidates, from y0. */
static void
svg_rows(FILE *f, const struct bench *b, double y0)
{
	int k, row = 0;

	for (k = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];
		double y = y0 + row * SVG_ROW;

		if (!c->e->avail)
			continue;
		if (row % 2 == 0)
			fprintf(f,
			    "<rect x=\"10\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\" fill=\"#f4f4f4\"/>\n",
			    y, SVG_RX - 10, SVG_ROW);
		svg_text(f, SVG_LX - 8, y + 15, "text-anchor=\"end\"", "%s",
		    c->name);
		row++;
	}
}

/* Vertical grid lines and tick labels for a log axis over [y0, y1]. */
static void
svg_axis(FILE *f, const struct logscale *s, double y0, double y1, int base,
    const char *unit)
{
	static const double steps10[] = { 1, 2, 5 };
	double e, v;
	int i;

	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#333\"/>\n",
	    SVG_LX, y1, SVG_RX, y1);
	for (e = floor(log(s->lo) / log(base)) - 1;
	     e <= ceil(log(s->hi) / log(base)) + 1; e++) {
		for (i = 0; i < (base == 10 ? 3 : 1); i++) {
			v = (base == 10 ? steps10[i] : 1) * pow(base, e);
			if (v < s->lo * 0.999 || v > s->hi * 1.001)
				continue;
			fprintf(f,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n",
			    lx(s, v), y0, lx(s, v), y1,
			    v == 1 && base == 2 ? "#333" : "#ddd");
			svg_text(f, lx(s, v), y1 + 15,
			    "text-anchor=\"middle\" font-size=\"11\"", "%g%s",
			    v, unit);
		}
	}
}

/* The two scales over the available candidates; how many there are. */
static int
svg_scales(const struct bench *b, struct logscale *ls, struct logscale *rs)
{
	int k, n = 0;

	ls->lo = INFINITY;
	ls->hi = 0;
	rs->lo = rs->hi = 1;
	for (k = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];
		double vals[4] = { c->ns.med, c->p[0], c->p[1], c->p[2] };
		int i;

		if (!c->e->avail)
			continue;
		n++;
		for (i = 0; i < 4; i++) {
			if (isfinite(vals[i]) && vals[i] > 0.05 &&
			    vals[i] < ls->lo)
				ls->lo = vals[i];
			if (isfinite(vals[i]) && vals[i] > ls->hi)
				ls->hi = vals[i];
		}
		if (isfinite(c->r_vdso) && c->r_vdso > 0) {
			rs->lo = fmin(rs->lo, c->r_vdso);
			rs->hi = fmax(rs->hi, c->r_vdso);
		}
	}
	if (!isfinite(ls->lo) || !(ls->hi > 0)) {
		ls->lo = 1;
		ls->hi = 1000;
	}
	ls->lo = pow(10, floor(log10(ls->lo)));
	ls->hi = pow(10, ceil(log10(ls->hi)));
	if (ls->hi < ls->lo * 10)
		ls->hi = ls->lo * 10;
	rs->lo = pow(2, floor(log2(rs->lo)));
	rs->hi = pow(2, ceil(log2(rs->hi)));
	if (rs->hi < rs->lo * 2)
		rs->hi = rs->lo * 2;

	return n;
}

static void
svg_header(FILE *f, const struct bench *b, double h)
{
	const struct machine *m = b->m;

	fprintf(f,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n",
	    SVG_W, h, SVG_W, h);
	fprintf(f, "<title>timekeep bench: %s, %s %s, source %s</title>\n",
	    "clock read cost", m->uts.sysname, m->uts.release, m->source);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	svg_text(f, 20, 28, "font-size=\"18\" font-weight=\"bold\"",
	    "timekeep bench: what one clock read costs");
	svg_text(f, 20, 48, "fill=\"#444\"",
	    "CPU: %s%s%s (%d CPUs)  |  "
	    "kernel: %s %s %s  |  clocksource: %s",
	    m->vendor, m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->uts.sysname, m->uts.release, m->uts.machine,
	    m->clocksource[0] ? m->clocksource : "unknown");
	svg_text(f, 20, 64, "fill=\"#444\"",
	    "timekeep %s, source: %s  |  %s  |  %ld rounds x %ld calls, "
	    "medians; %ld single-call samples per round",
	    tk_version(), m->source, m->date, b->rounds, b->calls,
	    b->have_counter ? b->samples : 0L);
	if (b->have_counter)
		svg_text(f, 20, 80, "fill=\"#444\"",
		    "single calls between %s reads less the empty bracket "
		    "(%.1f ns); %s at %.3f MHz measured against "
		    "CLOCK_MONOTONIC",
		    cli_counter_ordered_name(), b->bracket_ns, machine_counter_kind(m),
		    b->hz / 1e6);
}

static void
svg_latency(FILE *f, const struct bench *b, const struct logscale *ls,
    double y0, double y1)
{
	double y;
	int k, row;

	/* Panel 1: latency distributions. */
	svg_text(f, 20, y0 - 15, "font-size=\"14\" font-weight=\"bold\"",
	    "Single-call latency (ns, log scale)");
	svg_rows(f, b, y0);
	svg_axis(f, ls, y0, y1, 10, "");
	svg_text(f, (SVG_LX + SVG_RX) / 2, y1 + 32, "text-anchor=\"middle\"",
	    "nanoseconds per call (log scale)");
	for (k = 0, row = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail)
			continue;
		y = y0 + row++ * SVG_ROW + SVG_ROW / 2;
		if (isfinite(c->p[0]) && isfinite(c->p[1])) {
			fprintf(f,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"10\" fill=\"%s\" fill-opacity=\"0.45\" "
			    "stroke=\"%s\"/>\n",
			    lx(ls, c->p[0]), y - 5,
			    fmax(lx(ls, c->p[1]) - lx(ls, c->p[0]), 1.5),
			    kind_colors[c->def->kind],
			    kind_colors[c->def->kind]);
			fprintf(f,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n"
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\"/>\n",
			    lx(ls, c->p[1]), y, lx(ls, c->p[2]), y,
			    kind_colors[c->def->kind], lx(ls, c->p[2]), y - 4,
			    lx(ls, c->p[2]), y + 4, kind_colors[c->def->kind]);
		}
		fprintf(f,
		    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
		    "fill=\"#000\"/>\n",
		    lx(ls, c->ns.med), y);
	}
	/* Its legend. */
	y = y1 + 52;
	fprintf(f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"10\" "
	    "fill=\"#888\" fill-opacity=\"0.45\" stroke=\"#888\"/>\n",
	    SVG_LX, y - 9);
	svg_text(f, SVG_LX + 34, y, "", "p50 to p99 of single calls");
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#888\"/>\n",
	    SVG_LX + 220, y - 4, SVG_LX + 248, y - 4);
	svg_text(f, SVG_LX + 254, y, "", "p99 to p99.9");
	fprintf(f,
	    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#000\"/>\n",
	    SVG_LX + 370, y - 4);
	svg_text(f, SVG_LX + 380, y, "", "median ns/call of the call loop");
	if (!b->have_counter)
		svg_text(f, SVG_LX, y + 16, "fill=\"#a00\"",
		    "no latency percentiles: %s", counter_note());

}

static void
svg_ratio(FILE *f, const struct bench *b, const struct logscale *rs,
    double y2, double y3)
{
	double x, y;
	int k, row;

	/* Panel 2: ratios to the vDSO. */
	svg_text(f, 20, y2 - 15, "font-size=\"14\" font-weight=\"bold\"",
	    "Cost relative to clock_gettime(MONOTONIC) through the vDSO "
	    "(log scale)");
	svg_rows(f, b, y2);
	svg_axis(f, rs, y2, y3, 2, "x");
	svg_text(f, (SVG_LX + SVG_RX) / 2, y3 + 32, "text-anchor=\"middle\"",
	    "ns/call over clock_gettime(MONOTONIC) ns/call: left of 1x is "
	    "faster, right is slower");
	for (k = 0, row = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];
		double x1;

		if (!c->e->avail)
			continue;
		y = y2 + row++ * SVG_ROW + SVG_ROW / 2;
		if (!isfinite(c->r_vdso))
			continue;
		x = lx(rs, 1);
		x1 = lx(rs, c->r_vdso);
		fprintf(f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" "
		    "fill=\"%s\"/>\n",
		    fmin(x, x1), y - 6, fmax(fabs(x1 - x), 1.5),
		    kind_colors[c->def->kind]);
		svg_text(f, x1 < x ? x1 - 4 : x1 + 4, y + 4,
		    x1 < x ? "text-anchor=\"end\" font-size=\"11\""
		           : "font-size=\"11\"",
		    "%.2fx", c->r_vdso);
	}
	/* Its legend: the colours. */
	y = y3 + 52;
	for (k = 0, x = SVG_LX; k < 4; k++, x += 150) {
		fprintf(f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" "
		    "fill=\"%s\"/>\n",
		    x, y - 9, kind_colors[k]);
		svg_text(f, x + 20, y, "", "%s", kind_names[k]);
	}
}

int
bench_svg(const struct bench *b, FILE *f)
{
	struct logscale ls, rs;
	double y0, y1, y2, y3;
	int n = svg_scales(b, &ls, &rs);

	y0 = 125;
	y1 = y0 + n * SVG_ROW;
	y2 = y1 + 110;
	y3 = y2 + n * SVG_ROW;
	svg_header(f, b, y3 + 80);
	svg_latency(f, b, &ls, y0, y1);
	svg_ratio(f, b, &rs, y2, y3);
	fputs("</svg>\n", f);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}
