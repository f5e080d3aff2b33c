/*
 * Exit syndrome decode: HSR (ARMv7-A ARM B3.13.6) and ESR_EL2 (ARMv8-A ARM
 * D13.2.37) into struct exit_info. Pure function over the raw record; every
 * bit pattern gets a defined result (unknown classes become EXIT_UNKNOWN with
 * ec/iss kept for the log).
 *
 * The two formats share the EC numbering for the ARMv7 subset, so one switch
 * per format picks the reason and the field widths come from the format's own
 * constant header: v7 register fields are 4 bits, v8 5 bits.
 */
#include "core/exit.h"
#include "core/syndrome_v7.h"
#include "core/syndrome_v8.h"

#define FIELD(v, shift, mask) (((v) >> (shift)) & (mask))

/* The helpers below read both formats with the ESR_ names; these are the
 * positions that HSR shares (only the widths differ, see struct syn_layout). */
_Static_assert(HSR_EC_SHIFT == ESR_EC_SHIFT && HSR_IL == ESR_IL, "EC/IL");
_Static_assert(HSR_ISS_CV == ESR_ISS_CV && HSR_ISS_COND_SHIFT == ESR_ISS_COND_SHIFT, "CV/COND");
_Static_assert(HSR_ISS_CP32_OPC2_SHIFT == ESR_ISS_CP32_OPC2_SHIFT &&
                   HSR_ISS_CP32_OPC1_SHIFT == ESR_ISS_CP32_OPC1_SHIFT &&
                   HSR_ISS_CP32_CRN_SHIFT == ESR_ISS_CP32_CRN_SHIFT &&
                   HSR_ISS_CP32_RT_SHIFT == ESR_ISS_CP32_RT_SHIFT &&
                   HSR_ISS_CP_CRM_SHIFT == ESR_ISS_CP_CRM_SHIFT,
               "MCR/MRC");
_Static_assert(HSR_ISS_CP64_OPC1_SHIFT == ESR_ISS_CP64_OPC1_SHIFT &&
                   HSR_ISS_CP64_RT2_SHIFT == ESR_ISS_CP64_RT2_SHIFT &&
                   HSR_ISS_CP64_RT_SHIFT == ESR_ISS_CP64_RT_SHIFT,
               "MCRR/MRRC");
_Static_assert(HSR_ISS_FSC_TYPE_MASK == ESR_ISS_FSC_TYPE_MASK &&
                   HSR_ISS_FSC_TRANSLATION == ESR_ISS_FSC_TRANSLATION,
               "translation fault");
_Static_assert(HSR_ISS_ISV == ESR_ISS_ISV && HSR_ISS_SAS_SHIFT == ESR_ISS_SAS_SHIFT &&
                   HSR_ISS_SSE == ESR_ISS_SSE && HSR_ISS_SRT_SHIFT == ESR_ISS_SRT_SHIFT &&
                   HSR_ISS_EA == ESR_ISS_EA && HSR_ISS_CM == ESR_ISS_CM &&
                   HSR_ISS_S1PTW == ESR_ISS_S1PTW && HSR_ISS_WNR == ESR_ISS_WNR,
               "abort ISS");

/* Field widths that differ between HSR and ESR_EL2. */
struct syn_layout {
    uint32_t cp32_rt_mask;  /* MCR/MRC Rt */
    uint32_t cp64_rt_mask;  /* MCRR/MRRC Rt */
    uint32_t cp64_rt2_mask; /* MCRR/MRRC Rt2 */
    uint32_t ldc_rn_mask;   /* LDC/STC Rn */
    uint32_t srt_mask;      /* data abort SRT */
    bool has_sf_ar;         /* data abort SF and AR bits exist */
};

static const struct syn_layout layout_v7 = {
    .cp32_rt_mask = HSR_ISS_CP32_RT_MASK,
    .cp64_rt_mask = HSR_ISS_CP64_RT_MASK,
    .cp64_rt2_mask = HSR_ISS_CP64_RT2_MASK,
    .ldc_rn_mask = HSR_ISS_LDC_RN_MASK,
    .srt_mask = HSR_ISS_SRT_MASK,
    .has_sf_ar = false,
};

static const struct syn_layout layout_v8 = {
    .cp32_rt_mask = ESR_ISS_CP32_RT_MASK,
    .cp64_rt_mask = ESR_ISS_CP64_RT_MASK,
    .cp64_rt2_mask = ESR_ISS_CP64_RT2_MASK,
    .ldc_rn_mask = ESR_ISS_LDC_RN_MASK,
    .srt_mask = ESR_ISS_SRT_MASK,
    .has_sf_ar = true,
};

