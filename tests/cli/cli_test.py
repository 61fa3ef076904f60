#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# The timekeep tool end to end, one group of checks per ctest test:
#
#   cli_test.py [--emulator CMD] TOOL GROUP
#
# GROUP is usage, now, info, bench, check or bench_clocks (then TOOL is the
# bench_clocks binary).  Every --json output is parsed with the json module
# and checked for its keys and for sane values; the SVG is parsed as XML.
# Exit 0 pass, 1 fail (with the reason on stdout), 77 skip.  Under an
# emulator (qemu-user) the check verdict itself is not required to pass:
# seccomp and the vDSO differ there, so only the report's shape is checked.
import calendar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

SOURCES = {"freebsd", "tsc", "shm", "vdso", "syscall"}
RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z$")
CHECKS = {"source", "vdso", "clock ids", "monotonic", "offset", "realtime",
          "no syscall"}

emulator = []
tool = None
failures = []


def run(args, env=None, timeout=90):
    e = dict(os.environ)
    e.pop("TIMEKEEP_SOURCE", None)
    if env:
        e.update(env)
    p = subprocess.run(emulator + [tool] + args, capture_output=True,
                       text=True, timeout=timeout, env=e)
    return p


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


def run_json(args, env=None):
    p = run_ok(args, env)
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        check(False, "%s: not JSON (%s): %r" % (" ".join(args), e,
                                              p.stdout[:500]))
        return None


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def has_keys(obj, keys, where):
    if not check(isinstance(obj, dict), "%s is not an object" % where):
        return False
    missing = [k for k in keys if k not in obj]
    return check(not missing, "%s lacks %s" % (where, missing))


# ---- usage -----------------------------------------------------------------

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
    bad = [
        [],
        ["frob"],
        ["--frob"],
        ["help", "frob"],
        ["now", "--frob"],
        ["now", "-x"],
        ["now", "extra"],
        ["now", "--clock"],
        ["now", "--clock", "sundial"],
        ["info", "--bogus"],
        ["bench", "--rounds", "abc"],
        ["bench", "--rounds", "-1"],
        ["bench", "--rounds", "0"],
        ["bench", "--rounds"],
        ["bench", "--calls", "1e3"],
        ["bench", "--threads", "-2"],
        ["bench", "--plot"],
        ["check", "--seconds", "-1"],
        ["check", "--seconds", "abc"],
        ["check", "--seconds", "0"],
        ["check", "--seconds", "nan"],
        ["check", "--seconds"],
        ["check", "--frob"],
    ]
    for args in bad:
        p = run(args)
        what = "timekeep " + " ".join(args)
        check(p.returncode == 2, "%s: exit %d, not 2" % (what, p.returncode))
        lines = p.stderr.splitlines()
        check(len(lines) == 1 and lines[0].startswith("timekeep: "),
              "%s: stderr is not one 'timekeep: ' line: %r" %
              (what, p.stderr))
        check(p.stdout == "", "%s: wrote to stdout: %r" % (what, p.stdout))


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
    if not has_keys(j, ["source", "monotonic_ns", "realtime_ns",
                        "realtime"], "now --json"):
        return
    check(j["source"] in SOURCES, "now: source %r" % j["source"])
    check(is_int(j["monotonic_ns"]) and j["monotonic_ns"] > 0,
          "now: monotonic_ns %r" % j["monotonic_ns"])
    check(is_int(j["realtime_ns"]), "now: realtime_ns %r" % j["realtime_ns"])
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
    if has_keys(j, ["clock"], "now --clock boottime --json"):
        c = j["clock"]
        if has_keys(c, ["name", "ns"], "now --json clock"):
            check(c["name"] == "boottime" and is_int(c["ns"]) and
                  c["ns"] >= j["monotonic_ns"] - 10**9,
                  "now --clock boottime: %r" % c)

    j = run_json(["now", "--json"], env={"TIMEKEEP_SOURCE": "syscall"})
    if j:
        check(j["source"] == "syscall",
              "TIMEKEEP_SOURCE=syscall: source %r" % j["source"])


# ---- info ------------------------------------------------------------------

