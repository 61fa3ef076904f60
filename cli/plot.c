/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep bench --plot: an SVG chart, written by hand, that shows the
 * result at a glance.  One measure per panel, each with its legend beside
 * its title:
 *
 *   1. each read's cost relative to glibc's clock_gettime(MONOTONIC), on
 *	a log scale focused on the reads near it (so 0.8x and 1.2x lie far
 *	apart; a read off the scale gets an arrow and its number), with the
 *	spread over rounds: the middle half of the rounds as a bar, all of
 *	them as whiskers, the median as a dot;
 *   2. single-call latency, p50 to p99 as a box and a whisker to p99.9;
 *   3. thread scaling: ns/call with 1..N threads looping at once.
 *
 * timekeep's rows are highlighted.  The subtitle says in plain words what
 * ran where; the summary line heads the chart.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#include "bench.h"
#include "counter.h"

#define W 960.0
#define LX 260.0 /* left edge of the plot areas */
#define RX 720.0 /* right edge */
#define ROW 22.0
#define TIMES "\xc3\x97"

static const char *const kind_colors[NKIND] = { "#1f62b4", "#7f7f7f", "#c0392b",
	"#2a9d3a" };
static const double ratio_steps[] = { 1, 1.1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7,
	8, 9 };
static const double ns_steps[] = { 1, 2, 5 };
static const char *const kind_words[NKIND] = { "timekeep", "glibc",
	"system call", "bare counter read" };

static void
esc(FILE *f, const char *s)
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

static __attribute__((format(printf, 5, 6))) void
text(FILE *f, double x, double y, const char *attrs, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	esc(f, buf);
	fputs("</text>\n", f);
}

/* str in lines of at most max characters, dy apart; the lines drawn. */
static int
text_lines(FILE *f, double x, double y, double dy, const char *attrs,
    size_t max, const char *str)
{
	char buf[512];
	size_t len, cut;
	int n = 0;

	while (*str != '\0') {
		len = strlen(str);
		cut = len;
		if (len > max) {
			cut = max;
			while (cut > 0 && str[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = max;
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)cut, str);
		text(f, x, y + n++ * dy, attrs, "%s", buf);
		str += cut;
		while (*str == ' ')
			str++;
	}
	return n;
}

static void
line(FILE *f, double x1, double y1, double x2, double y2, const char *attrs)
{
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1,
	    y1, x2, y2, attrs);
}

static void
rect(FILE *f, double x, double y, double w, double h, const char *attrs)
{
	fprintf(f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	    "%s/>\n",
	    x, y, w > 0 ? w : 0, h, attrs);
}

/* A log scale over [lo, hi] onto [LX, RX]. */
struct scale {
	double lo, hi;
};

static double
sx(const struct scale *s, double v)
{
	if (!(v > s->lo))
		v = s->lo;
	if (v > s->hi)
		v = s->hi;
	return LX +
	    (log(v) - log(s->lo)) / (log(s->hi) - log(s->lo)) * (RX - LX);
}

/*
 * Ticks at steps x 10^k inside the scale, each at least 34 px from the
 * others; 1 (dashed, for a ratio) first, so it is never crowded out.
 */
static void
axis(FILE *f, const struct scale *s, double y0, double y1, const char *unit,
    const double *steps, int nsteps)
{
	double placed[64], x, v, d;
	int n = 0, i, k, pass;

	line(f, LX, y1, RX, y1, "stroke=\"#555\"");
	for (pass = 0; pass < 2; pass++) {
		for (d = pow(10, floor(log10(s->lo))); d <= s->hi; d *= 10) {
			for (i = 0; i < nsteps && n < 64; i++) {
				v = steps[i] * d;
				if (v < s->lo * 0.999 || v > s->hi * 1.001 ||
				    (pass == 0) != (fabs(v - 1) < 1e-9))
					continue;
				x = sx(s, v);
				for (k = 0; k < n; k++)
					if (fabs(placed[k] - x) < 34)
						break;
				if (k < n)
					continue;
				placed[n++] = x;
				line(f, x, y0, x, y1,
				    pass == 0 && unit[0] != '\0'
				        ? "stroke=\"#333\" "
				          "stroke-dasharray=\"4 3\""
				        : "stroke=\"#e2e2e2\"");
				text(f, x, y1 + 15,
				    "text-anchor=\"middle\" font-size=\"11\" "
				    "fill=\"#444\"",
				    "%g%s", v, unit);
			}
		}
	}
}

