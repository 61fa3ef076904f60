# SPDX-License-Identifier: BSD-2-Clause
# Bounded time (tk_truetime, src/truetime/): the interval, commit wait and
# the providers.  On Linux every provider: the VMClock page, ClockBound's
# and fbclock's segments, the kernel's adjtimex maxerror.  Those are Linux
# interfaces (the device, the daemons, adjtimex(2)), so on FreeBSD a
# deliberate stub serves the same entry points with status unknown (as
# libuv's no-proctitle.c does).  cmake/freebsd-check.sh evaluates this file
# too, so keep it free of target commands.
if(TK_OS STREQUAL "linux")
	list(APPEND TK_SOURCES
		src/truetime/truetime.c
		src/truetime/tt_file.c
		src/truetime/tt_vmclock.c
		src/truetime/tt_vmclock_eval.c
		src/truetime/tt_clockbound.c
		src/truetime/tt_fbclock.c
		src/truetime/tt_adjtimex.c)
else()
	list(APPEND TK_SOURCES src/truetime/truetime_none.c)
endif()
