/*
 * Exceptions injected into the guest: the exception entry the CPU would
 * perform itself (ARMv7-A ARM B1.9 "Exception handling"), computed by
 * aa32_enter_exception (core/aarch32.c) and written to the saved context so
 * the guest resumes in its handler on the next entry. Aborts report a
 * synchronous external abort in DFSR/DFAR or IFSR/IFAR (B4.1.52, B4.1.96),
 * in the format TTBCR.EAE selects. The context's PC is the trapping
 * instruction (ELR_hyp of a data abort, cp15 trap, SMC) when the core
 * injects.
 */
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "core/syndrome_v7.h"
#include "core/vm.h"

static void take_exception(struct arch_vcpu *c, enum aa32_exc exc)
{
    struct armv7_gprs *g = &c->gprs;
    struct aa32_exc_in in = {
        .cpsr = g->cpsr, .pc = g->pc, .sctlr = c->cp15.sctlr, .vbar = c->cp15.vbar};
    struct aa32_exc_out o = aa32_enter_exception(exc, &in);
    struct armv7_banked *b = o.mode == CPSR_MODE_UND ? &g->und : &g->abt;

    b->spsr = o.spsr;
    b->lr = o.lr;
    g->cpsr = o.cpsr;
    g->pc = o.pc;
}

void arch_vcpu_inject_undef(struct vcpu *vcpu)
{
    armv7_ctx_fetch(vcpu->arch, true); /* the exception writes cp15 state */
    take_exception(vcpu->arch, AA32_EXC_UNDEF);
}

void arch_vcpu_inject_dabt(struct vcpu *vcpu, uint64_t va)
{
    struct arch_vcpu *c = vcpu->arch;
    armv7_ctx_fetch(c, true);
    unsigned ec = (c->last_hsr >> HSR_EC_SHIFT) & HSR_EC_MASK;
    bool write = ec == HSR_EC_DABT_GUEST && (c->last_hsr & HSR_ISS_WNR);
    c->cp15.dfsr = aa32_ext_abort_fsr((c->cp15.ttbcr & TTBCR_EAE) != 0, write);
    c->cp15.dfar = (uint32_t)va;
    take_exception(c, AA32_EXC_DABT);
}

void arch_vcpu_inject_iabt(struct vcpu *vcpu, uint64_t va)
{
    struct arch_vcpu *c = vcpu->arch;
    armv7_ctx_fetch(c, true);
    c->cp15.ifsr = aa32_ext_abort_fsr((c->cp15.ttbcr & TTBCR_EAE) != 0, false);
    c->cp15.ifar = (uint32_t)va;
    take_exception(c, AA32_EXC_PABT);
}