/* Row bands (timekeep's highlighted) and labels, from y0; the rows. */
static int
rows(FILE *f, const struct bench *b, double y0)
{
	int k, n = 0;

	for (k = 0; k < b->ncand; k++) {
		const struct cand *c = &b->c[k];
		double y = y0 + n * ROW;

		if (!c->e->avail)
			continue;
		if (c->kind == K_TK)
			rect(f, 10, y, W - 20, ROW, "fill=\"#e6eefa\"");
		else if (n % 2 == 0)
			rect(f, 10, y, W - 20, ROW, "fill=\"#f6f6f6\"");
		text(f, LX - 10, y + 15,
		    c->kind == K_TK ? "text-anchor=\"end\" font-weight=\"bold\""
		                    : "text-anchor=\"end\"",
		    "%s", c->name);
		n++;
	}
	return n;
}

/* A panel's title and, beside it, the legend that explains it. */
static void
panel_title(FILE *f, double y, const char *title, const char *legend)
{
	text(f, 20, y, "font-size=\"15\" font-weight=\"bold\"", "%s", title);
	text(f, 20, y + 17, "font-size=\"12\" fill=\"#555\"", "%s", legend);
}

/* The kinds' colours, in one line at y. */
static void
kinds_legend(FILE *f, double x, double y)
{
	char attrs[64];
	int k;

	for (k = 0; k < NKIND; k++) {
		snprintf(attrs, sizeof(attrs), "fill=\"%s\"", kind_colors[k]);
		rect(f, x, y - 9, 12, 10, attrs);
		text(f, x + 16, y, "font-size=\"12\"", "%s", kind_words[k]);
		x += 28 + 7.0 * (double)strlen(kind_words[k]);
	}
}

/* The ratio panel's scale: the reads near the reference, 1x inside. */
static struct scale
ratio_scale(const struct bench *b)
{
	struct scale s = { 0.8, 1.25 };
	int k;

	for (k = 0; k < b->ncand; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail || c->kind == K_SYSCALL ||
		    !isfinite(c->rv.min) || c->rv.min <= 0)
			continue;
		s.lo = fmin(s.lo, c->rv.q25 / 1.1);
		s.hi = fmax(s.hi, c->rv.q75 * 1.1);
	}
	s.lo = fmax(s.lo, 0.1);
	s.hi = fmin(s.hi, 8);
	return s;
}

/* One read's ratio: bar from 1x to the median, spread, dot; or arrow. */
static void
ratio_row(FILE *f, const struct scale *s, const struct cand *c, double y)
{
	const char *col = kind_colors[c->kind];
	double x1 = sx(s, 1), xm = sx(s, c->rv.med);
	char attrs[96];

	snprintf(
	    attrs, sizeof(attrs), "fill=\"%s\" fill-opacity=\"0.22\"", col);
	rect(f, fmin(x1, xm), y - 7, fabs(xm - x1), 14, attrs);
	snprintf(
	    attrs, sizeof(attrs), "stroke=\"%s\" stroke-width=\"1.2\"", col);
	line(f, sx(s, c->rv.min), y, sx(s, c->rv.max), y, attrs);
	snprintf(attrs, sizeof(attrs), "fill=\"%s\"", col);
	rect(f, sx(s, c->rv.q25), y - 4,
	    fmax(sx(s, c->rv.q75) - sx(s, c->rv.q25), 2), 8, attrs);
	fprintf(f,
	    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#111\" "
	    "stroke=\"white\" stroke-width=\"1\"/>\n",
	    xm, y);
	if (c->rv.med > s->hi) {
		rect(f, RX - 96, y - 8, 88, 16, "fill=\"white\" rx=\"3\"");
		text(f, RX - 10, y + 4,
		    "text-anchor=\"end\" font-size=\"11\" fill=\"#333\"",
		    "off the scale \xe2\x86\x92");
	} else if (c->rv.med < s->lo) {
		rect(f, LX + 6, y - 8, 88, 16, "fill=\"white\" rx=\"3\"");
		text(f, LX + 10, y + 4, "font-size=\"11\" fill=\"#333\"",
		    "\xe2\x86\x90 off the scale");
	}
	text(f, RX + 14, y + 4, c->kind == K_TK ? "font-weight=\"bold\"" : "",
	    "%.2f" TIMES, c->rv.med);
	text(f, W - 20, y + 4, "text-anchor=\"end\" fill=\"#444\"", "%.2f ns",
	    c->ns.med);
}

