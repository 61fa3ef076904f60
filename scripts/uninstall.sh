#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make uninstall`: remove what `cmake --install BUILD_DIR` installed.
#
#   scripts/uninstall.sh BUILD_DIR [DESTDIR]
#
# Reads BUILD_DIR/install_manifest.txt, which CMake writes on every install
# (one installed file per line, without DESTDIR), and removes each file and
# symbolic link under DESTDIR (the argument, else the environment).  Then it
# removes the directories that install created, which cmake/install.cmake
# recorded in BUILD_DIR/install_dirs.txt, deepest first and only when they
# are empty: a directory that existed before, or that holds anything else,
# stays.  Never removes a directory that is not empty, never follows a link.
# Exit status: 0 when everything listed is gone, 1 otherwise, 2 for usage.
set -uo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [DESTDIR]" >&2
	exit 2
fi
build=$1
destdir=${2:-${DESTDIR:-}}
destdir=${destdir%/}
manifest=$build/install_manifest.txt
dirs=$build/install_dirs.txt

if [ ! -f "$manifest" ]; then
	echo "uninstall: $manifest not found: nothing was installed" \
		"from $build (run make install first)" >&2
	exit 1
fi

status=0

# A path from a manifest: absolute, no "..", not the root.
sane() {
	case $1 in
	/*/../* | */.. | / | "") return 1 ;;
	/*) return 0 ;;
	*) return 1 ;;
	esac
}

# The manifest may lack a final newline; read that last line too.
while IFS= read -r f || [ -n "$f" ]; do
	[ -n "$f" ] || continue
	if ! sane "$f"; then
		echo "uninstall: refusing odd manifest entry '$f'" >&2
		status=1
		continue
	fi
	p=$destdir$f
	if [ -L "$p" ] || [ -e "$p" ]; then
		if [ -d "$p" ] && [ ! -L "$p" ]; then
			echo "uninstall: $p is a directory, left alone" >&2
			status=1
		elif rm -f -- "$p"; then
			echo "-- Removing: $p"
		else
			status=1
		fi
	else
		echo "-- Already gone: $p"
	fi
done <"$manifest"

# Directories, deepest first; what is not empty stays and stays recorded.
if [ -f "$dirs" ]; then
	kept=$(mktemp) || exit 1
	sort -u "$dirs" | awk 'NF { print length($0) "\t" $0 }' |
		sort -rn | cut -f 2- | while IFS= read -r d; do
		sane "$d" || continue
		p=$destdir$d
		if [ -d "$p" ] && [ ! -L "$p" ]; then
			if rmdir -- "$p" 2>/dev/null; then
				echo "-- Removing directory: $p"
			else
				printf '%s\n' "$d" >>"$kept"
			fi
		fi
	done
	if [ -s "$kept" ]; then
		sort -u "$kept" >"$dirs"
	else
		rm -f -- "$dirs"
	fi
	rm -f -- "$kept"
fi

exit $status
