/*
 * T32 load/store decode for MMIO emulation (ARMv7-A ARM A6.2.4 "Load/store
 * single data item" for the 16-bit forms, A6.3.6 "Load/store dual" and
 * A6.3.7-A6.3.10 for the 32-bit single-register forms).
 *
 * Decisions:
 * - Literal loads (LDR Rt, [PC, #imm], 16- and 32-bit, and LDRD literal)
 *   decode as reads with rn = 15 and no writeback.
 * - The unprivileged forms (LDRT, STRBT, ...: hw2[11:8] = 1110) decode as
 *   plain offset accesses: stage 1 has already checked their permission.
 * - Rt = PC is refused: a word load into PC is a branch (UNPREDICTABLE for
 *   us), a byte/halfword load with Rt = PC and no writeback is a PLD/PLI
 *   hint (undecodable: no access to emulate), stores of PC are UNPREDICTABLE.
 * - SP as Rt of a byte/halfword/dual transfer, SP or PC as Rm, writeback to
 *   a transferred register, and the other A8.8 UNPREDICTABLE cases give
 *   INSN_UNPREDICTABLE.
 * - LDM/STM, PUSH/POP, exclusives, table branches and SIMD/VFP transfers are
 *   not decoded (INSN_UNDECODABLE).
 */
#include "core/insn.h"

#define BITS(v, hi, lo) (((v) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(v, n)       (((v) >> (n)) & 1u)

#define REG_SP 13
#define REG_PC 15

bool insn_t32_is_32bit(uint16_t hw1)
{
    /* A6.1: hw1[15:11] = 0b11101, 0b11110 or 0b11111. */
    return (hw1 >> 11) >= 0x1d;
}

/* 16-bit: 0101 opB Rm Rn Rt (register) and 011 B L imm5 Rn Rt, 1000 L imm5
 * Rn Rt (immediate), 1001 L Rt imm8 (SP-relative), 01001 Rt imm8 (literal).
 * None writes back, so offsets are not recorded. */
static int dec_16(uint16_t hw, struct insn_mem *m)
{
    /* opB: 000 STR, 001 STRH, 010 STRB, 011 LDRSB, 100 LDR, 101 LDRH,
     * 110 LDRB, 111 LDRSH */
    static const struct {
        uint8_t size;
        bool load, sign;
    } reg_ops[8] = {
        {4, false, false}, {2, false, false}, {1, false, false}, {1, true, true},
        {4, true, false},  {2, true, false},  {1, true, false},  {2, true, true},
    };
    unsigned opa = BITS(hw, 15, 12);

    m->len = 2;
    if (opa == 5) {
        unsigned opb = BITS(hw, 11, 9);
        m->size = reg_ops[opb].size;
        m->load = reg_ops[opb].load;
        m->sign = reg_ops[opb].sign;
        m->rt = BITS(hw, 2, 0);
        m->rn = BITS(hw, 5, 3);
        return INSN_OK;
    }
    if (opa == 6 || opa == 7 || opa == 8) {
        m->size = opa == 6 ? 4 : opa == 7 ? 1 : 2;
        m->load = BIT(hw, 11);
        m->rt = BITS(hw, 2, 0);
        m->rn = BITS(hw, 5, 3);
        return INSN_OK;
    }
    if (opa == 9) {
        m->size = 4;
        m->load = BIT(hw, 11);
        m->rt = BITS(hw, 10, 8);
        m->rn = REG_SP;
        return INSN_OK;
    }
    if (BITS(hw, 15, 11) == 9) { /* LDR (literal) */
        m->size = 4;
        m->load = true;
        m->rt = BITS(hw, 10, 8);
        m->rn = REG_PC;
        return INSN_OK;
    }
    return INSN_UNDECODABLE;
}

/* 32-bit single register: hw1 = 1111 100 S X sz L Rn (A6.3.7-A6.3.10), with
 * X = hw1[7] selecting the imm12 form (Rn != PC) or the U bit (Rn = PC,
 * literal). sz 00 byte, 01 halfword, 10 word; S = sign-extending load. */
