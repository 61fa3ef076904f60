# SPDX-License-Identifier: BSD-2-Clause
# Installation: what `cmake --install` (and `make install PREFIX= DESTDIR=`)
# puts where, with GNUInstallDirs choosing lib, lib64 or lib/<triplet>:
#
#   bin/timekeep                               the tool (TK_BUILD_TOOLS)
#   include/timekeep.h                         the one public header
#   LIBDIR/libtimekeep.a                       the static library
#   LIBDIR/libtimekeep.so.MAJOR.MINOR.PATCH    the shared library, with its
#   LIBDIR/libtimekeep.so.MAJOR                SONAME link and the link-time
#   LIBDIR/libtimekeep.so                      name (TK_BUILD_SHARED)
#   LIBDIR/pkgconfig/timekeep.pc               libdata/pkgconfig on FreeBSD
#   LIBDIR/cmake/timekeep/*.cmake              find_package(timekeep)
#   share/man/man1/timekeep.1                  the tool's page
#   share/man/man3/*.3                         timekeep.3, and a page or a
#                                              .so link per public function
#
# Included at the end of the top-level CMakeLists.txt, after every target
# exists.  Follows libuv's CMakeLists.txt (install(EXPORT), libuv.pc.in) and
# lz4's build/cmake (SameMajorVersion, PKGCONFIGDIR on FreeBSD).  Two things
# are decided at install time rather than at configure time, because
# `cmake --install --prefix P` may name another prefix than the one
# configured: the prefix written into timekeep.pc, and the list of
# directories the install creates, which scripts/uninstall.sh removes again.
include(CMakePackageConfigHelpers)

# Where the CMake package and timekeep.pc go, relative to the prefix; both
# follow CMAKE_INSTALL_LIBDIR (which GNUInstallDirs changes with the
# prefix) unless given with -DTK_CMAKEDIR=... or -DTK_PKGCONFIGDIR=...
if(NOT TK_CMAKEDIR)
	set(TK_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/timekeep)
endif()
if(NOT TK_PKGCONFIGDIR)
	if(CMAKE_SYSTEM_NAME STREQUAL "FreeBSD")
		set(TK_PKGCONFIGDIR libdata/pkgconfig)
	else()
		set(TK_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
	endif()
endif()

# The installed libraries: the shared one only when it is built.
set(_tk_libs timekeep_static)
if(TARGET timekeep)
	list(PREPEND _tk_libs timekeep)
endif()

# What a static link needs besides libtimekeep.a: nothing while the library
# depends on libc alone, so Libs.private stays empty and the package config
# finds no dependency.  Should the static library ever link threads, libm
# or libdl, both follow from its INTERFACE_LINK_LIBRARIES here.
set(TK_PC_LIBS_PRIVATE "")
set(TK_CONFIG_DEPENDENCIES "")
get_target_property(_tk_deps timekeep_static INTERFACE_LINK_LIBRARIES)
if(_tk_deps)
	foreach(_d IN LISTS _tk_deps)
		string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" _d "${_d}")
		if(_d STREQUAL "Threads::Threads")
			string(APPEND TK_PC_LIBS_PRIVATE " -pthread")
			string(APPEND TK_CONFIG_DEPENDENCIES
				"find_dependency(Threads)\n")
		elseif(_d MATCHES "^(m|dl|rt)$")
			string(APPEND TK_PC_LIBS_PRIVATE " -l${_d}")
		else()
			message(FATAL_ERROR "cmake/install.cmake: "
				"timekeep_static links ${_d}; teach it to "
				"timekeep.pc and the package config")
		endif()
	endforeach()
	string(STRIP "${TK_PC_LIBS_PRIVATE}" TK_PC_LIBS_PRIVATE)
endif()

# Record the directories this install creates, before anything is copied:
# for each destination, its ancestors that are missing under DESTDIR.  They
# are written as install_manifest.txt writes files, without DESTDIR, to
# install_dirs.txt beside it, which scripts/uninstall.sh reads.  Merged with
# what is there, so that installing twice keeps what the first install
# created; run for every component, so that a partial install records too.
set(_tk_destdirs ${CMAKE_INSTALL_INCLUDEDIR} ${CMAKE_INSTALL_LIBDIR}
	${TK_PKGCONFIGDIR} ${TK_CMAKEDIR})
if(TARGET timekeep_tool)
	list(APPEND _tk_destdirs ${CMAKE_INSTALL_BINDIR})
endif()
# Every page of man/, by its section (the suffix): timekeep.1, timekeep.3
# and a page or a link page (.so) per public function.
file(GLOB _tk_man CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-9])
list(SORT _tk_man)
set(_tk_man_sections "")
foreach(_p IN LISTS _tk_man)
	string(REGEX REPLACE ".*\\.([1-9])$" "\\1" _s "${_p}")
	list(APPEND _tk_man_sections ${_s})
endforeach()
list(REMOVE_DUPLICATES _tk_man_sections)
foreach(_s IN LISTS _tk_man_sections)
	list(APPEND _tk_destdirs ${CMAKE_INSTALL_MANDIR}/man${_s})
