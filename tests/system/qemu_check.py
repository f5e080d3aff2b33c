#!/usr/bin/env python3
"""Run a QEMU command line, capture its console, and check it.

usage: qemu_check.py [--timeout S] [--expect REGEX]... [--reject REGEX]... -- CMD...

Every --expect must match the output, in the order given; no --reject may
match anywhere. QEMU is killed at the timeout (a hang fails). Prints the
console so a failing ctest shows what the guest said."""
import argparse
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    timed_out = False
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=a.timeout)
        out = p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        timed_out = True
        out = (e.stdout or b"").decode("utf-8", "replace")
    sys.stdout.write(out)
    ok = True
    if timed_out:
        print(f"\nqemu_check: FAIL: no exit within {a.timeout}s")
        ok = False
    pos = 0
    for rx in a.expect:
        m = re.compile(rx, re.M).search(out, pos)
        if not m:
            print(f"\nqemu_check: FAIL: expected /{rx}/ (after offset {pos}) not found")
            ok = False
            break
        pos = m.end()
    for rx in a.reject:
        m = re.search(rx, out, re.M)
        if m:
            print(f"\nqemu_check: FAIL: rejected /{rx}/ found: {m.group(0)!r}")
            ok = False
    print("qemu_check: PASS" if ok else "qemu_check: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
