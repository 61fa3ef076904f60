# SPDX-License-Identifier: BSD-2-Clause
# The own tsc source (TK_WITH_TSC): timekeep's own timehands over the TSC,
# kept in step with the kernel (src/hands.c, the engine; src/source/tsc.c,
# the gates and hooks).  It needs an x86-64 TSC and Linux (the kernel's
# current_clocksource, the vDSO to calibrate against, MADV_WIPEONFORK), so
# other targets have no file of it (STYLE 10).
#
# tk_counter_info() for x86-64 (CPUID) is per architecture, not per OS:
# FreeBSD x86-64 builds it too, without the source's calibrated rate.
if(TK_ARCH STREQUAL "x86_64")
	list(APPEND TK_SOURCES src/counter/x86_64/cpuinfo_x86_64.c)
endif()
if(TK_OS STREQUAL "linux" AND TK_ARCH STREQUAL "x86_64")
	list(APPEND TK_SOURCES src/hands.c src/source/tsc.c)
	list(APPEND TK_DEFINES TK_WITH_TSC)
endif()
