/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The riscv64 part of test_counter: the time CSR's rate.  RISC-V has no
 * user-readable frequency register; Linux and FreeBSD take the rate of
 * rdtime from the device tree's /cpus "timebase-frequency" (FACTS 3.5).
 * Where Linux exposes the tree (/proc/device-tree), the rate the ordered
 * and relaxed reads advance at, measured against CLOCK_MONOTONIC, must
 * match it within 10%.  Without a tree (ACPI systems, and qemu-user, which
 * sees the host's /proc and returns host ticks for rdtime) the test SKIPs.
 */
#include <inttypes.h>
#include <stdio.h>

#include "counter.h"
#include "tk_test.h"

#define TIMEBASE "/proc/device-tree/cpus/timebase-frequency"

double counter_rate_hz(uint64_t (*read)(void), long interval_ns);
uint64_t counter_read_ordered(void);
uint64_t counter_read_relaxed(void);
void counter_arch_setup(void);

void
counter_arch_setup(void)
{
}

/* The big-endian 32- or 64-bit cell, or 0 if there is none. */
static uint64_t
timebase_hz(void)
{
	unsigned char b[8];
	uint64_t f = 0;
	size_t n, i;
	FILE *fp = fopen(TIMEBASE, "rb");

	if (fp == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), fp);
	fclose(fp);
	if (n != 4 && n != 8)
		return 0;
	for (i = 0; i < n; i++)
		f = f << 8 | b[i];
	return f;
}

static void
check_rate(const char *what, uint64_t (*read)(void), uint64_t tb)
{
	double f = (double)tb;
	double r = counter_rate_hz(read, 20000000);

	print_message("%s: %.6f MHz measured, timebase %.6f MHz\n", what,
	    r / 1e6, f / 1e6);
	if (r < f * 0.9 || r > f * 1.1)
		fail_msg("%s: rdtime runs at %.0f Hz, the timebase says %.0f",
		    what, r, f);
}

static void
test_rate_matches_timebase(void **state)
{
	uint64_t tb = timebase_hz();

	(void)state;
	if (tb == 0)
		TK_SKIP("no " TIMEBASE " (no device tree, or qemu-user)");
	check_rate("ordered", counter_read_ordered, tb);
	check_rate("relaxed", counter_read_relaxed, tb);
}

const char counter_arch_name[] = "counter_riscv64";
const struct CMUnitTest counter_arch_tests[] = {
	cmocka_unit_test(test_rate_matches_timebase),
};
const size_t counter_arch_ntests =
    sizeof(counter_arch_tests) / sizeof(counter_arch_tests[0]);