/* CV/COND of the AArch32 conditional trap classes; the bit positions are the
 * same in HSR and ESR_EL2. */
static void decode_cond(uint32_t iss, struct exit_info *info)
{
    info->cond.valid = (iss & ESR_ISS_CV) != 0;
    info->cond.cond = info->cond.valid ? FIELD(iss, ESR_ISS_COND_SHIFT, ESR_ISS_COND_MASK) : 0;
}

/* MCR/MRC (EC 0x03 cp15, 0x05 cp14, 0x08 cp10 VMRS). */
static void decode_cp32(uint32_t iss, unsigned coproc, const struct syn_layout *l,
                        struct exit_info *info)
{
    struct exit_sysreg *s = &info->u.sysreg;
    info->reason = EXIT_SYSREG;
    s->aarch32 = true;
    s->coproc = coproc;
    s->op2 = FIELD(iss, ESR_ISS_CP32_OPC2_SHIFT, ESR_ISS_CP32_OPC2_MASK);
    s->op1 = FIELD(iss, ESR_ISS_CP32_OPC1_SHIFT, ESR_ISS_CP32_OPC1_MASK);
    s->crn = FIELD(iss, ESR_ISS_CP32_CRN_SHIFT, ESR_ISS_CP32_CRN_MASK);
    s->rt = FIELD(iss, ESR_ISS_CP32_RT_SHIFT, l->cp32_rt_mask);
    s->crm = FIELD(iss, ESR_ISS_CP_CRM_SHIFT, ESR_ISS_CP_CRM_MASK);
    s->read = (iss & ESR_ISS_CP_DIR_READ) != 0;
    decode_cond(iss, info);
}

/* MCRR/MRRC (EC 0x04 cp15, 0x0c cp14). */
static void decode_cp64(uint32_t iss, unsigned coproc, const struct syn_layout *l,
                        struct exit_info *info)
{
    struct exit_sysreg *s = &info->u.sysreg;
    info->reason = EXIT_SYSREG;
    s->aarch32 = true;
    s->is64 = true;
    s->coproc = coproc;
    s->op1 = FIELD(iss, ESR_ISS_CP64_OPC1_SHIFT, ESR_ISS_CP64_OPC1_MASK);
    s->rt2 = FIELD(iss, ESR_ISS_CP64_RT2_SHIFT, l->cp64_rt2_mask);
    s->rt = FIELD(iss, ESR_ISS_CP64_RT_SHIFT, l->cp64_rt_mask);
    s->crm = FIELD(iss, ESR_ISS_CP_CRM_SHIFT, ESR_ISS_CP_CRM_MASK);
    s->read = (iss & ESR_ISS_CP_DIR_READ) != 0;
    decode_cond(iss, info);
}

/* LDC/STC p14, c5 (EC 0x06): the only cp14 register these reach is the
 * DBGDTR pair (CRn 0, CRm 5 in MRC terms). Direction 1 = LDC (load). */
static void decode_ldc_stc(uint32_t iss, const struct syn_layout *l, struct exit_info *info)
{
    struct exit_sysreg *s = &info->u.sysreg;
    info->reason = EXIT_SYSREG;
    s->aarch32 = true;
    s->ldc_stc = true;
    s->coproc = 14;
    s->crn = 0;
    s->crm = 5;
    s->rt = FIELD(iss, ESR_ISS_LDC_RN_SHIFT, l->ldc_rn_mask);
    s->read = (iss & ESR_ISS_LDC_DIR_LOAD) == 0;
    decode_cond(iss, info);
}

/* Instruction abort ISS (same positions in both formats). */
static void decode_iabt(uint32_t iss, struct exit_info *info)
{
    info->reason = EXIT_IABT;
    info->u.iabt.ea = (iss & ESR_ISS_EA) != 0;
    info->u.iabt.s1ptw = (iss & ESR_ISS_S1PTW) != 0;
    info->u.iabt.fsc = iss & ESR_ISS_FSC_MASK;
}

/* Data abort ISS. SAS/SSE/SRT/SF/AR mean something only when ISV is set;
 * otherwise they stay zero so no caller can use a stale value. */
static void dabt_fields(uint32_t iss, const struct syn_layout *l, struct exit_dabt *d)
{
    d->isv = (iss & ESR_ISS_ISV) != 0;
    if (d->isv) {
        d->size = 1u << FIELD(iss, ESR_ISS_SAS_SHIFT, ESR_ISS_SAS_MASK);
        d->sign = (iss & ESR_ISS_SSE) != 0;
        d->srt = FIELD(iss, ESR_ISS_SRT_SHIFT, l->srt_mask);
        d->sf = l->has_sf_ar && (iss & ESR_ISS_SF) != 0;
        d->ar = l->has_sf_ar && (iss & ESR_ISS_AR) != 0;
    }
    d->ea = (iss & ESR_ISS_EA) != 0;
    d->cm = (iss & ESR_ISS_CM) != 0;
    d->s1ptw = (iss & ESR_ISS_S1PTW) != 0;
    d->write = (iss & ESR_ISS_WNR) != 0;
    d->fsc = iss & ESR_ISS_FSC_MASK;
    d->translation = (iss & ESR_ISS_FSC_TYPE_MASK) == ESR_ISS_FSC_TRANSLATION;
}

