/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * riscv64: the time CSR is Zicntr's, present on every Linux-capable core;
 * a kernel may still trap it (cli/counter.c tries a read in a child
 * first).  No register states its frequency (that is the device tree's
 * timebase-frequency), so the tool measures it.
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
	return "fence r,i; rdtime";
}

const char *
cli_counter_relaxed_name(void)
{
	return "rdtime";
}

const char *
cli_hypervisor(void)
{
	return NULL; /* no architectural way to ask: machine.c looks on */
}
