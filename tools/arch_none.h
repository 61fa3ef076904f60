/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An architecture the tool knows no counter read for: every counter
 * baseline is left out of timekeep bench with a note, and the latency
 * percentiles (which need counter brackets) are not measured.  Nothing is
 * faked.
 */
#ifndef TOOL_ARCH_NONE_H
#define TOOL_ARCH_NONE_H

#include <stdint.h>

#define TOOL_ARCH "unknown"
#define TOOL_COUNTER "none"

static inline void
tool_counter_init(void)
{
}

static inline int
tool_counter_exists(void)
{
	return 0;
}

static inline const char *
tool_counter_ordered_name(void)
{
	return "none";
}

static inline const char *
tool_counter_relaxed_name(void)
{
	return "none";
}

static inline uint64_t
tool_counter_ordered(void)
{
	return 0;
}

static inline uint64_t
tool_counter_relaxed(void)
{
	return 0;
}

static inline uint64_t
tool_counter_freq_hint(void)
{
	return 0;
}

#endif /* TOOL_ARCH_NONE_H */