static void decode_dabt(uint32_t iss, const struct syn_layout *l, struct exit_info *info)
{
    info->reason = EXIT_DABT;
    dabt_fields(iss, l, &info->u.dabt);
}

static void decode_wfx(uint32_t iss, struct exit_info *info)
{
    /* TI bit 0: WFE; bit 1 (FEAT_WFxT, v8 only) adds a timeout we ignore,
     * which is allowed: WFIT/WFET may always complete early. */
    info->reason = (iss & ESR_ISS_WFX_TI) ? EXIT_WFE : EXIT_WFI;
    decode_cond(iss, info);
}

/* ESR_EL2, ARMv8-A ARM D13.2.37. */
static void decode_v8(uint32_t iss, struct exit_info *info)
{
    const struct syn_layout *l = &layout_v8;

    switch (info->ec) {
    case ESR_EC_WFX:
        decode_wfx(iss, info);
        break;
    case ESR_EC_CP15_32:
        decode_cp32(iss, 15, l, info);
        break;
    case ESR_EC_CP14_MR:
        decode_cp32(iss, 14, l, info);
        break;
    case ESR_EC_CP10_ID:
        decode_cp32(iss, 10, l, info);
        break;
    case ESR_EC_CP15_64:
        decode_cp64(iss, 15, l, info);
        break;
    case ESR_EC_CP14_64:
        decode_cp64(iss, 14, l, info);
        break;
    case ESR_EC_CP14_LS:
        decode_ldc_stc(iss, l, info);
        break;
    case ESR_EC_FP_ASIMD:
        info->reason = EXIT_FP;
        decode_cond(iss, info);
        break;
    case ESR_EC_HVC32:
    case ESR_EC_HVC64:
        info->reason = EXIT_HVC;
        info->u.imm16 = (uint16_t)(iss & ESR_ISS_IMM16_MASK);
        break;
    case ESR_EC_SMC32:
        /* AArch32 SMC reports CV/COND/CCKNOWNPASS, not its imm4. */
        info->reason = EXIT_SMC;
        info->u.imm16 = 0;
        decode_cond(iss, info);
        break;
    case ESR_EC_SMC64:
        info->reason = EXIT_SMC;
        info->u.imm16 = (uint16_t)(iss & ESR_ISS_IMM16_MASK);
        break;
    case ESR_EC_SYS64: {
        struct exit_sysreg *s = &info->u.sysreg;
        info->reason = EXIT_SYSREG;
        s->op0 = FIELD(iss, ESR_ISS_SYS_OP0_SHIFT, ESR_ISS_SYS_OP0_MASK);
        s->op2 = FIELD(iss, ESR_ISS_SYS_OP2_SHIFT, ESR_ISS_SYS_OP2_MASK);
        s->op1 = FIELD(iss, ESR_ISS_SYS_OP1_SHIFT, ESR_ISS_SYS_OP1_MASK);
        s->crn = FIELD(iss, ESR_ISS_SYS_CRN_SHIFT, ESR_ISS_SYS_CRN_MASK);
        s->rt = FIELD(iss, ESR_ISS_SYS_RT_SHIFT, ESR_ISS_SYS_RT_MASK);
        s->crm = FIELD(iss, ESR_ISS_SYS_CRM_SHIFT, ESR_ISS_SYS_CRM_MASK);
        s->read = (iss & ESR_ISS_SYS_DIR_READ) != 0;
        break;
    }
    case ESR_EC_IABT_LOW:
        decode_iabt(iss, info);
        break;
    case ESR_EC_DABT_LOW:
        decode_dabt(iss, l, info);
        break;
    default:
        /* Including IABT_CUR/DABT_CUR: a fault of the hypervisor itself
         * never arrives as a guest exit. */
        info->reason = EXIT_UNKNOWN;
        break;
    }
}

