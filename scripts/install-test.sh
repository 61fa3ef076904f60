#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The install test: install a built tree into a temporary
# DESTDIR, use it from outside the source tree as a user would, uninstall
# it, and check that nothing is left.  After lz4's tests/test_install.sh
# and tests/cmake.
#
#   scripts/install-test.sh BUILD_DIR
#
#  1. DESTDIR=T cmake --install BUILD_DIR --prefix /usr/local, then the
#     exact list of installed files, install_manifest.txt, the symlinks,
#     the SONAME, the exports (nm -D: the tk_ API of the header, nothing
#     else, each at its TIMEKEEP_1.x node) and the static library's global
#     names.
#  2. pkg-config (PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_LIBDIR into T):
#     version, flags, --static; the examples built with gcc and clang
#     (-Werror) and linked three ways: shared, fully -static, and with
#     libtimekeep.a named; the C++ consumer (tests/cxx) with g++
#     -std=c++11 and clang++ -std=c++17.  Each program runs and its output
#     is checked.
#  3. CMake find_package (CMAKE_PREFIX_PATH into T): the examples shared
#     and static, the C++ consumer, version compatibility (SameMajorVersion)
#     and components, and the package moved to another directory.
#  4. The tool runs; every man page of man/ is installed, renders without
#     warnings, and man finds a page for each TK_API function
#     (scripts/check-man.sh); the header is the source tree's.
#  5. scripts/uninstall.sh, and T must be empty.
#
# Run by ctest (tests/install.cmake) and by hand.  Exit status: 0 pass,
# 1 fail (with the reason on stderr), 77 skip (a sanitizer build, whose
# library needs the sanitizer runtime, or a missing tool: the message names
# the Debian package).  TK_KEEP_TMP=1 keeps the temporary directory.
# "A && B || fail ...": fail exits, so that is if-then-else here.
# shellcheck disable=SC2015
set -uo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "install-test: FAIL: no build directory $1" >&2
	exit 1
}
cache=$build/CMakeCache.txt

fail() {
	echo "install-test: FAIL: $*" >&2
	exit 1
}
skip() {
	echo "install-test: SKIP: $*"
	exit 77
}
step() { printf '\n== %s\n' "$*"; }
ok() { echo "ok   $*"; }

[ -f "$cache" ] || fail "$build has no CMakeCache.txt (configure it first)"
layout=$build/install-layout.txt
[ -f "$layout" ] || fail "$layout is missing: was $build configured with" \
	"cmake/install.cmake?"

# A value of the build's layout, as cmake/install.cmake resolved it.
get() { sed -n "s/^$1=//p" "$layout" | head -n 1; }

[ "$(get sanitizers)" = 1 ] && skip "a sanitizer build: its library needs" \
	"the sanitizer runtime, which an ordinary consumer does not link"
[ "$(get cross)" = 1 ] && skip "a cross build: its consumers cannot run here"

