/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An architecture the tool knows no counter read for (the contract is in
 * cli/counter.h): every counter baseline is left out of timekeep bench
 * with a note, and the latency percentiles (which need counter brackets)
 * are not measured.  Nothing is faked.
 */
#ifndef CLI_ARCH_H
#define CLI_ARCH_H

#include <stdint.h>

#define CLI_ARCH "unknown"
#define CLI_COUNTER "none"

static inline uint64_t
cli_counter_ordered(void)
{
	return 0;
}

static inline uint64_t
cli_counter_relaxed(void)
{
	return 0;
}

#endif /* CLI_ARCH_H */
