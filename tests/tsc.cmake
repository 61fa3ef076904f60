# SPDX-License-Identifier: BSD-2-Clause
# The own tsc source's tests (the engine in src/hands/, src/source/tsc.c and
# src/counter/x86_64/cpuinfo_x86_64.c):
#   test_hands            the windup engine on fake counters and kernels:
#                         jumps back, stalls, 2^64 wrap, frequency change,
#                         NTP slew, periodic readers, gaps
#   test_hands_protocol   a winder stopped or abandoned at each point;
#                         racing threads
#   test_hands_broken     a kernel turned slow, an unfit counter, fork's
#                         wipe, hostile pages
#   test_hands_plan       the planner (src/hands/hands_plan.c) driven
#                         directly: first hands, rate, interval, each kind
#                         of junction, the slew bound, realtime, the range
#   test_source_tsc       the source as the library uses it; counter info
#   test_tsc_monotonic    never backwards across threads (10^8 handed-over
#                         reads each) while windups are forced
#   test_tsc_accuracy     30 s soak against CLOCK_MONOTONIC (label soak;
#                         TK_SOAK_SECONDS changes the length; native only)
#   test_tsc_seccomp      no clock system call on the path (a seccomp filter
#                         kills the child if there is one); fork
#   test_tsc_timens       a child in a time namespace calibrates afresh
# Each SKIPs (exit 77) with the reason when the tsc source is not in use.
if(NOT TK_OS STREQUAL "linux" OR NOT TK_ARCH STREQUAL "x86_64")
	return()
endif()

tk_test(test_hands SOURCES test_hands.c TIMEOUT 300)
tk_test(test_hands_protocol SOURCES test_hands_protocol.c TIMEOUT 300)
tk_test(test_hands_broken SOURCES test_hands_broken.c TIMEOUT 300)
tk_test(test_hands_plan SOURCES test_hands_plan.c TIMEOUT 60)
tk_test(test_source_tsc SOURCES test_source_tsc.c TIMEOUT 300)
tk_test(test_tsc_monotonic SOURCES test_tsc_monotonic.c TIMEOUT 600)
tk_test(test_tsc_accuracy SOURCES test_tsc_accuracy.c TIMEOUT 300
	LABELS soak)
include(${PROJECT_SOURCE_DIR}/cli/nosyscall.cmake)
tk_test(test_tsc_seccomp SOURCES test_tsc_seccomp.c TIMEOUT 120
	LIBS cli_nosyscall)
tk_test(test_tsc_timens SOURCES test_tsc_timens.c TIMEOUT 60)
# The soak measures accuracy: alone, so no other suite competes for the CPUs.
set_tests_properties(test_tsc_accuracy PROPERTIES RUN_SERIAL ON)
