# SPDX-License-Identifier: BSD-2-Clause
# Bounded time (tk_truetime, src/truetime/), against the independent
# writers of tests/support/tt_*.c (docs/truetime.md, "Tests"):
#   test_truetime             the API, this machine's provider, adjtimex
#                             through the seam, detection order, commit wait
#   test_truetime_clockbound  racing writer and readers, hostile fields and
#                             files, time namespaces, SIGBUS on truncation
#   test_truetime_vmclock     the mapping's arithmetic, racing writer and
#                             readers, disruption, hostile pages (SKIPs on a
#                             CPU with no VMClock counter)
#   test_truetime_fbclock     the window's arithmetic, racing writer and
#                             readers, CLOCK_MONOTONIC_RAW, hostile segments
#   test_truetime_sim         external consistency over simulated nodes,
#                             with and without commit wait (seeded)
# Linux only: FreeBSD builds the no-provider stub.
if(NOT TK_OS STREQUAL "linux")
	return()
endif()

tk_test(test_truetime SOURCES test_truetime.c TIMEOUT 120)
tk_test(test_truetime_clockbound SOURCES test_truetime_clockbound.c
	TIMEOUT 300)
tk_test(test_truetime_vmclock SOURCES test_truetime_vmclock.c TIMEOUT 300)
tk_test(test_truetime_fbclock SOURCES test_truetime_fbclock.c TIMEOUT 300)
tk_test(test_truetime_sim SOURCES test_truetime_sim.c TIMEOUT 120)
