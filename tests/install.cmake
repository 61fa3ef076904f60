# SPDX-License-Identifier: BSD-2-Clause
# The header compile checks (STYLE 72) and the install test (STYLE 70).
# Both are shell scripts that drive compilers themselves; they SKIP (77)
# with the reason when a compiler or tool they need is missing.

# timekeep.h alone and in use as C99 (with _POSIX_C_SOURCE, see the
# script), C11, C++11 and C++17, under every gcc/clang/g++/clang++ present.
foreach(_std c99 c11 c++11 c++17)
	string(REPLACE "+" "x" _n "${_std}")
	add_test(NAME header_${_n}
		COMMAND bash ${PROJECT_SOURCE_DIR}/tests/header/check.sh
			${PROJECT_SOURCE_DIR}/include ${_std})
	set_tests_properties(header_${_n} PROPERTIES TIMEOUT 60
		SKIP_RETURN_CODE 77 LABELS header)
endforeach()

# Installs this build into a temporary DESTDIR (cmake --install), builds
# and runs consumers through pkg-config and find_package, uninstalls.  It
# needs the whole build, so it runs from `make test` / ctest after the
# build; it SKIPs sanitizer builds itself.  Cross builds cannot run their
# consumers here: no test.
if(NOT CMAKE_CROSSCOMPILING)
	add_test(NAME install
		COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/install-test.sh
			${CMAKE_BINARY_DIR})
	set_tests_properties(install PROPERTIES TIMEOUT 300
		SKIP_RETURN_CODE 77 LABELS "install;native")
endif()
