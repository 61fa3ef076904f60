#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fuzz the timebase record parser, tk_timebase_convert() (src/ticks.c),
# for a bounded time, like fuzz/run-fuzz.sh does the vDSO ELF lookup:
#
#   fuzz/run-fuzz-timebase.sh [SECONDS]     (default 60)
#
# Builds fuzz/fuzz_timebase.c with clang -fsanitize=fuzzer,address,undefined
# into build-fuzz/ (TK_FUZZ_BUILD overrides), writes seed records with the
# same file built as a plain program (-DTK_FUZZ_SEEDS; generated here,
# never committed), and runs libFuzzer for SECONDS.  Exits non-zero on a
# crash, a sanitizer report or a timeout; the input is kept in
# build-fuzz/artifacts-timebase/.  CC overrides the compiler (default
# clang).
set -euo pipefail

secs=${1:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${TK_FUZZ_BUILD:-$top/build-fuzz}
cc=${CC:-clang}

inc=(-I"$top/include" -I"$top/src")
warn=(-Wall -Wextra -Wshadow -Wundef -Werror)
mkdir -p "$out/corpus-timebase" "$out/seeds-timebase" \
	"$out/artifacts-timebase"

"$cc" -std=c11 -D_GNU_SOURCE -g -O1 "${warn[@]}" "${inc[@]}" \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	"$top/fuzz/fuzz_timebase.c" "$top/src/ticks.c" \
	-o "$out/fuzz_timebase"
"$cc" -std=c11 -D_GNU_SOURCE -O1 "${warn[@]}" "${inc[@]}" -DTK_FUZZ_SEEDS \
	"$top/fuzz/fuzz_timebase.c" "$top/src/ticks.c" \
	-o "$out/timebase_seeds"
"$out/timebase_seeds" "$out/seeds-timebase"

# The first directory collects new inputs; the seeds are only read.
exec "$out/fuzz_timebase" -max_total_time="$secs" -max_len=8192 \
	-timeout=10 -print_final_stats=1 \
	-artifact_prefix="$out/artifacts-timebase/" \
	"$out/corpus-timebase" "$out/seeds-timebase"
