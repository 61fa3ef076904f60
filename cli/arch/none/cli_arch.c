/* SPDX-License-Identifier: BSD-2-Clause */
/* No counter the tool knows: cli_counter_exists() says so. */
#include "counter.h"

void
cli_counter_init(void)
{
}

int
cli_counter_exists(void)
{
	return 0;
}

const char *
cli_counter_ordered_name(void)
{
	return "none";
}

const char *
cli_counter_relaxed_name(void)
{
	return "none";
}

const char *
cli_hypervisor(void)
{
	return NULL; /* no architectural way to ask: machine.c looks on */
}
