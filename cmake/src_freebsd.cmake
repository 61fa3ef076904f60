# SPDX-License-Identifier: BSD-2-Clause
# The FreeBSD timekeep source (TK_WITH_FREEBSD), on every OS and arch: on
# FreeBSD it reads the kernel's page (AT_TIMEKEEP), everywhere a page mapped
# from TIMEKEEP_SOURCE=freebsd:PATH (docs/freebsd.md).
#
# The reader is generic and compiled once (src/source/fbsd_reader.c); it
# includes the per-architecture headers by fixed names, fbsd_machine.h (the
# host's page layout) and fbsd_gettc.h (the counter per th_algo), from
# src/source/fbsd/<arch>/, which this fragment adds to the include
# directories, as FreeBSD's sys/sys/vdso.h reaches <machine/vdso.h> and
# lib/libc builds one __vdso_gettimeofday.c around each arch's
# __vdso_gettc.c.  The x86 device counters (HPET, Hyper-V, pvclock) are read
# on both OSes, but only FreeBSD can open the devices.
# cmake/freebsd-check.sh evaluates this file to learn what a FreeBSD build
# compiles, so keep it free of target commands.
list(APPEND TK_INCLUDES ${TK_TOP}/src/source/fbsd/${TK_ARCH})
list(APPEND TK_SOURCES
	src/source/freebsd.c
	src/source/fbsd_reader.c
	src/source/fbsd_front.c
	src/source/fbsd_os_${TK_OS}.c)
if(TK_ARCH STREQUAL "x86_64")
	list(APPEND TK_SOURCES src/source/fbsd_x86_dev.c)
	if(TK_OS STREQUAL "freebsd")
		list(APPEND TK_SOURCES src/source/fbsd_dev_freebsd.c)
	else()
		list(APPEND TK_SOURCES src/source/fbsd_dev_none.c)
	endif()
endif()
list(APPEND TK_DEFINES TK_WITH_FREEBSD)
