# SPDX-License-Identifier: BSD-2-Clause
# The FreeBSD timekeep source: layouts, the reader, the emulated kernel,
# the source through the library, and (x86 only) the device counters.
tk_test(test_abi SOURCES test_abi.c TIMEOUT 30)
tk_test(test_fbsd_reader SOURCES test_fbsd_reader.c TIMEOUT 60)
tk_test(test_fbsd_emu SOURCES test_fbsd_emu.c TIMEOUT 300)
tk_test(test_source_freebsd SOURCES test_source_freebsd.c TIMEOUT 120)
if(TK_ARCH STREQUAL "x86_64")
	tk_test(test_fbsd_x86dev SOURCES test_fbsd_x86dev.c TIMEOUT 60)
endif()
tk_test(test_fbsd_oracle SOURCES test_fbsd_oracle.c TIMEOUT 60)
tk_test(test_fbsd_path SOURCES test_fbsd_path.c TIMEOUT 60)
tk_test(test_fbsd_fast SOURCES test_fbsd_fast.c TIMEOUT 120)
