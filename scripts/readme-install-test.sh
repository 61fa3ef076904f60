#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The README's install command, verbatim, on a machine without cmocka, and
# the README's consumers built against what it installed.
#
#   1. The command is read from README.md (the line that runs
#      `cmake -S . -B build` and `cmake --install build`; a leading sudo is
#      dropped) and run in a copy of this tree, with DESTDIR set to a
#      temporary directory.  cmocka is hidden from CMake: a toolchain file,
#      given through the CMAKE_TOOLCHAIN_FILE environment variable (CMake
#      3.21 or later), puts the directories where CMake finds cmocka.h and
#      libcmocka on CMAKE_IGNORE_PATH.  The configure must say that the
#      suites are not built, and none may be.
#   2. The README's consumers, with examples/clock_gettime_dropin.c as the
#      program: `cc app.c $(pkg-config --cflags --libs timekeep)`, the same
#      with -static and --static, and a CMake project with
#      find_package(timekeep 1 REQUIRED) and timekeep::timekeep
#      (examples/CMakeLists.txt).  Each is built and run.  The README must
#      still show these forms; if it changes them, change this test with it.
#
#   scripts/readme-install-test.sh      exit 0 pass, 1 fail, 77 skip
# TK_KEEP_TMP=1 keeps the temporary directory.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fail() {
	echo "readme-install: FAIL: $*" >&2
	exit 1
}
skip() {
	echo "readme-install: SKIP: $*"
	exit 77
}
command -v pkg-config >/dev/null || skip "no pkg-config (Debian: pkg-config)"
command -v cc >/dev/null || skip "no cc"

readme=$top/README.md
cmd=$(grep -E '^(sudo )?cmake -S \. -B build .*cmake --install build' \
	"$readme" | head -n 1)
[ -n "$cmd" ] || fail "README.md shows no 'cmake -S . -B build ..." \
	"cmake --install build' command"
cmd=${cmd#sudo }
cmd=$(printf '%s\n' "$cmd" | sed 's/[[:space:]]*#.*$//; s/sudo //g')
for form in 'pkg-config --cflags --libs timekeep' \
	'pkg-config --static --cflags --libs timekeep' \
	'find_package(timekeep 1 REQUIRED)' 'timekeep::timekeep'; do
	grep -qF -- "$form" "$readme" || fail "README.md no longer shows" \
		"'$form': update scripts/readme-install-test.sh with it"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tk-readme.XXXXXX") || exit 1
if [ "${TK_KEEP_TMP:-0}" = 1 ]; then
	trap 'echo "readme-install: kept $tmp"' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
run() { # LOG CMD...
	local log=$1
	shift
	"$@" >"$log" 2>&1 && return 0
	tail -n 30 "$log" >&2
	fail "$* (log above)"
}

# A copy of the tree as a clone would have it (with uncommitted changes).
mkdir -p "$tmp/src"
(cd "$top" && git ls-files -co --exclude-standard -z |
	tar --null -cf - -T -) | tar -xf - -C "$tmp/src" ||
	fail "copying the tree"

# Where CMake finds cmocka on this machine, as tests/CMakeLists.txt looks.
mkdir -p "$tmp/probe"
cat >"$tmp/probe/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(probe LANGUAGES C)
find_path(CMOCKA_INCLUDE_DIR cmocka.h)
find_library(CMOCKA_LIBRARY NAMES cmocka)
message(STATUS "cmocka:${CMOCKA_INCLUDE_DIR}:${CMOCKA_LIBRARY}")
CM
run "$tmp/probe.log" cmake -S "$tmp/probe" -B "$tmp/probe/b"
IFS=: read -r inc lib < <(sed -n 's/^-- cmocka://p' "$tmp/probe.log")
ignore=""
case $inc in *NOTFOUND | "") ;; *) ignore="$inc" ;; esac
case $lib in *NOTFOUND | "") ;; *) ignore="$ignore;$(dirname "$lib")" ;; esac
echo "set(CMAKE_IGNORE_PATH \"${ignore#;}\")" >"$tmp/hide-cmocka.cmake"
echo "ok   cmocka hidden: CMAKE_IGNORE_PATH=${ignore#;}"

echo "ok   README.md: $cmd"
(cd "$tmp/src" && env DESTDIR="$tmp/dest" \
	CMAKE_TOOLCHAIN_FILE="$tmp/hide-cmocka.cmake" bash -c "$cmd") \
	>"$tmp/readme.log" 2>&1 || {
	tail -n 40 "$tmp/readme.log" >&2
	fail "the README's install command failed (log above)"
}
grep -q 'cmocka not found: the test suites are not built' "$tmp/readme.log" ||
	fail "the configure did not say that the suites are not built"
[ ! -e "$tmp/src/build/tests/test_clock" ] ||
	fail "a cmocka suite was built without cmocka"
echo "ok   built and installed without cmocka; the notice:" \
	"$(grep -m1 'cmocka not found' "$tmp/readme.log" | sed 's/^-- //')"

prefix=$tmp/dest/usr/local
pc=$(find "$tmp/dest" -name timekeep.pc | head -n 1)
[ -n "$pc" ] || fail "no timekeep.pc under DESTDIR"
libdir=$(dirname "$(find "$tmp/dest" -name libtimekeep.a | head -n 1)")
for f in "$prefix/include/timekeep.h" "$libdir/libtimekeep.so"; do
	[ -e "$f" ] || fail "${f#"$tmp/dest"} was not installed"
done

# The README's consumers.  pkg-config reads the DESTDIR tree through its
# sysroot variable, as it would read a staged package.
PKG_CONFIG_LIBDIR=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$tmp/dest PKG_CONFIG_LIBDIR
app=$top/examples/clock_gettime_dropin.c
cd "$tmp" || exit 1
check() { # NAME CMD...: the program runs and says PASS
	local out
	out=$("${@:2}" 2>&1) || {
		printf '%s\n' "$out" >&2
		fail "$1 failed"
	}
	printf '%s\n' "$out" | tail -n 1 | grep -q PASS || {
		printf '%s\n' "$out" >&2
		fail "$1 did not say PASS"
	}
	echo "ok   $1: $(printf '%s\n' "$out" | tail -n 1)"
}
# shellcheck disable=SC2046 # the README's form: flags split by the shell
run "$tmp/cc.log" cc "$app" $(pkg-config --cflags --libs timekeep) -o app
check "cc app.c \$(pkg-config --cflags --libs timekeep)" \
	env LD_LIBRARY_PATH="$libdir" ./app
# shellcheck disable=SC2046
run "$tmp/cc.log" cc -static "$app" \
	$(pkg-config --static --cflags --libs timekeep) -o app-static
check "cc -static app.c \$(pkg-config --static --cflags --libs timekeep)" \
	./app-static
run "$tmp/cmake.log" cmake -S "$top/examples" -B "$tmp/cm" \
	-DCMAKE_PREFIX_PATH="$prefix"
run "$tmp/cmake.build.log" cmake --build "$tmp/cm"
grep -q "^timekeep_DIR:PATH=$prefix/" "$tmp/cm/CMakeCache.txt" ||
	fail "find_package found another timekeep than the one installed"
check "find_package(timekeep 1 REQUIRED), timekeep::timekeep" \
	env LD_LIBRARY_PATH="$libdir" "$tmp/cm/clock_gettime_dropin"
echo "readme-install: PASS"
