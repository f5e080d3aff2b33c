#!/usr/bin/env python3
"""Run a QEMU command line, capture its console, and check it.

usage: qemu_check.py [--timeout S] [--exit-status N] [--verdict STATUS]
                     [--expect REGEX]... [--reject REGEX]... [--same GROUP]...
                     [--send AFTER_REGEX TEXT]... -- CMD...

Every --expect must match the output, in the order given. No --reject may
match a line of the output other than the lines an --expect matched (so a
test can expect one "armvisor: error" line and still reject every other).
QEMU must exit by itself with status N (default 0): it is killed at the
timeout, and a hang fails. --send types TEXT (backslash escapes such as \\n
and \\r allowed) on QEMU's standard input, which -nographic / -serial stdio
connect to the guest's console, once AFTER_REGEX has matched the output
after the previous --send's match; without --send QEMU's stdin is
/dev/null. Prints the console so a failing ctest shows what the guest
said.

--same GROUP: the named group (?P<GROUP>...) must be captured by at least
two of the --expect matches, all with the same text: a count a guest
prints against the one armvisor prints, say.

--verdict STATUS: armvisor's own verdict, which no guest can forge. A fresh
random token goes into the hypervisor's bootargs (added to -append, or a
new -append), which only armvisor reads (lib/verdict.h); the output must
then hold exactly one "armvisor: verdict <token> halt STATUS" line, and no
verdict line with any other token (a guest trying its luck)."""
import argparse
import codecs
import os
import re
import secrets
import selectors
import subprocess
import sys
import time


def run(cmd, timeout, sends):
    """Run cmd, answering sends; return (output, exit status or None)."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if sends else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf = bytearray()
    pending = list(sends)
    pos = 0
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            p.wait()
            return buf.decode("utf-8", "replace"), None
        events = sel.select(min(left, 0.5))
        eof = False
        for key, _ in events:
            chunk = os.read(key.fileobj.fileno(), 65536)
            if chunk:
                buf += chunk
            else:
                eof = True
        while pending:
            rx, text = pending[0]
            m = re.compile(rx, re.M).search(buf.decode("utf-8", "replace"), pos)
            if not m:
                break
            pos = m.end()
            pending.pop(0)
            try:
                p.stdin.write(text.encode("utf-8"))
                p.stdin.flush()
            except BrokenPipeError:
                pass
        if eof:
            break
    try:
        status = p.wait(timeout=max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        status = None
    return buf.decode("utf-8", "replace"), status


VERDICT_ARG = "armvisor.verdict"
VERDICT_RX = re.compile(r"armvisor: verdict (\S+) halt (-?\d+)")


def add_verdict_token(cmd, token):
    """cmd with armvisor.verdict=<token> added to its -append (or a new one)."""
    cmd = list(cmd)
    word = f"{VERDICT_ARG}={token}"
    if "-append" in cmd:
        i = cmd.index("-append") + 1
        cmd[i] = f"{cmd[i]} {word}".strip()
    else:
        cmd += ["-append", word]
    return cmd


def check_verdict(out, token, status):
    """Error message, or None when out holds armvisor's verdict for status."""
    found = [(m.group(1), int(m.group(2))) for m in VERDICT_RX.finditer(out)]
    forged = [t for t, _ in found if t != token]
    if forged:
        return f"verdict line with a token that is not armvisor's: {forged[0]!r}"
    mine = [s for t, s in found if t == token]
    if len(mine) != 1:
        return f"{len(mine)} verdict lines from armvisor, expected 1"
    if mine[0] != status:
        return f"armvisor's verdict is halt {mine[0]}, expected halt {status}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--exit-status", type=int, default=0)
    ap.add_argument("--verdict", type=int, default=None, metavar="STATUS")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--same", action="append", default=[], metavar="GROUP")
    ap.add_argument("--send", nargs=2, action="append", default=[],
                    metavar=("AFTER_REGEX", "TEXT"))
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    sends = [(rx, codecs.decode(text, "unicode_escape")) for rx, text in a.send]
    token = secrets.token_hex(16) if a.verdict is not None else None
    if token:
        cmd = add_verdict_token(cmd, token)
    out, status = run(cmd, a.timeout, sends)
    sys.stdout.write(out)
    ok = True
    if token:
        why = check_verdict(out, token, a.verdict)
        if why:
            print(f"\nqemu_check: FAIL: {why}")
            ok = False
    if status is None:
        print(f"\nqemu_check: FAIL: no exit within {a.timeout}s")
        ok = False
    elif status != a.exit_status:
        print(f"\nqemu_check: FAIL: exit status {status}, expected {a.exit_status}")
        ok = False
    pos = 0
    expected_lines = set()
    captured = {}
    for rx in a.expect:
        m = re.compile(rx, re.M).search(out, pos)
        if not m:
            print(f"\nqemu_check: FAIL: expected /{rx}/ (after offset {pos}) not found")
            ok = False
            break
        first = out.count("\n", 0, m.start())
        last = out.count("\n", 0, max(m.end() - 1, m.start()))
        expected_lines.update(range(first, last + 1))
        for name, value in m.groupdict().items():
            if value is not None:
                captured.setdefault(name, []).append(value)
        pos = m.end()
    for name in a.same:
        values = captured.get(name, [])
        if len(values) < 2:
            print(f"\nqemu_check: FAIL: --same {name}: captured {len(values)} time(s), "
                  "expected at least 2")
            ok = False
        elif len(set(values)) != 1:
            print(f"\nqemu_check: FAIL: --same {name}: values differ: {values}")
            ok = False
    lines = out.split("\n")
    for rx in a.reject:
        r = re.compile(rx)
        for i, line in enumerate(lines):
            if i in expected_lines:
                continue
            m = r.search(line)
            if m:
                print(f"\nqemu_check: FAIL: rejected /{rx}/ found: {m.group(0)!r}")
                ok = False
                break
    print("qemu_check: PASS" if ok else "qemu_check: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
