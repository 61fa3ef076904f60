/* SPDX-License-Identifier: BSD-2-Clause */
/* Width and wrapping (see text.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "text.h"

int
text_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;

	if (env != NULL) {
		v = strtol(env, &end, 10);
		if (end != env && *end == '\0' && v >= 40 && v <= 1000)
			return (int)v;
	}
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/*
 * The length of the next piece to keep on one line: a word, or a number
 * and the short unit after it ("20 ms)", "7 ns,"), which read badly when
 * split across lines.
 */
static size_t
piece(const char *p)
{
	size_t w = strcspn(p, " "), u;

	if (w == 0 || p[w] != ' ' || p[w - 1] < '0' || p[w - 1] > '9')
		return w;
	u = strcspn(p + w + 1, " ");
	if (u > 0 && u <= 4 && p[w + 1] >= 'a' && p[w + 1] <= 'z')
		return w + 1 + u;
	return w;
}

void
text_wrap(FILE *f, const char *label, int indent, const char *text)
{
	int width = text_width(), col, room;
	const char *p = text;
	size_t w;

	col = fprintf(f, "%-*s", indent, label);
	if (col > indent) { /* a label wider than its column */
		fputc(' ', f);
		col++;
	}
	room = width - 1 > indent + 20 ? width - 1 : indent + 20;
	while (*p != '\0') {
		p += strspn(p, " ");
		w = piece(p);
		if (w == 0)
			break;
		if (col > indent && col + 1 + (int)w > room) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent && p != text) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, w, f);
		col += (int)w;
		p += w;
	}
	fputc('\n', f);
}
