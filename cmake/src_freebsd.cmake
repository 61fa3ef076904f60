# SPDX-License-Identifier: BSD-2-Clause
# The FreeBSD timekeep source (TK_WITH_FREEBSD), on every OS and arch: on
# FreeBSD it reads the kernel's page (AT_TIMEKEEP), everywhere a page mapped
# from TIMEKEEP_SOURCE=freebsd:PATH.  The reader is built per architecture
# around that architecture's counter (src/source/fbsd_<arch>.c); the x86
# device counters (HPET, Hyper-V, pvclock) are read on both OSes, but only
# FreeBSD can open the devices.  cmake/freebsd-check.sh evaluates this file
# to learn what a FreeBSD build compiles, so keep it free of target commands.
list(APPEND TK_SOURCES
	src/source/freebsd.c
	src/source/fbsd_${TK_ARCH}.c
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
