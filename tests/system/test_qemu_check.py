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
elif mode == "hang":
    time.sleep(30)
print("armvisor: halt 0", flush=True)
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

    def check(self, *args, mode="plain", status=0):
        cmd = CHECK + list(args) + ["--", sys.executable, self.fake, mode, str(status)]
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


if __name__ == "__main__":
    unittest.main()