/* Panel 1, from y (its title); where it ends. */
static double
panel_ratio(FILE *f, const struct bench *b, double y)
{
	struct scale s = ratio_scale(b);
	double y0 = y + 44, y1;
	int k, n;

	panel_title(f, y,
	    "Time per read, relative to glibc's clock_gettime(MONOTONIC)",
	    "Log scale: left of 1" TIMES " is faster.  Dot: the median "
	    "round; bar: the middle half of the rounds; whiskers: all "
	    "rounds.");
	kinds_legend(f, LX, y0 - 8);
	text(f, RX + 14, y0 - 8, "font-size=\"11\" fill=\"#555\"",
	    TIMES " vDSO");
	text(f, W - 20, y0 - 8,
	    "text-anchor=\"end\" font-size=\"11\" fill=\"#555\"", "ns/call");
	n = rows(f, b, y0);
	y1 = y0 + n * ROW;
	axis(f, &s, y0, y1, TIMES, ratio_steps,
	    (int)(sizeof(ratio_steps) / sizeof(ratio_steps[0])));
	for (k = 0, n = 0; k < b->ncand; k++)
		if (b->c[k].e->avail && b->vdso != NULL)
			ratio_row(f, &s, &b->c[k], y0 + n++ * ROW + ROW / 2);
	text(f, sx(&s, 1) - 8, y1 + 31,
	    "text-anchor=\"end\" font-size=\"11\" fill=\"#555\"",
	    "\xe2\x86\x90 faster than glibc");
	text(f, sx(&s, 1) + 8, y1 + 31, "font-size=\"11\" fill=\"#555\"",
	    "slower than glibc \xe2\x86\x92");
	return y1 + 40;
}

/* Panel 2: single-call latency on a log scale; where it ends. */
static double
panel_latency(FILE *f, const struct bench *b, double y)
{
	struct scale s = { INFINITY, 0 };
	char attrs[96];
	double y0 = y + 44, y1, yr, x;
	int k, n;

	panel_title(f, y, "Single-call latency (nanoseconds, log scale)",
	    "Box: p50 to p99 of single calls, each between two counter "
	    "reads, less an empty pair; whisker: on to p99.9.");
	if (!b->have_counter) {
		text(f, LX, y0 + 14, "fill=\"#a00\"", "Not measured: %s",
		    counter_note());
		return y0 + 40;
	}
	for (k = 0; k < b->ncand; k++) {
		if (!b->c[k].e->avail || !isfinite(b->c[k].p[0]))
			continue;
		s.lo = fmin(s.lo, fmax(b->c[k].p[0], 0.5));
		s.hi = fmax(s.hi, b->c[k].p[2]);
	}
	if (!(s.hi > s.lo))
		s.lo = 1, s.hi = 1000;
	s.lo = pow(10, floor(log10(s.lo)));
	s.hi = pow(10, ceil(log10(s.hi)));
	text(f, RX + 14, y0 - 8, "font-size=\"11\" fill=\"#555\"", "p50");
	text(f, W - 20, y0 - 8,
	    "text-anchor=\"end\" font-size=\"11\" fill=\"#555\"", "p99");
	n = rows(f, b, y0);
	y1 = y0 + n * ROW;
	axis(f, &s, y0, y1, "", ns_steps,
	    (int)(sizeof(ns_steps) / sizeof(ns_steps[0])));
	for (k = 0, n = 0; k < b->ncand; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail)
			continue;
		yr = y0 + n++ * ROW + ROW / 2;
		if (!isfinite(c->p[0]))
			continue;
		snprintf(attrs, sizeof(attrs),
		    "stroke=\"%s\" stroke-width=\"1.2\"", kind_colors[c->kind]);
		line(f, sx(&s, c->p[1]), yr, sx(&s, c->p[2]), yr, attrs);
		line(
		    f, sx(&s, c->p[2]), yr - 4, sx(&s, c->p[2]), yr + 4, attrs);
		snprintf(attrs, sizeof(attrs),
		    "fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\"",
		    kind_colors[c->kind], kind_colors[c->kind]);
		x = sx(&s, c->p[0]);
		rect(f, x, yr - 5, fmax(sx(&s, c->p[1]) - x, 2), 10, attrs);
		text(f, RX + 14, yr + 4, "", "%.0f ns", c->p[0]);
		text(f, W - 20, yr + 4, "text-anchor=\"end\" fill=\"#444\"",
		    "%.0f ns", c->p[1]);
	}
	return y1 + 24;
}

/* A linear axis from 0 at LX, scale px per ns, ticks 1, 2 or 5 x 10^k. */
static void
linear_axis(FILE *f, double hi, double scale, double y0, double y1)
{
	double step = pow(10, floor(log10(hi / 4))), v;

	if (hi / step > 16)
		step *= 5;
	else if (hi / step > 8)
		step *= 2;
	line(f, LX, y1, RX, y1, "stroke=\"#555\"");
	for (v = 0; v <= hi * 1.0001; v += step) {
		line(f, LX + v * scale, y0, LX + v * scale, y1,
		    "stroke=\"#e2e2e2\"");
		text(f, LX + v * scale, y1 + 15,
		    "text-anchor=\"middle\" font-size=\"11\" fill=\"#444\"",
		    "%g", v);
	}
	text(f, RX, y1 + 31,
	    "text-anchor=\"end\" font-size=\"11\" fill=\"#555\"",
	    "ns per call, per thread");
}

