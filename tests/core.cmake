# SPDX-License-Identifier: BSD-2-Clause
# The core's own tests: bintime arithmetic, the CPU counter and the raw
# system calls.
# bintime: golden add/sub/cmp, golden conversions, and the sweeps and the
# property test against 128-bit reference arithmetic.
tk_test(test_bintime SOURCES test_bintime.c TIMEOUT 120)
tk_test(test_bintime_conv SOURCES test_bintime_conv.c TIMEOUT 120)
tk_test(test_bintime_prop SOURCES test_bintime_prop.c TIMEOUT 120)
# The generic counter tests plus the ones for this architecture.
tk_test(test_counter SOURCES test_counter.c test_counter_${TK_ARCH}.c
	TIMEOUT 120)
# The raw Linux system calls against libc (Linux clock ids and errnos).
if(TK_OS STREQUAL "linux")
	tk_test(test_syscall SOURCES test_syscall.c TIMEOUT 60)
endif()