missing=()
need() { command -v "$1" >/dev/null || missing+=("$1 ($2)"); }
need cmake cmake
need pkg-config pkg-config
need nm binutils
need readelf binutils
need ldd libc-bin
need g++ g++
need man man-db
need lexgrog man-db
need groff groff-base
[ ${#missing[@]} -eq 0 ] || skip "missing ${missing[*]}"

cc=$(get cc)
[ -n "$cc" ] && command -v "$cc" >/dev/null || cc=cc

# The version, from its one home (include/timekeep.h), as the build saw it.
version=$(get version)
IFS=. read -r major minor patch <<<"$version"
[ -n "$major" ] && [ -n "$minor" ] && [ -n "$patch" ] ||
	fail "no version in $layout"
hv=$(sed -n 's/^#define TK_VERSION_[A-Z]* \([0-9]*\).*/\1/p' \
	"$top/include/timekeep.h" | paste -sd .)
[ "$hv" = "$version" ] || fail "the build is of $version, the header" \
	"says $hv: rebuild $build"

# Where things go (relative to the prefix unless configured absolute).
prefix=/usr/local
under() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$prefix/$1" ;;
	esac
}
libdir=$(under "$(get libdir)")
incdir=$(under "$(get includedir)")
bindir=$(under "$(get bindir)")
mandir=$(under "$(get mandir)")
pcdir=$(under "$(get pkgconfigdir)")
cmakedir=$(under "$(get cmakedir)")
btype=$(get config)
shared=$(get shared)
tool=$(get tool)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/timekeep-install.XXXXXX") ||
	fail "mktemp failed"
dest=$tmp/destdir
work=$tmp/work
mkdir -p "$dest" "$work"

# The test's install writes install_manifest.txt and install_dirs.txt in
# the build directory: keep a real install's copies and put them back.
for f in install_manifest.txt install_dirs.txt; do
	[ -f "$build/$f" ] && mv "$build/$f" "$tmp/$f.saved"
done
cleanup() {
	for f in install_manifest.txt install_dirs.txt; do
		rm -f "$build/$f"
		[ -f "$tmp/$f.saved" ] && mv "$tmp/$f.saved" "$build/$f"
	done
	if [ "${TK_KEEP_TMP:-0}" = 1 ]; then
		echo "install-test: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

unset PKG_CONFIG_PATH LD_LIBRARY_PATH CMAKE_PREFIX_PATH DESTDIR

# run LOG CMD...: run quietly, show the log and fail if it fails.
run() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		fail "$* (log above)"
	fi
}

step "1. cmake --install into DESTDIR=$dest, prefix $prefix"
run "$work/install.log" env DESTDIR="$dest" \
	cmake --install "$build" --prefix "$prefix"

expected=$(
	echo "$incdir/timekeep.h"
	echo "$libdir/libtimekeep.a"
	if [ "$shared" = 1 ]; then
		echo "$libdir/libtimekeep.so"
		echo "$libdir/libtimekeep.so.$major"
		echo "$libdir/libtimekeep.so.$version"
	fi
	echo "$pcdir/timekeep.pc"
	for f in timekeepConfig timekeepConfigVersion timekeepTargets \
		"timekeepTargets-$btype"; do
		echo "$cmakedir/$f.cmake"
	done
	[ "$tool" = 1 ] && echo "$bindir/timekeep"
	for page in "$top"/man/*.[1-9]; do
		[ -e "$page" ] && echo "$mandir/man${page##*.}/${page##*/}"
	done
)
expected=$(printf '%s\n' "$expected" | sort)
actual=$(cd "$dest" && find . \( -type f -o -type l \) | sed 's|^\.||' |
	sort)
if [ "$expected" != "$actual" ]; then
	diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2
	fail "installed files differ from the expected list (-expected +actual)"
fi
ok "installed exactly:"
printf '%s\n' "$actual" | sed 's/^/       /'
manifest=$(sort "$build/install_manifest.txt")
[ "$manifest" = "$expected" ] ||
	fail "install_manifest.txt does not list exactly the installed files"
ok "install_manifest.txt lists them all"
[ -s "$build/install_dirs.txt" ] ||
	fail "install_dirs.txt (the directories the install made) is missing"

L=$dest$libdir
if [ "$shared" = 1 ]; then
	real=libtimekeep.so.$version
	[ -f "$L/$real" ] && [ ! -L "$L/$real" ] ||
		fail "$real is not a regular file"
	[ "$(readlink "$L/libtimekeep.so.$major")" = "$real" ] ||
		fail "libtimekeep.so.$major does not link to $real"
	[ "$(readlink "$L/libtimekeep.so")" = "libtimekeep.so.$major" ] ||
		fail "libtimekeep.so does not link to libtimekeep.so.$major"
	ok "libtimekeep.so -> .so.$major -> .so.$version"

	dyn=$(readelf -d "$L/libtimekeep.so.$version")
	soname=$(printf '%s\n' "$dyn" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = "libtimekeep.so.$major" ] ||
		fail "SONAME is '$soname', not libtimekeep.so.$major"
	ok "SONAME libtimekeep.so.$major"
	if printf '%s\n' "$dyn" | grep -Eq '\((RPATH|RUNPATH)\)'; then
		fail "the installed libtimekeep.so has an RPATH/RUNPATH"
	fi
	needed=$(printf '%s\n' "$dyn" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		grep -Ev '^(libc\.so\.[0-9]+|ld-linux.*|libc\.so\.7)$')
	[ -z "$needed" ] || fail "libtimekeep.so needs $needed: timekeep.pc" \
		"(Libs.private) and the package config must say so"
	ok "needs libc only, no RPATH"

	# The header's API, from its TK_API declarations.
	api=$(sed -n 's/^TK_API .*[ *]\(tk_[a-z0-9_]*\)(.*/\1/p' \
		"$top/include/timekeep.h" | sort)
	exports=$(nm -D --defined-only "$L/libtimekeep.so.$version" |
		awk '$2 != "A" { print $3 }' | sort)
	bad=$(printf '%s\n' "$exports" |
		grep -Ev '^tk_[a-z0-9][a-z0-9_]*@@TIMEKEEP_1\.[0-9]+$')
	[ -z "$bad" ] || fail "libtimekeep.so exports more than the tk_ API" \
		"at TIMEKEEP_1.x: $(echo "$bad" | paste -sd ' ')"
	names=$(printf '%s\n' "$exports" | sed 's/@.*//' | sort)
	if [ "$names" != "$api" ]; then
		lost=$(comm -23 <(echo "$api") <(echo "$names"))
		more=$(comm -13 <(echo "$api") <(echo "$names"))
		fail "libtimekeep.so and the header's TK_API functions" \
			"differ: not exported: ${lost:-none};" \
			"not declared: ${more:-none}"
	fi
	ok "nm -D: exactly the $(printf '%s\n' "$api" | wc -l) TK_API" \
		"functions, at TIMEKEEP_1.x"
