# SPDX-License-Identifier: BSD-2-Clause
# The checks that need no cmocka, registered even when the suites are not:
# the header compile checks, the install test, the lint tests and the
# ctypes example.  Each is a script that SKIPs (77) with the reason when a
# tool it needs is missing.
# Included first by tests/CMakeLists.txt, not by its fragment loop.

# timekeep.h alone and in use as C99 (with _POSIX_C_SOURCE, see the
# script), C11, C++11 and C++17, under every gcc/clang/g++/clang++ present;
# in the manner of lz4's tests/cxxtest.
foreach(_std c99 c11 c++11 c++17)
	string(REPLACE "+" "x" _n "${_std}")
	add_test(NAME header_${_n}
		COMMAND bash ${PROJECT_SOURCE_DIR}/tests/header/check.sh
			${PROJECT_SOURCE_DIR}/include ${_std})
	set_tests_properties(header_${_n} PROPERTIES TIMEOUT 60
		SKIP_RETURN_CODE 77 LABELS header)
endforeach()

# Installs this build into a temporary DESTDIR (cmake --install), builds
# and runs consumers through pkg-config and find_package, uninstalls; after
# lz4's tests/test_install.sh.  It needs the whole build, so it runs from
# ctest after the build; it SKIPs sanitizer builds itself.  Cross builds
# cannot run their consumers here: no test.
if(NOT CMAKE_CROSSCOMPILING)
	add_test(NAME install
		COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/install-test.sh
			${CMAKE_BINARY_DIR})
	set_tests_properties(install PROPERTIES TIMEOUT 300
		SKIP_RETURN_CODE 77 LABELS "install;native")
endif()

# lint_map: timekeep.map exports exactly the header's TK_API functions, so
# a function added to the header without the map fails here at once.
# lint_selftest: the lint checkers (barrier comments and their partners,
# the map, references outside the repository) reject what they must.
add_test(NAME lint_map
	COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/check-map.sh)
add_test(NAME lint_selftest
	COMMAND bash ${PROJECT_SOURCE_DIR}/tests/lint/selftest.sh)
set_tests_properties(lint_map lint_selftest PROPERTIES TIMEOUT 60
	SKIP_RETURN_CODE 77 LABELS lint)

# The Python ctypes example (examples/timekeep_ctypes.py) against this
# build's shared library: the results checked, the cost per call printed.
# Not in sanitizer builds (python3 does not load the sanitizer runtime) nor
# in cross builds.
find_program(TK_PYTHON3 python3)
if(TARGET timekeep AND TK_PYTHON3 AND NOT CMAKE_CROSSCOMPILING AND
    NOT (TK_ASAN OR TK_UBSAN OR TK_TSAN))
	add_test(NAME example_ctypes
		COMMAND ${TK_PYTHON3} -B
			${PROJECT_SOURCE_DIR}/examples/timekeep_ctypes.py
			--check --calls 20000 --lib $<TARGET_FILE:timekeep>)
	set_tests_properties(example_ctypes PROPERTIES TIMEOUT 60
		LABELS "example;native")
endif()
