#!/usr/bin/env python3
"""Write the fuzz_vm_package seeds: small inputs in the target's own form
(see fuzz_vm_package.c) for three accepted packages and one package per rule
vm_package_parse has, each breaking that rule only.

    vm_package_seeds.py OUTDIR
"""
import copy
import os
import struct
import sys

PAGE = 4096
RAM = 0x40000000
MIB = 1 << 20


class Pkg:
    def __init__(self, isa=0, proto=1):
        self.checksum = "skip"  # or "right" (computed here) or "wrong" (zero)
        self.big = False
        self.hdr = dict(magic=b"AVMPKG01", version=1, hdrsize=64, total=None, nsect=None,
                        flags=0, reserved=b"")
        self.cfg = dict(name=b"seed", ram_base=RAM, ram_size=16 * MIB, nvcpus=1, isa=isa,
                        kernel_ipa=RAM, entry=RAM, initrd_ipa=0, dtb_ipa=0, proto=proto,
                        reserved=0)
        # sections: [type, flags, offset, size, content bytes]
        self.sects = [[4, 0, PAGE, 96, None]]
        if proto == 1:
            self.kernel = self.arm64_header(text=0, image_size=PAGE)
        else:
            self.kernel = b"\x00\x00\xa0\xe1" * 16
        self.sects.append([1, 0, 2 * PAGE, 64, None])
        if proto != 0:
            self.dtb = struct.pack(">II", 0xD00DFEED, 40)
            self.sects.append([3, 0, 3 * PAGE, 64, None])
            self.cfg["dtb_ipa"] = RAM + MIB
        self.devices = None  # DEVICES entries (dicts, see dev()), or no section
        self.dev_count = None  # the count field, if not len(devices)
        self.dev_reserved = 0
        self.length = None  # blob length: end of the last section by default

    @staticmethod
    def arm64_header(text, image_size, flags=0, magic=0x644D5241):
        h = bytearray(64)
        struct.pack_into("<IIQQQ", h, 0, 0x14000010, 0, text, image_size, flags)
        struct.pack_into("<I", h, 56, magic)
        return bytes(h)

    def with_devices(self, devices):
        self.devices = devices
        size = 8 + 48 * len(devices)
        self.sects.append([5, 0, 5 * PAGE, size, None])

    def devices_blob(self):
        if self.devices is None:
            return b""
        count = self.dev_count if self.dev_count is not None else len(self.devices)
        out = struct.pack("<II", count, self.dev_reserved)
        for d in self.devices:
            out += struct.pack("<IIQQIIQQ", d["kind"], d["flags"], d["base"], d["size"], d["spi"],
                               d["disk"], d["first"], d["sectors"])
        return out

    def sect(self, typ):
        return next(s for s in self.sects if s[0] == typ)

    def encode(self):
        end = max(s[2] + s[3] for s in self.sects) if self.sects else 64
        length = self.length if self.length is not None else end
        big = self.big
        if length >= 2 * MIB:
            big, length = True, length - 2 * MIB
        assert length <= 0x7FFF, length
        h = self.hdr
        nsect = h["nsect"] if h["nsect"] is not None else len(self.sects)
        total = h["total"] if h["total"] is not None else (length + (2 * MIB if big else 0))
        head = h["magic"] + struct.pack("<IIQQII", h["version"], h["hdrsize"], total,
                                        h.get("sum", 0), nsect, h["flags"])
        head += h["reserved"].ljust(24, b"\0")
        table = b"".join(struct.pack("<IIQQ", t, f, o, n) for t, f, o, n, _ in self.sects)
        c = self.cfg
        name = c["name"][:32].ljust(32, b"\0")
        cfg = name + struct.pack("<QQIIQQQQII", c["ram_base"], c["ram_size"], c["nvcpus"],
                                 c["isa"], c["kernel_ipa"], c["entry"], c["initrd_ipa"],
                                 c["dtb_ipa"], c["proto"], c["reserved"])
        out = bytes([(1 if self.checksum == "skip" else 0) | (2 if big else 0)])
        out += struct.pack("<H", length)
        placed = []

        def rec(off, data):
            placed.append((off, data))
            r = b""
            while data:
                chunk, data = data[:255], data[255:]
                r += bytes([off // PAGE, off % PAGE, len(chunk)]) + chunk
                off += len(chunk)
            return r

        out += rec(0, head[:64])
        out += rec(64, table)
        contents = {4: cfg, 1: self.kernel, 3: getattr(self, "dtb", b""),
                    2: getattr(self, "initrd", b""), 5: self.devices_blob(),
                    6: getattr(self, "affinity", b""), 7: getattr(self, "sched", b"")}
        for t, _, o, n, data in self.sects:
            data = data if data is not None else contents.get(t, b"")
            if o % PAGE == 0 and 0 < o // PAGE < 16 and data:
                out += rec(o, data[:n] if t == 5 else data[:min(n, 255)])
        if self.checksum == "right":
            blob = bytearray(length + (2 * MIB if big else 0))
            for off, data in placed:
                blob[off:off + len(data)] = data[:max(0, len(blob) - off)]
            h = 0xCBF29CE484222325
            for i, byte in enumerate(blob[:min(total, len(blob))]):
                h ^= 0 if 24 <= i < 32 else byte
                h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
            self.hdr["sum"] = h
            self.checksum = "set"
            return self.encode()
        return out


seeds = {}


def seed(name, pkg):
    seeds[name] = pkg.encode()


def mut(base, fn):
    p = copy.deepcopy(base)
    fn(p)
    return p


A64 = Pkg()
A32 = Pkg(isa=1, proto=2)
RAW = Pkg(isa=0, proto=0)
RAW.initrd = b"initrd"
RAW.sects.append([2, 0, 3 * PAGE, 100, None])
RAW.cfg["initrd_ipa"] = RAM + 2 * MIB

seed("ok_a64_linux", A64)
seed("ok_a64_linux_checksum", mut(A64, lambda p: setattr(p, "checksum", "right")))
seed("ok_a32_linux", A32)
seed("ok_raw_initrd", RAW)
# The protocol is independent of the format: a raw A64 image (no Image magic)
# with the Linux arm64 registers, and a Linux arm kernel entered past its
# first byte (an ELF's entry point).
seed("ok_a64_linux_raw_image",
     mut(A64, lambda p: setattr(p, "kernel", Pkg.arm64_header(0, PAGE, magic=0))))
seed("ok_a32_linux_entry_inside", mut(A32, lambda p: p.cfg.update(entry=RAM + 4)))


def setf(d, **kw):
    def f(p):
        getattr(p, d).update(kw) if d in ("hdr", "cfg") else None
    return f


def cfg(**kw):
    return lambda p: p.cfg.update(kw)


def hdr(**kw):
    return lambda p: p.hdr.update(kw)


def sect(typ, **kw):
    idx = {"flags": 1, "off": 2, "size": 3}

    def f(p):
        s = p.sect(typ)
        for k, v in kw.items():
            s[idx[k]] = v
    return f


def drop(typ):
    return lambda p: p.sects.remove(p.sect(typ))


def attr(**kw):
    return lambda p: [setattr(p, k, v) for k, v in kw.items()]


def both(*fs):
    return lambda p: [f(p) for f in fs]


def initrd(ipa, size=100, off=4 * PAGE):
    def f(p):
        p.initrd = b"initrd"
        p.sects.append([2, 0, off, size, None])
        p.cfg["initrd_ipa"] = ipa
    return f


def affinity(count, masks, size=None):
    """An AFFINITY section (type 6): u32 count, then a u32 mask per vCPU."""
    def f(p):
        p.affinity = struct.pack("<I", count) + b"".join(struct.pack("<I", m) for m in masks)
        p.sects.append([6, 0, 4 * PAGE, size if size is not None else len(p.affinity), None])
    return f


seed("ok_a64_affinity", mut(A64, affinity(1, [0x05])))


def sched(slice_us, reserved=0, size=None):
    """A SCHED section (type 7): u32 time slice in microseconds, u32 reserved."""
    def f(p):
        p.sched = struct.pack("<II", slice_us, reserved)
        p.sects.append([7, 0, 6 * PAGE, size if size is not None else len(p.sched), None])
    return f


seed("ok_a64_sched", mut(A64, sched(2000)))
seed("ok_a64_sched_limits", mut(A64, both(sched(100), affinity(1, [0x01]))))
seed("ok_a64_sched_max", mut(A64, sched(1000000)))

refusals = {
    "short_header": (A64, attr(length=40)),
    "bad_magic": (A64, hdr(magic=b"XVMPKG01")),
    "bad_version": (A64, hdr(version=2)),
    "bad_hdrsize": (A64, hdr(hdrsize=65)),
    "total_small": (A64, hdr(total=10)),
    "total_large": (A64, hdr(total=4 * PAGE + 1)),
    "checksum": (A64, attr(checksum="wrong")),
    "hdr_flags": (A64, hdr(flags=1)),
    "hdr_reserved": (A64, hdr(reserved=b"\0\0\0\x01")),
    "nsect_zero": (A64, hdr(nsect=0)),
    "nsect_nine": (A64, hdr(nsect=9)),
    "table_past_end": (A64, both(hdr(nsect=8, total=200), attr(length=200))),
    "sect_type": (A64, sect(1, **{}) if False else lambda p: p.sect(1).__setitem__(0, 9)),
    "sect_duplicate": (A64, lambda p: p.sects.append([4, 0, 5 * PAGE, 96, None])),
    "sect_flags": (A64, sect(1, flags=1)),
    "sect_unaligned": (A64, sect(1, off=2 * PAGE + 8)),
    "sect_empty": (A64, sect(1, size=0)),
    "sect_over_table": (A64, sect(1, off=0)),
    "sect_past_end": (A64, both(sect(1, size=1 << 40), attr(length=4 * PAGE))),
    "sect_overlap": (A64, sect(3, off=2 * PAGE)),
    "no_config": (A64, drop(4)),
    "no_kernel": (A64, drop(1)),
    "config_size": (A64, sect(4, size=97)),
    "name_unprintable": (A64, cfg(name=b"se\x01d")),
    "name_empty": (A64, cfg(name=b"")),
    "name_unterminated": (A64, cfg(name=b"a" * 32)),
    "cfg_console": (A64, cfg(reserved=2)),  # the console field: 0 pl011, 1 virtio
    "ram_unaligned": (A64, cfg(ram_size=16 * MIB + 1)),
    "ram_zero": (A64, cfg(ram_size=0)),
    "ram_devices": (A64, cfg(ram_base=0x3FFFF000)),
    "ram_ipa_limit": (A64, cfg(ram_size=1 << 40)),
    "nvcpus": (A64, cfg(nvcpus=9)),
    "isa": (A64, cfg(isa=3)),
    "protocol": (A64, cfg(proto=3)),
    "arm64_needs_a64": (A64, cfg(isa=1)),
    "arm_needs_a32": (A64, cfg(proto=2)),
    "dtb_huge": (A64, both(sect(3, size=2 * MIB + 1), attr(length=3 * PAGE + 2 * MIB + 1))),
    "dtb_small": (A64, sect(3, size=39)),
    "dtb_magic": (A64, attr(dtb=struct.pack(">II", 0xD00DFEEE, 40))),
    "dtb_totalsize": (A64, attr(dtb=struct.pack(">II", 0xD00DFEED, 65))),
    "linux_needs_dtb": (A64, both(drop(3), cfg(dtb_ipa=0))),
    "kernel_below_ram": (A64, cfg(kernel_ipa=RAM - PAGE, entry=RAM - PAGE)),
    "image_small": (A64, sect(1, size=63)),
    "raw_linux_entry": (A64, both(attr(kernel=Pkg.arm64_header(0, PAGE, magic=0)),
                                  cfg(entry=RAM + 64))),
    "image_be": (A64, attr(kernel=Pkg.arm64_header(0, PAGE, flags=1))),
    "image_base_below": (A64, attr(kernel=Pkg.arm64_header(2 * MIB, PAGE))),
    "image_base_unaligned": (A64, cfg(kernel_ipa=RAM + PAGE, entry=RAM + PAGE)),
    "image_entry": (A64, cfg(entry=RAM + 4)),
    "kernel_beyond_ram": (A64, attr(kernel=Pkg.arm64_header(0, 32 * MIB))),
    "initrd_unaligned": (A64, initrd(RAM + 2 * MIB + 8)),
    "initrd_outside": (A64, initrd(RAM + 32 * MIB)),
    "initrd_on_kernel": (A64, initrd(RAM)),
    "initrd_ipa_alone": (A64, cfg(initrd_ipa=RAM + 2 * MIB)),
    "dtb_unaligned": (A64, cfg(dtb_ipa=RAM + MIB + 4)),
    "dtb_outside": (A64, cfg(dtb_ipa=RAM + 32 * MIB)),
    "dtb_on_kernel": (A64, cfg(dtb_ipa=RAM + 8)),
    "dtb_on_initrd": (A64, both(initrd(RAM + 2 * MIB), cfg(dtb_ipa=RAM + 2 * MIB + 8))),
    "dtb_ipa_alone": (RAW, cfg(dtb_ipa=RAM + MIB)),
    "a32_above_4g": (Pkg(isa=1, proto=0), cfg(ram_base=0xFFE00000, ram_size=4 * MIB,
                                              kernel_ipa=1 << 32, entry=1 << 32)),
    "entry_misaligned": (RAW, cfg(entry=RAM + 2)),
    "entry_outside": (RAW, cfg(entry=RAM + 64)),
    "arm_entry": (A32, cfg(entry=RAM + 64)),
    "arm_beyond_128m": (A32, cfg(ram_size=256 * MIB, kernel_ipa=RAM + 128 * MIB,
                                 entry=RAM + 128 * MIB)),
    "affinity_short": (A64, affinity(1, [], size=3)),
    "affinity_count": (A64, affinity(2, [1, 1])),
    "affinity_size": (A64, affinity(1, [1, 1])),
    "affinity_empty_mask": (A64, affinity(1, [0])),
    "affinity_cpu_beyond": (A64, affinity(1, [0x100])),
    "sched_size": (A64, sched(2000, size=12)),
    "sched_reserved": (A64, sched(2000, reserved=1)),
    "sched_slice_short": (A64, sched(99)),
    "sched_slice_long": (A64, sched(1000001)),
    "sched_slice_zero": (A64, sched(0)),
}
# The DEVICES section (type 5): kinds 1 pl011, 2 virtio-console, 3 virtio-blk;
# flags 1 read-only, 2 console input.
def dev(kind, slot=0, **kw):
    d = dict(kind=kind, flags=0, base=0x0A000000 + 0x200 * slot, size=0x200, spi=16 + slot,
             disk=0, first=0, sectors=0)
    if kind == 1:
        d.update(base=0x09000000, size=0x1000, spi=1)
    d.update(kw)
    return d


DEVS = mut(A64, lambda p: p.with_devices([dev(1, flags=2), dev(2, 0),
                                          dev(3, 1, flags=1, disk=1, first=10, sectors=20)]))
seed("ok_devices", DEVS)
seed("ok_devices_virtio_console_input",
     mut(A64, lambda p: p.with_devices([dev(1), dev(2, 0, flags=2), dev(3, 2)])))


def devf(i, **kw):
    return lambda p: p.devices[i].update(kw)


refusals.update({
    "dev_short": (DEVS, sect(5, size=4)),
    "dev_count": (DEVS, attr(dev_count=0)),
    "dev_reserved": (DEVS, attr(dev_reserved=1)),
    "dev_size_mismatch": (DEVS, attr(dev_count=2)),
    "dev_kind": (DEVS, devf(1, kind=9)),
    "dev_flags": (DEVS, devf(1, flags=8)),
    "dev_window": (DEVS, devf(2, size=0x1000)),
    "dev_align": (DEVS, devf(2, base=0x0A000300)),
    "dev_below_ram": (DEVS, devf(2, base=0x40000000)),
    "dev_gic": (DEVS, devf(0, base=0x08010000)),
    "dev_spi": (DEVS, devf(2, spi=96)),
    "dev_ro": (DEVS, devf(0, flags=1)),
    "dev_console_flag": (DEVS, devf(2, flags=2)),
    "dev_backing": (DEVS, devf(1, disk=1)),
    "dev_disk_index": (DEVS, devf(2, disk=8)),
    "dev_sectors": (DEVS, devf(2, first=1 << 54)),
    "dev_overlap": (DEVS, devf(2, base=0x0A000000)),
    "dev_spi_shared": (DEVS, devf(2, spi=16)),
    "dev_too_many": (DEVS, devf(1, kind=1, base=0x09001000, size=0x1000)),
    "dev_two_consoles": (DEVS, devf(1, flags=2)),
    "dev_cfg_console": (DEVS, cfg(reserved=1)),
})

for name, (base, fn) in refusals.items():
    seed("refuse_" + name, mut(base, fn))

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(data)
