#!/usr/bin/env python3
"""Write seed inputs for fuzz_virtqueue (layout in tests/fuzz/fuzz_virtqueue.c):
a good chain, an indirect table, a loop, a nested indirect table, an avail
index that jumps past the queue size, a buffer outside RAM.
usage: virtqueue_seeds.py OUTDIR"""
import os
import struct
import sys

RAM = 0x40000000
DESC, AVAIL, USED = 0x0000, 0x4000, 0x5000
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4


def image(size_log2, flags, descs, avail_heads, avail_idx=None, extra=()):
    ram = bytearray(0x8000)
    for i, (addr, ln, fl, nxt) in enumerate(descs):
        struct.pack_into("<QIHH", ram, DESC + 16 * i, addr, ln, fl, nxt)
    for i, h in enumerate(avail_heads):
        struct.pack_into("<H", ram, AVAIL + 4 + 2 * i, h)
    idx = len(avail_heads) if avail_idx is None else avail_idx
    struct.pack_into("<H", ram, AVAIL + 2, idx)
    for off, blob in extra:
        ram[off:off + len(blob)] = blob
    return bytes([size_log2, flags, 0, 0]) + bytes(ram).rstrip(b"\0")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    buf = RAM + 0x7000
    indirect_table = struct.pack("<QIHH", buf, 16, F_NEXT, 1) + struct.pack("<QIHH", buf + 16, 16, F_WRITE, 0)
    nested = struct.pack("<QIHH", RAM + 0x6000, 16, F_INDIRECT, 0)
    seeds = {
        "good_chain": image(3, 0, [(buf, 16, F_NEXT, 1), (buf + 16, 32, F_WRITE, 0)], [0]),
        "indirect": image(3, 1, [(RAM + 0x6000, 32, F_INDIRECT, 0)], [0],
                          extra=[(0x6000, indirect_table)]),
        "loop": image(3, 0, [(buf, 8, F_NEXT, 1), (buf, 8, F_NEXT, 0)], [0]),
        "nested_indirect": image(3, 1, [(RAM + 0x6000, 16, F_INDIRECT, 0)], [0],
                                 extra=[(0x6000, nested)]),
        "avail_jump": image(3, 0, [(buf, 8, 0, 0)], [0], avail_idx=200),
        "outside_ram": image(3, 3, [(0xfffffffffffff000, 0x2000, F_WRITE, 0)], [0]),
    }
    for name, blob in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