fi

# A static library's globals share the program's namespace: only tk_
# (public) and tk__ (internal) names may be defined there.
globals=$(nm -g --defined-only "$L/libtimekeep.a" 2>/dev/null |
	awk 'NF == 3 { print $3 }' | sort -u)
[ -n "$globals" ] || fail "nm finds no symbol in libtimekeep.a"
bad=$(printf '%s\n' "$globals" | grep -Ev '^tk_')
[ -z "$bad" ] || fail "libtimekeep.a defines global names outside tk_:" \
	"$(echo "$bad" | paste -sd ' ')"
ok "libtimekeep.a defines only tk_ and tk__ globals"

step "2. pkg-config (sysroot $dest)"
export PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_LIBDIR=$dest$pcdir
pkg-config --exists --print-errors timekeep || fail "pkg-config cannot" \
	"find timekeep"
[ "$(pkg-config --modversion timekeep)" = "$version" ] ||
	fail "pkg-config --modversion is not $version"
pkg-config --exists "timekeep >= $major.$minor" &&
	! pkg-config --exists "timekeep >= $((major + 1))" ||
	fail "pkg-config version comparison"
# The variables as written (pkg-config prepends the sysroot to them).
for v in prefix:$prefix libdir:$libdir includedir:$incdir; do
	got=$(env -u PKG_CONFIG_SYSROOT_DIR pkg-config --variable="${v%%:*}" \
		timekeep)
	[ "$got" = "${v#*:}" ] ||
		fail "timekeep.pc says ${v%%:*}=$got, not ${v#*:}"
done
[ -z "$(pkg-config --print-requires timekeep)" ] &&
	[ -z "$(pkg-config --print-requires-private timekeep)" ] ||
	fail "timekeep.pc has Requires"
pc_cflags=$(pkg-config --cflags timekeep)
pc_libs=$(pkg-config --libs timekeep)
pc_static=$(pkg-config --static --libs timekeep) ||
	fail "pkg-config --static --libs timekeep"
case " $pc_cflags " in
*" -I$dest$incdir "*) ;;
*) fail "pkg-config --cflags is '$pc_cflags'" ;;
esac
case " $pc_libs " in
*" -L$dest$libdir "*"-ltimekeep "*) ;;
*) fail "pkg-config --libs is '$pc_libs'" ;;
esac
[ "$pc_static" = "$pc_libs" ] ||
	fail "pkg-config --static adds '$pc_static' (Libs.private is not empty)"
ok "version $version, cflags '$pc_cflags', libs '$pc_libs' (--static alike)"

# The consumers are built from copies, so nothing in the source tree can
# be found by accident.
mkdir -p "$work/src"
cp -R "$top/examples" "$top/tests/cxx" "$work/src/"
ex=$work/src/examples
examples="latency logger clock_gettime_dropin ticks_logger"
cflags=(-std=c11 -O2 -Wall -Wextra -Werror -pthread)

