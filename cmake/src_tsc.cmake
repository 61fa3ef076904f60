# SPDX-License-Identifier: BSD-2-Clause
# The own tsc source (TK_WITH_TSC): timekeep's own timehands over the TSC,
# kept in step with the kernel (src/hands/, the engine; src/source/tsc.c,
# the gates and hooks).  It needs an x86-64 TSC and Linux (the kernel's
# current_clocksource, the vDSO to calibrate against, MADV_WIPEONFORK), so
# other targets have no file of it.
if(TK_OS STREQUAL "linux" AND TK_ARCH STREQUAL "x86_64")
	list(APPEND TK_SOURCES
		src/hands/hands_held.c
		src/hands/hands_plan.c
		src/hands/hands_sample.c
		src/hands/hands_slow.c
		src/hands/hands_ticks.c
		src/hands/hands_wind.c
		src/source/tsc.c)
	list(APPEND TK_DEFINES TK_WITH_TSC)
endif()
