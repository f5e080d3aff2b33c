/*
 * A64 load/store decode for MMIO emulation (ARMv8-A ARM C4.1.4 "Loads and
 * Stores" and the C6 instruction pages). Handles the general-purpose
 * single-register and pair forms; refuses everything else (exclusives,
 * atomics, SIMD&FP, PAC-authenticated loads, prefetch, MTE tag stores).
 *
 * Register numbers: rt/rt2 31 is XZR; a base register 31 is SP and is
 * reported as INSN_REG_SP.
 */
#include "core/insn.h"

#define BITS(v, hi, lo) (((v) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(v, n)       (((v) >> (n)) & 1u)

static int64_t sext(uint32_t v, unsigned bits)
{
    uint64_t m = 1ull << (bits - 1);
    return (int64_t)((v ^ m) - m);
}

static unsigned base_reg(uint32_t insn)
{
    unsigned rn = BITS(insn, 9, 5);
    return rn == 31 ? INSN_REG_SP : rn;
}

/* Writeback to a base that is also a transfer register (not SP/XZR, which
 * share the number 31 but are different registers) is CONSTRAINED
 * UNPREDICTABLE for loads and stores alike (C6.2 LDR/STR, LDP/STP). */
static bool wback_overlaps(const struct insn_mem *m)
{
    if (!m->writeback || m->rn == INSN_REG_SP)
        return false;
    return m->rn == m->rt || (m->pair && m->rn == m->rt2);
}

/* Size, sign and destination width of the single-register forms from
 * size[31:30] and opc[23:22] (C4.1.4, "Load/store register"). Returns false
 * for PRFM/PRFUM (size 11, opc 10) and the unallocated combinations. */
static bool single_size(unsigned size, unsigned opc, struct insn_mem *m)
{
    m->size = 1u << size;
    switch (opc) {
    case 0: /* STR{B,H}, STR W/X */
        m->load = false;
        m->dst64 = size == 3;
        return true;
    case 1: /* LDR{B,H} zero-extending, LDR W/X */
        m->load = true;
        m->dst64 = size == 3;
        return true;
    case 2: /* LDRSB/LDRSH/LDRSW to X; size 3 is PRFM */
        if (size == 3)
            return false;
        m->load = true;
        m->sign = true;
        m->dst64 = true;
        return true;
    default: /* LDRSB/LDRSH to W; sizes 2 and 3 unallocated */
        if (size >= 2)
            return false;
        m->load = true;
        m->sign = true;
        m->dst64 = false;
        return true;
    }
}

/* Load/store register, unsigned immediate: size 111 V 01 opc imm12 Rn Rt. */
static int dec_uimm(uint32_t insn, struct insn_mem *m)
{
    if (!single_size(BITS(insn, 31, 30), BITS(insn, 23, 22), m))
        return INSN_UNDECODABLE;
    m->rt = BITS(insn, 4, 0);
    m->rn = base_reg(insn);
    return INSN_OK;
}

/* Load/store register with imm9: size 111 V 00 opc 0 imm9 op Rn Rt, op = 00
 * unscaled (LDUR), 01 post-index, 10 unprivileged (LDTR), 11 pre-index. The
 * unprivileged forms decode as plain accesses: stage 1 has already checked
 * their EL0 permissions before the stage-2 fault that brought us here. */
static int dec_imm9(uint32_t insn, struct insn_mem *m)
{
    unsigned op = BITS(insn, 11, 10);
    unsigned size = BITS(insn, 31, 30), opc = BITS(insn, 23, 22);

    if (!single_size(size, opc, m))
        return INSN_UNDECODABLE;
    m->rt = BITS(insn, 4, 0);
    m->rn = base_reg(insn);
    if (op == 1 || op == 3) {
        m->writeback = true;
        m->post_index = op == 1;
        m->off_kind = INSN_OFF_IMM;
        m->imm = sext(BITS(insn, 20, 12), 9);
    }
    return wback_overlaps(m) ? INSN_UNPREDICTABLE : INSN_OK;
}

/* Load/store register, register offset: size 111 V 00 opc 1 Rm option S 10
 * Rn Rt. No writeback, so the offset does not matter to the emulation; only
 * option values 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX are allocated. */
static int dec_regoff(uint32_t insn, struct insn_mem *m)
{
    unsigned option = BITS(insn, 15, 13);
    if (!(option & 2))
        return INSN_UNDECODABLE;
    if (!single_size(BITS(insn, 31, 30), BITS(insn, 23, 22), m))
        return INSN_UNDECODABLE;
    m->rt = BITS(insn, 4, 0);
    m->rn = base_reg(insn);
    return INSN_OK;
}

/* Load/store pair: opc 101 V 0 mode L imm7 Rt2 Rn Rt, mode 00 no-allocate
 * (LDNP/STNP), 01 post-index, 10 signed offset, 11 pre-index. opc 00 = 32-bit,
 * 10 = 64-bit, 01 = LDPSW (L=1; L=0 is STGP, an MTE tag store we refuse). */