# check_* BIN [how]: run one program and judge its output.
check_latency() {
	local out p50 p99 max
	out=$("$@" 2000) || fail "$1 exited $?"
	p50=$(printf '%s\n' "$out" | sed -n 's/^p50 \([0-9]*\) ns$/\1/p')
	p99=$(printf '%s\n' "$out" | sed -n 's/^p99 \([0-9]*\) ns$/\1/p')
	max=$(printf '%s\n' "$out" | sed -n 's/^max \([0-9]*\) ns$/\1/p')
	[ -n "$p50" ] && [ -n "$p99" ] && [ -n "$max" ] &&
		[ "$p50" -le "$p99" ] && [ "$p99" -le "$max" ] || {
		printf '%s\n' "$out" >&2
		fail "$1: no p50 <= p99 <= max in its output"
	}
	echo "p50 $p50 ns, p99 $p99 ns, max $max ns"
}
check_logger() {
	local out now first t re
	now=$(date -u +%s)
	out=$("$@" 2) || fail "$1 exited $?"
	re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
	re="$re"'\.[0-9]{9}Z info '
	[ "$(printf '%s\n' "$out" | grep -Ec "$re")" = 4 ] &&
		[ "$(printf '%s\n' "$out" | wc -l)" = 4 ] || {
		printf '%s\n' "$out" >&2
		fail "$1: not 4 lines of 'YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ info'"
	}
	first=$(printf '%s\n' "$out" | head -n 1 | cut -c 1-19)
	if t=$(date -u -d "${first}Z" +%s 2>/dev/null); then
		[ $((t - now)) -le 5 ] && [ $((now - t)) -le 5 ] ||
			fail "$1: its time $first is not within 5 s of date(1)"
	fi
	printf '%s\n' "$out" | head -n 1
}
check_clock_gettime_dropin() {
	local out
	out=$("$@") || {
		printf '%s\n' "$out" >&2
		fail "$1 exited $?: timekeep and libc disagree"
	}
	printf '%s\n' "$out" | tail -n 1 | grep -q '^PASS' ||
		fail "$1: no PASS line"
	echo "$(printf '%s\n' "$out" | grep -c '^CLOCK_.* ok ') clocks agree"
}
check_ticks_logger() {
	local out lines
	out=$("$@" 2 2 "$work/ticks_logger.tkb") || {
		printf '%s\n' "$out" >&2
		fail "$1 exited $?"
	}
	lines=$(printf '%s\n' "$out" |
		grep -Ec '^[0-9]+\.[0-9]{9}  thread [01]  message [01]  ')
	[ "$lines" = 4 ] && printf '%s\n' "$out" | grep -q ' 0 went back$' &&
		[ -s "$work/ticks_logger.tkb" ] || {
		printf '%s\n' "$out" >&2
		fail "$1: not 4 log lines, none back, and a record"
	}
	printf '%s\n' "$out" | grep 'exact,'
}
check_cxx() {
	local out
	out=$("$@") || {
		printf '%s\n' "$out" >&2
		fail "$1 exited $?"
	}
	printf '%s\n' "$out" | grep -q "^timekeep $version (header $version)" ||
		fail "$1: does not report timekeep $version"
	printf '%s\n' "$out" | tail -n 1 | grep -q 'PASS' ||
		fail "$1: no PASS line"
	echo "$(printf '%s\n' "$out" | grep -c '^ok ') checks pass"
}

# The library a dynamically linked program resolves, with the given env.
resolves() { # BIN [env...]
	local bin=$1
	shift
	env "$@" ldd "$bin" 2>/dev/null |
		sed -n 's/.*libtimekeep[^ ]* => \([^ ]*\).*/\1/p'
}

# Compilers for the examples: the build's, plus gcc and clang if present.
ccs=("$cc")
for c in gcc clang; do
	command -v $c >/dev/null || continue
	[ "$(readlink -f "$(command -v $c)")" = \
		"$(readlink -f "$(command -v "$cc")")" ] || ccs+=("$c")
done

if [ "$shared" = 1 ]; then
	for c in "${ccs[@]}"; do
		mkdir -p "$work/pc-shared-$(basename "$c")"
		for e in $examples; do
			# shellcheck disable=SC2086 # pkg-config output splits
			run "$work/cc.log" "$c" "${cflags[@]}" $pc_cflags \
				"$ex/$e.c" $pc_libs \
				-o "$work/pc-shared-$(basename "$c")/$e"
		done
		ok "examples build with $c ${cflags[*]}, shared"
	done
	d=$work/pc-shared-$(basename "$cc")
	for e in $examples; do
		readelf -d "$d/$e" |
			grep -q "NEEDED.*\[libtimekeep.so.$major\]" ||
			fail "$e (shared) does not need libtimekeep.so.$major"
		where=$(resolves "$d/$e" LD_LIBRARY_PATH="$L")
		[ "$where" = "$L/libtimekeep.so.$major" ] ||
			fail "$e resolves libtimekeep at '$where'"
		ok "pkg-config shared $e:" \
			"$(check_"$e" env LD_LIBRARY_PATH="$L" "$d/$e")"
	done
