#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# The timekeep tool end to end, one group of checks per ctest test:
#
#   cli_test.py [--emulator CMD] TOOL GROUP
#
# GROUP is usage, now, info, bench, check, width, progress, export, plot
# or bench_clocks (then TOOL is the bench_clocks binary).  Bounded time
# (now, info and check) is also seen through a ClockBound segment this
# script writes (protocol 2, as the daemon lays it out) and names with
# TIMEKEEP_TRUETIME: fresh, stale, disrupted.  Every --json
# output is validated against the schema in docs/cli-json.md (the fenced
# block after "<!-- schema: cli-json -->"), with a small validator for the
# subset of JSON Schema that document uses.  Text output must fit 80
# columns (COLUMNS=80); progress must show under a pseudo-terminal
# (script -qc) and never in a pipe; the CSV export is read with the csv
# module, the Markdown one checked for table shape, the SVG parsed as XML
# and rendered to PNG with rsvg-convert.  Exit 0 pass, 1 fail (with the
# reason on stdout), 77 skip (with the reason).  Under an emulator
# (qemu-user) the check verdict itself is not required to pass: seccomp
# and the vDSO differ there, so only the report's shape is checked.
import calendar
import csv
import io
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

SOURCES = {"freebsd", "tsc", "vdso", "syscall"}
RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z$")
CHECKS = ["source", "vdso", "clock ids", "cpu skew", "monotonic", "offset",
          "realtime", "no syscall", "truetime"]
TT_STATUS = {"synchronized", "free_running", "unknown", "disrupted"}
HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DOC = os.path.join(HERE, "..", "..", "docs", "cli-json.md")
SHORT_BENCH = ["--rounds", "3", "--calls", "2000", "--samples", "100",
               "--threads", "2"]

emulator = []
tool = None
failures = []
skips = []


def env_for(env):
    e = dict(os.environ)
    e.pop("TIMEKEEP_SOURCE", None)
    e["COLUMNS"] = "80"
    if env:
        e.update(env)
    return e


def run(args, env=None, timeout=120):
    return subprocess.run(emulator + [tool] + args, capture_output=True,
                          text=True, timeout=timeout, env=env_for(env))


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg)
    return cond


def run_ok(args, env=None):
    p = run(args, env)
    check(p.returncode == 0, "%s: exit %d, stderr %r" %
          (" ".join(args), p.returncode, p.stderr[-500:]))
    return p