def t_info():
    p = run_ok(["info"])
    for word in ("kernel", "cpu", "counter", "clocksource", "vdso",
                 "sources", "chosen"):
        check(re.search(r"^\s*" + word, p.stdout, re.M),
              "info: no %r line" % word)

    j = run_json(["info", "--json"])
    if not has_keys(j, ["version", "kernel", "cpu", "counter",
                        "clocksource", "vdso", "freebsd_page", "sources",
                        "chosen"], "info --json"):
        return
    check(re.match(r"^\d+\.\d+\.\d+$", j["version"]),
          "info: version %r" % j["version"])
    if has_keys(j["kernel"], ["sysname", "release", "machine"],
                "info kernel"):
        check(j["kernel"]["release"] == os.uname().release or emulator,
              "info: kernel release %r, uname says %r" %
              (j["kernel"]["release"], os.uname().release))
    if has_keys(j["cpu"], ["vendor", "model", "count"], "info cpu"):
        check(is_int(j["cpu"]["count"]) and j["cpu"]["count"] >= 1,
              "info: cpu count %r" % j["cpu"]["count"])
    has_keys(j["counter"], ["measured_hz"], "info counter")
    if "freq_hz" in j["counter"]:
        check(is_int(j["counter"]["freq_hz"]) and
              isinstance(j["counter"]["freq_from"], str),
              "info: counter freq_hz/freq_from %r" % j["counter"])
    mhz = j["counter"]["measured_hz"]
    check(mhz is None or (is_num(mhz) and mhz > 0),
          "info: measured_hz %r" % mhz)
    if has_keys(j["clocksource"], ["current", "available"],
                "info clocksource"):
        check(isinstance(j["clocksource"]["available"], list),
              "info: clocksource.available is not a list")

    v = j["vdso"]
    if has_keys(v, ["found", "symbols"], "info vdso"):
        check(isinstance(v["found"], bool), "info: vdso.found %r" %
              v["found"])
        check(isinstance(v["symbols"], list), "info: vdso.symbols")
        check(sorted(v.keys()) == ["found", "symbols"],
              "info: vdso has keys %r" % sorted(v.keys()))
        check(v["found"] == (len(v["symbols"]) > 0),
              "info: vdso.found %r with %d symbols" %
              (v["found"], len(v["symbols"])))
        for s in v["symbols"]:
            if has_keys(s, ["name", "version", "offset"], "vdso symbol"):
                check(isinstance(s["name"], str) and s["name"],
                      "vdso symbol name %r" % s["name"])
                check(isinstance(s["version"], str),
                      "vdso symbol version %r" % s["version"])
                check(is_int(s["offset"]) and s["offset"] > 0,
                      "vdso symbol %s: offset %r is not a positive "
                      "integer" % (s["name"], s["offset"]))

    fp = j["freebsd_page"]
    if fp is not None:
        has_keys(fp, ["ver", "enabled", "algo", "current"], "freebsd_page")

    src = j["sources"]
    if check(isinstance(src, list) and src, "info: sources %r" % src):
        for s in src:
            if has_keys(s, ["name", "usable", "chosen", "reason"],
                        "info source"):
                check(isinstance(s["usable"], bool) and
                      isinstance(s["chosen"], bool),
                      "info source %r: usable/chosen not booleans" % s)
                check(isinstance(s["reason"], str) and s["reason"],
                      "info source %r: no reason" % s)
        chosen = [s for s in src if s.get("chosen")]
        check(len(chosen) == 1, "info: %d sources chosen" % len(chosen))
        if chosen:
            check(chosen[0]["name"] == j["chosen"],
                  "info: chosen %r, sources say %r" %
                  (j["chosen"], chosen[0]["name"]))
            check(chosen[0]["usable"], "info: chosen source is not usable")
        check(src[-1]["name"] == "syscall" and src[-1]["usable"],
              "info: the last source is not a usable syscall")

    j = run_json(["info", "--json"], env={"TIMEKEEP_SOURCE": "syscall"})
    if j:
        check(j["chosen"] == "syscall" and
              j["timekeep_source"] == "syscall",
              "info under TIMEKEEP_SOURCE=syscall: chosen %r" % j["chosen"])


