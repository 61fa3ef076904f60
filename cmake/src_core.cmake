# SPDX-License-Identifier: BSD-2-Clause
# The core every build has: the public entry points, the source choice, the
# introspection entry points, the system-call source and this
# architecture's counter.  cmake/freebsd-check.sh evaluates this file too, so
# keep it free of target commands.
list(APPEND TK_SOURCES
	src/clock.c
	src/source/syscall.c
	src/counter/${TK_ARCH}/counter_${TK_ARCH}.c)
