# SPDX-License-Identifier: BSD-2-Clause
# The library's private include directories, in one list (TK_INCLUDES) for
# the build (the tk_internal target in CMakeLists.txt) and for
# cmake/freebsd-check.sh, which evaluates this file with cmake -P.  Needs
# TK_ARCH and TK_OS; paths are absolute, under TK_TOP.
#
# Generic code includes per-architecture and per-OS headers by a fixed name
# (counter.h includes counter_arch.h, syscall.h includes syscall_arch.h):
# the last two directories resolve those names for this build, so the C
# files test no OS or arch macro (docs/design.md, "Layers").  A module's
# fragment cmake/src_<module>.cmake may append its own directory (it is
# included after this file).  Keep this file free of target commands.
set(TK_INCLUDES
	${TK_TOP}/include
	${TK_TOP}/src
	${TK_TOP}/src/counter
	${TK_TOP}/src/counter/${TK_ARCH}
	${TK_TOP}/src/sys/${TK_OS}-${TK_ARCH})
