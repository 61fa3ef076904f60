#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The manual pages render cleanly, and every public function has one.
#
#   scripts/check-man.sh           the pages of man/ (*.1 ... *.9), staged
#                                  into a man<section>/ hierarchy
#   scripts/check-man.sh MANDIR    an installed hierarchy (MANDIR/man3/...)
#
# For each page: `man -l --warnings=w` at 80 columns and
# `groff -ww -z -man` print nothing, and lexgrog parses its NAME section
# (what mandb indexes).  Pages are rendered from the hierarchy's root, so a
# link page `.so man3/timekeep.3` resolves as man(1) resolves it.  Then
# `man -M MANDIR -w 3 NAME` must find a page for each TK_API function of
# include/timekeep.h (a page of its own or a .so link), and
# `man -M MANDIR -w 1 timekeep` the tool's page.
#
# One line per problem; exit 1 if any, 0 otherwise, 77 when man-db or
# groff is missing.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
for t in man lexgrog groff; do
	command -v "$t" >/dev/null || {
		echo "check-man: SKIP: no $t (Debian: man-db, groff-base)"
		exit 77
	}
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tk-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ $# -ge 1 ]; then
	root=$(cd "$1" && pwd) || exit 1
else
	root=$tmp/man
	for p in "$top"/man/*.[1-9]; do
		[ -e "$p" ] || continue
		s=${p##*.}
		mkdir -p "$root/man$s"
		cp -P "$p" "$root/man$s/"
	done
fi

bad=0
problem() {
	echo "check-man: $*"
	bad=1
}
n=0
cd "$root" || exit 1
for page in man[1-9]/*; do
	[ -e "$page" ] || continue
	n=$((n + 1))
	w=$(MANWIDTH=80 man -l --warnings=w "$page" 2>&1 >/dev/null)
	[ -z "$w" ] || problem "man --warnings $page: $w"
	w=$(groff -ww -z -man "$page" 2>&1)
	[ -z "$w" ] || problem "groff -ww -z -man $page: $w"
	lexgrog "$page" >/dev/null 2>&1 ||
		problem "lexgrog cannot parse the NAME section of $page"
done
[ $n -gt 0 ] || problem "no manual page under $root"

names=$(python3 - "$top/include/timekeep.h" <<'PY' 2>/dev/null ||
import re, sys
h = re.sub(r"/\*.*?\*/", " ", open(sys.argv[1]).read(), flags=re.S)
h = "\n".join(l for l in h.split("\n") if not l.lstrip().startswith("#"))
print("\n".join(sorted(set(re.findall(
    r"\bTK_API\b[^;{}]*?\b(tk_[A-Za-z0-9_]*)\s*\(", h)))))
PY
	sed -n 's/^TK_API .*[ *]\(tk_[a-z0-9_]*\)(.*/\1/p' \
		"$top/include/timekeep.h")
missing=()
for f in $names; do
	man -M "$root" -w 3 "$f" >/dev/null 2>&1 || missing+=("$f")
done
[ ${#missing[@]} -eq 0 ] || problem "no page in section 3 for:" \
	"${missing[*]} (add man/NAME.3, or a link page holding" \
	"'.so man3/PAGE.3')"
man -M "$root" -w 1 timekeep >/dev/null 2>&1 ||
	problem "no timekeep(1) page"
[ $bad -ne 0 ] || echo "check-man: $n pages render without warnings;" \
	"every TK_API function has a page"
exit $bad
