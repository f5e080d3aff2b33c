/*
 * A32 load/store decode for MMIO emulation (ARMv7-A ARM A5.3 "Load/store
 * word and unsigned byte" and A5.2.8 "Extra load/store instructions", with
 * the per-instruction pages in A8.8). Handles LDR/STR/LDRB/STRB, LDRH/STRH,
 * LDRSB/LDRSH and LDRD/STRD, immediate and register offsets, with P/U/W.
 *
 * Decisions:
 * - The unprivileged forms (LDRT, STRT, LDRBT, STRBT, LDRHT, STRHT, LDRSBT,
 *   LDRSHT: P=0, W=1) decode as plain post-indexed accesses with writeback:
 *   stage 1 has already checked their PL0 permission before the stage-2
 *   fault brought us here.
 * - RRX register offsets (ROR #0) with writeback are refused: updating the
 *   base needs the guest's carry flag, which the arch interface does not
 *   expose. Without writeback the offset does not matter and they decode.
 * - Literal loads (Rn = PC, no writeback) decode as reads with rn = 15.
 * - Rt = PC is refused as UNPREDICTABLE (a load into PC is a branch, a store
 *   of PC has an IMPLEMENTATION DEFINED offset), as is writeback to PC or to
 *   a transferred register, an odd Rt for LDRD/STRD, and the other cases the
 *   A8.8 pages mark UNPREDICTABLE.
 */
#include "core/insn.h"

#define BITS(v, hi, lo) (((v) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(v, n)       (((v) >> (n)) & 1u)

#define REG_PC 15

/* P/U/W addressing (A5.3): P=0 post-index with writeback, P=1 W=1 pre-index
 * with writeback, P=1 W=0 offset. The offset itself is only recorded when
 * writeback uses it. */
static void addressing(uint32_t insn, struct insn_mem *m)
{
    bool p = BIT(insn, 24), w = BIT(insn, 21);
    m->writeback = !p || w;
    m->post_index = !p;
}

/* Register offset with an immediate shift (DecodeImmShift, A8.4.3). RRX with
 * writeback is refused (see above). */
static int reg_offset(uint32_t insn, struct insn_mem *m)
{
    unsigned type = BITS(insn, 6, 5), imm5 = BITS(insn, 11, 7);

    if (!m->writeback)
        return INSN_OK; /* the offset only matters for writeback */
    if (type == 3 && imm5 == 0)
        return INSN_UNDECODABLE; /* RRX */
    m->off_kind = INSN_OFF_REG;
    m->rm = BITS(insn, 3, 0);
    m->rm_subtract = !BIT(insn, 23);
    m->shift_type = type;
    /* LSR #32 and ASR #32 are encoded as imm5 = 0 */
    m->shift_amt = (imm5 == 0 && (type == 1 || type == 2)) ? 32 : imm5;
    return INSN_OK;
}

/* Word and unsigned byte: cond 01 A P U B W L Rn Rt {imm12 | imm5 type 0 Rm}. */
static int dec_word_byte(uint32_t insn, struct insn_mem *m)
{
    bool reg = BIT(insn, 25);
    unsigned rm = BITS(insn, 3, 0);

    if (reg && BIT(insn, 4))
        return INSN_UNDECODABLE; /* media instructions (A5.4) */
    m->load = BIT(insn, 20);
    m->size = BIT(insn, 22) ? 1 : 4;
    m->rt = BITS(insn, 15, 12);
    m->rn = BITS(insn, 19, 16);
    addressing(insn, m);

    if (m->rt == REG_PC)
        return INSN_UNPREDICTABLE;
    if (m->writeback && (m->rn == REG_PC || m->rn == m->rt))
        return INSN_UNPREDICTABLE;
    if (reg) {
        if (rm == REG_PC)
            return INSN_UNPREDICTABLE;
        return reg_offset(insn, m);
    }
    if (m->writeback) {
        m->off_kind = INSN_OFF_IMM;
        m->imm = BIT(insn, 23) ? (int64_t)BITS(insn, 11, 0) : -(int64_t)BITS(insn, 11, 0);
    }
    return INSN_OK;
}

/* Extra load/store (A5.2.8): cond 000 P U I W L Rn Rt imm4H/(0000) 1 op2 1
 * imm4L/Rm, op2 = 01 STRH/LDRH, 10 LDRD/LDRSB, 11 STRD/LDRSH (by L). */
static int dec_extra(uint32_t insn, struct insn_mem *m)
{
    unsigned op2 = BITS(insn, 6, 5);
    bool load = BIT(insn, 20), imm = BIT(insn, 22);
    bool p = BIT(insn, 24), w = BIT(insn, 21);
    bool dual = op2 != 1 && !load;
    unsigned rm = BITS(insn, 3, 0);

    m->rt = BITS(insn, 15, 12);
    m->rn = BITS(insn, 19, 16);
    addressing(insn, m);

    if (dual) {
        /* LDRD (op2 10), STRD (op2 11): Rt, Rt+1, size 4 each. */
        m->load = op2 == 2;
        m->size = 4;
        m->pair = true;
        m->rt2 = m->rt + 1;
        if ((m->rt & 1) || m->rt2 == REG_PC || (!p && w))
            return INSN_UNPREDICTABLE;
        if (m->writeback && (m->rn == REG_PC || m->rn == m->rt || m->rn == m->rt2))
            return INSN_UNPREDICTABLE;
        if (!imm && m->load && (rm == m->rt || rm == m->rt2))
            return INSN_UNPREDICTABLE;
    } else {
        m->load = load;
        m->size = op2 == 2 ? 1 : 2;
        m->sign = load && op2 != 1;
        if (m->rt == REG_PC)
            return INSN_UNPREDICTABLE;
        if (m->writeback && (m->rn == REG_PC || m->rn == m->rt))
            return INSN_UNPREDICTABLE;
    }

    if (imm) {
        if (m->writeback) {
            int64_t off = (int64_t)((BITS(insn, 11, 8) << 4) | BITS(insn, 3, 0));
            m->off_kind = INSN_OFF_IMM;
            m->imm = BIT(insn, 23) ? off : -off;
        }
        return INSN_OK;
    }
    /* Register form: bits 11:8 are (0)(0)(0)(0); Rm = PC is UNPREDICTABLE. */
    if (BITS(insn, 11, 8) != 0 || rm == REG_PC)
        return INSN_UNPREDICTABLE;
    if (m->writeback) {
        m->off_kind = INSN_OFF_REG;
        m->rm = rm;
        m->rm_subtract = !BIT(insn, 23);
    }
    return INSN_OK;
}

int insn_decode_a32(uint32_t insn, struct insn_mem *out)
{
    struct insn_mem m = {.len = 4, .off_kind = INSN_OFF_NONE};
    int r;

    /* cond = 1111 is the unconditional space (PLD, PLI, RFE, SRS, ...). */
    if (BITS(insn, 31, 28) == 0xf)
        return INSN_UNDECODABLE;

    if (BITS(insn, 27, 26) == 1) {
        r = dec_word_byte(insn, &m);
    } else if (BITS(insn, 27, 25) == 0 && BIT(insn, 7) && BIT(insn, 4) && BITS(insn, 6, 5) != 0) {
        /* op2 = 00 is multiply / SWP / LDREX-STREX: not here. P=0 W=1 with
         * op2 = 1x, L=0 (LDRD/STRD) is handled as UNPREDICTABLE in dec_extra. */
        r = dec_extra(insn, &m);
    } else {
        r = INSN_UNDECODABLE;
    }
    if (r == INSN_OK)
        *out = m;
    return r;
}
