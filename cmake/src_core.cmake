# SPDX-License-Identifier: BSD-2-Clause
# The core every build has: the public entry points (clock.c), the source
# choice and routes (choose.c), the introspection entry points (info.c),
# tick conversion from segments and timebase records (ticks.c), the
# system-call source and this architecture's counter.
# cmake/freebsd-check.sh evaluates this file too, so keep it free of target
# commands.
list(APPEND TK_SOURCES
	src/clock.c
	src/choose.c
	src/info.c
	src/ticks.c
	src/source/syscall.c
	src/counter/${TK_ARCH}/counter_${TK_ARCH}.c)
if(TK_ARCH STREQUAL "x86_64")
	list(APPEND TK_SOURCES src/counter/x86_64/facts_x86_64.c)
endif()