static int dec_pair(uint32_t insn, struct insn_mem *m)
{
    unsigned opc = BITS(insn, 31, 30), mode = BITS(insn, 24, 23);
    bool load = BIT(insn, 22);

    switch (opc) {
    case 0:
        m->size = 4;
        break;
    case 2:
        m->size = 8;
        m->dst64 = true;
        break;
    case 1:
        if (!load || mode == 0)
            return INSN_UNDECODABLE; /* STGP; LDNPSW does not exist */
        m->size = 4;
        m->sign = true;
        m->dst64 = true;
        break;
    default:
        return INSN_UNDECODABLE;
    }
    m->load = load;
    m->pair = true;
    m->rt = BITS(insn, 4, 0);
    m->rt2 = BITS(insn, 14, 10);
    m->rn = base_reg(insn);
    if (mode == 1 || mode == 3) {
        m->writeback = true;
        m->post_index = mode == 1;
        m->off_kind = INSN_OFF_IMM;
        m->imm = sext(BITS(insn, 21, 15), 7) * (int64_t)m->size;
    }
    /* LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE (C6.2 LDP). */
    if (load && m->rt == m->rt2)
        return INSN_UNPREDICTABLE;
    return wback_overlaps(m) ? INSN_UNPREDICTABLE : INSN_OK;
}

/* Load/store ordered and exclusive: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt.
 * Only o2=1, o1=0 is taken: LDAR/STLR (o0=1) and LDLAR/STLLR (o0=0), which
 * are plain single accesses for a device. Exclusives (o2=0) make no sense on
 * an emulated device (there is no monitor) and CAS (o2=1, o1=1) is an atomic
 * read-modify-write: both refused. */
static int dec_ordered(uint32_t insn, struct insn_mem *m)
{
    if (!BIT(insn, 23) || BIT(insn, 21))
        return INSN_UNDECODABLE;
    /* Rs and Rt2 are should-be-one fields. */
    if (BITS(insn, 20, 16) != 31 || BITS(insn, 14, 10) != 31)
        return INSN_UNPREDICTABLE;
    m->size = 1u << BITS(insn, 31, 30);
    m->load = BIT(insn, 22);
    m->dst64 = m->size == 8;
    m->rt = BITS(insn, 4, 0);
    m->rn = base_reg(insn);
    return INSN_OK;
}

/* LDAPR{B,H} (FEAT_LRCPC), in the atomic memory operation space: size 111 0
 * 00 1 0 1 11111 1 100 00 Rn Rt. A load-acquire; plain for a device. */
static int dec_atomic_space(uint32_t insn, struct insn_mem *m)
{
    bool is_ldapr = BIT(insn, 23) && !BIT(insn, 22) && BITS(insn, 20, 16) == 31 && BIT(insn, 15) &&
                    BITS(insn, 14, 12) == 4;
    if (!is_ldapr)
        return INSN_UNDECODABLE; /* LDADD, SWP, ...: atomics refused */
    m->size = 1u << BITS(insn, 31, 30);
    m->load = true;
    m->dst64 = m->size == 8;
    m->rt = BITS(insn, 4, 0);
    m->rn = base_reg(insn);
    return INSN_OK;
}

int insn_decode_a64(uint32_t insn, struct insn_mem *out)
{
    struct insn_mem m = {.len = 4, .off_kind = INSN_OFF_NONE};
    int r;

    /* Loads and stores: op0 x1x0 at bits 28:25. */
    if ((insn & 0x0a000000u) != 0x08000000u)
        return INSN_UNDECODABLE;
    /* SIMD&FP (V, bit 26): refused. Their data would have to come from or go
     * to the V registers, which the arch interface does not expose. */
    if (BIT(insn, 26))
        return INSN_UNDECODABLE;

    switch (BITS(insn, 29, 27)) {
    case 7: /* load/store register */
        if (BIT(insn, 24))
            r = dec_uimm(insn, &m);
        else if (!BIT(insn, 21))
            r = dec_imm9(insn, &m);
        else if (BITS(insn, 11, 10) == 2)
            r = dec_regoff(insn, &m);
        else if (BITS(insn, 11, 10) == 0)
            r = dec_atomic_space(insn, &m);
        else
            r = INSN_UNDECODABLE; /* LDRAA/LDRAB (pointer authentication) */
        break;
    case 5: /* load/store pair */
        r = dec_pair(insn, &m);
        break;
    case 1: /* exclusive / ordered, when bits 25:24 = 00 */
        r = BITS(insn, 25, 24) == 0 ? dec_ordered(insn, &m) : INSN_UNDECODABLE;
        break;
    default:
        /* 011: LDR literal (PC-relative, never an MMIO access of a guest that
         * does not execute from a device) and LDAPUR/STLUR; 000/010: SIMD
         * structures, MTE tags; all refused. */
        r = INSN_UNDECODABLE;
        break;
    }
    if (r == INSN_OK)
        *out = m;
    return r;
}
