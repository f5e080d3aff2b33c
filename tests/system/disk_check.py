#!/usr/bin/env python3
"""Run a Linux disk test under armvisor and check the disk image afterwards.

usage: disk_check.py --mode rw|ro|fsck --template IMG --work IMG -- CHECK_CMD...

CHECK_CMD is the qemu_check.py command line the test would run (it checks
the console, armvisor's verdict, QEMU's exit); every @DISK@ in it becomes
the work image, a fresh copy of the template (a scripts/mkdisk image) made
before the first boot. Then, by mode:

  rw    the first boot must say "disk wrote /mnt/data N bytes, sha256 S";
        the image must pass e2fsck -fn (nothing to fix) and the file read
        out of it with debugfs must have sha256 S; a second boot must say
        "disk read /mnt/data N bytes, sha256 S", and the image stays clean;
  ro    the image (every byte) must be the same after the boot as before,
        and clean;
  fsck  the image must be clean after the boot.

Prints the console of every boot and a "disk_check:" line per check; exits
non-zero at the first that fails."""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

SBIN = os.pathsep.join(["/usr/sbin", "/sbin"])
REPORT = re.compile(r"armvisor-linux: disk (wrote|read) /mnt/data (\d+) bytes, sha256 ([0-9a-f]{64})")


def fail(why):
    print(f"disk_check: FAIL: {why}", flush=True)
    sys.exit(1)


def tool(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + os.pathsep + SBIN)
    if not path:
        fail(f"{name} not found (Debian package e2fsprogs)")
    return path


def boot(cmd, work, what):
    """One run of the qemu_check command; its console; fails the test if it fails."""
    print(f"disk_check: boot ({what})", flush=True)
    p = subprocess.run([a.replace("@DISK@", work) for a in cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    sys.stdout.write(out)
    if p.returncode != 0:
        fail(f"the {what} boot failed its console checks (status {p.returncode})")
    return out


def report(out, op, what):
    m = [r for r in REPORT.findall(out) if r[0] == op]
    if len(m) != 1:
        fail(f"the {what} boot did not say 'disk {op} /mnt/data ... sha256' once")
    return int(m[0][1]), m[0][2]


def fsck_clean(work):
    p = subprocess.run([tool("e2fsck"), "-fn", work], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    sys.stdout.write(p.stdout.decode("utf-8", "replace"))
    if p.returncode != 0:
        fail(f"e2fsck -fn found the file system not clean (status {p.returncode})")
    print("disk_check: e2fsck -fn: clean", flush=True)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def debugfs_sha256(work, name):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "file")
        subprocess.run([tool("debugfs"), "-R", f"dump {name} {out}", work],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not os.path.exists(out):
            fail(f"debugfs could not read {name} out of the image")
        return os.path.getsize(out), sha256_file(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["rw", "ro", "fsck"], required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not any("@DISK@" in c for c in cmd):
        fail("the command line has no @DISK@ for the image")
    shutil.copyfile(a.template, a.work)

    if a.mode == "rw":
        size, sha = report(boot(cmd, a.work, "writing"), "wrote", "writing")
        fsck_clean(a.work)
        hsize, hsha = debugfs_sha256(a.work, "/data")
        if (hsize, hsha) != (size, sha):
            fail(f"/data in the image: {hsize} bytes sha256 {hsha}; the guest wrote {size} "
                 f"bytes sha256 {sha}")
        print(f"disk_check: /data read with debugfs: {hsize} bytes, sha256 {hsha}: "
              "the guest's", flush=True)
        size2, sha2 = report(boot(cmd, a.work, "reading"), "read", "reading")
        if (size2, sha2) != (size, sha):
            fail(f"the second boot read {size2} bytes sha256 {sha2}, not what it wrote")
        print("disk_check: the second boot read back what the first wrote", flush=True)
        fsck_clean(a.work)
    elif a.mode == "ro":
        before = sha256_file(a.work)
        boot(cmd, a.work, "read-only")
        after = sha256_file(a.work)
        if after != before:
            fail(f"the read-only image changed: sha256 {before} before, {after} after")
        print(f"disk_check: image unchanged (sha256 {after})", flush=True)
        fsck_clean(a.work)
    else:
        boot(cmd, a.work, "shell")
        fsck_clean(a.work)
    print("disk_check: ok", flush=True)


if __name__ == "__main__":
    main()
