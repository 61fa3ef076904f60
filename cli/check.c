/* SPDX-License-Identifier: BSD-2-Clause */
/* What every health check shares (see check.h). */
#include <stdarg.h>
#include <stdio.h>

#include "check.h"
#include "progress.h"

static struct {
	struct progress *p;
	const char *name;
	int index, total;
	double planned_s, after_s;
	int64_t t0_ns;
} plan;

void
check_plan(struct progress *p, const char *name, int index, int total,
    double planned_s, double after_s)
{
	plan.p = p;
	plan.name = name;
	plan.index = index;
	plan.total = total;
	plan.planned_s = planned_s;
	plan.after_s = after_s;
	plan.t0_ns = mono_ns();
	check_tick();
}

void
check_tick(void)
{
	double spent, left;

	if (plan.p == NULL)
		return;
	spent = (double)(mono_ns() - plan.t0_ns) / 1e9;
	left = plan.planned_s - spent;
	left = (left > 0 ? left : 0) + plan.after_s;
	progress_show(plan.p, -1, left, "%s (check %d of %d)", plan.name,
	    plan.index, plan.total);
}

void
check_wait_until(int64_t end_ns)
{
	int64_t now;

	while ((now = mono_ns()) < end_ns) {
		sleep_ns(end_ns - now < 100 * NS_PER_MS ? end_ns - now
		                                        : 100 * NS_PER_MS);
		check_tick();
	}
}

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