def parse_json(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        check(False, "%s: not JSON (%s): %r" % (what, e, text[:500]))
        return None


def run_json(args, env=None):
    p = run_ok(args, env)
    j = parse_json(p.stdout, " ".join(args))
    if j is not None:
        validate_doc(j, " ".join(args))
    return j


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def fits(text, what, width=80):
    long = [l for l in text.splitlines() if len(l) > width]
    return check(not long, "%s: %d line(s) over %d columns, first %r" %
                 (what, len(long), width, long[:1]))


# ---- the documented schema -------------------------------------------------

_schema = None


def schema():
    global _schema
    if _schema is None:
        doc = open(SCHEMA_DOC, encoding="utf-8").read()
        m = re.search(r"<!-- schema: cli-json -->\s*```json\n(.*?)```", doc,
                      re.S)
        if not m:
            raise SystemExit("no schema block in %s" % SCHEMA_DOC)
        _schema = json.loads(m.group(1))
    return _schema


TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": is_int,
    "number": is_num,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(v, s, path, errs):
    """The JSON Schema subset docs/cli-json.md uses."""
    if "$ref" in s:
        name = s["$ref"].split("/")[-1]
        return validate(v, schema()["$defs"][name], path, errs)
    if "const" in s and v != s["const"]:
        errs.append("%s: %r is not %r" % (path, v, s["const"]))
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r is not one of %r" % (path, v, s["enum"]))
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(TYPES[t](v) for t in types):
            errs.append("%s: %r is not %s" % (path, v, "/".join(types)))
            return
    if "minimum" in s and is_num(v) and v < s["minimum"]:
        errs.append("%s: %r is below %r" % (path, v, s["minimum"]))
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: lacks %r" % (path, k))
        for k, x in v.items():
            if k in props:
                validate(x, props[k], path + "." + k, errs)
            elif s.get("additionalProperties") is False:
                errs.append("%s: %r is not in the schema" % (path, k))
            elif isinstance(s.get("additionalProperties"), dict):
                validate(x, s["additionalProperties"], path + "." + k, errs)
    if isinstance(v, list) and "items" in s:
        for i, x in enumerate(v):
            validate(x, s["items"], "%s[%d]" % (path, i), errs)


def validate_doc(j, what):
    errs = []
    cmd = j.get("command") if isinstance(j, dict) else None
    if not check(cmd in ("now", "info", "bench", "check"),
                 "%s: no known \"command\": %r" % (what, cmd)):
        return False
    validate(j, schema()["$defs"][cmd], "$", errs)
    for e in errs[:10]:
        check(False, "%s: schema: %s" % (what, e))
    return not errs


# ---- a ClockBound segment --------------------------------------------------

CB_BOUND_NS = 100000
CB_DRIFT_PPB = 50000


def clockbound_segment(path, age_s=0.0, status=1):
    """aws/clock-bound docs/PROTOCOL.md, version 2 (80 bytes): bound
    100 us, drift 50 ppm, as of age_s ago on CLOCK_MONOTONIC_COARSE,
    void 1000 s after."""
    coarse = getattr(time, "CLOCK_MONOTONIC_COARSE", 6)
    as_of = time.clock_gettime_ns(coarse) - int(age_s * 1e9)
    void = as_of + 1000 * 10**9
    seg = struct.pack("<IIIHHqqqqqQIiB7x", 0x414D5A4E, 0x43420200, 80, 2, 2,
                      as_of // 10**9, as_of % 10**9, void // 10**9,
                      void % 10**9, CB_BOUND_NS, 0, CB_DRIFT_PPB, status, 0)
    with open(path, "wb") as f:
        f.write(seg)
    return {"TIMEKEEP_TRUETIME": "clockbound:" + path}


def with_segment(fn, **kw):
    d = tempfile.mkdtemp()
    try:
        return fn(clockbound_segment(os.path.join(d, "shm0"), **kw))
    finally:
        shutil.rmtree(d)


# ---- usage -----------------------------------------------------------------

BAD = [
    ([], None),
    (["frob"], None),
    (["--frob"], None),
    (["help", "frob"], None),
    (["now", "--frob"], None),
    (["now", "-x"], None),
    (["now", "extra"], None),
    (["now", "--clock"], None),
    (["now", "--clock", "sundial"], ["monotonic", "realtime", "boottime"]),
    (["now", "--clock", "CLOCK_SUNDIAL"], ["monotonic", "tai"]),
    (["now", "--clock", "99"], ["monotonic", "(1)"]),
    (["info", "--bogus"], None),
    (["bench", "--rounds", "abc"], ["1 to"]),
    (["bench", "--rounds", "-1"], None),
    (["bench", "--rounds", "0"], None),
    (["bench", "--rounds"], None),
    (["bench", "--calls", "1e3"], None),
    (["bench", "--threads", "-2"], None),
    (["bench", "--plot"], None),
    (["bench", "--plot", "out.png"], [".svg"]),
    (["bench", "--plot", "out"], [".svg"]),
    (["bench", "--plot", "-", "--json"], ["standard output"]),
    (["bench", "--export-csv", "-", "--export-markdown", "-"],
     ["standard output"]),
    (["bench", "--export-csv", ""], None),
    (["check", "--seconds", "-1"], None),
    (["check", "--seconds", "abc"], None),
    (["check", "--seconds", "0"], None),
    (["check", "--seconds", "nan"], None),
    (["check", "--seconds"], None),
    (["check", "--frob"], None),
]


def t_usage():
    p = run_ok(["--help"])
    check("usage: timekeep" in p.stdout, "--help prints no usage")
    p = run_ok(["--version"])
    check(re.match(r"^timekeep \d+\.\d+\.\d+$", p.stdout.strip()),
          "--version prints %r" % p.stdout)
    for cmd in ("now", "info", "bench", "check"):
        p = run_ok([cmd, "--help"])
        check(p.stdout.startswith("usage: timekeep " + cmd),
              "%s --help prints %r" % (cmd, p.stdout[:80]))
        p = run_ok(["help", cmd])
        check(p.stdout.startswith("usage: timekeep " + cmd),
              "help %s prints %r" % (cmd, p.stdout[:80]))
    check("20 ms" in run_ok(["check", "--help"]).stdout,
          "check --help does not document the realtime bound")
    for args, words in BAD:
        p = run(args)
        what = "timekeep " + " ".join(args)
        check(p.returncode == 2, "%s: exit %d, not 2" % (what, p.returncode))
        lines = p.stderr.splitlines()
        check(len(lines) == 1 and lines[0].startswith("timekeep: "),
              "%s: stderr is not one 'timekeep: ' line: %r" %
              (what, p.stderr))
        check(p.stdout == "", "%s: wrote to stdout: %r" % (what, p.stdout))
        for w in words or []:
            check(w in p.stderr, "%s: the message does not say %r: %r" %
                  (what, w, p.stderr))

    # An unknown TIMEKEEP_SOURCE: every command warns, naming the valid
    # sources, and goes on.
    for args in (["now"], ["info"], ["check", "--seconds", "0.1"],
                 ["bench"] + SHORT_BENCH):
        p = run(args, env={"TIMEKEEP_SOURCE": "tcs"})
        what = "TIMEKEEP_SOURCE=tcs timekeep " + " ".join(args)
        check(p.returncode in (0, 1), "%s: exit %d" % (what, p.returncode))
        warn = [l for l in p.stderr.splitlines() if "TIMEKEEP_SOURCE" in l]
        check(len(warn) == 1 and "tcs" in warn[0] and
              "freebsd" in warn[0] and "syscall" in warn[0],
              "%s: no one-line warning naming the valid sources: %r" %
              (what, p.stderr))
    j = run_json(["now", "--json"], env={"TIMEKEEP_SOURCE": "tcs"})
    if j:
        check(j["timekeep"]["requested_source"] == "tcs" and
              j["timekeep"]["requested_source_known"] is False,
              "now --json under TIMEKEEP_SOURCE=tcs: %r" % j["timekeep"])
    p = run(["now"], env={"TIMEKEEP_SOURCE": "syscall"})
    check(p.stderr == "", "a known TIMEKEEP_SOURCE warns: %r" % p.stderr)


# ---- now -------------------------------------------------------------------

def rfc3339_ns(s):
    m = RFC3339.match(s)
    if not m:
        return None
    y, mo, d, h, mi, sec, ns = (int(x) for x in m.groups())
    return calendar.timegm((y, mo, d, h, mi, sec)) * 10**9 + ns


def t_now():
    p = run_ok(["now"])
    lines = p.stdout.splitlines()
    check(len(lines) >= 3, "now prints %r" % p.stdout)
    check(lines and lines[0].split()[-1] in SOURCES,
          "now: first line %r names no source" % lines[:1])
    check(any(rfc3339_ns(l.split()[-1]) for l in lines
              if l.startswith("realtime")), "now: no RFC 3339 realtime line")

    before_mono = time.monotonic_ns()
    before_real = time.time_ns()
    j = run_json(["now", "--json"])
    after_mono = time.monotonic_ns()
    after_real = time.time_ns()
    if not j:
        return
    check(j["timekeep"]["source"] in SOURCES, "now: source %r" %
          j["timekeep"]["source"])
    check(j["clock"] is None, "now without --clock: clock %r" % j["clock"])
    slack = 5 * 10**9
    check(before_mono - slack <= j["monotonic_ns"] <= after_mono + slack,
          "now: monotonic_ns %d is not near this test's CLOCK_MONOTONIC "
          "[%d, %d]" % (j["monotonic_ns"], before_mono, after_mono))
    check(before_real - slack <= j["realtime_ns"] <= after_real + slack,
          "now: realtime_ns %d is not within 5 s of this test's clock "
          "[%d, %d]" % (j["realtime_ns"], before_real, after_real))
    check(rfc3339_ns(j["realtime"]) == j["realtime_ns"],
          "now: realtime %r does not spell realtime_ns %d" %
          (j["realtime"], j["realtime_ns"]))

    j2 = run_json(["now", "--json"])
    if j2:
        check(j2["monotonic_ns"] >= j["monotonic_ns"],
              "now: monotonic went back between two runs")

    j = run_json(["now", "--json", "--clock", "boottime"])
    if j and check(j["clock"] is not None, "now --clock boottime: no clock"):
        c = j["clock"]
        check(c["name"] == "CLOCK_BOOTTIME" and
              c["ns"] >= j["monotonic_ns"] - 10**9,
              "now --clock boottime: %r" % c)

    # The names people type all mean CLOCK_MONOTONIC (1).
    for name in ("monotonic", "MONOTONIC", "CLOCK_MONOTONIC",
                 "clock_monotonic", "1"):
        j = run_json(["now", "--json", "--clock", name])
        if j and j["clock"]:
            check(j["clock"]["id"] == 1 and
                  j["clock"]["name"] == "CLOCK_MONOTONIC",
                  "now --clock %s: %r" % (name, j["clock"]))
    p = run_ok(["now", "--clock", "monotonic"])
    lines = p.stdout.splitlines()
    check(len(set(l.split()[0] for l in lines if l.strip())) == len(lines),
          "now --clock monotonic: two lines start alike: %r" % lines)

    j = run_json(["now", "--json"], env={"TIMEKEEP_SOURCE": "syscall"})
    if j:
        check(j["timekeep"]["source"] == "syscall" and
              j["timekeep"]["requested_source_known"] is True,
              "TIMEKEEP_SOURCE=syscall: %r" % j["timekeep"])
    now_truetime()


def tt_interval_ok(t, what):
    """A truetime object of now: an interval exactly when bounded."""
    bounded = t["status"] in ("synchronized", "free_running")
    keys = ("earliest_ns", "latest_ns", "earliest", "latest",
            "half_width_ns", "age_ns")
    if not bounded:
        return check(all(t[k] is None for k in keys),
                     "%s: no bound, yet %r" % (what, t))
    if not check(all(t[k] is not None for k in keys),
                 "%s: a bound with nulls: %r" % (what, t)):
        return False
    w = t["latest_ns"] - t["earliest_ns"]
    return (check(w >= 0 and t["half_width_ns"] == (w + 1) // 2,
                  "%s: width %d, half_width_ns %r" %
                  (what, w, t["half_width_ns"])) and
            check(rfc3339_ns(t["earliest"]) == t["earliest_ns"] and
                  rfc3339_ns(t["latest"]) == t["latest_ns"],
                  "%s: earliest/latest do not spell the ns: %r" % (what, t)))


def now_truetime():
    # This machine's own provider, whatever it is.
    j = run_json(["now", "--json"])
    if j:
        tt_interval_ok(j["truetime"], "now")
    p = run_ok(["now"])
    tline = [l for l in p.stdout.splitlines() if l.startswith("truetime")]
    if check(len(tline) == 1, "now: no truetime line: %r" % p.stdout) and j:
        check(j["truetime"]["provider"] in p.stdout,
              "now: the truetime line names no provider: %r" % tline)
    # A fresh ClockBound segment: 100 us + 50 ppm, centred on realtime.
    def fresh(env):
        before = time.time_ns()
        j = run_json(["now", "--json"], env=env)
        after = time.time_ns()
        if not j:
            return
        t = j["truetime"]
        check(t["provider"] == "clockbound" and
              t["status"] == "synchronized",
              "now with a fresh ClockBound segment: %r" % t)
        if tt_interval_ok(t, "now (clockbound)"):
            check(CB_BOUND_NS <= t["half_width_ns"] < CB_BOUND_NS + 10**6,
                  "now (clockbound): half width %d" % t["half_width_ns"])
            # Centred on CLOCK_REALTIME as read inside the run.
            check(t["earliest_ns"] <= after and t["latest_ns"] >= before,
                  "now (clockbound): [%d, %d] misses this test's "
                  "CLOCK_REALTIME [%d, %d]" %
                  (t["earliest_ns"], t["latest_ns"], before, after))
        p = run_ok(["now"], env=env)
        for word in ("truetime", "earliest", "latest"):
            check(re.search(r"^" + word + r"\s", p.stdout, re.M),
                  "now (clockbound): no %r line: %r" % (word, p.stdout))
        check("synchronized, \u00b1" in p.stdout and "clockbound" in
              p.stdout, "now (clockbound): %r" % p.stdout)
        fits(p.stdout, "now (clockbound)")
    with_segment(fresh)
    # A disrupted one: no bound, said so.
    def disrupted(env):
        j = run_json(["now", "--json"], env=env)
        if j:
            check(j["truetime"]["status"] == "disrupted" and
                  tt_interval_ok(j["truetime"], "now (disrupted)"),
                  "now (disrupted): %r" % j["truetime"])
        p = run_ok(["now"], env=env)
        check("disrupted: no bound is claimed" in p.stdout,
              "now (disrupted): %r" % p.stdout)
    with_segment(disrupted, status=3)


# ---- info ------------------------------------------------------------------

def t_info():
    p = run_ok(["info"])
    for word in ("kernel", "machine", "cpu", "counter", "clocksource",
                 "vdso", "sources", "chosen"):
        check(re.search(r"^\s*" + word, p.stdout, re.M),
              "info: no %r line" % word)
    freq = re.search(r"^frequency\s+(\S+) MHz", p.stdout, re.M)
    if freq and "%" in p.stdout.split("frequency", 1)[1].split("\n")[0]:
        check(re.match(r"^\d+\.\d$", freq.group(1)),
              "info: a frequency known to a percent is printed as %r" %
              freq.group(1))
    check("from measured" not in p.stdout and "+-" not in p.stdout,
          "info: old wording: %r" % p.stdout)

    j = run_json(["info", "--json"])
    if not j:
        return
    check(j["machine"]["kernel"]["release"] == os.uname().release or
          emulator, "info: kernel release %r, uname says %r" %
          (j["machine"]["kernel"]["release"], os.uname().release))
    v = j["vdso"]
    check(v["found"] == (len(v["symbols"]) > 0),
          "info: vdso.found %r with %d symbols" %
          (v["found"], len(v["symbols"])))
    src = j["sources"]
    chosen = [s for s in src if s["chosen"]]
    check(len(chosen) == 1, "info: %d sources chosen" % len(chosen))
    if chosen:
        check(chosen[0]["name"] == j["timekeep"]["source"],
              "info: chosen %r, timekeep.source %r" %
              (chosen[0]["name"], j["timekeep"]["source"]))
        check(chosen[0]["usable"] and chosen[0]["state"] == "chosen",
              "info: the chosen source %r" % chosen[0])
    check(src and src[-1]["name"] == "syscall" and src[-1]["usable"],
          "info: the last source is not a usable syscall")

    j = run_json(["info", "--json"], env={"TIMEKEEP_SOURCE": "syscall"})
    if j:
        check(j["timekeep"]["source"] == "syscall" and
              j["timekeep"]["requested_source"] == "syscall",
              "info under TIMEKEEP_SOURCE=syscall: %r" % j["timekeep"])
        for s in j["sources"]:
            if not s["usable"] and "skipped" in s["reason"]:
                check(s["state"] == "skipped",
                      "info: a source skipped by TIMEKEEP_SOURCE reads "
                      "%r" % s)
        check(j["ticks"] is not None and j["ticks"]["unit"] == "ns" and
              j["ticks"]["freq_hz"] == 10**9,
              "info under TIMEKEEP_SOURCE=syscall: ticks %r" % j["ticks"])
    info_truetime()


def info_truetime():
    j = run_json(["info", "--json"])
    if j:
        t = j["truetime"]
        names = [p["name"] for p in t["providers"]]
        check(names == ["vmclock", "clockbound", "fbclock", "adjtimex",
                        "none"], "info: providers %r" % names)
        chosen = [p["name"] for p in t["providers"] if p["chosen"]]
        check(chosen == [t["provider"]],
              "info: chosen %r, provider %r" % (chosen, t["provider"]))
        k = j["ticks"]
        check(k is not None and
              (k["unit"] == "ns" or k["freq_hz"] is not None),
              "info: ticks without a rate: %r" % k)
    p = run_ok(["info"])
    for word in ("ticks", "truetime", "  why", "providers"):
        check(re.search(r"^" + word + r"\s", p.stdout, re.M),
              "info: no %r line" % word)

    def fresh(env):
        j = run_json(["info", "--json"], env=env)
        if not j:
            return
        t = j["truetime"]
        f = {x["name"]: x["value"] for x in t["fields"]}
        check(t["provider"] == "clockbound" and t["path"] and
              t["path"].endswith("shm0") and t["status"] == "synchronized"
              and t["bound_ns"] == CB_BOUND_NS and
              t["drift_ppb"] == CB_DRIFT_PPB and
              t["max_age_ns"] == 5 * 10**9 and t["age_ns"] is not None,
              "info (clockbound): %r" % {k: v for k, v in t.items()
                                         if k != "fields"})
        check(f.get("bound_nsec") == CB_BOUND_NS and f.get("version") == 2
              and f.get("segsize") == 80 and f.get("magic[0]") ==
              0x414D5A4E, "info (clockbound): raw fields %r" % f)
        p = run_ok(["info"], env=env)
        for word in ("bound_nsec", "max_drift_ppb", "clockbound chosen",
                     "5 s"):
            check(word in p.stdout, "info (clockbound): no %r in %r" %
                  (word, p.stdout[-1500:]))
        fits(p.stdout, "info (clockbound)")
    with_segment(fresh)


# ---- bench -----------------------------------------------------------------

def t_bench():
    j = run_json(["bench", "--json"] + SHORT_BENCH)
    if j:
        bench_json(j)
    p = run_ok(["bench", "--rounds", "2", "--calls", "1000", "--samples",
                "50", "--threads", "1"])
    lines = p.stdout.splitlines()
    check(lines and re.match(r"^tk_nanotime: \d+\.\d\d \u00b1 \d+\.\d\d x "
                             r"(faster|slower) than ", lines[0]),
          "bench: the first line is no summary: %r" % lines[:1])
    head = "\n".join(lines[:12])
    for word in ("machine", "cpu", "kernel", "source"):
        check(re.search(r"^" + word + r"\s", head, re.M),
              "bench: the report's head names no %s: %r" % (word, head))
    check(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", head),
          "bench: the report's head has no date")
    check(re.search(r"^tk_nanotime\s+\d", p.stdout, re.M),
          "bench: no tk_nanotime row")
    flat = " ".join(p.stdout.split())
    check("Targets for the machine kind the project is measured on "
          "(2-vCPU KVM guest)" in flat and "This machine: a " in flat and
          "NOT MET" not in p.stdout,
          "bench: targets not labelled with their machine kind")
    p = run_ok(["bench", "--wide", "--rounds", "2", "--calls", "1000",
                "--samples", "50", "--threads", "1"])
    check(re.search(r"^candidate .*p99\.9", p.stdout, re.M),
          "bench --wide: no percentile columns")


def bench_json(j):
    check(j["method"]["rounds"] == 3, "bench: rounds %r" %
          j["method"]["rounds"])
    names = set()
    for r in j["results"]:
        n = r["name"]
        names.add(n)
        check(r["ns_per_call"] > 0 and
              r["min_ns"] <= r["q25_ns"] <= r["ns_per_call"] <=
              r["q75_ns"] <= r["max_ns"],
              "bench %s: rounds out of order %r" % (n, r))
        check(r["ratio_vdso"] is not None and r["ratio_vdso"] > 0,
              "bench %s: ratio_vdso %r" % (n, r["ratio_vdso"]))
        ps = [r["p50_ns"], r["p99_ns"], r["p999_ns"]]
        if ps[0] is not None:
            check(ps[0] <= ps[1] <= ps[2],
                  "bench %s: percentiles %r" % (n, ps))
        if r["id"] == "libc_mono":
            check(abs(r["ratio_vdso"] - 1) < 0.002,
                  "bench: the vDSO's own ratio is %r" % r["ratio_vdso"])
    want = {"tk_nanotime", "tk_nanotime_relaxed", "tk_walltime",
            "tk_clock_gettime(MONOTONIC)", "tk_clock_gettime(REALTIME)",
            "clock_gettime(MONOTONIC)", "clock_gettime(REALTIME)",
            "syscall(clock_gettime, MONOTONIC)"}
    check(want <= names, "bench: results lack %r" % sorted(want - names))
    ids = {r["id"] for r in j["results"]} | {o["id"] for o in j["omitted"]}
    check({"ctr_ordered", "ctr_relaxed"} <= ids,
          "bench: counter reads neither measured nor omitted with a note")
    lv = j["threads"]["levels"]
    check(len(lv) == 2, "bench --threads 2: levels %r" % lv)
    for i, t in enumerate(lv):
        check(t["threads"] == i + 1 and len(t["per_thread_ns"]) == i + 1,
              "bench threads level %d: %r" % (i, t))
    if lv:
        check(lv[0]["ratio_one_thread"] == 1, "bench: 1 thread's ratio %r" %
              lv[0]["ratio_one_thread"])
    s = j["summary"]
    if check(s is not None, "bench: no summary"):
        check(s["subject"] == "tk_nanotime" and s["text"].startswith(
            "tk_nanotime: "), "bench: summary %r" % s)
    check(j["targets"]["machine_kind"] == "2-vCPU KVM guest",
          "bench: targets %r" % j["targets"])


# ---- check -----------------------------------------------------------------

def t_check():
    p = run(["check", "--seconds", "1", "--json"])
    check(p.returncode in (0, 1), "check: exit %d, stderr %r" %
          (p.returncode, p.stderr[-300:]))
    j = parse_json(p.stdout, "check --json")
    if not j or not validate_doc(j, "check --json"):
        return
    check([c["name"] for c in j["checks"]] == CHECKS,
          "check: checks are %r" % [c["name"] for c in j["checks"]])
    fails = {c["name"]: c["detail"] for c in j["checks"]
             if c["status"] == "FAIL"}
    check(j["verdict"] == ("FAIL" if fails else "PASS"),
          "check: verdict %r with failures %r" % (j["verdict"], fails))
    check((p.returncode == 0) == (j["verdict"] == "PASS"),
          "check: exit %d with verdict %s" % (p.returncode, j["verdict"]))
    skew = fails.get("cpu skew")
    if skew is not None:
        # The platform's fault, reported as such: the figure and the
        # machine are named.  A monotonic failure may follow from it.
        print("note: cpu skew FAIL on this machine: %s" % skew)
        check(re.search(r"\d+ ns", skew) and
              ("guest" in skew or "machine" in skew),
              "check: cpu skew fails without a figure or platform: %r" %
              skew)
        fails.pop("cpu skew")
        fails.pop("monotonic", None)
    if not emulator:
        check(not fails, "check does not pass on this machine: %r" % fails)

    p = run(["check", "--seconds", "0.3"])
    lines = p.stdout.splitlines()
    check(lines and lines[-1] in ("verdict: PASS", "verdict: FAIL"),
          "check: last line %r" % lines[-1:])
    status = [i for i, l in enumerate(lines)
              if re.match(r"^(PASS|FAIL|SKIP|WARN)  \S", l)]
    check(len(status) == len(CHECKS), "check: %d status lines, not %d: %r"
          % (len(status), len(CHECKS), p.stdout))
    check(lines and lines[0].startswith("timekeep check, ") and
          re.search(r"^machine\s", p.stdout, re.M),
          "check: no head with the date and machine: %r" % lines[:3])
    for l in lines[status[0] if status else 0:-1]:
        check(re.match(r"^(PASS|FAIL|SKIP|WARN)  \S", l) or
              l.startswith(" " * 18),
              "check: line %r is neither a status nor its continuation" % l)

    check_truetime_own(j)
    check_truetime_forced()

    if emulator:
        return
    j = run_json(["check", "--seconds", "0.3", "--json"],
                 env={"TIMEKEEP_SOURCE": "syscall"})
    if j:
        st = {c["name"]: c["status"] for c in j["checks"]}
        check(j["timekeep"]["source"] == "syscall" and
              st.get("no syscall") == "SKIP",
              "check under TIMEKEEP_SOURCE=syscall: no syscall %r" %
              st.get("no syscall"))
        bad = [c for c in j["checks"] if c["status"] == "FAIL" and
               c["name"] not in ("cpu skew", "monotonic")]
        check(not bad, "check under TIMEKEEP_SOURCE=syscall: %r" % bad)


def tt_check(j):
    """The truetime check of a check --json document, and its findings
    as {id: level}."""
    c = [c for c in j["checks"] if c["name"] == "truetime"]
    if not check(len(c) == 1, "check: no truetime check"):
        return None, {}
    c = c[0]
    ids = {f["id"]: f["level"] for f in c.get("findings", [])}
    lv = set(ids.values())
    want = ("FAIL" if "failure" in lv else "WARN" if "warning" in lv
            else "PASS")
    check(c["status"] == want, "check truetime: status %s with findings %r"
          % (c["status"], ids))
    for f in c.get("findings", []):
        check(f["id"] in c["detail"], "check truetime: the detail does "
              "not name %s: %r" % (f["id"], c["detail"]))
    return c, ids


def check_truetime_own(j):
    """On this machine: no failure; an unsynchronised kernel is a named
    warning, which leaves the verdict PASS."""
    c, ids = tt_check(j)
    if c is None:
        return
    check(c["status"] in ("PASS", "WARN"),
          "check truetime fails on this machine: %r" % c)
    if "unsynchronised" in c["detail"]:
        check(ids.get("truetime.unsynchronised") == "warning",
              "check truetime: %r" % ids)


def check_truetime_forced():
    def run_tt(env):
        p = run(["check", "--seconds", "0.1", "--json"], env=env)
        j = parse_json(p.stdout, "check --json (%r)" % env)
        if not j or not validate_doc(j, "check --json (%r)" % env):
            return None, {}, p
        c, ids = tt_check(j)
        return c, ids, p

    def fresh(env):
        c, ids, p = run_tt(env)
        if c:
            check(c["status"] == "PASS" and not ids and
                  c["values"]["half_width_ns"] >= CB_BOUND_NS and
                  c["values"]["max_age_ns"] == 5e9,
                  "check truetime (fresh clockbound): %r" % c)

    def stale(env):
        c, ids, p = run_tt(env)
        if c:
            check(c["status"] == "WARN" and
                  ids.get("truetime.stale") == "warning" and
                  ids.get("truetime.free_running") == "warning",
                  "check truetime (clockbound 7 s old): %r" % c)
            check(p.returncode == 0 or emulator,
                  "check with a stale bound: exit %d, not 0 (a warning)" %
                  p.returncode)
        p = run(["check", "--seconds", "0.1"], env=env)
        check(re.search(r"^WARN  truetime\s", p.stdout, re.M),
              "check (stale) text: no WARN line: %r" % p.stdout[-600:])
        fits(p.stdout, "check (stale clockbound)")

    def disrupted(env):
        c, ids, p = run_tt(env)
        if c:
            check(c["status"] == "WARN" and
                  ids.get("truetime.disrupted") == "warning",
                  "check truetime (disrupted): %r" % c)

    with_segment(fresh)
    with_segment(stale, age_s=7)
    with_segment(disrupted, status=3)
    c, ids, p = run_tt({"TIMEKEEP_TRUETIME": "sundial"})
    if c:
        check(c["status"] == "WARN" and
              ids.get("truetime.forced") == "warning",
              "check truetime (TIMEKEEP_TRUETIME=sundial): %r" % c)
    c, ids, p = run_tt({"TIMEKEEP_TRUETIME": "none"})
    if c:
        check(c["status"] == "PASS" and ids == {"truetime.none": "note"},
              "check truetime (TIMEKEEP_TRUETIME=none): %r" % c)


# ---- width: everything fits 80 columns --------------------------------------

def t_width():
    for args in (["--help"], ["now", "--help"], ["info", "--help"],
                 ["bench", "--help"], ["check", "--help"], ["info"],
                 ["now", "--clock", "process_cputime_id"],
                 ["check", "--seconds", "0.3"],
                 ["bench"] + SHORT_BENCH):
        p = run(args)
        check(p.returncode in (0, 1), "%s: exit %d" % (args, p.returncode))
        fits(p.stdout, "timekeep " + " ".join(args))
    p = run(["info"], env={"TIMEKEEP_SOURCE": "vdso"})
    fits(p.stdout, "TIMEKEEP_SOURCE=vdso timekeep info")

    def bounded(env):
        for args in (["now"], ["info"], ["check", "--seconds", "0.1"]):
            p = run(args, env=env)
            fits(p.stdout, "timekeep %s (a stale ClockBound segment)" %
                 " ".join(args))
    with_segment(bounded, age_s=7)


# ---- progress: on a terminal only ------------------------------------------

def under_pty(args):
    """stdout and stderr of the tool run on a pseudo-terminal."""
    cmd = " ".join(shlex.quote(a) for a in emulator + [tool] + args)
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"],
                       capture_output=True, timeout=120,
                       env=env_for(None))
    return p.returncode, p.stdout.decode("utf-8", "replace")


