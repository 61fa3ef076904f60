/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The progress line (see progress.h): "\r", the text, and "ESC [ K" (erase
 * to the end of the line, ECMA-48 EL), cut to the terminal's width so that
 * it never wraps and can always be redrawn in place.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "progress.h"
#include "stats.h"

void
progress_begin(struct progress *p, const char *cmd)
{
	p->on = isatty(STDERR_FILENO);
	p->shown = 0;
	p->cmd = cmd;
	p->t0_ns = mono_ns();
	p->last_ns = 0;
}

static int
stderr_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* "about 12 s left", "about 2 min 5 s left", or "" while unknown. */
static void
time_left(char *buf, size_t n, double left)
{
	if (!isfinite(left) || left < 0)
		buf[0] = '\0';
	else if (left < 1)
		snprintf(buf, n, "; under a second left");
	else if (left < 90)
		snprintf(buf, n, "; about %.0f s left", left);
	else
		snprintf(buf, n, "; about %.0f min %.0f s left",
		    floor(left / 60), fmod(left, 60));
}

void
progress_show(
    struct progress *p, double done, double left_s, const char *fmt, ...)
{
	char what[160], left[48], line[256];
	int64_t now = mono_ns();
	double spent = (double)(now - p->t0_ns) / 1e9;
	va_list ap;
	int w;

	if (!p->on || (p->shown && now - p->last_ns < 50 * NS_PER_MS))
		return;
	p->last_ns = now;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (left_s < 0 && done > 0.01 && spent > 0.1)
		left_s = spent * (1 - done) / done;
	time_left(left, sizeof(left), left_s);
	snprintf(line, sizeof(line), "timekeep %s: %s%s", p->cmd, what, left);
	w = stderr_width() - 1;
	if (w < (int)sizeof(line))
		line[w] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->shown = 1;
}

void
progress_clear(struct progress *p)
{
	if (!p->on || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = 0;
}
