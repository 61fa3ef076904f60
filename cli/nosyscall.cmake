# SPDX-License-Identifier: BSD-2-Clause
# The no-time-syscall seccomp filter (cli/nosyscall.h) as a small static
# library, cli_nosyscall, for the tool and for tests that need the same
# filter:
#   include(${PROJECT_SOURCE_DIR}/cli/nosyscall.cmake)
#   target_link_libraries(test_x PRIVATE cli_nosyscall)
# It includes cli/ for nosyscall.h.  Linux with a known seccomp audit
# architecture gets the filter; anything else gets nosyscall_none.c,
# whose nosyscall_install() answers -ENOSYS.
include_guard(GLOBAL)

set(_tk_ns_dir ${CMAKE_CURRENT_LIST_DIR})
set(_tk_ns_arch "")
if(TK_OS STREQUAL "linux")
	if(TK_ARCH STREQUAL "x86_64")
		set(_tk_ns_arch AUDIT_ARCH_X86_64)
	elseif(TK_ARCH STREQUAL "aarch64")
		set(_tk_ns_arch AUDIT_ARCH_AARCH64)
	elseif(TK_ARCH STREQUAL "riscv64")
		set(_tk_ns_arch AUDIT_ARCH_RISCV64)
	endif()
endif()
if(_tk_ns_arch)
	add_library(cli_nosyscall STATIC ${_tk_ns_dir}/nosyscall_linux.c)
	target_compile_definitions(cli_nosyscall PRIVATE
		NOSYSCALL_AUDIT_ARCH=${_tk_ns_arch})
else()
	add_library(cli_nosyscall STATIC ${_tk_ns_dir}/nosyscall_none.c)
endif()
target_include_directories(cli_nosyscall PUBLIC ${_tk_ns_dir})
target_compile_options(cli_nosyscall PRIVATE ${TK_WARNINGS})