def t_progress():
    if shutil.which("script") is None:
        skips.append("script(1) (util-linux) is not installed: no "
                     "pseudo-terminal to run under")
        return
    rc, out = under_pty(["check", "--seconds", "1"])
    check(rc in (0, 1), "check under a pty: exit %d" % rc)
    check("\r" in out and "\x1b[K" in out,
          "check under a pty: no redrawn line: %r" % out[:300])
    check(re.search(r"timekeep check: [a-z ]+ \(check \d of \d\); "
                    r"(about \d+ s|under a second) left", out),
          "check under a pty: no 'what, how far, time left': %r" % out[:300])
    # Each check's line is out before the next check's progress shows.
    first = re.search(r"(PASS|FAIL|SKIP)  source", out)
    later = out.find("monotonic (check 5 of")
    check(first and later > first.start(),
          "check under a pty: the source line did not come before the "
          "monotonic check ran: %r" % out[:400])
    calls = "20000" if emulator else "200000"  # qemu is slower
    rc, out = under_pty(["bench", "--rounds", "8", "--calls", calls,
                         "--samples", "100", "--threads", "2"])
    check(rc == 0, "bench under a pty: exit %d" % rc)
    check(re.search(r"timekeep bench: round [1-8]/8, ", out) and
          re.search(r"round [1-8]/8, [^\r]*; (about \d+ s|under a second) "
                    r"left", out),
          "bench under a pty: no round counter with time left: %r" %
          out[:300])
    for args in (["check", "--seconds", "0.3"], ["bench"] + SHORT_BENCH):
        p = run(args)
        check("\r" not in p.stderr and "\x1b" not in p.stderr and
              "\r" not in p.stdout,
              "%s in a pipe: progress escaped: %r" % (args, p.stderr[:200]))
        check(p.stderr == "", "%s in a pipe: stderr %r" %
              (args, p.stderr[:200]))


