#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Header compile checks: include/timekeep.h must compile alone
# and in use (tests/header/alone.c, use.c) as strict C and as C++, with
# warnings as errors, under every C and C++ compiler installed of gcc,
# clang, g++ and clang++.
#
#   tests/header/check.sh INCLUDE_DIR STD       STD: c99 c11 c++11 c++17
#
# Strict -std=c99 needs POSIX: the header's struct timespec and clockid_t
# are POSIX.1b, not ISO C99 (C11 added struct timespec), and glibc hides
# them under -std=c99 unless the program asks for POSIX.  A POSIX program
# says so before its first #include, by defining _POSIX_C_SOURCE; a
# library header cannot do it for the program (it would come too late, and
# would change what every other header declares), so the c99 check
# defines -D_POSIX_C_SOURCE=200809L as a POSIX user does.  The c11 check
# builds without it and with it.  Exit 0 pass, 1 fail, 77 skip (no
# compiler for STD).
set -uo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 INCLUDE_DIR c99|c11|c++11|c++17" >&2
	exit 2
fi
inc=$1
std=$2
here=$(cd "$(dirname "$0")" && pwd)

cwarn=(-pedantic -Wall -Wextra -Werror -Wshadow -Wconversion
	-Wsign-conversion -Wundef -Wstrict-prototypes -Wcast-align)
cxxwarn=(-pedantic -Wall -Wextra -Werror -Wconversion -Wsign-conversion
	-Wundef -Wcast-align)

case $std in
c99) compilers=(gcc clang) lang=c variants=("-D_POSIX_C_SOURCE=200809L") ;;
c11) compilers=(gcc clang) lang=c variants=("" "-D_POSIX_C_SOURCE=200809L") ;;
c++11 | c++17) compilers=(g++ clang++) lang=c++ variants=("") ;;
*)
	echo "header check: unknown standard $std" >&2
	exit 2
	;;
esac

ran=0
failed=0
for cc in "${compilers[@]}"; do
	command -v "$cc" >/dev/null || continue
	for v in "${variants[@]}"; do
		for src in alone.c use.c; do
			if [ $lang = c ]; then
				flags=(-std="$std" "${cwarn[@]}")
			else
				flags=(-x c++ -std="$std" "${cxxwarn[@]}")
			fi
			[ -n "$v" ] && flags+=("$v")
			desc="$cc -std=$std ${v:+$v }$src"
			ran=$((ran + 1))
			if out=$("$cc" "${flags[@]}" -I"$inc" -c \
				"$here/$src" -o /dev/null 2>&1); then
				echo "PASS $desc"
			else
				echo "FAIL $desc"
				printf '%s\n' "$out" | head -n 20
				failed=$((failed + 1))
			fi
		done
	done
done

if [ $ran -eq 0 ]; then
	echo "SKIP: no compiler for $std (${compilers[*]})"
	exit 77
fi
[ $failed -eq 0 ]
