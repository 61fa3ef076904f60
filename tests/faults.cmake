# SPDX-License-Identifier: BSD-2-Clause
# Faults and reading patterns against the real library (issue 9): the
# production tsc source, real threads, real signals, real ptrace.
#   test_pattern         periodic readers (2 ms .. 1 s) and random sleeps,
#                        each in a process of its own; a tight loop under
#                        CPU and memory load
#   test_fault_signal    a 20 kHz timer signal whose handler reads the clock
#                        inside its own thread's windups
#   test_fault_ptrace    a winder frozen by ptrace at chosen instructions of
#                        a windup for 1-400 ms, and in every bracket of its
#                        kernel sample, while another thread reads
#   test_fault_longjmp   a winder abandoned by siglongjmp at every
#                        instruction of a windup; the engine recovers
#   test_nosyscall       no system call at all on any read path, windups
#                        included (seccomp traps every one)
# Shared helpers: tests/support/faults*.  Each SKIPs (exit 77) with the
# reason when the tsc source is not in use; the ptrace ones also without
# the right to trace (Yama ptrace_scope 2 needs CAP_SYS_PTRACE) or working
# hardware breakpoints, and under ThreadSanitizer; test_nosyscall under any
# sanitizer (its runtime makes system calls of its own).
if(NOT TK_OS STREQUAL "linux" OR NOT TK_ARCH STREQUAL "x86_64")
	return()
endif()

tk_test(test_pattern SOURCES test_pattern.c TIMEOUT 120 LABELS faults)
tk_test(test_fault_signal SOURCES test_fault_signal.c TIMEOUT 120
	LABELS faults)
tk_test(test_fault_ptrace SOURCES test_fault_ptrace.c TIMEOUT 180
	LABELS faults)
tk_test(test_fault_longjmp SOURCES test_fault_longjmp.c TIMEOUT 180
	LABELS faults)
tk_test(test_nosyscall SOURCES test_nosyscall.c TIMEOUT 120 LABELS faults)
