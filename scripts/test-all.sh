#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make test`: build and pass every test.
#
#    0  deps       install what is missing (scripts/deps.sh; as root only)
#    1  gcc        gcc build, warnings as errors, every suite under ctest
#                  (with the header checks, the install test and the lint
#                  self-tests)
#    2  clang      clang build of the same, every suite but the soak
#    3  asan       ASan + UBSan build, every suite (work scaled down)
#    4  tsan       TSan build, every suite (work scaled down)
#    5  lint       clang-format, barrier comments and their partners, no
#                  reference outside the repository, the symbol map, the
#                  man pages, the checkers' self-test (scripts/lint.sh)
#    6  aarch64    cross build, suites under qemu-user
#    6  riscv64    the same for riscv64
#    7  freebsd    the FreeBSD compile check (clang, x86_64 and aarch64)
#    8  fuzz       the three fuzzers (the vDSO ELF lookup, the timebase
#                  record, the bounded-time segments), TK_FUZZ_SECONDS each
#                  (default 40)
#    9  readme     the README's install command without cmocka, then the
#                  README's consumers (scripts/readme-install-test.sh)
#   10  subproject timekeep through add_subdirectory, nothing private
#                  leaking (scripts/subproject-test.sh)
#   11  release    Release builds with gcc and clang, warnings as errors
#
# Each step prints one line: its number, name, PASS, FAIL or SKIP (with the
# reason), and its time.  Its whole output goes to build-logs/<n>-<name>.log
# (TK_LOG_DIR overrides); a failing step's tail is printed below its line.
# The last line counts the ctest suites (and the other steps) that passed
# and failed: "tests: N passed, M failed".
#
#   TK_STEPS="1 5 lint"   run only these steps (numbers or names); deps
#                         always runs
#
# A step whose tools are missing SKIPs with the reason rather than failing,
# except cmocka and cmake.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${TK_FUZZ_SECONDS:-40}
logs=${TK_LOG_DIR:-$top/build-logs}
steps=" ${TK_STEPS:-all} "
steps=${steps//,/ }
mkdir -p "$logs"
export TK_LOG_DIR=$logs

passed=0
failed=0
failures=()
note="" # the step's summary, set by the step (ctest counts, a SKIP reason)

# ctest_in DIR [ctest args...]: run the suites, add up the counts.
ctest_in() {
	local dir=$1 rc p f s
	shift
	(cd "$dir" && ctest --output-on-failure -j "$jobs" "$@")
	rc=$?
	p=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' \
		"$log" | tail -n 1)
	if [ -n "$p" ]; then
		# shellcheck disable=SC2086 # "total failed", split on purpose
		set -- $p
		f=$2
		s=$(sed -n '/The following tests did not run/,/^$/p' "$log" |
			grep -c 'Skipped')
		passed=$((passed + $1 - f))
		failed=$((failed + f))
		note="$1 suites: $(($1 - f - s)) passed, $s skipped, $f failed"
		counted=1
	fi
	return $rc
}

# build DIR [cmake args...]: configure (suites required) and build.
build() {
	local dir=$1
	shift
	cmake -S "$top" -B "$dir" -DTK_WERROR=ON "$@" &&
		cmake --build "$dir" -j "$jobs"
}

have() {
	command -v "$1" >/dev/null && return 0
	echo "SKIP: $1 is not installed"
	return 77
}

step_gcc() {
	build build-test -DCMAKE_C_COMPILER=gcc -DTK_REQUIRE_TESTS=ON &&
		ctest_in build-test
}

step_clang() {
	have clang || return 77
	build build-clang -DCMAKE_C_COMPILER=clang -DTK_BUILD_BENCH=OFF \
		-DTK_REQUIRE_TESTS=ON && ctest_in build-clang -LE 'long|soak'
}

step_asan() {
	build build-asan -DTK_ASAN=ON -DTK_UBSAN=ON -DTK_BUILD_BENCH=OFF \
		-DCMAKE_BUILD_TYPE=Debug -DTK_REQUIRE_TESTS=ON &&
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			ctest_in build-asan -LE 'long|soak'
}

# clang: gcc 12 rejects atomic_thread_fence under -fsanitize=thread
# (-Wtsan), and the seqlock's fences are the point of this step.
step_tsan() {
	have clang || return 77
	build build-tsan -DTK_TSAN=ON -DTK_BUILD_BENCH=OFF \
		-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DTK_REQUIRE_TESTS=ON &&
		TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
			ctest_in build-tsan -LE 'long|soak'
}

step_lint() {
	bash scripts/lint.sh
}

step_cross() { # ARCH
	local arch=$1 prefix
	if ! command -v "$arch-linux-gnu-gcc" >/dev/null ||
		! command -v "qemu-$arch" >/dev/null; then
		echo "SKIP: $arch-linux-gnu-gcc or qemu-$arch is not installed"
		return 77
	fi
	prefix=$(bash scripts/cross-cmocka.sh "$arch") || {
		echo "the cmocka cross build failed"
		return 1
	}
	build "build-$arch" \
		-DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchain-$arch-linux-gnu.cmake" \
		-DCMOCKA_ROOT="$prefix" -DTK_STATIC_TESTS=ON \
		-DTK_BUILD_SHARED=OFF -DTK_BUILD_BENCH=OFF \
		-DTK_REQUIRE_TESTS=ON &&
		TK_TEST_SLOW=20 ctest_in "build-$arch" -LE 'long|native|soak'
}
step_aarch64() { step_cross aarch64; }
step_riscv64() { step_cross riscv64; }

step_freebsd() {
	have clang || return 77
	bash cmake/freebsd-check.sh
}

step_fuzz() {
	have clang || return 77
	bash fuzz/run-fuzz.sh all "$fuzz_seconds"
}

step_readme() {
	bash scripts/readme-install-test.sh
}

step_subproject() {
	bash scripts/subproject-test.sh
}

# The library, tool, benchmarks and examples at -O3, where inlining shows
# warnings (-Wmaybe-uninitialized) that -O2 does not.
step_release() {
	local cc rc=0 res=""
	for cc in gcc clang; do
		command -v $cc >/dev/null || continue
		if build "build-release-$cc" -DCMAKE_C_COMPILER=$cc \
			-DCMAKE_BUILD_TYPE=Release -DTK_BUILD_TESTS=OFF; then
			res="$res $cc PASS,"
		else
			res="$res $cc FAIL,"
			rc=1
		fi
	done
	echo "release:${res%,} (each build's output is above)"
	return $rc
}

# run NUMBER NAME: run step_NAME if selected, print its line.
run() {
	local id=$1 name=$2 t0 rc res dt counted=0
	case $steps in
	*" all "* | *" $id "* | *" $name "*) ;;
	*) return 0 ;;
	esac
	log=$logs/$id-$name.log
	note=""
	t0=$SECONDS
	"step_$name" >"$log" 2>&1
	rc=$?
	dt=$((SECONDS - t0))
	case $rc in
	0)
		res=PASS
		[ $counted = 1 ] || passed=$((passed + 1))
		;;
	77)
		res=SKIP
		note=$(grep -m1 'SKIP' "$log" | sed 's/.*SKIP:* *//')
		;;
	*)
		res=FAIL
		failures+=("$id $name")
		[ $counted = 1 ] || failed=$((failed + 1))
		;;
	esac
	printf '%3s  %-10s %s %5ss%s\n' "$id" "$name" "$res" "$dt" \
		"${note:+  ($note)}"
	if [ $res = FAIL ]; then
		tail -n 40 "$log" | sed 's/^/     | /'
		echo "     (the whole log: $log)"
	fi
}

echo "make test: one line per step; logs in $logs/"
t0=$SECONDS
deps=$(bash scripts/deps.sh 2>&1)
deps_rc=$?
if [ $deps_rc -eq 0 ]; then
	printf '%3s  %-10s %s %5ss%s\n' 0 deps PASS $((SECONDS - t0)) \
		"${deps:+  ($(printf '%s\n' "$deps" | tail -n 1))}"
else
	printf '%3s  %-10s %s %5ss\n' 0 deps FAIL $((SECONDS - t0))
	printf '%s\n' "$deps" | sed 's/^/     | /'
	failures+=("0 deps")
	failed=$((failed + 1))
fi

run 1 gcc
run 2 clang
run 3 asan
run 4 tsan
run 5 lint
run 6 aarch64
run 6 riscv64
run 7 freebsd
run 8 fuzz
run 9 readme
run 10 subproject
run 11 release

if [ ${#failures[@]} -ne 0 ]; then
	printf 'failed step: %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ ${#failures[@]} -eq 0 ]
