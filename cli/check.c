/* SPDX-License-Identifier: BSD-2-Clause */
/* What every health check shares (see check.h). */
#include <stdarg.h>
#include <stdio.h>

#include "check.h"

const char *const status_names[] = { "PASS", "FAIL", "SKIP" };

void
check_set(struct check *c, enum status st, const char *fmt, ...)
{
	va_list ap;

	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

void
check_x(struct check *c, const char *key, double v)
{
	if (c->nx < CHECK_MAX_X) {
		c->xkey[c->nx] = key;
		c->xval[c->nx++] = v;
	}
}
