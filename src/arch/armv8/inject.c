/*
 * Exceptions the hypervisor makes a guest take: UNDEF for a refused
 * instruction, synchronous external aborts for refused loads, stores and
 * fetches. Done as the hardware would take them to EL1 (Arm ARM D1.10
 * "Exception entry", D1.10.2 "Exception vectors"): ESR_EL1 (and FAR_EL1),
 * ELR_EL1 = the faulting instruction, SPSR_EL1 = the PSTATE it ran with,
 * then PSTATE = EL1h with D, A, I, F masked and PC = VBAR_EL1 + the vector
 * offset for where the guest was (current EL with SP0 / SPx, lower EL
 * AArch64 / AArch32) + 0 (synchronous). An AArch32 EL1 takes them in
 * Undefined / Abort mode instead (vcpu_a32.c).
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "core/syndrome_v8.h"
#include "core/vm.h"

/* SCTLR_EL1.DSSBS (bit 44): PSTATE.SSBS on exception entry. */
#define SCTLR_EL1_DSSBS BIT64(44)

static bool guest_in_el1(const struct arch_vcpu *a)
{
    uint64_t m = a->g.pstate & PSR_MODE_MASK;
    return !(a->g.pstate & PSR_MODE32) && (m == PSR_MODE_EL1t || m == PSR_MODE_EL1h);
}

static uint64_t vector_offset(const struct arch_vcpu *a)
{
    if (a->g.pstate & PSR_MODE32)
        return VECTOR_LOWER_A32; /* AArch32 EL0 under our AArch64 EL1 */
    switch (a->g.pstate & PSR_MODE_MASK) {
    case PSR_MODE_EL1t:
        return VECTOR_CUR_SP0;
    case PSR_MODE_EL1h:
        return VECTOR_CUR_SPX;
    default:
        return VECTOR_LOWER_A64;
    }
}

bool armv8_cpu_has_pan(void)
{
    return (read_sysreg(ID_AA64MMFR1_EL1) >> ID_AA64MMFR1_PAN_SHIFT) & ID_AA64MMFR1_PAN_MASK;
}

/* Take a synchronous exception to EL1 with syndrome esr. */
static void take_sync(struct arch_vcpu *a, uint32_t esr, bool set_far, uint64_t far)
{
    uint64_t old = a->g.pstate;
    uint64_t off = vector_offset(a);
    a->el1.esr = esr;
    if (set_far)
        a->el1.far = far;
    a->el1.elr_el1 = a->g.pc;
    a->el1.spsr_el1 = old;

    uint64_t ps = PSR_DAIF | PSR_MODE_EL1h;
    /* PAN: kept, and set when SCTLR_EL1.SPAN is 0 (FEAT_PAN). */
    if (armv8_cpu_has_pan()) {
        ps |= old & PSR_PAN;
        if (!(a->el1.sctlr & SCTLR_EL1_SPAN))
            ps |= PSR_PAN;
    }
    if (a->el1.sctlr & SCTLR_EL1_DSSBS)
        ps |= PSR_SSBS;
    a->g.pstate = ps; /* SS, IL, BTYPE, UAO cleared */
    a->g.pc = a->el1.vbar + off;
}

/* IL of the instruction that trapped: what the hardware would report. */
static uint32_t trapped_il(const struct arch_vcpu *a)
{
    return a->last_esr & ESR_IL;
}

void arch_vcpu_inject_undef(struct vcpu *vcpu)
{
    struct arch_vcpu *a = vcpu->arch;
    if (!a)
        return;
    armv8_el1_fetch(a, true); /* the exception writes EL1 registers */
    if (a->aarch32) {
        armv8_aa32_inject_undef(a);
        return;
    }
    take_sync(a, ((uint32_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT) | trapped_il(a), false, 0);
}

void arch_vcpu_inject_dabt(struct vcpu *vcpu, uint64_t va)
{
    struct arch_vcpu *a = vcpu->arch;
    if (!a)
        return;
    armv8_el1_fetch(a, true); /* the exception writes EL1 registers */
    if (a->aarch32) {
        armv8_aa32_inject_abort(a, true, va);
        return;
    }
    uint32_t ec = guest_in_el1(a) ? ESR_EC_DABT_CUR : ESR_EC_DABT_LOW;
    uint32_t esr = ((uint32_t)ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXTERNAL;
    /* WnR of the access we refuse, when the last trap was that data abort. */
    if (((a->last_esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_DABT_LOW)
        esr |= a->last_esr & ESR_ISS_WNR;
    take_sync(a, esr, true, va);
}

void arch_vcpu_inject_iabt(struct vcpu *vcpu, uint64_t va)
{
    struct arch_vcpu *a = vcpu->arch;
    if (!a)
        return;
    armv8_el1_fetch(a, true); /* the exception writes EL1 registers */
    if (a->aarch32) {
        armv8_aa32_inject_abort(a, false, va);
        return;
    }
    uint32_t ec = guest_in_el1(a) ? ESR_EC_IABT_CUR : ESR_EC_IABT_LOW;
    take_sync(a, ((uint32_t)ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXTERNAL, true, va);
}
