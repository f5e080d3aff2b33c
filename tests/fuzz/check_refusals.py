#!/usr/bin/env python3
"""Run fuzz_vm_package once on each seed (AV_FUZZ_WHY set: it prints what the
parser said) and check the seeds reach every refusal in src/core/vm_package.c
and at least one accepted package. Exit 1 and name the missing ones if not.

    check_refusals.py FUZZ_TARGET SEED_DIR VM_PACKAGE_C
"""
import os
import re
import subprocess
import sys

target, seed_dir, source = sys.argv[1:4]
# The one refusal the target cannot reach: its blob is never NULL.
UNREACHABLE = {"no blob"}

text = open(source).read()
wanted = {bytes(m, "ascii").decode("unicode_escape")
          for m in re.findall(r'REFUSE\("((?:[^"\\]|\\.)*)"\)', text)} - UNREACHABLE
seeds = sorted(os.path.join(seed_dir, f) for f in os.listdir(seed_dir))
run = subprocess.run([target, "-runs=1"] + seeds, env=dict(os.environ, AV_FUZZ_WHY="1"),
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if run.returncode != 0:
    print(run.stdout)
    sys.exit("the target failed on a seed")
said = set(re.findall(r"^vm_package: (.*)$", run.stdout, re.M))
missing = sorted(wanted - said)
print(f"{len(seeds)} seeds, {len(wanted)} refusals in {os.path.basename(source)}, "
      f"{len(wanted & said)} reached")
if "accepted" not in said:
    missing.append("accepted")
for m in missing:
    print("not reached:", m)
sys.exit(1 if missing else 0)
