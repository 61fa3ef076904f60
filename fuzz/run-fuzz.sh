#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fuzz the library's parsers of untrusted bytes, each for a bounded time:
#
#   fuzz/run-fuzz.sh [TARGET] [SECONDS]     (default: all, 60 each)
#
#   elf       the vDSO ELF lookup (src/elf/vdso_elf*.c); seeds from this
#             kernel's real vDSO (fuzz/make_seeds.c)
#   timebase  the timebase record, tk_timebase_convert() (src/ticks.c);
#             seed records from fuzz/fuzz_timebase.c built with
#             -DTK_FUZZ_SEEDS
#   truetime  the bounded-time segment readers (src/truetime/), linked
#             against the whole library built with the same sanitizers
#   all       the three in turn
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined into
# build-fuzz/ (TK_FUZZ_BUILD overrides); seeds are generated here, never
# committed.  Exits non-zero on a crash, a leak, a sanitizer report or a
# timeout; the input is kept in build-fuzz/artifacts-TARGET/.  CC overrides
# the compiler (default clang).
set -euo pipefail

target=${1:-all}
secs=${2:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${TK_FUZZ_BUILD:-$top/build-fuzz}
cc=${CC:-clang}

case $(uname -m) in
x86_64 | amd64) arch=x86_64 ;;
aarch64 | arm64) arch=aarch64 ;;
riscv64) arch=riscv64 ;;
*)
	echo "run-fuzz: unsupported machine $(uname -m)" >&2
	exit 2
	;;
esac

inc=(-I"$top/include" -I"$top/src" -I"$top/src/sys"
	-I"$top/src/sys/linux-$arch")
warn=(-Wall -Wextra -Wshadow -Wundef -Werror)
san=("-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all)

# build NAME SOURCES...: the fuzzer binary $out/fuzz_NAME.
build() {
	local name=$1
	shift
	"$cc" -std=c11 -D_GNU_SOURCE -g -O1 "${warn[@]}" "${inc[@]}" \
		"${san[@]}" "$@" -o "$out/fuzz_$name"
}

# run NAME MAX_LEN: libFuzzer for $secs; the corpus directory collects new
# inputs, the seeds are only read.
run() {
	local name=$1 max_len=$2
	mkdir -p "$out/corpus-$name" "$out/seeds-$name" "$out/artifacts-$name"
	echo "run-fuzz: $name for ${secs}s"
	"$out/fuzz_$name" -max_total_time="$secs" -max_len="$max_len" \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts-$name/" \
		"$out/corpus-$name" "$out/seeds-$name"
}

fuzz_elf() {
	local rc=0
	local elf=("$top/src/elf/vdso_elf.c" "$top/src/elf/vdso_elf_lookup.c")
	build elf "$top/fuzz/fuzz_elf.c" "${elf[@]}"
	"$cc" -std=c11 -D_GNU_SOURCE -O1 "${warn[@]}" "${inc[@]}" \
		"$top/fuzz/make_seeds.c" "${elf[@]}" -o "$out/make_seeds"
	mkdir -p "$out/seeds-elf"
	"$out/make_seeds" "$out/seeds-elf" || rc=$?
	if [ "$rc" -eq 77 ]; then
		echo "run-fuzz: no vDSO in this process: no real seeds," \
			"fuzzing from the corpus alone" >&2
	elif [ "$rc" -ne 0 ]; then
		return "$rc"
	fi
	run elf 16384
}

fuzz_timebase() {
	build timebase "$top/fuzz/fuzz_timebase.c" "$top/src/ticks.c"
	"$cc" -std=c11 -D_GNU_SOURCE -O1 "${warn[@]}" "${inc[@]}" \
		-DTK_FUZZ_SEEDS "$top/fuzz/fuzz_timebase.c" "$top/src/ticks.c" \
		-o "$out/timebase_seeds"
	mkdir -p "$out/seeds-timebase"
	"$out/timebase_seeds" "$out/seeds-timebase"
	run timebase 8192
}

fuzz_truetime() {
	local lib=$out/lib flags="-fsanitize=fuzzer-no-link,address,undefined"
	cmake -S "$top" -B "$lib" -DCMAKE_C_COMPILER="$cc" \
		-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$flags -O1" \
		-DTK_BUILD_TESTS=OFF -DTK_BUILD_TOOLS=OFF \
		-DTK_BUILD_EXAMPLES=OFF -DTK_BUILD_BENCH=OFF >/dev/null
	cmake --build "$lib" --target timekeep_static -j "$(nproc)" >/dev/null
	build truetime "$top/fuzz/fuzz_truetime.c" "$lib/libtimekeep.a" \
		-lpthread
	run truetime 8192
}

mkdir -p "$out"
case $target in
elf | timebase | truetime) "fuzz_$target" ;;
all)
	fuzz_elf
	fuzz_timebase
	fuzz_truetime
	;;
*)
	echo "usage: run-fuzz.sh [elf|timebase|truetime|all] [SECONDS]" >&2
	exit 2
	;;
esac
