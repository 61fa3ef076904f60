# SPDX-License-Identifier: BSD-2-Clause
# Bounded time (tk_truetime, src/truetime/), against the independent
# writers of tests/support/tt_*.c:
#   test_truetime             the API, this machine's provider, adjtimex
#                             through the seam, detection order, commit wait
if(NOT TK_OS STREQUAL "linux")
	return()
endif()

tk_test(test_truetime SOURCES test_truetime.c TIMEOUT 120)
tk_test(test_truetime_clockbound SOURCES test_truetime_clockbound.c
	TIMEOUT 300)
tk_test(test_truetime_vmclock SOURCES test_truetime_vmclock.c TIMEOUT 300)
tk_test(test_truetime_fbclock SOURCES test_truetime_fbclock.c TIMEOUT 300)
tk_test(test_truetime_sim SOURCES test_truetime_sim.c TIMEOUT 120)