# ---- exports ---------------------------------------------------------------

CSV_COLS = ["id", "name", "kind", "threads", "ns_per_call", "spread_ns",
            "min_ns", "q25_ns", "q75_ns", "max_ns", "ratio_vdso",
            "ratio_counter", "ratio_one_thread", "p50_ns", "p99_ns",
            "p999_ns"]


def check_csv(text, what):
    rows = list(csv.reader(io.StringIO(text)))
    if not check(rows and rows[0] == CSV_COLS, "%s: header %r" %
                 (what, rows[:1])):
        return
    ids = [r[0] for r in rows[1:]]
    check("tk_nanotime" in ids and "threads_1" in ids,
          "%s: rows %r" % (what, ids))
    for r in rows[1:]:
        check(len(r) == len(CSV_COLS), "%s: row %r" % (what, r))
        for k, v in zip(CSV_COLS[4:], r[4:]):
            try:
                v == "" or float(v)
            except ValueError:
                check(False, "%s: %s=%r is no number" % (what, k, v))
    names = {r[0]: r[1] for r in rows[1:]}
    check(names.get("sys_mono") in (None,
                                    "syscall(clock_gettime, MONOTONIC)"),
          "%s: a name with a comma was not quoted: %r" % (what, names))


def check_markdown(text, what):
    tables, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cur.append(line)
        elif cur:
            tables.append(cur)
            cur = []
    check(len(tables) == 2, "%s: %d tables, not 2" % (what, len(tables)))
    for t in tables:
        cells = [len(l.strip().strip("|").split("|")) for l in t]
        check(len(t) >= 3 and len(set(cells)) == 1 and
              all(l.endswith("|") for l in t),
              "%s: a ragged table: %r" % (what, t[:3]))
        check(re.match(r"^\|(\s*:?-{3,}:?\s*\|)+$", t[1]),
              "%s: no separator row: %r" % (what, t[1]))
    check(tables and "`tk_nanotime`" in tables[0][2],
          "%s: tk_nanotime is not the first row" % what)
    check(re.search(r"\*\*tk_nanotime: [\d.]+ \u00b1 [\d.]+ \u00d7 "
                    r"(faster|slower) than", text),
          "%s: no summary line" % what)
    check("`timekeep bench " in text, "%s: no command" % what)


