/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A probe of what a subproject's consumer can include (tests/subproject):
 * TK_PROBE_HEADER names one header; timekeep.h must be found, the
 * library's private headers must not.
 */
#include TK_PROBE_HEADER

int
main(void)
{
	return 0;
}