endforeach()
foreach(_c Runtime Development Documentation)
	install(CODE "set(_tk_destdirs \"${_tk_destdirs}\")
		set(_tk_dirs_file \"${CMAKE_BINARY_DIR}/install_dirs.txt\")"
		COMPONENT ${_c})
	install(CODE [[
		set(_tk_created "")
		if(EXISTS "${_tk_dirs_file}")
			file(STRINGS "${_tk_dirs_file}" _tk_created)
		endif()
		foreach(_d IN LISTS _tk_destdirs)
			if(NOT IS_ABSOLUTE "${_d}")
				set(_d "${CMAKE_INSTALL_PREFIX}/${_d}")
			endif()
			while(NOT EXISTS "$ENV{DESTDIR}${_d}" AND
			    NOT _d STREQUAL "/")
				list(APPEND _tk_created "${_d}")
				get_filename_component(_d "${_d}" DIRECTORY)
			endwhile()
		endforeach()
		if(_tk_created)
			list(REMOVE_DUPLICATES _tk_created)
			list(JOIN _tk_created "\n" _tk_created)
			file(WRITE "${_tk_dirs_file}" "${_tk_created}\n")
		endif()
	]] COMPONENT ${_c})
endforeach()

install(TARGETS ${_tk_libs} EXPORT timekeepTargets
	RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime
	LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime
		NAMELINK_COMPONENT Development
	ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)
install(FILES ${PROJECT_SOURCE_DIR}/include/timekeep.h
	DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development)

if(TARGET timekeep_tool)
	install(TARGETS timekeep_tool
		RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)
endif()

foreach(_p IN LISTS _tk_man)
	string(REGEX REPLACE ".*\\.([1-9])$" "\\1" _s "${_p}")
	install(FILES ${_p} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${_s}
		COMPONENT Documentation)
endforeach()

# timekeep.pc: written when installing, so that its prefix is the one the
# install really uses (cmake --install --prefix); libdir and includedir
# stay relative to ${prefix} unless they were configured absolute.
foreach(_v LIBDIR INCLUDEDIR)
	if(IS_ABSOLUTE "${CMAKE_INSTALL_${_v}}")
		set(_tk_pc_${_v} "${CMAKE_INSTALL_${_v}}")
	else()
		set(_tk_pc_${_v} "\\\${prefix}/${CMAKE_INSTALL_${_v}}")
	endif()
endforeach()
install(CODE "set(TK_PC_LIBDIR \"${_tk_pc_LIBDIR}\")
	set(TK_PC_INCLUDEDIR \"${_tk_pc_INCLUDEDIR}\")
	set(TK_PC_VERSION \"${PROJECT_VERSION}\")
	set(TK_PC_LIBS_PRIVATE \"${TK_PC_LIBS_PRIVATE}\")
	set(_tk_pc_in \"${PROJECT_SOURCE_DIR}/timekeep.pc.in\")
	set(_tk_pc \"${PROJECT_BINARY_DIR}/timekeep.pc\")"
	COMPONENT Development)
install(CODE [[
	set(TK_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
	configure_file("${_tk_pc_in}" "${_tk_pc}" @ONLY)
]] COMPONENT Development)
install(FILES ${PROJECT_BINARY_DIR}/timekeep.pc
	DESTINATION ${TK_PKGCONFIGDIR} COMPONENT Development)

# The CMake package: timekeep::timekeep (shared) and
# timekeep::timekeep_static, relocatable (paths relative to the package
# directory), and any 1.x asks for 1.y with y <= MINOR.
install(EXPORT timekeepTargets NAMESPACE timekeep::
	DESTINATION ${TK_CMAKEDIR} COMPONENT Development)
configure_package_config_file(
	${PROJECT_SOURCE_DIR}/cmake/timekeepConfig.cmake.in
	${PROJECT_BINARY_DIR}/timekeepConfig.cmake
	INSTALL_DESTINATION ${TK_CMAKEDIR})
write_basic_package_version_file(
	${PROJECT_BINARY_DIR}/timekeepConfigVersion.cmake
	VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/timekeepConfig.cmake
	${PROJECT_BINARY_DIR}/timekeepConfigVersion.cmake
	DESTINATION ${TK_CMAKEDIR} COMPONENT Development)

# The layout as this build resolved it, for scripts/install-test.sh (some
# of these are not in the cache, or are cached empty for "the default").
set(_tk_bt "${CMAKE_BUILD_TYPE}")
if(NOT _tk_bt)
	set(_tk_bt noconfig)
endif()
string(TOLOWER "${_tk_bt}" _tk_bt)
set(_tk_san 0)
if(TK_ASAN OR TK_UBSAN OR TK_TSAN)
	set(_tk_san 1)
endif()
set(_tk_cross 0)
if(CMAKE_CROSSCOMPILING)
	set(_tk_cross 1)
endif()
set(_tk_has_shared 0)
if(TARGET timekeep)
	set(_tk_has_shared 1)
endif()
set(_tk_has_tool 0)
if(TARGET timekeep_tool)
	set(_tk_has_tool 1)
endif()
file(WRITE ${PROJECT_BINARY_DIR}/install-layout.txt
	"version=${PROJECT_VERSION}\n"
	"bindir=${CMAKE_INSTALL_BINDIR}\n"
	"libdir=${CMAKE_INSTALL_LIBDIR}\n"
	"includedir=${CMAKE_INSTALL_INCLUDEDIR}\n"
	"mandir=${CMAKE_INSTALL_MANDIR}\n"
	"pkgconfigdir=${TK_PKGCONFIGDIR}\n"
	"cmakedir=${TK_CMAKEDIR}\n"
	"config=${_tk_bt}\n"
	"shared=${_tk_has_shared}\n"
	"tool=${_tk_has_tool}\n"
	"sanitizers=${_tk_san}\n"
	"cross=${_tk_cross}\n"
	"cc=${CMAKE_C_COMPILER}\n")