def t_export():
    d = tempfile.mkdtemp()
    try:
        md, cv = os.path.join(d, "b.md"), os.path.join(d, "b.csv")
        p = run_ok(["bench", "--export-markdown", md, "--export-csv", cv] +
                   SHORT_BENCH)
        check(os.path.exists(md) and os.path.exists(cv),
              "bench exports: files not written: %r" % p.stdout[-200:])
        if os.path.exists(cv):
            check_csv(open(cv, encoding="utf-8").read(), "--export-csv")
        if os.path.exists(md):
            check_markdown(open(md, encoding="utf-8").read(),
                           "--export-markdown")
        p = run_ok(["bench", "--export-csv", "-"] + SHORT_BENCH)
        check_csv(p.stdout, "--export-csv -")
        p = run_ok(["bench", "--export-markdown", "-"] + SHORT_BENCH)
        check_markdown(p.stdout, "--export-markdown -")
        p = run(["bench", "--export-csv", os.path.join(d, "no", "x.csv")] +
                SHORT_BENCH)
        check(p.returncode == 1 and "cannot write" in p.stderr,
              "bench --export-csv into a missing directory: exit %d %r" %
              (p.returncode, p.stderr))
    finally:
        shutil.rmtree(d)


# ---- plot ------------------------------------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def t_plot():
    d = tempfile.mkdtemp()
    try:
        svg = os.path.join(d, "b.svg")
        j = run_json(["bench", "--json", "--plot", svg] + SHORT_BENCH)
        if j:
            check_svg(open(svg, encoding="utf-8").read(), j, "--plot")
        p = run_ok(["bench", "--plot", "-"] + SHORT_BENCH)
        check(p.stdout.startswith("<?xml"), "--plot -: stdout is no SVG: "
              "%r" % p.stdout[:100])
        check_svg(p.stdout, j or {}, "--plot -")
        if shutil.which("rsvg-convert") is None:
            skips.append("rsvg-convert (Debian librsvg2-bin) is not "
                         "installed: the SVG was not rendered")
            return
        png = os.path.join(d, "b.png")
        r = subprocess.run(["rsvg-convert", svg, "-o", png],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and r.stderr == "",
              "rsvg-convert: exit %d: %r" % (r.returncode, r.stderr))
        if os.path.exists(png):
            head = open(png, "rb").read(24)
            check(head[:8] == b"\x89PNG\r\n\x1a\n" and
                  int.from_bytes(head[16:20], "big") >= 900,
                  "rsvg-convert wrote no PNG of the chart's width")
    finally:
        shutil.rmtree(d)


