#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Call timekeep from Python through ctypes.

    python3 timekeep_ctypes.py [--lib PATH] [--calls N] [--check]

Loads libtimekeep.so (PATH, else $TIMEKEEP_LIB, else the one the loader
finds: ctypes.util.find_library("timekeep")), declares the prototypes, reads
the clocks and times the calls.  --check also verifies the results and
exits 1 if one is wrong (the test suite runs it so).

The one thing to get right is the prototypes.  ctypes assumes every
function returns a C int: without `restype = c_int64`, tk_nanotime()'s
64-bit nanoseconds come back cut to their low 32 bits, a number that wraps
every 4.3 seconds.  Strings come back as bytes (c_char_p); out-parameters
are passed with byref().

What it costs: a ctypes call goes through libffi and builds a Python int,
which takes far longer than the clock read itself.  On a 2-vCPU KVM guest
(Xeon, Linux 6.18, Python 3.11, source tsc) lib.tk_nanotime() took 141 ns
per call and time.monotonic_ns() 64 ns; in C, tk_nanotime() takes about
20 ns there.  So from Python, time.monotonic_ns() is the faster way to
read CLOCK_MONOTONIC, the same clock.  The script prints both on your
machine.  Calling through ctypes is worth it for what Python does not
have: tk_source(), or the same clock reads a C program uses.
"""
import argparse
import ctypes
import ctypes.util
import os
import sys
import time

c_int64 = ctypes.c_int64
c_int32 = ctypes.c_int32


def load(path=None):
    """Open libtimekeep and declare the prototypes used here."""
    name = path or os.environ.get("TIMEKEEP_LIB") or \
        ctypes.util.find_library("timekeep")
    if not name:
        raise OSError("libtimekeep not found: pass --lib PATH or set "
                      "TIMEKEEP_LIB (or install it and run ldconfig)")
    lib = ctypes.CDLL(name)
    lib.tk_nanotime.argtypes = []
    lib.tk_nanotime.restype = c_int64          # not the default C int
    lib.tk_nanotime_relaxed.argtypes = []
    lib.tk_nanotime_relaxed.restype = c_int64
    lib.tk_walltime.argtypes = [ctypes.POINTER(c_int64),
                                ctypes.POINTER(c_int32)]
    lib.tk_walltime.restype = None
    lib.tk_source.argtypes = []
    lib.tk_source.restype = ctypes.c_char_p
    lib.tk_version.argtypes = []
    lib.tk_version.restype = ctypes.c_char_p
    return lib


def walltime(lib):
    """CLOCK_REALTIME as (seconds, nanoseconds)."""
    sec, nsec = c_int64(), c_int32()
    lib.tk_walltime(ctypes.byref(sec), ctypes.byref(nsec))
    return sec.value, nsec.value


def per_call_ns(fn, calls):
    """Median over 5 runs of the time per call of fn(), in ns."""
    runs = []
    for _ in range(5):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        runs.append((time.perf_counter_ns() - t0) / calls)
    return sorted(runs)[2]


def check(lib):
    """The answers agree with Python's own clocks; a list of problems."""
    bad = []
    # One microsecond of slack: the reads are a Python call apart.
    a = time.monotonic_ns()
    t = lib.tk_nanotime()
    b = time.monotonic_ns()
    if not a - 1000 <= t <= b + 1000:
        bad.append("tk_nanotime() %d is outside [%d, %d] "
                   "(time.monotonic_ns)" % (t, a, b))
    if t < 2**32 and a >= 2**32:
        bad.append("tk_nanotime() looks cut to 32 bits: is restype set?")
    r = lib.tk_nanotime_relaxed()
    if r < t:
        bad.append("tk_nanotime_relaxed() %d went back from %d" % (r, t))
    a = time.time_ns()
    sec, nsec = walltime(lib)
    b = time.time_ns()
    w = sec * 10**9 + nsec
    if not 0 <= nsec < 10**9 or not a - 10**6 <= w <= b + 10**6:
        bad.append("tk_walltime() %d.%09d is outside time.time_ns()'s "
                   "[%d, %d]" % (sec, nsec, a, b))
    if lib.tk_source().decode() not in ("freebsd", "tsc", "vdso", "syscall"):
        bad.append("tk_source() says %r" % lib.tk_source())
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", help="path of libtimekeep.so")
    ap.add_argument("--calls", type=int, default=200000,
                    help="calls per timing run (default 200000)")
    ap.add_argument("--check", action="store_true",
                    help="verify the results; exit 1 if one is wrong")
    args = ap.parse_args()
    lib = load(args.lib)

    print("timekeep %s, source %s" % (lib.tk_version().decode(),
                                      lib.tk_source().decode()))
    print("tk_nanotime()          %d ns" % lib.tk_nanotime())
    sec, nsec = walltime(lib)
    print("tk_walltime()          %d.%09d s" % (sec, nsec))
    print("per call, from Python (ctypes overhead included):")
    for name, fn in (("lib.tk_nanotime()", lib.tk_nanotime),
                     ("lib.tk_nanotime_relaxed()", lib.tk_nanotime_relaxed),
                     ("time.monotonic_ns()", time.monotonic_ns),
                     ("time.perf_counter_ns()", time.perf_counter_ns)):
        print("  %-26s %7.1f ns" % (name, per_call_ns(fn, args.calls)))

    if args.check:
        bad = check(lib)
        for b in bad:
            print("FAIL: " + b)
        print("FAIL" if bad else "PASS: the ctypes calls agree with "
              "Python's clocks")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