/* HSR, ARMv7-A ARM B3.13.6. */
static void decode_v7(uint32_t iss, struct exit_info *info)
{
    const struct syn_layout *l = &layout_v7;

    switch (info->ec) {
    case HSR_EC_WFX:
        decode_wfx(iss, info);
        break;
    case HSR_EC_CP15_32:
        decode_cp32(iss, 15, l, info);
        break;
    case HSR_EC_CP14_32:
        decode_cp32(iss, 14, l, info);
        break;
    case HSR_EC_CP10:
        decode_cp32(iss, 10, l, info);
        break;
    case HSR_EC_CP15_64:
        decode_cp64(iss, 15, l, info);
        break;
    case HSR_EC_CP14_64:
        decode_cp64(iss, 14, l, info);
        break;
    case HSR_EC_CP14_LS:
        decode_ldc_stc(iss, l, info);
        break;
    case HSR_EC_HCPTR:
        info->reason = EXIT_FP;
        decode_cond(iss, info);
        break;
    case HSR_EC_HVC:
        info->reason = EXIT_HVC;
        info->u.imm16 = (uint16_t)(iss & HSR_ISS_IMM16_MASK);
        break;
    case HSR_EC_SMC:
        info->reason = EXIT_SMC; /* ISS is UNK/SBZP on ARMv7 */
        info->u.imm16 = 0;
        break;
    case HSR_EC_IABT_GUEST:
        decode_iabt(iss, info);
        break;
    case HSR_EC_DABT_GUEST:
        decode_dabt(iss, l, info);
        break;
    default:
        info->reason = EXIT_UNKNOWN;
        break;
    }
}

void exit_decode(const struct arch_exit *raw, struct exit_info *info)
{
    *info = (struct exit_info){0};
    info->far = raw->far;
    info->ipa = raw->ipa;
    info->ipa_valid = raw->ipa_valid;

    if (raw->kind == ARCH_EXIT_IRQ) {
        info->reason = EXIT_IRQ;
        return;
    }

    /* EC, IL and ISS sit at the same place in both formats. */
    info->ec = FIELD(raw->syndrome, ESR_EC_SHIFT, ESR_EC_MASK);
    info->iss = raw->syndrome & ESR_ISS_MASK;
    info->il = (raw->syndrome & ESR_IL) ? 4 : 2;

    if (raw->kind == ARCH_EXIT_SERROR) {
        info->reason = EXIT_SERROR; /* ec/iss kept for the log */
        return;
    }
    if (raw->kind != ARCH_EXIT_TRAP) {
        info->reason = EXIT_UNKNOWN;
        return;
    }

    if (raw->fmt == SYNDROME_V8_ESR)
        decode_v8(info->iss, info);
    else if (raw->fmt == SYNDROME_V7_HSR)
        decode_v7(info->iss, info);
    else
        info->reason = EXIT_UNKNOWN;
}

bool exit_decode_str32(const struct arch_exit *raw, unsigned *srt, unsigned *il)
{
    /* The data-abort ISS is laid out alike in HSR and ESR_EL2 (ISV, SAS,
     * WnR, S1PTW; only SRT's width differs): one mask tests them all. */
    _Static_assert(HSR_EC_DABT_GUEST == ESR_EC_DABT_LOW, "data abort EC");
    const uint32_t mask = ESR_EC_MASK << ESR_EC_SHIFT | ESR_ISS_ISV |
                          ESR_ISS_SAS_MASK << ESR_ISS_SAS_SHIFT | ESR_ISS_WNR | ESR_ISS_S1PTW;
    const uint32_t want = (uint32_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT | ESR_ISS_ISV |
                          2u << ESR_ISS_SAS_SHIFT | ESR_ISS_WNR; /* SAS 2: a word */
    if (raw->kind != ARCH_EXIT_TRAP || (raw->syndrome & mask) != want ||
        (raw->fmt != SYNDROME_V8_ESR && raw->fmt != SYNDROME_V7_HSR))
        return false;
    const struct syn_layout *l = raw->fmt == SYNDROME_V8_ESR ? &layout_v8 : &layout_v7;
    *srt = FIELD(raw->syndrome, ESR_ISS_SRT_SHIFT, l->srt_mask);
    *il = (raw->syndrome & ESR_IL) ? 4 : 2;
    return true;
}

const char *exit_reason_name(enum exit_reason r)
{
    static const char *const names[EXIT_REASON_COUNT] = {
        [EXIT_UNKNOWN] = "unknown", [EXIT_WFI] = "wfi",       [EXIT_WFE] = "wfe",
        [EXIT_HVC] = "hvc",         [EXIT_SMC] = "smc",       [EXIT_SYSREG] = "sysreg",
        [EXIT_FP] = "fp",           [EXIT_IABT] = "iabt",     [EXIT_DABT] = "dabt",
        [EXIT_IRQ] = "irq",         [EXIT_SERROR] = "serror",
    };
    if ((unsigned)r >= EXIT_REASON_COUNT || !names[r])
        return "invalid";
    return names[r];
}
