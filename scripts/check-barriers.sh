#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every fence, acquire load, release store and CAS in src/ carries a
# comment, on its own line or ending on the line above, saying what it
# orders and naming its partner (docs/design.md, "Memory ordering"); in the
# manner of checkpatch's MEMORY_BARRIER rule.  And every function such a
# comment names, as an identifier followed by "()", exists: it is defined
# or declared (a function or a macro) in src/ or include/, or it is one of
# the upstream primitives listed below.  A renamed partner therefore fails
# here instead of leaving a comment that points nowhere.
#
#   scripts/check-barriers.sh [FILE...]    default: every .c/.h under src/
#
# Lists each bare barrier and each unknown partner; exits 1 if any, 0
# otherwise.  tests/lint/selftest.sh runs it on the fixtures in tests/lint/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if ! command -v python3 >/dev/null; then
	echo "check-barriers: SKIP: no python3"
	exit 77
fi
exec python3 - "$@" <<'PY'
import os, re, sys

def tree(dirs):
    out = []
    for d in dirs:
        for root, _, names in os.walk(d):
            out += [os.path.join(root, n) for n in names
                    if n.endswith((".c", ".h"))]
    return sorted(out)

files = sys.argv[1:] or tree(["src"])

barrier = re.compile(
    r"tk__fence_(acquire|release|seq_cst)\s*\(|tk__load_acquire\s*\(|"
    r"tk__store_release\s*\(|tk__cas_acq_rel\s*\(|atomic_thread_fence\s*\(|"
    r"__ATOMIC_(ACQUIRE|RELEASE|ACQ_REL|SEQ_CST)|"
    r"__asm__.*\"[^\"]*\b(mfence|lfence|sfence|isb|dmb|dsb|fence)\b")
named = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\(\)")

# Upstream primitives a comment may name though this tree has no such
# function: the FreeBSD atomics the ported code replaces (sys/<arch>/include/
# atomic.h, atomic(9)), and the functions on the far side of a shared page:
# the FreeBSD kernel's writer (sys/kern/kern_tc.c), FreeBSD libc's reader
# (lib/libc/sys/__vdso_gettimeofday.c) and Linux's (include/vdso/helpers.h,
# lib/vdso/gettimeofday.c).
UPSTREAM = {
    "atomic_thread_fence_acq", "atomic_thread_fence_rel",
    "atomic_thread_fence_acq_rel", "atomic_thread_fence_seq_cst",
    "atomic_load_acq_32", "atomic_load_acq_int", "atomic_load_acq_64",
    "atomic_store_rel_32", "atomic_store_rel_int", "atomic_store_rel_64",
    "tc_windup", "tc_delta", "binuptime",
    "vdso_read_begin", "vdso_read_retry", "vdso_write_begin",
    "vdso_write_end", "do_hres",
}

def strip(text):
    """Comments and string literals blanked, line structure kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?\*/|//[^\n]*|\"(\\.|[^\"\\\n])*\"|"
                  r"'(\\.|[^'\\\n])'", blank, text, flags=re.S)

# What exists: macros, and functions declared or defined.  A declaration or
# definition has a type word or '*' before the name, or starts the line (the
# return type goes on its own line in definitions); a call has neither.
NOT_TYPES = {"return", "else", "case", "do", "sizeof", "goto", "if",
             "while", "for", "switch", "defined"}
decl = re.compile(r"(?:^|(?<=[\s*]))([A-Za-z_][A-Za-z0-9_]*)\s*\(", re.M)
known = set(UPSTREAM)
for f in tree(["src", "include"]):
    text = strip(open(f).read())
    known.update(re.findall(r"^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)",
                            text, re.M))
    for m in decl.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        before = text[start:m.start()].rstrip(" \t*")
        if before == "" and m.start() == start:
            known.add(m.group(1))       # a definition: the name starts the line
            continue
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*$", before)
        if words and words[0] not in NOT_TYPES:
            known.add(m.group(1))       # "type name(" or "type *name("

bad = []
for f in files:
    lines = open(f).read().split("\n")
    if f == "src/atomic.h":
        continue  # the wrappers themselves: they state no ordering
    in_comment = False
    for i, line in enumerate(lines):
        s = line.strip()
        code = s
        if in_comment:
            if "*/" in s:
                in_comment = False
                code = s.split("*/", 1)[1]
            else:
                continue
        if code.startswith("/*") and "*/" not in code:
            in_comment = True
            continue
        code = re.sub(r"/\*.*?\*/", "", code)
        if not barrier.search(code):
            continue
        where = "%s:%d: %s" % (f, i + 1, s)
        comment = ""
        if "/*" in line:
            comment = line[line.index("/*"):]
        else:
            # a comment ending on a line above, skipping the statement's
            # own earlier lines (a call wrapped over several lines)
            j = i - 1
            while j >= 0 and lines[j].strip() and \
                    not lines[j].strip().endswith("*/") and \
                    not lines[j].strip().endswith((";", "{", "}")):
                j -= 1
            if j < 0 or not lines[j].strip().endswith("*/"):
                bad.append("barrier without a comment: " + where)
                continue
            k = j
            while k >= 0 and "/*" not in lines[k]:
                k -= 1
            comment = "\n".join(lines[max(k, 0):j + 1])
        for name in named.findall(comment):
            if name not in known:
                bad.append("barrier comment names %s(), which is not "
                           "defined in src/ or include/: %s" % (name, where))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