static int dec_32_single(uint16_t hw1, uint16_t hw2, struct insn_mem *m)
{
    bool sign = BIT(hw1, 8), x = BIT(hw1, 7), load = BIT(hw1, 4);
    unsigned sz = BITS(hw1, 6, 5);
    unsigned rn = BITS(hw1, 3, 0), rt = BITS(hw2, 15, 12);

    if (sz == 3 || (sign && (!load || sz == 2)))
        return INSN_UNDECODABLE;
    m->load = load;
    m->sign = sign;
    m->size = 1u << sz;
    m->rt = rt;
    m->rn = rn;

    if (rn == REG_PC) {
        if (!load)
            return INSN_UNDECODABLE; /* store with Rn = PC: UNDEFINED */
        /* Literal: U = hw1[7], imm12. Rt = PC: branch (word) or hint. */
        if (rt == REG_PC)
            return sz == 2 ? INSN_UNPREDICTABLE : INSN_UNDECODABLE;
        if (rt == REG_SP && sz != 2)
            return INSN_UNPREDICTABLE;
        return INSN_OK;
    }

    if (x) {
        /* imm12, positive offset, no writeback */
    } else if (BIT(hw2, 11)) {
        /* imm8: hw2 = Rt 1 P U W imm8 */
        bool p = BIT(hw2, 10), u = BIT(hw2, 9), w = BIT(hw2, 8);
        if (!p && !w)
            return INSN_UNDECODABLE;
        m->writeback = w;
        m->post_index = !p;
        if (w) {
            m->off_kind = INSN_OFF_IMM;
            m->imm = u ? (int64_t)BITS(hw2, 7, 0) : -(int64_t)BITS(hw2, 7, 0);
        }
    } else if (BITS(hw2, 11, 6) == 0) {
        /* register: hw2 = Rt 000000 imm2 Rm, LSL #imm2, no writeback */
        unsigned rm = BITS(hw2, 3, 0);
        if (rm == REG_SP || rm == REG_PC)
            return INSN_UNPREDICTABLE;
    } else {
        return INSN_UNDECODABLE;
    }

    if (rt == REG_PC) {
        if (load && sz != 2 && !m->writeback)
            return INSN_UNDECODABLE; /* PLD / PLI */
        return INSN_UNPREDICTABLE;
    }
    if (rt == REG_SP && sz != 2)
        return INSN_UNPREDICTABLE;
    if (m->writeback && rn == rt)
        return INSN_UNPREDICTABLE;
    return INSN_OK;
}

/* LDRD/STRD (immediate), A6.3.6: hw1 = 1110 100 P U 1 W L Rn, hw2 = Rt Rt2
 * imm8, offset imm8 * 4. P = W = 0 is the exclusive / table-branch space. */
static int dec_32_dual(uint16_t hw1, uint16_t hw2, struct insn_mem *m)
{
    bool p = BIT(hw1, 8), u = BIT(hw1, 7), w = BIT(hw1, 5);

    if (!BIT(hw1, 6) || (!p && !w))
        return INSN_UNDECODABLE;
    m->load = BIT(hw1, 4);
    m->size = 4;
    m->pair = true;
    m->rn = BITS(hw1, 3, 0);
    m->rt = BITS(hw2, 15, 12);
    m->rt2 = BITS(hw2, 11, 8);
    m->writeback = w;
    m->post_index = !p;
    if (w) {
        int64_t off = (int64_t)BITS(hw2, 7, 0) * 4;
        m->off_kind = INSN_OFF_IMM;
        m->imm = u ? off : -off;
    }
    if (m->rt == REG_SP || m->rt == REG_PC || m->rt2 == REG_SP || m->rt2 == REG_PC)
        return INSN_UNPREDICTABLE;
    if (m->load && m->rt == m->rt2)
        return INSN_UNPREDICTABLE;
    if (m->rn == REG_PC && (!m->load || w))
        return INSN_UNPREDICTABLE;
    if (w && (m->rn == m->rt || m->rn == m->rt2))
        return INSN_UNPREDICTABLE;
    return INSN_OK;
}

int insn_decode_t32(uint16_t hw1, uint16_t hw2, struct insn_mem *out)
{
    struct insn_mem m = {.off_kind = INSN_OFF_NONE};
    int r;

    if (!insn_t32_is_32bit(hw1)) {
        r = dec_16(hw1, &m);
    } else {
        m.len = 4;
        if ((hw1 & 0xfe00u) == 0xf800u)
            r = dec_32_single(hw1, hw2, &m);
        else if ((hw1 & 0xfe00u) == 0xe800u)
            r = dec_32_dual(hw1, hw2, &m);
        else
            r = INSN_UNDECODABLE;
    }
    if (r == INSN_OK)
        *out = m;
    return r;
}
