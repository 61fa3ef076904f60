#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The exported-symbol list and the public header agree: the names in the
# global: part of timekeep.map are exactly the functions include/timekeep.h
# declares with TK_API.  A function declared but not listed would be
# hidden by the version script; a name listed but not declared is a
# leftover.  Prints the differences and exits 1; 0 when they agree.
#
#   scripts/check-map.sh [MAP [HEADER]]   (default timekeep.map and
#                                         include/timekeep.h)
# Run by ctest (lint_map) and by scripts/lint.sh.  Needs python3 (77 when
# it is missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
map=${1:-$top/timekeep.map}
header=${2:-$top/include/timekeep.h}
if ! command -v python3 >/dev/null; then
	echo "check-map: SKIP: no python3"
	exit 77
fi
exec python3 - "$map" "$header" <<'PY'
import re, sys
map_path, header_path = sys.argv[1:3]

def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)

# The map: every name between "global:" and "local:" (or the node's end),
# each ending in ';', over every version node.
m = strip_comments(open(map_path).read())
parts = re.findall(r"global\s*:(.*?)(?:local\s*:|\}[^;]*;)", m, re.S)
if not parts:
    print("check-map: %s has no global: part" % map_path)
    sys.exit(1)
listed = [n.strip() for g in parts for n in g.split(";") if n.strip()]
bad = [n for n in listed if not re.fullmatch(r"tk_[a-z0-9_]+", n)]
if bad:
    print("check-map: %s: not a plain tk_ function name: %s"
          % (map_path, " ".join(bad)))
    sys.exit(1)

# The header: the first tk_ name followed by '(' after each TK_API, with
# comments and preprocessor lines (TK_API's own #define) removed, so a
# declaration may wrap over several lines.
h = strip_comments(open(header_path).read())
h = "\n".join(l for l in h.split("\n") if not l.lstrip().startswith("#"))
declared = re.findall(r"\bTK_API\b[^;{}]*?\b(tk_[A-Za-z0-9_]*)\s*\(", h)
if not declared:
    print("check-map: no TK_API function found in %s" % header_path)
    sys.exit(1)

status = 0
for n in sorted(set(declared) - set(listed)):
    print("check-map: %s declares %s with TK_API; add it to %s"
          % (header_path, n, map_path))
    status = 1
for n in sorted(set(listed) - set(declared)):
    print("check-map: %s lists %s, which %s does not declare with TK_API"
          % (map_path, n, header_path))
    status = 1
for n in sorted(set(n for n in listed if listed.count(n) > 1)):
    print("check-map: %s lists %s twice" % (map_path, n))
    status = 1
if status == 0:
    print("check-map: the %d TK_API functions of %s are exactly the names "
          "%s exports" % (len(set(declared)), header_path, map_path))
sys.exit(status)
PY
