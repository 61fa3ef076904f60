# SPDX-License-Identifier: BSD-2-Clause
# Ticks and the timebase record (src/ticks.c, src/hands/hands_ticks.c;
# docs/ticks.md):
#   test_timebase         the record and the conversion on made-up segments:
#                         the same answers, as documented, byte layout,
#                         truncated, damaged and wrong-version records
#   test_ticks            the engine over a fake counter and kernel: the
#                         sandwich exact in steady reading, through stopped
#                         windups and with racing threads
#   test_ticks_history    the same engine's history: CLAMPED and
#                         EXTRAPOLATED cases, a wrapped history, a counter
#                         reset, fork's wipe, the record against the process
#   test_ticks_real       the public API on the real source: exactness with
#                         windups forced every few microseconds, later
#                         conversions, 10^7 pairs, the record, a fork child;
#                         again with TIMEKEEP_SOURCE=vdso and =syscall, where
#                         ticks are ns and the conversions are identities
#   test_ticks_decode     tests/ticks_decode.py, a decoder written from
#                         docs/ticks.md, against records test_timebase writes
tk_test(test_timebase SOURCES test_timebase.c TIMEOUT 300)
tk_test(test_ticks_real SOURCES test_ticks_real.c TIMEOUT 600)
foreach(_src vdso syscall)
	add_test(NAME test_ticks_real_${_src} COMMAND test_ticks_real)
	set_tests_properties(test_ticks_real_${_src} PROPERTIES TIMEOUT 300
		SKIP_RETURN_CODE 77 ENVIRONMENT "TIMEKEEP_SOURCE=${_src}")
endforeach()
if(TK_OS STREQUAL "linux" AND TK_ARCH STREQUAL "x86_64")
	tk_test(test_ticks SOURCES test_ticks.c TIMEOUT 600)
	tk_test(test_ticks_history SOURCES test_ticks_history.c TIMEOUT 600)
endif()

# The decoder needs python3; not in sanitizer builds (the writer is the
# sanitized test_timebase, which python only starts) nor in cross builds.
find_program(TK_PYTHON3 python3)
if(TK_PYTHON3 AND NOT CMAKE_CROSSCOMPILING)
	add_test(NAME test_ticks_decode COMMAND ${TK_PYTHON3}
		${CMAKE_CURRENT_SOURCE_DIR}/ticks_decode.py
		--writer $<TARGET_FILE:test_timebase>
		--dir ${CMAKE_CURRENT_BINARY_DIR}/ticks_decode)
	set_tests_properties(test_ticks_decode PROPERTIES TIMEOUT 120
		SKIP_RETURN_CODE 77)
endif()
