# SPDX-License-Identifier: BSD-2-Clause
# The Linux vDSO module's tests (src/elf/, src/source/vdso_linux.c):
#   test_elf              the ELF lookup vs dlvsym, in a synthetic image and
#                         with one hash or the version table taken out
#   test_elf_headers      truncated images, hostile headers, random damage
#   test_elf_tables       damaged symbol, string, version and hash tables
#   test_source_vdso      the vdso source vs raw system calls
#   test_vdso_nosyscall   no clock_gettime system call under strace
#   test_freestanding     the lookup and the source linked with no libc,
#                         started from a bare _start
# Each exits 77 (SKIP) with the reason when this process has no vDSO.
if(NOT TK_OS STREQUAL "linux")
	return()
endif()

tk_test(test_elf SOURCES test_elf.c TIMEOUT 120)
tk_test(test_elf_headers SOURCES test_elf_headers.c TIMEOUT 120)
tk_test(test_elf_tables SOURCES test_elf_tables.c TIMEOUT 120)
tk_test(test_source_vdso SOURCES test_source_vdso.c TIMEOUT 120)

# strace counts the helper's clock_gettime system calls.  Not in
# cross builds: strace would trace the emulator.
if(NOT CMAKE_CROSSCOMPILING)
	add_executable(vdso_nosyscall_helper vdso_nosyscall_helper.c)
	target_link_libraries(vdso_nosyscall_helper PRIVATE timekeep_static
		Threads::Threads)
	target_compile_options(vdso_nosyscall_helper PRIVATE
		${TK_TEST_WARNINGS})
	tk_test(test_vdso_nosyscall SOURCES test_vdso_nosyscall.c
		TIMEOUT 120)
	target_compile_definitions(test_vdso_nosyscall PRIVATE
		TK_NOSYSCALL_HELPER="$<TARGET_FILE:vdso_nosyscall_helper>")
	add_dependencies(test_vdso_nosyscall vdso_nosyscall_helper)
endif()

# The vDSO path with no libc at all.  The library's files are
# compiled again here without the sanitizer options the directory carries
# (a sanitizer runtime is a libc user), with -ffreestanding, and linked
# -nostdlib -static to a bare _start: any libc call or compiler-emitted
# memcpy/memset on the path fails the link.
if(TK_ARCH MATCHES "^(x86_64|aarch64|riscv64)$")
	set(_fs_top ${PROJECT_SOURCE_DIR})
	add_executable(test_freestanding
		freestanding/fs_main.c
		freestanding/start_${TK_ARCH}.c
		${_fs_top}/src/elf/vdso_elf.c
		${_fs_top}/src/elf/vdso_elf_lookup.c
		${_fs_top}/src/elf/auxv_linux.c
		${_fs_top}/src/source/vdso_linux.c)
	target_include_directories(test_freestanding PRIVATE ${TK_INCLUDES})
	target_compile_definitions(test_freestanding PRIVATE ${TK_DEFINES})
	set(_fs_cflags ${TK_WARNINGS} -ffreestanding -fno-builtin
		-fno-stack-protector -fno-pie)
	set_target_properties(test_freestanding PROPERTIES
		POSITION_INDEPENDENT_CODE OFF
		COMPILE_OPTIONS "${_fs_cflags}"
		LINK_OPTIONS "-nostdlib;-static")
	add_test(NAME test_freestanding COMMAND test_freestanding)
	set_tests_properties(test_freestanding PROPERTIES TIMEOUT 60
		SKIP_RETURN_CODE 77)
endif()