fi

mkdir -p "$work/pc-static" "$work/pc-archive"
for e in $examples; do
	# shellcheck disable=SC2086
	run "$work/cc.log" "$cc" "${cflags[@]}" $pc_cflags "$ex/$e.c" \
		-static $pc_static -o "$work/pc-static/$e"
	if readelf -d "$work/pc-static/$e" 2>/dev/null | grep -q NEEDED; then
		fail "$e linked -static still needs shared libraries"
	fi
	ok "pkg-config --static, -static $e: $(check_"$e" "$work/pc-static/$e")"
	# shellcheck disable=SC2086
	run "$work/cc.log" "$cc" "${cflags[@]}" $pc_cflags "$ex/$e.c" \
		"$L/libtimekeep.a" -o "$work/pc-archive/$e"
	if readelf -d "$work/pc-archive/$e" | grep -q 'NEEDED.*libtimekeep'
	then
		fail "$e linked with libtimekeep.a needs libtimekeep.so"
	fi
	ok "libtimekeep.a named $e: $(check_"$e" "$work/pc-archive/$e")"
done

# The C++ consumer: g++ -std=c++11 as asked, clang++ -std=c++17 as well.
cxxsrc=$work/src/cxx/consumer.cpp
cxxflags=(-Wall -Wextra -Werror -pedantic)
mkdir -p "$work/cxx"
if [ "$shared" = 1 ]; then
	# shellcheck disable=SC2086
	run "$work/cxx.log" g++ -std=c++11 "${cxxflags[@]}" $pc_cflags \
		"$cxxsrc" $pc_libs -o "$work/cxx/gxx"
	ok "g++ -std=c++11 consumer, shared:" \
		"$(check_cxx env LD_LIBRARY_PATH="$L" "$work/cxx/gxx")"
fi
# shellcheck disable=SC2086
run "$work/cxx.log" g++ -std=c++11 "${cxxflags[@]}" $pc_cflags \
	"$cxxsrc" -static $pc_static -o "$work/cxx/gxx-static"
ok "g++ -std=c++11 consumer, -static: $(check_cxx "$work/cxx/gxx-static")"
if command -v clang++ >/dev/null; then
	# shellcheck disable=SC2086
	run "$work/cxx.log" clang++ -std=c++17 "${cxxflags[@]}" $pc_cflags \
		"$cxxsrc" "$L/libtimekeep.a" -o "$work/cxx/clangxx"
	ok "clang++ -std=c++17 consumer, libtimekeep.a:" \
		"$(check_cxx "$work/cxx/clangxx")"
fi
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

step "3. CMake find_package (CMAKE_PREFIX_PATH=$dest$prefix)"
cmk() { # BUILDDIR SRCDIR [args...]: configure and build
	local b=$1 s=$2
	shift 2
	run "$b.log" cmake -S "$s" -B "$b" -DCMAKE_PREFIX_PATH="$dest$prefix" \
		-DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS=-Werror "$@"
	run "$b.build.log" cmake --build "$b"
	grep -q "^timekeep_DIR:PATH=$dest$cmakedir\$" "$b/CMakeCache.txt" ||
		fail "$s found timekeep elsewhere than $dest$cmakedir"
}
if [ "$shared" = 1 ]; then
	cmk "$work/cm-shared" "$ex"
	for e in $examples; do
		where=$(resolves "$work/cm-shared/$e")
		[ "$where" = "$L/libtimekeep.so.$major" ] ||
			fail "$e (CMake) resolves libtimekeep at '$where'"
		ok "find_package, timekeep::timekeep $e:" \
			"$(check_"$e" "$work/cm-shared/$e")"
	done
fi
cmk "$work/cm-static" "$ex" -DTIMEKEEP_EXAMPLES_STATIC=ON
for e in $examples; do
	if readelf -d "$work/cm-static/$e" | grep -q 'NEEDED.*libtimekeep'; then
		fail "$e (timekeep::timekeep_static) needs libtimekeep.so"
	fi
	ok "find_package, timekeep::timekeep_static $e:" \
		"$(check_"$e" "$work/cm-static/$e")"
