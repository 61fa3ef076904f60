#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make test`: build and pass every test.
#
#   1. gcc build, warnings as errors, every cmocka suite under ctest
#   2. clang build of the same, every suite but the accuracy soak
#   3. ASan + UBSan build, every suite (work scaled down)
#   4. TSan build, every suite (work scaled down)
#   5. clang-format in check mode, and the barrier-comment check
#   6. aarch64 and riscv64 cross builds, suites run under qemu-user
#   7. the FreeBSD compile check (clang, x86_64 and aarch64 FreeBSD 14)
#   8. the ELF-lookup fuzzer for a bounded time
# (The install test and the header checks are ctest suites of step 1.)
#
# Each step prints its own result; the last line counts the ctest suites
# that passed and failed over all steps.  A step whose tools are missing
# SKIPs with the reason rather than failing, except cmocka and cmake.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${TK_FUZZ_SECONDS:-60}

bash scripts/deps.sh

passed=0
failed=0
failures=()

say() { printf '\n==== %s\n' "$*"; }
fail() {
	failures+=("$1")
	case $1 in
	*": ctest") ;; # its failed suites are already counted
	*) failed=$((failed + 1)) ;;
	esac
	echo "FAIL: $1"
}

# ctest_in DIR LABEL [ctest args...]: run the suites, add up the counts.
ctest_in() {
	local dir=$1 label=$2 out rc p f
	shift 2
	out=$(cd "$dir" && ctest --output-on-failure -j "$jobs" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | tail -n 40
	p=$(printf '%s\n' "$out" | sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' | tail -n 1)
	if [ -n "$p" ]; then
		set -- $p
		f=$2
		passed=$((passed + $1 - $2))
		failed=$((failed + f))
	fi
	[ $rc -eq 0 ] || fail "$label: ctest"
}

# build DIR LABEL [cmake args...]
build() {
	local dir=$1 label=$2
	shift 2
	if ! cmake -S "$top" -B "$dir" -DTK_WERROR=ON "$@" >"$dir.log" 2>&1 ||
		! cmake --build "$dir" -j "$jobs" >>"$dir.log" 2>&1; then
		tail -n 60 "$dir.log"
		fail "$label: build"
		return 1
	fi
	echo "built $label"
}

say "1. gcc, -Werror, all suites"
if build build-test gcc -DCMAKE_C_COMPILER=gcc; then
	ctest_in build-test gcc
fi

if command -v clang >/dev/null; then
	say "2. clang, -Werror"
	if build build-clang clang -DCMAKE_C_COMPILER=clang -DTK_BUILD_BENCH=OFF; then
		ctest_in build-clang clang -LE 'long|soak'
	fi
else
	echo "SKIP 2: clang is not installed"
fi

say "3. AddressSanitizer + UndefinedBehaviorSanitizer"
if build build-asan asan -DTK_ASAN=ON -DTK_UBSAN=ON -DTK_BUILD_BENCH=OFF \
	-DCMAKE_BUILD_TYPE=Debug; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest_in build-asan asan -LE 'long|soak'
fi

# clang: gcc 12 rejects atomic_thread_fence under -fsanitize=thread
# (-Wtsan), and the seqlock's fences are the point of this step.
say "4. ThreadSanitizer (clang)"
if build build-tsan tsan -DTK_TSAN=ON -DTK_BUILD_BENCH=OFF \
	-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		ctest_in build-tsan tsan -LE 'long|soak'
fi

say "5. clang-format (check mode) and barrier comments"
if command -v clang-format >/dev/null; then
	if git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror; then
		echo "clang-format: clean"
	else
		fail "clang-format"
	fi
else
	echo "SKIP 5a: clang-format is not installed"
fi
if bash scripts/check-barriers.sh; then
	echo "barrier comments: every barrier is explained"
else
	fail "barrier comments"
fi

for arch in aarch64 riscv64; do
	say "6. $arch cross build, suites under qemu-user"
	if ! command -v "$arch-linux-gnu-gcc" >/dev/null ||
		! command -v "qemu-$arch" >/dev/null; then
		echo "SKIP 6 ($arch): cross compiler or qemu-$arch missing"
		continue
	fi
	if ! prefix=$(bash scripts/cross-cmocka.sh "$arch" 2>"build-cmocka-$arch.log"); then
		tail -n 20 "build-cmocka-$arch.log"
		fail "$arch: cmocka cross build"
		continue
	fi
	if build "build-$arch" "$arch" \
		-DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchain-$arch-linux-gnu.cmake" \
		-DCMOCKA_ROOT="$prefix" -DTK_STATIC_TESTS=ON \
		-DTK_BUILD_SHARED=OFF -DTK_BUILD_BENCH=OFF; then
		TK_TEST_SLOW=20 ctest_in "build-$arch" "$arch" -LE 'long|native|soak'
	fi
done

say "7. FreeBSD compile check"
if command -v clang >/dev/null; then
	bash cmake/freebsd-check.sh || fail "freebsd compile check"
else
	echo "SKIP 7: clang is not installed"
fi

say "8. fuzzing the ELF lookup for ${fuzz_seconds}s"
if command -v clang >/dev/null; then
	bash fuzz/run-fuzz.sh "$fuzz_seconds" || fail "fuzz"
else
	echo "SKIP 8: clang is not installed"
fi

say "summary"
if [ ${#failures[@]} -ne 0 ]; then
	printf 'failed step: %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ]