# ---- bench -----------------------------------------------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def t_bench():
    fd, svg = tempfile.mkstemp(suffix=".svg")
    os.close(fd)
    try:
        args = ["bench", "--rounds", "3", "--calls", "2000", "--samples",
                "200", "--threads", "2", "--json", "--plot", svg]
        p = run_ok(args)
        check(p.stderr == "", "bench: a progress line went to a pipe: %r" %
              p.stderr[:200])
        try:
            j = json.loads(p.stdout)
        except ValueError as e:
            check(False, "bench --json: not JSON (%s)" % e)
            return
        bench_json(j)
        bench_svg(svg, j)
    finally:
        os.unlink(svg)

    p = run_ok(["bench", "--rounds", "2", "--calls", "1000", "--samples",
                "50", "--threads", "1"])
    head = p.stdout[:600]
    for word in ("cpu", "kernel", "source"):
        check(re.search(r"^" + word + r"\s", head, re.M),
              "bench: the table header names no %s: %r" % (word, head))
    check(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", head),
          "bench: the table header has no date")
    check(re.search(r"^tk_nanotime\s+\d", p.stdout, re.M),
          "bench: no tk_nanotime row")


def bench_json(j):
    if not has_keys(j, ["machine", "source", "rounds", "results",
                        "threads"], "bench --json"):
        return
    has_keys(j["machine"], ["cpu", "kernel", "release", "clocksource"],
             "bench machine")
    check(j["source"] in SOURCES, "bench: source %r" % j["source"])
    check(j["rounds"] == 3, "bench: rounds %r" % j["rounds"])
    names = set()
    for r in j["results"]:
        if not has_keys(r, ["name", "ns_per_call", "min", "max",
                            "ratio_vdso", "ratio_counter", "p50", "p99",
                            "p999"], "bench result"):
            continue
        n = r["name"]
        names.add(n)
        check(is_num(r["ns_per_call"]) and r["ns_per_call"] > 0,
              "bench %s: ns_per_call %r" % (n, r["ns_per_call"]))
        check(is_num(r["min"]) and is_num(r["max"]) and
              0 < r["min"] <= r["ns_per_call"] <= r["max"],
              "bench %s: min %r, median %r, max %r" %
              (n, r["min"], r["ns_per_call"], r["max"]))
        check(is_num(r["ratio_vdso"]) and r["ratio_vdso"] > 0,
              "bench %s: ratio_vdso %r" % (n, r["ratio_vdso"]))
        ps = [r["p50"], r["p99"], r["p999"]]
        if ps[0] is not None:
            check(all(is_num(x) and x >= 0 for x in ps) and
                  ps[0] <= ps[1] <= ps[2],
                  "bench %s: percentiles %r" % (n, ps))
        if n == "clock_gettime(MONOTONIC)":
            check(abs(r["ratio_vdso"] - 1) < 0.002,
                  "bench: the vDSO's own ratio is %r" % r["ratio_vdso"])
    want = {"tk_nanotime", "tk_nanotime_relaxed", "tk_walltime",
            "tk_clock_gettime(MONOTONIC)", "tk_clock_gettime(REALTIME)",
            "clock_gettime(MONOTONIC)", "clock_gettime(REALTIME)",
            "syscall(clock_gettime, MONOTONIC)"}
    check(want <= names, "bench: results lack %r" % sorted(want - names))
    counters = [n for n in names if n.startswith("counter ")]
    omitted = [o.get("name", "") for o in j.get("omitted", [])]
    check(len(counters) == 2 or any(o.startswith("counter ")
                                    for o in omitted),
          "bench: counter reads neither measured nor omitted with a note")
    th = j["threads"]
    check(isinstance(th, list) and len(th) == 2,
          "bench --threads 2: threads %r" % th)
    for i, t in enumerate(th):
        if has_keys(t, ["threads", "ns_per_call", "ratio"], "bench threads"):
            check(t["threads"] == i + 1, "bench threads[%d].threads %r" %
                  (i, t["threads"]))
            check(is_num(t["ns_per_call"]) and t["ns_per_call"] > 0,
                  "bench threads[%d].ns_per_call %r" % (i, t["ns_per_call"]))
            check(is_num(t["ratio"]) and t["ratio"] > 0,
                  "bench threads[%d].ratio %r" % (i, t["ratio"]))
            if "per_thread" in t:
                check(len(t["per_thread"]) == i + 1,
                      "bench threads[%d].per_thread %r" %
                      (i, t["per_thread"]))
    if th:
        check(th[0].get("ratio") == 1, "bench: 1 thread's ratio %r" %
              th[0].get("ratio"))


