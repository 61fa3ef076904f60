#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# STYLE 34: every fence, acquire load, release store and CAS in src/ carries
# a comment on its own line or ending on the line above, saying what it
# orders and naming its partner.  Lists each bare barrier; exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - "$@" <<'PY'
import re, subprocess, sys
files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard",
                        "src/*.c", "src/*.h", "src/**/*.c", "src/**/*.h"],
                       capture_output=True, text=True).stdout.split()
barrier = re.compile(
    r"tk__fence_(acquire|release|seq_cst)\s*\(|tk__load_acquire\s*\(|"
    r"tk__store_release\s*\(|tk__cas_acq_rel\s*\(|atomic_thread_fence\s*\(|"
    r"__ATOMIC_(ACQUIRE|RELEASE|ACQ_REL|SEQ_CST)|"
    r"__asm__.*\"[^\"]*\b(mfence|lfence|sfence|isb|dmb|dsb|fence)\b")
bad = []
for f in sorted(set(files)):
    if f == "src/atomic.h":
        continue  # the wrappers themselves: they state no ordering
    lines = open(f).read().split("\n")
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
        if "/*" in line:
            continue
        # a comment ending on a line above, skipping the statement's own
        # earlier lines (a call wrapped over several lines)
        j = i - 1
        while j >= 0 and lines[j].strip() and not lines[j].strip().endswith("*/") \
                and not lines[j].strip().endswith((";", "{", "}")):
            j -= 1
        if j >= 0 and lines[j].strip().endswith("*/"):
            continue
        bad.append("%s:%d: %s" % (f, i + 1, s))
for b in bad:
    print("barrier without a comment: " + b)
sys.exit(1 if bad else 0)
PY
