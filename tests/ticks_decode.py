#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A timebase record decoder written from docs/ticks.md, and its test.

The decoder (between the marker lines below) is printed in docs/ticks.md,
which must carry it verbatim: this test fails if the two drift apart.  It
needs nothing but the standard library.

    ticks_decode.py --writer PATH/test_timebase --dir DIR

runs `test_timebase --write DIR`, which writes records (made-up ones that
cover every case of the conversion, one exported by a live process when
ticks are the counter's, a damaged one) and, for each, what
tk_timebase_convert() answered for 2000 ticks.  Every tick must decode to
the same status, CLOCK_MONOTONIC and CLOCK_REALTIME ns, and the damaged
record must be refused.  Exit 0 when all agree, 1 otherwise, 77 (SKIP) when
the writer cannot run.

    ticks_decode.py RECORD TICKS...

decodes ticks with a record file and prints status, monotonic, realtime.
"""
import argparse
import glob
import os
import subprocess
import sys

# --- decoder begin
import struct

M64, HALF = (1 << 64) - 1, 1 << 63
EXACT, EXTRAPOLATED, CLAMPED = 0, 1, 2


def fnv1a(data, h=0xCBF29CE484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def s64(x):  # an unsigned 64-bit value as two's complement
    x &= M64
    return x - (1 << 64) if x & HALF else x


def mulhi(a, b):
    return (a * b) >> 64


class Seg:
    def __init__(self, raw, i, hcheck):
        (self.base, self.windup, self.mult, base_ns, real_ns, v_ns, off,
         self.flags, check) = struct.unpack("<QQQqqqIIQ", raw)
        if fnv1a(i.to_bytes(4, "little"), fnv1a(raw[:56], hcheck)) != check:
            raise ValueError("segment %d: bad check" % i)
        self.base_ns, self.real_ns, self.v = base_ns, real_ns, v_ns
        self.span = (self.windup - self.base) & M64
        if (self.span == 0 or self.span >= HALF or self.mult == 0
                or self.flags & ~1 or (i > 0 and self.flags)
                or (off != 0xFFFFFFFF and off >= self.span)):
            raise ValueError("segment %d: impossible" % i)
        self.exact = self.span if off == 0xFFFFFFFF else off
        self.k = (base_ns - mulhi(self.base & 0xFFFFFFFF, self.mult)) & M64

    def T(self, c):  # the hands' own formula
        return s64(self.k + mulhi(c & 0xFFFFFFFF, self.mult))

    def beyond(self, c):  # carried on past the start
        return s64(self.base_ns + mulhi((c - self.base) & M64, self.mult) + 1)

    def start(self):
        return min(self.v, self.base_ns)

    def inside(self, t):  # T, or V before every reader saw the hands
        d = (t - self.base) & M64
        if d >= self.exact:
            return self.T(t), EXACT
        return min(self.T(t), self.v), EXTRAPOLATED


def decode(buf):
    """The header and every segment checked: (header dict, segments)."""
    if len(buf) < 64:
        raise ValueError("truncated header")
    (magic, version, hsize, n, ssize, hz, kind, mono, real, pid, flags,
     check) = struct.unpack("<4sHHII Q8sqqIIQ", buf[:64])
    if (magic != b"TKTB" or version != 1 or hsize != 64 or ssize != 64
            or flags != 0):
        raise ValueError("not a version 1 record")
    hcheck = fnv1a(bytes(8), fnv1a(buf[:56]))
    if hcheck != check or n == 0 or 64 + 64 * n > len(buf):
        raise ValueError("bad header check or truncated")
    segs = [Seg(buf[64 + 64 * i:128 + 64 * i], i, hcheck) for i in range(n)]
    return dict(hz=hz, kind=kind.rstrip(b"\0").decode(), mono_ns=mono,
                real_ns=real, pid=pid), segs


def convert(segs, t):
    """Ticks t as (status, CLOCK_MONOTONIC ns, CLOCK_REALTIME ns)."""
    top = segs[-1]
    if (t - top.base) & M64 < HALF:  # at or after the newest start
        if (t - top.base) & M64 < top.span:
            m, st = top.inside(t)
        else:
            m, st = top.beyond(t), EXTRAPOLATED
        return st, m, s64(m + top.real_ns)
    back = (top.base - t) & M64
    for i in range(len(segs) - 1, -1, -1):  # newest first
        s = segs[i]
        if (top.base - s.base) & M64 < back:
            continue  # s starts after t
        if (t - s.base) & M64 < s.span:
            m, st = s.inside(t)
        else:  # a gap: linear from s's floor to the next start, <= its V
            nx, lo = segs[i + 1], s.beyond(s.windup)
            m, dc = lo, (nx.base - s.windup) & M64
            if nx.base_ns > lo and dc:
                dv = (nx.base_ns - lo) & M64
                m = s64(lo + ((t - s.windup) & M64) * dv // dc)
            m, st = min(m, nx.v), EXTRAPOLATED
        return st, m, s64(m + s.real_ns)
    s = segs[0]  # before the oldest: its start carried back, or clamped
    st = CLAMPED if s.flags & 1 else EXTRAPOLATED
    d = 0 if st == CLAMPED else mulhi((s.base - t) & M64, s.mult)
    m = -HALF if d >= s.start() + HALF else s.start() - d
    return st, m, s64(m + s.real_ns)
# --- decoder end


def decoder_source():
    with open(__file__) as f:
        text = f.read()
    a = text.index("# --- decoder begin\n") + len("# --- decoder begin\n")
    return text[a:text.index("# --- decoder end\n")]


def doc_matches(doc):
    """docs/ticks.md prints the decoder above, verbatim."""
    with open(doc) as f:
        return decoder_source() in f.read()


def check_case(rec, txt):
    with open(rec, "rb") as f:
        buf = f.read()
    try:
        _, segs = decode(buf)
    except ValueError:
        segs = None
    bad = 0
    with open(txt) as f:
        for line in f:
            t, st, m, r = (int(x) for x in line.split())
            if st < 0:
                if segs is not None and bad < 5:
                    print("%s: tick %d: the library refused the record, "
                          "the decoder did not" % (rec, t))
                bad += segs is not None
                continue
            got = convert(segs, t) if segs is not None else None
            if got != (st, m, r):
                if bad < 5:
                    print("%s: tick %d: library %s, decoder %s"
                          % (rec, t, (st, m, r), got))
                bad += 1
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writer")
    ap.add_argument("--dir")
    ap.add_argument("record", nargs="?")
    ap.add_argument("ticks", nargs="*", type=int)
    a = ap.parse_args()
    if a.record:
        with open(a.record, "rb") as f:
            hdr, segs = decode(f.read())
        print(hdr)
        for t in a.ticks:
            print(t, *convert(segs, t))
        return 0
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not doc_matches(os.path.join(top, "docs", "ticks.md")):
        print("docs/ticks.md does not carry this decoder verbatim")
        return 1
    os.makedirs(a.dir, exist_ok=True)
    for old in glob.glob(os.path.join(a.dir, "rec*")):
        os.remove(old)
    try:
        subprocess.run([a.writer, "--write", a.dir], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("SKIP: the writer did not run: %s" % e)
        return 77
    bad = n = 0
    for rec in sorted(glob.glob(os.path.join(a.dir, "rec*.bin"))):
        bad += check_case(rec, rec[:-4] + ".txt")
        n += 1
    print("ticks_decode: %d records, %s" % (n, "all ticks agree" if not bad
                                           else "%d disagree" % bad))
    return 1 if bad or n < 12 else 0


if __name__ == "__main__":
    sys.exit(main())