def bench_svg(path, j):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, "bench --plot: not XML: %s" % e)
        return
    check(root.tag == SVG_NS + "svg", "bench --plot: root is %r" % root.tag)
    check(root.find(SVG_NS + "title") is not None,
          "bench --plot: no <title>")
    texts = " ".join("".join(t.itertext()) for t in root.iter(SVG_NS + "text"))
    for r in j.get("results", []):
        check(r["name"] in texts, "bench --plot: no label for %s" %
              r["name"])
    for word in ("CPU:", "kernel:", "source:", "log scale"):
        check(word in texts, "bench --plot: no %r in the text" % word)


# ---- check -----------------------------------------------------------------

def t_check():
    p = run(["check", "--seconds", "1", "--json"])
    check(p.returncode in (0, 1), "check: exit %d, stderr %r" %
          (p.returncode, p.stderr[-300:]))
    try:
        j = json.loads(p.stdout)
    except ValueError as e:
        check(False, "check --json: not JSON (%s)" % e)
        return
    if not has_keys(j, ["verdict", "checks"], "check --json"):
        return
    fails = []
    for c in j["checks"]:
        if has_keys(c, ["name", "status", "detail"], "check entry"):
            check(c["status"] in ("PASS", "FAIL", "SKIP"),
                  "check %s: status %r" % (c["name"], c["status"]))
            check(isinstance(c["detail"], str) and c["detail"],
                  "check %s: no detail" % c["name"])
            if c["status"] == "FAIL":
                fails.append("%s: %s" % (c["name"], c["detail"]))
    check({c.get("name") for c in j["checks"]} == CHECKS,
          "check: checks are %r" % sorted(c.get("name") for c in
                                          j["checks"]))
    check(j["verdict"] == ("FAIL" if fails else "PASS"),
          "check: verdict %r with failures %r" % (j["verdict"], fails))
    check((p.returncode == 0) == (j["verdict"] == "PASS"),
          "check: exit %d with verdict %s" % (p.returncode, j["verdict"]))
    if not emulator:
        check(p.returncode == 0 and not fails,
              "check does not pass on this machine: %r" % fails)

    p = run(["check", "--seconds", "0.3"])
    lines = p.stdout.splitlines()
    check(lines and lines[-1] in ("verdict: PASS", "verdict: FAIL"),
          "check: last line %r" % lines[-1:])
    for l in lines[1:-1]:
        check(l.split()[0] in ("PASS", "FAIL", "SKIP"),
              "check: line %r has no status" % l)
    if not emulator:
        check(p.returncode == 0, "check --seconds 0.3: exit %d: %s" %
              (p.returncode, p.stdout))

    if emulator:
        return
    j = run_json(["check", "--seconds", "0.3", "--json"],
                 env={"TIMEKEEP_SOURCE": "syscall"})
    if j:
        st = {c.get("name"): c.get("status") for c in j["checks"]}
        check(j["source"] == "syscall" and st.get("no syscall") == "SKIP",
              "check under TIMEKEEP_SOURCE=syscall: source %r, no syscall "
              "%r" % (j["source"], st.get("no syscall")))
        check(j["verdict"] == "PASS",
              "check under TIMEKEEP_SOURCE=syscall: %r" % j["checks"])


# ---- bench_clocks ----------------------------------------------------------

def t_bench_clocks():
    p = run_ok(["--rounds", "3", "--calls", "2000"])
    for word in ("cpu", "kernel", "source", "tk_nanotime", "target",
                 "clock_gettime(MONOTONIC)", "2 threads"):
        check(word in p.stdout, "bench_clocks: no %r in %r" %
              (word, p.stdout[:300]))
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
              "bench": t_bench, "check": t_check,
              "bench_clocks": t_bench_clocks}
    if group not in groups:
        print("unknown group %r" % group)
        return 2
    groups[group]()
    if failures:
        print("%d failure(s) in %s" % (len(failures), group))
        return 1
    print("ok: %s" % group)
    return 0


if __name__ == "__main__":
    sys.exit(main())
