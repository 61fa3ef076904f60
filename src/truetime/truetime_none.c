/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time where no provider exists: the entry points of the
 * tk_truetime block of include/timekeep.h, each claiming no bound (status
 * unknown, the interval [INT64_MIN, INT64_MAX]).  Built instead of
 * src/truetime/ on FreeBSD: the VMClock device, the ClockBound and
 * fbclock daemons and adjtimex(2) are Linux interfaces.
 * TODO(truetime): FreeBSD's ntp_adjtime(2) gives the same maxerror.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "timekeep.h"

static const char tt_why[] = "no bounded-time provider on this OS";

int
tk_truetime(struct tk_truetime *tt)
{
	if (tt == NULL)
		return -EFAULT;
	tt->earliest_ns = INT64_MIN;
	tt->latest_ns = INT64_MAX;
	tt->age_ns = -1;
	tt->status = TK_TRUETIME_UNKNOWN;
	tt->provider = "none";
	return 0;
}

int
tk_truetime_after(int64_t t_ns)
{
	(void)t_ns;
	return 0;
}

int
tk_truetime_before(int64_t t_ns)
{
	(void)t_ns;
	return 0;
}

int
tk_truetime_wait_until_past(int64_t t_ns, int64_t deadline_ns)
{
	(void)t_ns;
	(void)deadline_ns;
	return -EAGAIN;
}

int
tk_truetime_info(struct tk_truetime_info *ti)
{
	if (ti == NULL)
		return -EFAULT;
	memset(ti, 0, sizeof(*ti));
	ti->provider = "none";
	ti->path = "";
	ti->why = tt_why;
	ti->status = TK_TRUETIME_UNKNOWN;
	ti->provider_status = "";
	ti->bound_ns = -1;
	ti->age_ns = -1;
	ti->drift_ppb = -1;
	return 0;
}

int
tk_truetime_providers(struct tk_source_info *out, int n)
{
	if (out != NULL && n > 0) {
		out[0].name = "none";
		out[0].usable = 1;
		out[0].chosen = 1;
		out[0].reason = tt_why;
	}
	return 1;
}
