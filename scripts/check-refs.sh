#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The repository explains itself: no file cites a document that is not in
# it.  Code and docs cite docs/design.md by section, or a public source by
# project and path (FreeBSD lib/libc/sys/__vdso_gettimeofday.c, Linux
# lib/vdso/gettimeofday.c); a reference to a private notes file, by name or
# by numbered rule, cannot be followed from a clone.
#
#   scripts/check-refs.sh            every tracked file, and every untracked
#                                    one git does not ignore (git grep)
#   scripts/check-refs.sh FILE...    those files (tests/lint/selftest.sh)
#
# Prints each hit as FILE:LINE: TEXT and exits 1; 0 when there is none;
# 77 (SKIP) outside a git work tree.  The patterns are written with a
# bracket in each (STYL[E]) so that this file does not match itself.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

pats=(
	-e 'STYL[E] [0-9]'
	-e 'STYL[E]\.md'
	-e 'DESIGN decisio[n]'
	-e 'share[d]/DESIGN'
	-e 'FACT[S] §'
	-e 'FACT[S]-'
	-e 'PEER[S] [A-C][0-9]'
	-e 'PEER[S]\.md'
	-e '\.\./share[d]'
)

if [ $# -gt 0 ]; then
	hits=$(grep -nHE "${pats[@]}" -- "$@")
	rc=$?
else
	if ! git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		echo "check-refs: SKIP: $top is not a git work tree"
		exit 77
	fi
	hits=$(cd "$top" && git grep --untracked -nIE "${pats[@]}")
	rc=$?
fi
case $rc in
0)
	printf '%s\n' "$hits"
	echo "check-refs: $(printf '%s\n' "$hits" | wc -l) references to" \
		"documents outside the repository (above): cite docs/design.md" \
		"by section, or a public source by project and path"
	exit 1
	;;
1)
	echo "check-refs: no reference to a document outside the repository"
	exit 0
	;;
*)
	echo "check-refs: grep failed ($rc)"
	exit 1
	;;
esac
