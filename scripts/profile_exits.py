"""Split armvisor's executed instructions by exit (scripts/profile-exits).

pcs: one executed instruction a line, "CPU PC" (PC in hex), guest and
armvisor interleaved, the CPUs too. On each CPU a run of armvisor PCs (at or
above armvisor's lowest symbol) is one exit, keyed by that CPU and the guest
PC that came before it (the trapping instruction)."""
import bisect
import collections
import subprocess
import sys


def symbols(elf):
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], capture_output=True,
                         text=True, check=True).stdout
    # Code symbols only (LTO leaves weak markers at small addresses).
    syms = [(int(a, 16), n) for a, t, n in (l.split()[:3] for l in out.splitlines()
                                            if len(l.split()) >= 3) if t in "tT"]
    return [a for a, _ in syms], syms


def name_of(addrs, syms, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else "?"


def main(pcs_file, hv_elf, guest_elf, top):
    haddrs, hsyms = symbols(hv_elf)
    gaddrs, gsyms = symbols(guest_elf)
    hv_low = haddrs[0]
    exits = collections.defaultdict(lambda: [0, collections.Counter()])
    cpus = {}  # CPU: [its last guest PC, its armvisor run so far]
    with open(pcs_file) as f:
        for line in f:
            try:
                cpu, text = line.split()
                pc = int(text, 16)
            except ValueError:
                continue
            st = cpus.setdefault(cpu, [None, None])
            if pc < hv_low:
                if st[1]:
                    e = exits[(cpu, st[0])]
                    e[0] += 1
                    e[1].update(st[1])
                st[0], st[1] = pc, None
            else:
                if st[1] is None:
                    st[1] = collections.Counter()
                st[1][pc] += 1
    # Function chains (outermost, the one inlined into it) by addr2line.
    allpcs = sorted({pc for _, c in exits.values() for pc in c})
    chain = {}
    for i in range(0, len(allpcs), 2000):
        part = allpcs[i:i + 2000]
        out = subprocess.run(["aarch64-linux-gnu-addr2line", "-a", "-f", "-i", "-s", "-e",
                              hv_elf] + ["%x" % p for p in part], capture_output=True,
                             text=True, check=True).stdout
        cur = None
        for l in out.splitlines():
            if l.startswith("0x"):
                cur = int(l, 16)
                chain[cur] = []
            else:
                chain[cur].append(l)
    several = len(cpus) > 1
    for (cpu, key), (n, c) in sorted(exits.items(), key=lambda kv: -sum(kv[1][1].values())):
        if n < 10 or key is None:
            continue
        total = sum(c.values())
        print("%sguest pc 0x%x (%s): %d exits, %.0f armvisor instructions each" %
              ("cpu %s " % cpu if several else "", key, name_of(gaddrs, gsyms, key), n,
               total / n))
        by = collections.Counter()
        for pc, k in c.items():
            fns = chain.get(pc, ["?"])[0::2]
            by[" > ".join(reversed(fns[-2:]))] += k
        for fn, k in by.most_common(top):
            print("  %7.1f  %s" % (k / n, fn))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
