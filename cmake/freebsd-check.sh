#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Compile every library file a FreeBSD build compiles, for FreeBSD amd64 and
# arm64, on this (Linux) host: no FreeBSD machine is reachable, so this is
# how the FreeBSD-only files (the AT_TIMEKEEP attach, the HPET, Hyper-V and
# pvclock device code) and the shared ones are kept compiling there.
#
# The file list, the defines and the include directories are the build's
# own: what every cmake/src_*.cmake fragment appends for TK_OS=freebsd and
# the target's TK_ARCH, and cmake/include_dirs.cmake, evaluated with
# cmake -P as CMakeLists.txt includes them.
# Flags are the library's warning set with -Werror; headers come from the
# compiler's resource directory (stdint.h, stddef.h, stdatomic.h) and the
# minimal FreeBSD tree cmake/freebsd-sysroot/include (nothing from the host).
#
#   cmake/freebsd-check.sh        one line per file and target; exit 1 on any
#                                 failure, 77 when clang is missing
# Environment: CLANG (default clang), CMAKE (default cmake).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
clang=${CLANG:-clang}
cmake=${CMAKE:-cmake}

if ! command -v "$clang" >/dev/null 2>&1; then
	echo "freebsd-check: SKIP: no $clang"
	exit 77
fi
resdir=$("$clang" -print-resource-dir)/include
sysroot=$top/cmake/freebsd-sysroot/include
tmp=$(mktemp -d "${TMPDIR:-/tmp}/freebsd-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# Print the sources, defines and include directories as the build would
# compute them.
cat >"$tmp/list.cmake" <<'EOF'
set(CMAKE_CURRENT_SOURCE_DIR ${TOP})
set(CMAKE_SOURCE_DIR ${TOP})
set(TK_TOP ${TOP})
include(${TOP}/cmake/include_dirs.cmake)
set(TK_SOURCES "")
set(TK_DEFINES "")
file(GLOB _frags ${TOP}/cmake/src_*.cmake)
list(SORT _frags)
foreach(_f IN LISTS _frags)
	include(${_f})
endforeach()
list(REMOVE_DUPLICATES TK_SOURCES)
message(STATUS "SOURCES=${TK_SOURCES}")
message(STATUS "DEFINES=${TK_DEFINES}")
message(STATUS "INCLUDES=${TK_INCLUDES}")
EOF

fail=0
for target in x86_64-unknown-freebsd14 aarch64-unknown-freebsd14; do
	arch=${target%%-*}
	if ! "$cmake" -DTOP="$top" -DTK_OS=freebsd -DTK_ARCH="$arch" \
	    -P "$tmp/list.cmake" >"$tmp/list.out" 2>&1; then
		echo "FAIL $target: evaluating cmake/src_*.cmake"
		cat "$tmp/list.out"
		fail=1
		continue
	fi
	sources=$(sed -n 's/^-- SOURCES=//p' "$tmp/list.out" | tr ';' ' ')
	defines=$(sed -n 's/^-- DEFINES=//p' "$tmp/list.out" | tr ';' ' ')
	dflags=""
	for d in $defines; do
		dflags="$dflags -D$d"
	done
	iflags=""
	for i in $(sed -n 's/^-- INCLUDES=//p' "$tmp/list.out" | tr ';' ' '); do
		iflags="$iflags -I$i"
	done
	for f in $sources; do
		# shellcheck disable=SC2086 # word splitting of the flag lists
		if "$clang" --target="$target" -std=c11 -O2 -c -o /dev/null \
		    -fPIC -fvisibility=hidden \
		    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wcast-align \
		    -Wundef -Wconversion -Werror \
		    -nostdinc -isystem "$resdir" -isystem "$sysroot" \
		    $iflags $dflags "$top/$f" >"$tmp/cc.out" 2>&1; then
			echo "ok   $target $f"
		else
			echo "FAIL $target $f"
			cat "$tmp/cc.out"
			fail=1
		fi
	done
done
exit $fail
