#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The lint checkers can fail: each is run on input it must reject, and on
# input it must accept.
#
#   scripts/check-barriers.sh  on barrier_ok.c (accept), barrier_bare.c (a
#                              barrier without a comment) and
#                              barrier_bad_partner.c (a comment naming a
#                              partner that does not exist): both rejected,
#                              with the line and the name
#   scripts/check-map.sh       on a small header and a map that agree
#                              (accept), and a map that lacks a name the
#                              header declares (wrapped over two lines) and
#                              lists a stranger: both named
#   scripts/check-refs.sh      on one generated file per forbidden form
#                              (generated, so that the repository itself
#                              never holds one), and on a clean file
#
# Run by ctest (lint_selftest) and by scripts/lint.sh.  One line per case;
# exit 0 when every checker did as expected, 1 otherwise, 77 without
# python3 (which the checkers need).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
command -v python3 >/dev/null || {
	echo "lint selftest: SKIP: no python3"
	exit 77
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tk-lint.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

# expect RC PATTERN DESC CMD...: CMD exits RC and its output has PATTERN.
expect() {
	local want=$1 pat=$2 desc=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then
		echo "ok   $desc"
	else
		echo "FAIL $desc: exit $rc (want $want), output:"
		printf '%s\n' "$out" | sed 's/^/     /'
		failed=1
	fi
}

cb=$top/scripts/check-barriers.sh
expect 0 '' "check-barriers accepts barrier_ok.c" bash "$cb" "$here/barrier_ok.c"
expect 1 'without a comment: .*barrier_bare.c:11:' \
	"check-barriers rejects a barrier without a comment" \
	bash "$cb" "$here/barrier_bare.c"
expect 1 'names tk__no_such_partner().*barrier_bad_partner.c:11' \
	"check-barriers rejects a comment naming a partner that does not exist" \
	bash "$cb" "$here/barrier_bad_partner.c"

cm=$top/scripts/check-map.sh
# A header with a TK_API declaration on one line and one wrapped over two,
# a commented-out one, a static inline function (not exported) and
# TK_API's own #define.
cat >"$tmp/api.h" <<'EOF'
#define TK_API __attribute__((visibility("default")))
/* TK_API int tk_in_a_comment(void); */
TK_API int tk_one(void);
TK_API const char *
tk_two(int x);
static inline int
tk_inline(void)
{
	return 0;
}
EOF
map() { # NAME...: a version script exporting these
	printf 'V_1.0 {\n\tglobal:\n'
	printf '\t\t%s;\n' "$@"
	printf '\tlocal:\n\t\t*;\n};\n'
}
map tk_one tk_two >"$tmp/good.map"
map tk_one tk_three >"$tmp/bad.map"
expect 0 'exactly' "check-map accepts a map that lists the header's TK_API" \
	bash "$cm" "$tmp/good.map" "$tmp/api.h"
expect 1 'declares tk_two with TK_API' \
	"check-map names a declared function the map lacks (wrapped decl.)" \
	bash "$cm" "$tmp/bad.map" "$tmp/api.h"
expect 1 'lists tk_three' \
	"check-map names a listed function the header lacks" \
	bash "$cm" "$tmp/bad.map" "$tmp/api.h"

cr=$top/scripts/check-refs.sh
# The forbidden forms as FORMAT:FILL pairs, so that this file holds none.
n=0
for form in 'STYL%s 12:E' 'see STYL%s.md:E' 'DESIGN decisio%s 4:n' \
	'shared/DESIG%s.md:N' 'FACTS %s3:§' 'FACTS%s-x86.md:' 'PEERS %sA2:' \
	'PEERS%s.md:' '../share%s/notes:d'; do
	n=$((n + 1))
	# shellcheck disable=SC2059 # the form is the format
	printf "/* ${form%:*} */\n" "${form##*:}" >"$tmp/ref$n.c"
	expect 1 "ref$n.c:1:" "check-refs rejects '$(cat "$tmp/ref$n.c")'" \
		bash "$cr" "$tmp/ref$n.c"
done
printf '/* See docs/design.md, "Memory ordering". */\n' >"$tmp/clean.c"
expect 0 'no reference' "check-refs accepts a docs/design.md citation" \
	bash "$cr" "$tmp/clean.c"

exit $failed
