#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# timekeep as a CMake subproject: tests/subproject pulls this tree in with
# add_subdirectory and links timekeep::timekeep, as a project that vendors
# timekeep would.
#
#   1. configure: the aliases exist, the tool, benchmarks, examples and
#      tests are off, the public libraries' interface is include/ only
#      (tests/subproject/CMakeLists.txt fails otherwise);
#   2. build and run app (timekeep::timekeep) and app_static
#      (timekeep::timekeep_static); app.c fails to compile if a TK_WITH_*
#      macro leaked;
#   3. the probes: timekeep.h is found, and each private header (src/,
#      src/counter/<arch>/, src/sys/<os>-<arch>/) is not: its build must
#      fail, and fail for that reason.
#
#   scripts/subproject-test.sh [BUILD_DIR]   (default: a temporary one)
# Exit 0 pass, 1 fail (the reason and the log's tail on stderr).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
	b=$1
	rm -rf "$b"
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tk-subproject.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
	b=$tmp/build
fi
mkdir -p "$b"
fail() {
	echo "subproject-test: FAIL: $*" >&2
	exit 1
}
run() { # LOG CMD...
	local log=$1
	shift
	"$@" >"$log" 2>&1 && return 0
	tail -n 30 "$log" >&2
	fail "$* (log: $log)"
}

run "$b.configure.log" cmake -S "$top/tests/subproject" -B "$b" \
	-DTIMEKEEP_SOURCE_DIR="$top"
echo "ok   configured: aliases present, tool/bench/examples/tests off," \
	"interface include/ only"
run "$b.build.log" cmake --build "$b" -j 2
for t in app app_static; do
	out=$("$b/$t" 2>&1) || fail "$t: $out"
	echo "ok   $t: $out"
done
if [ -f "$b/timekeep/CTestTestfile.cmake" ] || [ -d "$b/timekeep/tests" ]; then
	fail "the subproject build configured timekeep's tests"
fi

run "$b.probe.log" cmake --build "$b" --target probe_public
echo "ok   a consumer finds timekeep.h"
for p in platform:platform.h counter:counter_arch.h syscall:syscall_arch.h; do
	n=${p%%:*} h=${p#*:}
	if cmake --build "$b" --target "probe_$n" >"$b.probe.log" 2>&1; then
		fail "a consumer of timekeep::timekeep can include $h"
	fi
	grep -q "$h.*No such file\|$h.*not found" "$b.probe.log" || {
		tail -n 20 "$b.probe.log" >&2
		fail "probe_$n failed, but not for want of $h (log above)"
	}
	echo "ok   a consumer cannot include $h"
done
echo "subproject-test: PASS"
