/*
 * Load/store instruction decode for MMIO emulation when the abort syndrome
 * has ISV=0 (pairs, writeback forms, ...). Three decoders, one result form:
 * A64 (ARMv8-A ARM C4.1.4 "Loads and Stores"), A32 (ARMv7-A ARM A5.3) and
 * T32 16/32-bit (A6.2.4, A6.3.7-A6.3.10). Table-free bit matching on the
 * encoding, never on the faulting address. What a decoder does not know it
 * refuses: it never guesses.
 */
#ifndef CORE_INSN_H
#define CORE_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Register number that means "the stack pointer" in an A64 base register. */
#define INSN_REG_SP 32

enum insn_err {
    INSN_OK = 0,
    INSN_UNDECODABLE = -1,   /* not a load/store we emulate */
    INSN_UNPREDICTABLE = -2, /* a load/store whose result the ARM ARM leaves
                                UNPREDICTABLE (e.g. writeback to Rt) */
};

enum insn_offset_kind {
    INSN_OFF_NONE, /* no writeback: offset irrelevant */
    INSN_OFF_IMM,  /* offset is imm */
    INSN_OFF_REG,  /* offset is (+/-) reg rm shifted (A32/T32 only) */
};

struct insn_mem {
    bool load;        /* else store */
    unsigned size;    /* bytes per register transferred: 1, 2, 4, 8 */
    bool sign;        /* sign-extend loaded value */
    bool dst64;       /* A64: sign-extend to 64 bits (X), else to 32 (W) */
    bool pair;        /* two registers: rt at addr, rt2 at addr+size */
    unsigned rt, rt2; /* A64: 31 = XZR for rt/rt2 */
    unsigned rn;      /* base: A64 INSN_REG_SP for 31; A32/T32 0-15 */
    bool writeback;   /* base register is updated */
    bool post_index;  /* access at base, then base += offset */
    enum insn_offset_kind off_kind;
    int64_t imm;         /* signed immediate offset (scaled), INSN_OFF_IMM */
    unsigned rm;         /* offset register, INSN_OFF_REG */
    bool rm_subtract;    /* offset is -(rm shifted) */
    unsigned shift_type; /* 0 LSL, 1 LSR, 2 ASR, 3 ROR (A32 only) */
    unsigned shift_amt;
    unsigned len; /* instruction length in bytes (2 or 4) */
};

/* Each decoder returns INSN_OK and fills *out, or returns an insn_err and
 * leaves *out untouched. Fields that do not apply are zero: off_kind is
 * INSN_OFF_NONE (imm, rm, shift zero) whenever there is no writeback. */

/* Decode one A64 instruction. */
int insn_decode_a64(uint32_t insn, struct insn_mem *out);

/* Decode one A32 instruction (the condition field is not checked: the CPU
 * only traps instructions that passed it). */
int insn_decode_a32(uint32_t insn, struct insn_mem *out);

/* Decode one T32 instruction: hw1 is the first halfword; hw2 the second, used
 * only when hw1 starts a 32-bit encoding (0b11101/0b11110/0b11111). */
int insn_decode_t32(uint16_t hw1, uint16_t hw2, struct insn_mem *out);

/* True when a T32 halfword starts a 32-bit instruction. */
bool insn_t32_is_32bit(uint16_t hw1);

#endif
