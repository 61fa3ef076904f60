/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arm64: the virtual counter is architectural on every ARMv8-A CPU, so
 * there is nothing to probe (a kernel may still trap EL0 reads through
 * CNTKCTL_EL1.EL0VCTEN: cli/counter.c tries a read in a child first).
 */
#include "counter.h"

void
cli_counter_init(void)
{
}

int
cli_counter_exists(void)
{
	return 1;
}

const char *
cli_counter_ordered_name(void)
{
	return "isb; cntvct_el0";
}

const char *
cli_counter_relaxed_name(void)
{
	return "cntvct_el0";
}

const char *
cli_hypervisor(void)
{
	return NULL; /* no architectural way to ask: machine.c looks on */
}