/* Panel 3: ns/call with 1..N threads at once, linear from 0. */
static double
panel_threads(FILE *f, const struct bench *b, double y)
{
	double y0 = y + 44, y1 = y0 + b->nthr * ROW, hi = 0, yr, scale;
	char attrs[96];
	int k;

	panel_title(f, y,
	    "Threads: each pinned to a CPU, all looping tk_nanotime at once",
	    "Bar: the median round's ns/call per thread; line: the middle "
	    "half of the rounds.  Level bars mean the threads do not slow "
	    "each other.");
	for (k = b->ncand; k < b->h.n; k++)
		hi = fmax(hi, b->c[k].ns.q75);
	hi = hi > 0 ? hi * 1.1 : 1;
	scale = (RX - LX) / hi;
	text(f, RX + 14, y0 - 8, "font-size=\"11\" fill=\"#555\"", "ns/call");
	text(f, W - 20, y0 - 8,
	    "text-anchor=\"end\" font-size=\"11\" fill=\"#555\"",
	    TIMES " 1 thread");
	linear_axis(f, hi, scale, y0, y1);
	snprintf(attrs, sizeof(attrs), "fill=\"%s\" fill-opacity=\"0.55\"",
	    kind_colors[K_TK]);
	for (k = b->ncand; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		yr = y0 + (k - b->ncand) * ROW + ROW / 2;
		text(f, LX - 10, yr + 4,
		    "text-anchor=\"end\" font-weight=\"bold\"", "%d thread%s",
		    c->threads, c->threads == 1 ? "" : "s");
		rect(f, LX, yr - 7, c->ns.med * scale, 14, attrs);
		line(f, LX + c->ns.q25 * scale, yr, LX + c->ns.q75 * scale, yr,
		    "stroke=\"#111\" stroke-width=\"1.5\"");
		text(f, RX + 14, yr + 4, "", "%.2f ns", c->ns.med);
		text(f, W - 20, yr + 4, "text-anchor=\"end\" fill=\"#444\"",
		    "%.2f" TIMES, c->r_one);
	}
	return y1 + 40;
}

/* Title, summary and the plain-words subtitle; where they end. */
static double
header(FILE *f, const struct bench *b)
{
	const struct machine *m = b->m;
	char sub[1024];
	int n;

	text(f, 20, 32, "font-size=\"21\" font-weight=\"bold\"",
	    "What one clock read costs");
	if (b->sum.ok)
		text(f, 20, 58,
		    "font-size=\"16\" font-weight=\"bold\" fill=\"#1f62b4\"",
		    "%s: %.2f " PLUS_MINUS " %.2f " TIMES " %s than %s",
		    b->sum.subject->name, b->sum.ratio, b->sum.spread,
		    b->sum.faster ? "faster" : "slower", b->sum.ref->name);
	snprintf(sub, sizeof(sub),
	    "Measured on a %s (%s%s%s) running %s %s, whose kernel keeps "
	    "time with the %s clocksource. timekeep %s reads through its %s "
	    "source. %ld rounds of %ld calls per read, in a new order each "
	    "round; %s.",
	    m->kind, m->vendor, m->vendor[0] ? " " : "", m->model,
	    m->uts.sysname, m->uts.release,
	    m->clocksource[0] ? m->clocksource : "unknown", tk_version(),
	    m->source, b->rounds, b->calls, m->day);
	n = text_lines(
	    f, 20, 80, 17, "font-size=\"13\" fill=\"#333\"", 125, sub);
	return 80 + n * 17 + 16;
}

int
bench_svg(const struct bench *b, FILE *out)
{
	char *body = NULL;
	size_t size = 0;
	double y;
	FILE *f = open_memstream(&body, &size);

	/* The panels first, into memory: their height sizes the canvas. */
	if (f == NULL)
		return -errno;
	y = header(f, b);
	y = panel_ratio(f, b, y);
	y = panel_latency(f, b, y + 24);
	y = panel_threads(f, b, y + 24);
	text(f, 20, y + 20, "font-size=\"11\" fill=\"#777\"",
	    "timekeep bench: each loop timed with its thread's CPU time, so "
	    "time lost to other processes is not counted.");
	y += 36;
	if (fclose(f) != 0) {
		free(body);
		return -ENOMEM;
	}
	fprintf(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
	    "font-size=\"12\">\n",
	    W, y, W, y);
	fprintf(out, "<title>timekeep bench: ");
	esc(out, b->sum.ok ? b->sum.text : "clock read cost");
	fprintf(out, "</title>\n");
	rect(out, 0, 0, W, y, "fill=\"white\"");
	fwrite(body, 1, size, out);
	fputs("</svg>\n", out);
	free(body);
	return ferror(out) ? -EIO : 0;
}
