/*
 * The simulated CPU's syndrome encoder: what the hardware writes into HSR
 * (SIM_ARMV7, ARMv7-A ARM B3.13.6) or ESR_EL2 (SIM_ARMV8, ARMv8-A ARM
 * D13.2.37) when a guest instruction traps. Both share EC[31:26], IL[25],
 * ISS[24:0]; they differ in field widths (HSR: 4-bit Rt/SRT, no SF/AR).
 */
#include "arch/sim/sim_internal.h"
#include "core/syndrome_v7.h"
#include "core/syndrome_v8.h"

static bool v7(void)
{
    return sim_profile() == SIM_ARMV7;
}

enum syndrome_fmt sim_syn_fmt(void)
{
    return v7() ? SYNDROME_V7_HSR : SYNDROME_V8_ESR;
}

static uint32_t syn(unsigned ec, bool il32, uint32_t iss)
{
    /* HSR and ESR_EL2 put EC and IL at the same place. */
    return ((uint32_t)ec << ESR_EC_SHIFT) | (il32 ? ESR_IL : 0) | (iss & ESR_ISS_MASK);
}

/* CV/COND for the conditional AArch32 classes (and WFx from A64, where the
 * Arm ARM has CV=1, COND=0xE). SIM_COND_CV0: CV=0 and COND 0, as a T32
 * instruction may report (the CV description of ESR_EL2 / HSR). */
static uint32_t cond_bits(unsigned cond)
{
    if (cond == SIM_COND_CV0)
        return 0;
    return ESR_ISS_CV | ((cond & ESR_ISS_COND_MASK) << ESR_ISS_COND_SHIFT);
}

static unsigned sas(unsigned size)
{
    switch (size) {
    case 1:
        return 0;
    case 2:
        return 1;
    case 4:
        return 2;
    default:
        return 3;
    }
}

uint32_t sim_syn_dabt(const struct sim_dabt_iss *d)
{
    uint32_t iss = d->fsc & ESR_ISS_FSC_MASK;
    if (d->wnr)
        iss |= ESR_ISS_WNR;
    if (d->s1ptw)
        iss |= ESR_ISS_S1PTW;
    if (d->ea)
        iss |= ESR_ISS_EA;
    if (d->isv) {
        iss |= ESR_ISS_ISV | (sas(d->size) << ESR_ISS_SAS_SHIFT);
        if (d->sse)
            iss |= ESR_ISS_SSE;
        if (v7()) {
            iss |= (d->srt & HSR_ISS_SRT_MASK) << HSR_ISS_SRT_SHIFT;
        } else {
            iss |= (d->srt & ESR_ISS_SRT_MASK) << ESR_ISS_SRT_SHIFT;
            if (d->sf)
                iss |= ESR_ISS_SF;
            if (d->ar)
                iss |= ESR_ISS_AR;
        }
    }
    /* IL: the instruction length when ISV=1; 1 (RES1) when ISV=0. */
    bool il32 = !d->isv || d->len != 2;
    return syn(v7() ? HSR_EC_DABT_GUEST : ESR_EC_DABT_LOW, il32, iss);
}

uint32_t sim_syn_iabt(unsigned fsc, bool s1ptw)
{
    uint32_t iss = fsc & ESR_ISS_FSC_MASK;
    if (s1ptw)
        iss |= ESR_ISS_S1PTW;
    /* IL is RES1 for instruction aborts. */
    return syn(v7() ? HSR_EC_IABT_GUEST : ESR_EC_IABT_LOW, true, iss);
}

uint32_t sim_syn_hvc(bool aarch32, uint16_t imm)
{
    unsigned ec = v7() ? HSR_EC_HVC : aarch32 ? ESR_EC_HVC32 : ESR_EC_HVC64;
    return syn(ec, true, imm & ESR_ISS_IMM16_MASK);
}

uint32_t sim_syn_smc(bool aarch32, uint16_t imm, unsigned cond)
{
    if (v7())
        return syn(HSR_EC_SMC, true, 0); /* ISS UNK/SBZP: imm4 not reported */
    if (aarch32)
        return syn(ESR_EC_SMC32, true, cond_bits(cond));
    return syn(ESR_EC_SMC64, true, imm & ESR_ISS_IMM16_MASK);
}

uint32_t sim_syn_wfx(bool wfe, unsigned cond, unsigned len)
{
    uint32_t iss = cond_bits(cond) | (wfe ? ESR_ISS_WFX_TI : 0);
    return syn(ESR_EC_WFX, len != 2, iss);
}

uint32_t sim_syn_sys64(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2,
                       unsigned rt, bool read)
{
    uint32_t iss = ((op0 & ESR_ISS_SYS_OP0_MASK) << ESR_ISS_SYS_OP0_SHIFT) |
                   ((op2 & ESR_ISS_SYS_OP2_MASK) << ESR_ISS_SYS_OP2_SHIFT) |
                   ((op1 & ESR_ISS_SYS_OP1_MASK) << ESR_ISS_SYS_OP1_SHIFT) |
                   ((crn & ESR_ISS_SYS_CRN_MASK) << ESR_ISS_SYS_CRN_SHIFT) |
                   ((rt & ESR_ISS_SYS_RT_MASK) << ESR_ISS_SYS_RT_SHIFT) |
                   ((crm & ESR_ISS_SYS_CRM_MASK) << ESR_ISS_SYS_CRM_SHIFT) |
                   (read ? ESR_ISS_SYS_DIR_READ : 0);
    return syn(ESR_EC_SYS64, true, iss);
}

uint32_t sim_syn_cp32(unsigned coproc, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2,
                      unsigned rt, bool read, unsigned cond, unsigned len)
{
    /* Rt is 4 bits (8:5) in the HSR, 5 bits (9:5) in ESR_EL2. */
    unsigned rt_mask = v7() ? HSR_ISS_CP32_RT_MASK : ESR_ISS_CP32_RT_MASK;
    uint32_t iss = cond_bits(cond) | ((opc2 & ESR_ISS_CP32_OPC2_MASK) << ESR_ISS_CP32_OPC2_SHIFT) |
                   ((opc1 & ESR_ISS_CP32_OPC1_MASK) << ESR_ISS_CP32_OPC1_SHIFT) |
                   ((crn & ESR_ISS_CP32_CRN_MASK) << ESR_ISS_CP32_CRN_SHIFT) |
                   ((rt & rt_mask) << ESR_ISS_CP32_RT_SHIFT) |
                   ((crm & ESR_ISS_CP_CRM_MASK) << ESR_ISS_CP_CRM_SHIFT) |
                   (read ? ESR_ISS_CP_DIR_READ : 0);
    /* cp10: VMRS of an ID register (MVFRn), trapped by TID3 (EC 0x08). */
    unsigned ec = coproc == 14 ? ESR_EC_CP14_MR : coproc == 10 ? ESR_EC_CP10_ID : ESR_EC_CP15_32;
    return syn(ec, len != 2, iss);
}
