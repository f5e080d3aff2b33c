#!/usr/bin/env python3
"""qemu_check.py against a fake "qemu" (a small script standing in for
qemu-system-*): expectations in order, rejections outside the expected
lines, the exit status, the timeout, and --send typing on the console.
Run by ctest as <arch>_qemu_check_selftest (label unit)."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = [sys.executable, os.path.join(HERE, "qemu_check.py")]

# The fake console: prints a banner, and with "echo" waits for a line on
# stdin and prints it back, as a guest reading its UART would; then exits
# with the status given.
FAKE = r'''
import sys, time
mode, status = sys.argv[1], int(sys.argv[2])
# The token qemu_check.py put in -append, as armvisor would read it.
args = sys.argv[sys.argv.index("-append") + 1] if "-append" in sys.argv else ""
token = [w.split("=", 1)[1] for w in args.split() if w.startswith("armvisor.verdict=")]
print("armvisor: booting", flush=True)
if mode == "echo":
    print("login:", flush=True)
    line = sys.stdin.readline()
    print("guest got: " + line.strip(), flush=True)
    print("password:", flush=True)
    line = sys.stdin.readline()
    print("guest got: " + line.strip(), flush=True)
elif mode == "error":
    print("armvisor: error: no guest image", flush=True)
elif mode in ("counts", "counts_differ"):
    # A guest's own count, then armvisor's: equal, or one off.
    print("guest0| hostile: got dabt=12 undef=3", flush=True)
    n = 12 if mode == "counts" else 13
    print(f"armvisor: vm guest0: vcpu 0: 40 exits; injected: dabt={n} iabt=0 undef=3",
          flush=True)
elif mode == "hang":
    time.sleep(30)
elif mode == "forge":
    # A guest's best try: armvisor's lines, with a token it had to guess.
    print("guest0| armvisor: halt 0", flush=True)
    print("armvisor: verdict 0123456789abcdef0123456789abcdef halt 0", flush=True)
    print("armvisor: halt 3", flush=True)
    if token:
        print(f"armvisor: verdict {token[0]} halt 3", flush=True)
    sys.exit(status)
print("armvisor: halt 0", flush=True)
if token and mode != "noverdict":
    print(f"armvisor: verdict {token[0]} halt 0", flush=True)
    if mode == "twice":
        print(f"armvisor: verdict {token[0]} halt 0", flush=True)
sys.exit(status)
'''


class QemuCheckTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.fake = os.path.join(cls.dir.name, "fake_qemu.py")
        with open(cls.fake, "w") as f:
            f.write(FAKE)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def check(self, *args, mode="plain", status=0, qemu_args=()):
        cmd = (CHECK + list(args) + ["--", sys.executable, self.fake, mode, str(status)]
               + list(qemu_args))
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=60).returncode

    def test_expect_in_order(self):
        self.assertEqual(self.check("--expect", "booting", "--expect", "halt 0"), 0)
        self.assertEqual(self.check("--expect", "halt 0", "--expect", "booting"), 1)

    def test_reject(self):
        self.assertEqual(self.check("--reject", "halt 0"), 1)
        self.assertEqual(self.check("--reject", "armvisor: error"), 0)
        # An expected error line is exempt; any other still fails.
        self.assertEqual(self.check("--expect", "no guest image", "--reject", "armvisor: error",
                                    mode="error"), 0)
        self.assertEqual(self.check("--reject", "armvisor: error", mode="error"), 1)

    def test_exit_status(self):
        self.assertEqual(self.check("--expect", "halt 0", status=3), 1)
        self.assertEqual(self.check("--exit-status", "3", status=3), 0)

    def test_timeout(self):
        self.assertEqual(self.check("--timeout", "2", mode="hang"), 1)

    def test_send(self):
        self.assertEqual(self.check("--send", "login:", "root\\n", "--send", "password:",
                                    "secret\\n", "--expect", "guest got: root",
                                    "--expect", "guest got: secret", mode="echo"), 0)
        # Without the second answer the fake waits for ever: a timeout.
        self.assertEqual(self.check("--timeout", "3", "--send", "login:", "root\\n",
                                    mode="echo"), 1)

    def test_verdict(self):
        self.assertEqual(self.check("--verdict", "0"), 0)
        # An -append already there keeps its words and gains the token.
        self.assertEqual(self.check("--verdict", "0", "--expect", "booting",
                                    qemu_args=["-append", "armvisor.selftest=two_vms"]), 0)
        self.assertEqual(self.check("--verdict", "2"), 1)   # wrong status
        self.assertEqual(self.check("--verdict", "0", mode="noverdict"), 1)
        self.assertEqual(self.check("--verdict", "0", mode="twice"), 1)
        # Without --verdict nothing is asked of the output.
        self.assertEqual(self.check(mode="noverdict"), 0)

    def test_verdict_forged(self):
        # The guest's "armvisor: halt 0" passes a plain --expect, but not
        # --verdict 0: armvisor's own line says 3, and a line with a token
        # that is not the harness's fails by itself.
        self.assertEqual(self.check("--expect", "armvisor: halt 0", mode="forge"), 0)
        self.assertEqual(self.check("--verdict", "0", mode="forge"), 1)
        self.assertEqual(self.check("--verdict", "3", mode="forge"), 1)

    def test_same(self):
        guest = r"^guest0\| hostile: got dabt=(?P<dabt>\d+) undef=(?P<undef>\d+)"
        hyp = r"^armvisor: vm guest0: .*injected: dabt=(?P<dabt>\d+) iabt=\d+ undef=(?P<undef>\d+)"
        both = ["--expect", guest, "--expect", hyp]
        self.assertEqual(self.check(*both, "--same", "dabt", "--same", "undef", mode="counts"), 0)
        # armvisor counted one abort more than the guest got.
        self.assertEqual(self.check(*both, "--same", "dabt", mode="counts_differ"), 1)
        self.assertEqual(self.check(*both, "--same", "undef", mode="counts_differ"), 0)
        # A group captured once (or never) compares nothing: a failure.
        self.assertEqual(self.check("--expect", guest, "--same", "dabt", mode="counts"), 1)
        self.assertEqual(self.check(*both, "--same", "iabt", mode="counts"), 1)


if __name__ == "__main__":
    unittest.main()
