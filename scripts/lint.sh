#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The source checks that need no build, one line each:
#
#   format     clang-format --dry-run --Werror over every .c and .h
#              (.clang-format)
#   shell      shellcheck -S warning over every shell script
#   barriers   every barrier in src/ explained, every partner it names
#              existing (scripts/check-barriers.sh)
#   refs       no reference to a document outside the repository
#              (scripts/check-refs.sh)
#   map        timekeep.map exports exactly the TK_API functions
#              (scripts/check-map.sh)
#   man        every page of man/ renders without warnings, every TK_API
#              function has one (scripts/check-man.sh)
#   selftest   the checkers above reject what they must
#              (tests/lint/selftest.sh)
#
#   scripts/lint.sh [CHECK...]     default: all of them
# Exit 1 if any check failed (its output follows its line), else 0.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
checks=${*:-format shell barriers refs map man selftest}

# shellcheck disable=SC2317 # called through "${cmd[@]}"
format() {
	command -v clang-format >/dev/null || {
		echo "SKIP: no clang-format"
		return 77
	}
	git ls-files -co --exclude-standard '*.c' '*.h' |
		xargs -r clang-format --dry-run --Werror 2>&1
}

# shellcheck disable=SC2317
shell() {
	command -v shellcheck >/dev/null || {
		echo "SKIP: no shellcheck"
		return 77
	}
	git ls-files -co --exclude-standard '*.sh' .ci/run |
		xargs -r shellcheck -S warning 2>&1
}

failed=0
bad=()
for c in $checks; do
	case $c in
	format) cmd=(format) ;;
	shell) cmd=(shell) ;;
	barriers) cmd=(bash scripts/check-barriers.sh) ;;
	refs) cmd=(bash scripts/check-refs.sh) ;;
	map) cmd=(bash scripts/check-map.sh) ;;
	man) cmd=(bash scripts/check-man.sh) ;;
	selftest) cmd=(bash tests/lint/selftest.sh) ;;
	*)
		echo "lint: unknown check $c" >&2
		exit 2
		;;
	esac
	out=$("${cmd[@]}" 2>&1)
	rc=$?
	case $rc in
	0) printf '%-9s PASS\n' "$c" ;;
	77) printf '%-9s SKIP %s\n' "$c" "$(printf '%s\n' "$out" |
		grep -m1 SKIP | sed 's/.*SKIP:* *//')" ;;
	*)
		printf '%-9s FAIL\n' "$c"
		printf '%s\n' "$out" | head -n 60 | sed 's/^/    /'
		failed=1
		bad+=("$c")
		;;
	esac
done
[ $failed -eq 0 ] || echo "lint: FAIL: ${bad[*]} (each one's output is" \
	"under its line above)"
exit $failed
