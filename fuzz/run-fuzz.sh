#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fuzz the vDSO ELF lookup for a bounded time:
#
#   fuzz/run-fuzz.sh [SECONDS]     (default 60)
#
# Builds fuzz/fuzz_elf.c with clang -fsanitize=fuzzer,address,undefined
# into build-fuzz/ (TK_FUZZ_BUILD overrides), writes seeds from this
# kernel's real vDSO with fuzz/make_seeds.c (generated here, never
# committed), and runs libFuzzer for SECONDS.  Exits non-zero on a crash,
# a leak, a sanitizer report or a timeout; the input is kept in
# build-fuzz/artifacts/.  CC overrides the compiler (default clang).
set -euo pipefail

secs=${1:-60}
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
mkdir -p "$out/corpus" "$out/seeds" "$out/artifacts"

"$cc" -std=c11 -D_GNU_SOURCE -g -O1 "${warn[@]}" "${inc[@]}" \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	"$top/fuzz/fuzz_elf.c" "$top/src/elf/vdso_elf.c" -o "$out/fuzz_elf"
"$cc" -std=c11 -D_GNU_SOURCE -O1 "${warn[@]}" "${inc[@]}" \
	"$top/fuzz/make_seeds.c" "$top/src/elf/vdso_elf.c" \
	-o "$out/make_seeds"

rc=0
"$out/make_seeds" "$out/seeds" || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "run-fuzz: no vDSO in this process: no real seeds," \
		"fuzzing from the corpus alone" >&2
elif [ "$rc" -ne 0 ]; then
	exit "$rc"
fi

# The first directory collects new inputs; the seeds are only read.
exec "$out/fuzz_elf" -max_total_time="$secs" -max_len=16384 -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$out/artifacts/" \
	"$out/corpus" "$out/seeds"
