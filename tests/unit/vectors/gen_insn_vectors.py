#!/usr/bin/env python3
"""Turn an instruction table (a64.txt, a32.txt, t32.txt) into a C header of
test vectors whose encodings come from a real assembler.

Each table line is "<assembly> | <expected fields>". Every instruction is
assembled into its own section (.v<N>), so the bytes and the length of each
one are read back from the object file without any knowledge of the
encoding. The expected fields come only from the table.

Expected-field tokens:
  undef | unpred              decoder must refuse (INSN_UNDECODABLE /
                              INSN_UNPREDICTABLE)
  ld | st                     direction
  size=N                      bytes per register
  sx, x64                     sign-extend; A64 64-bit destination
  rt=N rt2=N rn=N             registers (rt2 implies a pair); sp, pc, xzr
  wb, post                    writeback; post-index
  imm=N                       signed byte offset (writeback forms)
  rm=N, sub, shift=T:A        register offset (T = lsl, lsr, asr, ror)
"""
import argparse
import os
import struct
import subprocess
import sys

SHIFTS = {"lsl": 0, "lsr": 1, "asr": 2, "ror": 3}
HEAD = {
    "a64": "",
    "a32": ".syntax unified\n.arm\n",
    "t32": ".syntax unified\n.thumb\n",
}
MODE = {"a64": "", "a32": ".arm\n", "t32": ".thumb\n"}


def die(msg):
    sys.exit("gen_insn_vectors: " + msg)


def reg(isa, tok, where):
    t = tok.lower()
    if t == "sp":
        return "INSN_REG_SP" if isa == "a64" else "13"
    if t == "xzr":
        return "31"
    if t == "pc":
        return "15"
    if not t.isdigit():
        die(f"{where}: bad register '{tok}'")
    return t


def parse_expect(isa, text, where):
    f = {}
    err = "INSN_OK"
    for tok in text.split():
        k, _, v = tok.partition("=")
        if k == "undef":
            err = "INSN_UNDECODABLE"
        elif k == "unpred":
            err = "INSN_UNPREDICTABLE"
        elif k == "ld":
            f["load"] = "true"
        elif k == "st":
            f["load"] = "false"
        elif k == "size":
            f["size"] = str(int(v))
        elif k == "sx":
            f["sign"] = "true"
        elif k == "x64":
            f["dst64"] = "true"
        elif k in ("rt", "rt2", "rn", "rm"):
            f[k] = reg(isa, v, where)
            if k == "rt2":
                f["pair"] = "true"
            if k == "rm":
                f["off_kind"] = "INSN_OFF_REG"
        elif k == "wb":
            f["writeback"] = "true"
        elif k == "post":
            f["post_index"] = "true"
        elif k == "imm":
            f["imm"] = str(int(v, 0))
            f["off_kind"] = "INSN_OFF_IMM"
        elif k == "sub":
            f["rm_subtract"] = "true"
        elif k == "shift":
            t, _, a = v.partition(":")
            if t not in SHIFTS:
                die(f"{where}: bad shift '{v}'")
            f["shift_type"] = str(SHIFTS[t])
            f["shift_amt"] = str(int(a))
        else:
            die(f"{where}: unknown token '{tok}'")
    if err != "INSN_OK" and f:
        die(f"{where}: a refused case has no fields")
    if err == "INSN_OK":
        for need in ("load", "size", "rt", "rn"):
            if need not in f:
                die(f"{where}: missing '{need}'")
    return err, f


def read_table(path, isa):
    cases = []
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if "|" not in s:
                die(f"{path}:{n}: no '|'")
            asm, exp = (x.strip() for x in s.split("|", 1))
            err, fields = parse_expect(isa, exp, f"{path}:{n}")
            cases.append({"line": n, "asm": asm, "err": err, "fields": fields})
    return cases


def elf_sections(data):
    """Return {name: bytes} of a little-endian ELF32/ELF64 object."""
    if data[:4] != b"\x7fELF" or data[5] != 1:
        die("not a little-endian ELF object")
    is64 = data[4] == 2
    if is64:
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    else:
        shoff, = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    hdrs = []
    for i in range(shnum):
        base = shoff + i * shentsize
        if is64:
            name, typ, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", data, base)
        else:
            name, typ, _flags, _addr, off, size = struct.unpack_from("<IIIIII", data, base)
        hdrs.append((name, typ, off, size))
    stroff = hdrs[shstrndx][2]
    out = {}
    for name, typ, off, size in hdrs:
        end = data.index(b"\0", stroff + name)
        nm = data[stroff + name:end].decode()
        out[nm] = data[off:off + size] if typ != 8 else b""  # 8 = SHT_NOBITS
    return out


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--isa", required=True, choices=("a64", "a32", "t32"))
    ap.add_argument("--as", dest="assembler", required=True)
    ap.add_argument("--asflags", default="")
    ap.add_argument("--table", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    cases = read_table(a.table, a.isa)
    work = a.out + ".d"
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, a.isa + ".s")
    obj = os.path.join(work, a.isa + ".o")
    with open(src, "w") as fh:
        fh.write(HEAD[a.isa])
        for i, c in enumerate(cases):
            fh.write(f'/* {os.path.basename(a.table)}:{c["line"]} */\n'
                     f'.section .v{i},"ax",%progbits\n{MODE[a.isa]}{c["asm"]}\n')
    r = subprocess.run([a.assembler] + a.asflags.split() + ["-o", obj, src],
                       capture_output=True, text=True)
    if r.returncode != 0:
        die(f"{a.assembler} failed on {src}:\n{r.stderr}")
    with open(obj, "rb") as fh:
        secs = elf_sections(fh.read())

    name = "insn_vectors_" + a.isa
    lines = [
        f"/* Generated by gen_insn_vectors.py from {os.path.basename(a.table)},",
        f" * encodings by {os.path.basename(a.assembler)}. Do not edit. */",
        f"static const struct insn_vector {name}[] = {{",
    ]
    for i, c in enumerate(cases):
        b = secs.get(f".v{i}")
        if b is None:
            die(f"{a.table}:{c['line']}: no section for '{c['asm']}'")
        if a.isa == "t32":
            if len(b) not in (2, 4):
                die(f"{a.table}:{c['line']}: '{c['asm']}' is {len(b)} bytes")
            hw1, = struct.unpack_from("<H", b, 0)
            hw2 = struct.unpack_from("<H", b, 2)[0] if len(b) == 4 else 0
            enc = f".hw1 = 0x{hw1:04x}, .hw2 = 0x{hw2:04x}, .insn = 0x{(hw1 << 16) | hw2:08x}u"
        else:
            if len(b) != 4:
                die(f"{a.table}:{c['line']}: '{c['asm']}' is {len(b)} bytes")
            w, = struct.unpack("<I", b)
            enc = f".insn = 0x{w:08x}u"
        fields = dict(c["fields"])
        if c["err"] == "INSN_OK":
            fields["len"] = str(len(b))
        exp = ", ".join(f".{k} = {v}" for k, v in fields.items())
        lines.append(f"    {{.line = {c['line']}, .text = {c_str(c['asm'])}, {enc}, "
                     f".len = {len(b)}, .err = {c['err']}, .exp = {{{exp}}}}},")
    lines.append("};")
    tmp = a.out + ".tmp"
    with open(tmp, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
