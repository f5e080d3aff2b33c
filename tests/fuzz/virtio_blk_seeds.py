#!/usr/bin/env python3
"""Write seed inputs for fuzz_virtio_blk (layout in tests/fuzz/fuzz_virtio_blk.c):
a read, a write, a flush, a GET_ID, a read past the capacity, a write to a
read-only disk, a chain with no status byte, an indirect read.
usage: virtio_blk_seeds.py OUTDIR"""
import os
import struct
import sys

RAM = 0x40000000
AVAIL = 0x4000
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4
HDR, DATA, STATUS = RAM + 0x6000, RAM + 0x8000, RAM + 0x7000


def image(flags, cap, descs, heads, extra=()):
    ram = bytearray(0x9000)
    for i, (addr, ln, fl, nxt) in enumerate(descs):
        struct.pack_into("<QIHH", ram, 16 * i, addr, ln, fl, nxt)
    for i, h in enumerate(heads):
        struct.pack_into("<H", ram, AVAIL + 4 + 2 * i, h)
    struct.pack_into("<H", ram, AVAIL + 2, len(heads))
    for off, blob in extra:
        ram[off:off + len(blob)] = blob
    return bytes([3, flags]) + struct.pack("<Q", cap) + bytes(ram).rstrip(b"\0")


def request(typ, sector, data_len, data_write, flags=0, cap=64, status=True):
    descs = [(HDR, 16, F_NEXT if (data_len or status) else 0, 1)]
    if data_len:
        descs.append((DATA, data_len, (F_WRITE if data_write else 0) | (F_NEXT if status else 0), 2))
    if status:
        descs.append((STATUS, 1, F_WRITE, 0))
    return image(flags, cap, descs, [0], extra=[(0x6000, struct.pack("<IIQ", typ, 0, sector))])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    indirect = (struct.pack("<QIHH", HDR, 16, F_NEXT, 1) +
                struct.pack("<QIHH", DATA, 512, F_WRITE | F_NEXT, 2) +
                struct.pack("<QIHH", STATUS, 1, F_WRITE, 0))
    seeds = {
        "read": request(0, 2, 1024, True),
        "write": request(1, 3, 512, False),
        "flush": request(4, 0, 0, False),
        "get_id": request(8, 0, 20, True),
        "past_capacity": request(0, 63, 1024, True),
        "write_read_only": request(1, 0, 512, False, flags=4),
        "no_status": request(0, 0, 512, False, status=False),
        "indirect_read": image(1, 64, [(RAM + 0x5800, 48, F_INDIRECT, 0)], [0],
                               extra=[(0x5800, indirect), (0x6000, struct.pack("<IIQ", 0, 0, 1))]),
    }
    for name, blob in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
