/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Facts about the arm64 generic timer for tk_counter_info() (src/info.c).  The virtual
 * counter is architecturally invariant and its frequency is CNTFRQ_EL0, as
 * FreeBSD's sys/arm/arm/generic_timer.c and Linux's arch timer use it.
 */
#include <errno.h>
#include <string.h>

#include "counter.h"
#include "info.h"
#include "timekeep.h"

int
tk__counter_facts(struct tk_counter_info *ci, int *nominal)
{
	*nominal = 0;
	ci->kind = "cntvct";
	ci->ordering = "isb";
	ci->vendor = "";
	ci->invariant = 1; /* the generic timer never changes rate */
	ci->freq_hz = tk__counter_freq();
	ci->freq_from = ci->freq_hz ? "cntfrq_el0" : "unknown";
	return 0;
}
