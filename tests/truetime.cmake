# SPDX-License-Identifier: BSD-2-Clause
# Bounded time (tk_truetime, src/truetime/), against the independent
# writers of tests/support/tt_*.c:
#   test_truetime             the API, this machine's provider, adjtimex
#                             through the seam, detection order, commit wait
if(NOT TK_OS STREQUAL "linux")
	return()
endif()

tk_test(test_truetime SOURCES test_truetime.c TIMEOUT 120)