done

cmk "$work/cm-cxx" "$work/src/cxx"
ok "C++ project, timekeep::timekeep: $(check_cxx "$work/cm-cxx/cxx_consumer")"
ok "C++ project, timekeep::timekeep_static:" \
	"$(check_cxx "$work/cm-cxx/cxx_consumer_static")"

# SameMajorVersion: MAJOR.0 is found, MAJOR+1 is not; components.
probe() { # "find_package arguments": configure a one-line project
	mkdir -p "$work/probe"
	printf '%s\n' "cmake_minimum_required(VERSION 3.16)" \
		"project(probe LANGUAGES C)" "find_package($1)" \
		>"$work/probe/CMakeLists.txt"
	rm -rf "$work/probe-build"
	cmake -S "$work/probe" -B "$work/probe-build" \
		-DCMAKE_PREFIX_PATH="$dest$prefix" -DCMAKE_C_COMPILER="$cc" \
		>"$work/probe.log" 2>&1
}
probe "timekeep $major.0 REQUIRED" || fail "find_package(timekeep $major.0)"
probe "timekeep $major.$minor REQUIRED" ||
	fail "find_package(timekeep $major.$minor)"
! probe "timekeep $((major + 1)) REQUIRED" ||
	fail "find_package(timekeep $((major + 1))) accepted $version"
if [ "$major" -gt 0 ]; then
	! probe "timekeep $((major - 1)) REQUIRED" ||
		fail "find_package(timekeep $((major - 1))) accepted $version"
fi
comps=static
[ "$shared" = 1 ] && comps="shared static"
probe "timekeep REQUIRED COMPONENTS $comps" ||
	fail "find_package(timekeep COMPONENTS $comps)"
ok "find_package: $major.0 found, $((major + 1)) refused" \
	"(SameMajorVersion), COMPONENTS $comps"

# Relocatable: the package works from wherever the tree is copied.
cp -R "$dest$prefix" "$tmp/moved"
run "$work/moved.log" cmake -S "$work/src/cxx" -B "$work/cm-moved" \
	-DCMAKE_PREFIX_PATH="$tmp/moved"
run "$work/moved.build.log" cmake --build "$work/cm-moved" \
	--target cxx_consumer_static
grep -q "^timekeep_DIR:PATH=$tmp/moved/" "$work/cm-moved/CMakeCache.txt" ||
	fail "the moved package was not the one found"
ok "the package moved to another directory:" \
	"$(check_cxx "$work/cm-moved/cxx_consumer_static")"
rm -rf "$tmp/moved"

step "4. the tool, the man pages, the header"
if [ "$tool" = 1 ]; then
	out=$("$dest$bindir/timekeep" --version 2>&1)
	[ "$out" = "timekeep $version" ] ||
		fail "timekeep --version says '$out', not 'timekeep $version'"
	out=$("$dest$bindir/timekeep" now 2>&1) || {
		printf '%s\n' "$out" >&2
		fail "timekeep now exited $?"
	}
	[ -n "$out" ] || fail "timekeep now printed nothing"
	ok "$bindir/timekeep now: $(printf '%s\n' "$out" | head -n 1)"
fi
# Every installed page renders without warnings, and man finds a page for
# the tool and for every TK_API function (scripts/check-man.sh).
bash "$top/scripts/check-man.sh" "$dest$mandir" >"$work/man.log" 2>&1 || {
	cat "$work/man.log" >&2
	fail "the installed manual pages (above)"
}
ok "$(tail -n 1 "$work/man.log" | sed 's/^check-man: //')"
cmp -s "$dest$incdir/timekeep.h" "$top/include/timekeep.h" ||
	fail "the installed timekeep.h is not include/timekeep.h"
ok "the installed timekeep.h is include/timekeep.h"

step "5. uninstall"
run "$work/uninstall.log" bash "$top/scripts/uninstall.sh" "$build" "$dest"
left=$(cd "$dest" && find . -mindepth 1 | sort)
if [ -n "$left" ]; then
	printf '%s\n' "$left" >&2
	fail "left in DESTDIR after uninstall (above)"
fi
ok "scripts/uninstall.sh removed $(grep -c '^-- Removing: ' \
	"$work/uninstall.log") files and $(grep -c '^-- Removing directory' \
	"$work/uninstall.log") directories; DESTDIR is empty"

echo
echo "install-test: PASS"