def check_svg(text, j, what):
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        check(False, "%s: not XML: %s" % (what, e))
        return
    check(root.tag == SVG_NS + "svg", "%s: root is %r" % (what, root.tag))
    check(root.find(SVG_NS + "title") is not None, "%s: no <title>" % what)
    texts = " ".join("".join(t.itertext()) for t in root.iter(SVG_NS + "text"))
    for r in j.get("results", []):
        check(r["name"] in texts, "%s: no label for %s" % (what, r["name"]))
    for word in ("faster than", "log scale", "Threads", "KVM" if
                 j.get("machine", {}).get("hypervisor") == "KVM" else "",
                 "clocksource", "Single-call latency"):
        check(word in texts, "%s: no %r in the text" % (what, word))


# ---- bench_clocks ----------------------------------------------------------

def t_bench_clocks():
    p = run_ok(["--rounds", "3", "--calls", "2000"])
    flat = " ".join(p.stdout.split())
    for word in ("cpu", "kernel", "source", "tk_nanotime",
                 "Targets for the machine kind the project is measured on "
                 "(2-vCPU KVM guest)", "This machine: a ",
                 "clock_gettime(MONOTONIC)", "2 threads"):
        check(word in flat, "bench_clocks: no %r in %r" %
              (word, p.stdout[:300]))
    check("NOT MET" not in p.stdout, "bench_clocks: a bare NOT MET")
    fits(p.stdout, "bench_clocks")
    p = run(["--rounds", "abc"])
    check(p.returncode == 2, "bench_clocks --rounds abc: exit %d" %
          p.returncode)


def main():
    global emulator, tool
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--emulator":
        emulator = args[1].split(";") if args[1] else []
        args = args[2:]
    if len(args) != 2:
        print("usage: cli_test.py [--emulator CMD] TOOL GROUP")
        return 2
    tool, group = args
    groups = {"usage": t_usage, "now": t_now, "info": t_info,
              "bench": t_bench, "check": t_check, "width": t_width,
              "progress": t_progress, "export": t_export, "plot": t_plot,
              "bench_clocks": t_bench_clocks}
    if group not in groups:
        print("unknown group %r" % group)
        return 2
    groups[group]()
    if failures:
        print("%d failure(s) in %s" % (len(failures), group))
        return 1
    if skips:
        print("SKIP: %s" % "; ".join(skips))
        return 77
    print("ok: %s" % group)
    return 0


if __name__ == "__main__":
    sys.exit(main())
