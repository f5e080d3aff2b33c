/*
 * A PMU with zero counters for every VM.
 *
 * Why: MDCR_EL2.TPM/TPMCR (armv8) and HDCR.TPM/TPMCR (armv7) trap every
 * guest PMU access to us. Refusing them with an UNDEF breaks guests that
 * touch the PMU before they have exception vectors (arm64 Linux writes
 * PMUSERENR_EL0 in its early CPU setup). Passing the accesses through is not
 * an option: no PMU state is context-switched, so counters, enables and
 * overflow interrupts would leak between VMs (and into the hypervisor). And
 * no PMU is virtualised here. What remains is the architecturally valid
 * minimum: a PMU whose PMCR.N is 0, i.e. with no event counters (ARMv8-A
 * ARM D13.4 / D7 "The Performance Monitors Extension": N = 0 means no event
 * counters, only the cycle counter). Every PMU register reads as zero and
 * ignores writes: PMCR reads 0 (N = 0, PMCR.E = 0 so nothing ever counts),
 * PMCEID0/1 advertise no common events, enable/overflow/interrupt sets stay
 * empty. The one simplification: PMCCNTR ignores writes too (it reads 0
 * rather than the value written), which a guest that finds the counters
 * disabled has no reason to rely on. A guest's PMU driver sees a PMU that
 * does nothing, never another VM's counts.
 *
 * Encodings (ARMv8-A ARM D13.4, "Performance Monitors registers" summary;
 * ARMv7-A ARM B4.1 / C12): listed exactly, so an unallocated neighbour is
 * still refused with an UNDEF like every other register we do not emulate.
 */
#include "core/vpmu.h"

#include "arch/arch.h"

/* A64 op0=3 op1=3 CRn=9 and AArch32 p15 opc1=0 CRn=c9: for CRm 12..14, the
 * op2 values that name a PMU register (bit n set = op2 n allocated).
 *   CRm 12: PMCR, PMCNTENSET, PMCNTENCLR, PMOVSCLR/PMOVSR, PMSWINC, PMSELR,
 *           PMCEID0, PMCEID1 (op2 0-7)
 *   CRm 13: PMCCNTR, PMXEVTYPER, PMXEVCNTR (op2 0-2)
 *   CRm 14: PMUSERENR (0), PMOVSSET (3); in AArch32 also PMINTENSET (1),
 *           PMINTENCLR (2), which A64 has as op1=0 _EL1 registers. */
#define PMU_C9_C12_OP2     0xffu
#define PMU_C9_C13_OP2     0x07u
#define PMU_C9_C14_OP2_A64 ((1u << 0) | (1u << 3))
#define PMU_C9_C14_OP2_A32 ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3))
/* A64 op0=3 op1=0 CRn=9 CRm=14: PMINTENSET_EL1 (op2 1), PMINTENCLR_EL1 (2). */
#define PMU_EL1_C9_C14_OP2 ((1u << 1) | (1u << 2))
/* CRn=14 CRm=8..15, every op2: PMEVCNTR<n> (CRm 8-11), PMEVTYPER<n>
 * (CRm 12-15, n = (CRm & 3) * 8 + op2, n = 31 is PMCCFILTR). */
#define PMU_EV_CRM_FIRST 8u
#define PMU_EV_CRM_LAST  15u
/* The 64-bit PMCCNTR in AArch32: MRRC/MCRR p15, 0, Rt, Rt2, c9. */
#define PMU_CCNTR64_CRM 9u

static bool op2_in(unsigned mask, unsigned op2)
{
    return op2 < 8 && (mask & (1u << op2)) != 0;
}

/* CRn=c9, CRm=c12..c14 with the given CRm 14 mask. */
static bool is_c9_pmu(unsigned crm, unsigned op2, unsigned c14_mask)
{
    switch (crm) {
    case 12:
        return op2_in(PMU_C9_C12_OP2, op2);
    case 13:
        return op2_in(PMU_C9_C13_OP2, op2);
    case 14:
        return op2_in(c14_mask, op2);
    default:
        return false;
    }
}

static bool is_ev_pmu(unsigned crm, unsigned op2)
{
    return crm >= PMU_EV_CRM_FIRST && crm <= PMU_EV_CRM_LAST && op2 < 8;
}

bool vpmu_is_pmu_reg(const struct exit_sysreg *s)
{
    if (s->ldc_stc)
        return false;
    if (s->aarch32) {
        if (s->coproc != 15 || s->op1 != 0)
            return false;
        if (s->is64)
            return s->crm == PMU_CCNTR64_CRM;
        if (s->crn == 9)
            return is_c9_pmu(s->crm, s->op2, PMU_C9_C14_OP2_A32);
        if (s->crn == 14)
            return is_ev_pmu(s->crm, s->op2);
        return false;
    }
    if (s->op0 != 3)
        return false;
    if (s->op1 == 0)
        return s->crn == 9 && s->crm == 14 && op2_in(PMU_EL1_C9_C14_OP2, s->op2);
    if (s->op1 != 3)
        return false;
    if (s->crn == 9)
        return is_c9_pmu(s->crm, s->op2, PMU_C9_C14_OP2_A64);
    if (s->crn == 14)
        return is_ev_pmu(s->crm, s->op2);
    return false;
}

/* AArch32 general register 15 in an MRC is APSR_nzcv (flags, which we have
 * no interface to write); in MRRC/MCRR it is UNPREDICTABLE (ARMv7-A ARM
 * A8.8.109/A8.8.100). Neither is completed here: the caller refuses it with
 * an UNDEF, one of the permitted UNPREDICTABLE outcomes. */
#define A32_PC 15u

bool vpmu_access(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    if (!vpmu_is_pmu_reg(s))
        return false;
    if (s->aarch32 && (s->rt == A32_PC || (s->is64 && s->rt2 == A32_PC)))
        return false;
    if (s->read) {
        /* A64 rt 31 is XZR: arch_vcpu_reg_write ignores it. */
        arch_vcpu_reg_write(vcpu, s->rt, 0);
        if (s->is64)
            arch_vcpu_reg_write(vcpu, s->rt2, 0);
    }
    /* A write is ignored: there is no state to change. */
    vcpu->stats.pmu_raz_wi++;
    arch_vcpu_skip_insn(vcpu, info->il);
    return true;
}
