/*
 * Exceptions injected into the guest: the exception entry the CPU would
 * perform itself (ARMv7-A ARM B1.9 "Exception handling", pseudocode of
 * TakeUndefInstrException, TakePrefetchAbortException and
 * TakeDataAbortException), done on the saved context so the guest resumes
 * in its handler on the next entry:
 *  - SPSR_<mode> = CPSR, LR_<mode> = preferred return + offset (B1.8.3):
 *    UNDEF: insn + 4 (ARM) / + 2 (Thumb); prefetch abort: insn + 4;
 *    data abort: insn + 8;
 *  - CPSR: mode, I set (A too for aborts), IT and J cleared, T = SCTLR.TE,
 *    E = SCTLR.EE;
 *  - PC = VBAR (or 0xFFFF0000 with SCTLR.V) + vector offset;
 *  - for aborts DFSR/DFAR or IFSR/IFAR with "synchronous external abort",
 *    in the long-descriptor format when TTBCR.EAE is set, else short.
 * The context's PC is the trapping instruction (ELR_hyp of a data abort,
 * cp15 trap, SMC) when the core injects.
 */
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "core/syndrome_v7.h"
#include "core/vm.h"

static void take_exception(struct arch_vcpu *c, uint32_t mode, uint32_t vector, uint32_t lr,
                           bool mask_a)
{
    struct armv7_gprs *g = &c->gprs;
    struct armv7_banked *b = mode == CPSR_MODE_UND ? &g->und : &g->abt;
    uint32_t sctlr = c->cp15.sctlr;

    b->spsr = g->cpsr;
    b->lr = lr;
    uint32_t cpsr = g->cpsr & ~(CPSR_MODE_MASK | CPSR_T | CPSR_IT_MASK | CPSR_J | CPSR_E);
    cpsr |= mode | CPSR_I | (mask_a ? CPSR_A : 0);
    if (sctlr & SCTLR_TE)
        cpsr |= CPSR_T;
    if (sctlr & SCTLR_EE)
        cpsr |= CPSR_E;
    g->cpsr = cpsr;
    g->pc = ((sctlr & SCTLR_V) ? VECTORS_HIGH : (c->cp15.vbar & ~0x1fu)) + vector;
}

static uint32_t ext_abort_fsr(const struct arch_vcpu *c)
{
    if (c->cp15.ttbcr & TTBCR_EAE)
        return FSR_LPAE | FSR_LD_EXT_ABORT;
    return FSR_SD_EXT_ABORT;
}

void arch_vcpu_inject_undef(struct vcpu *vcpu)
{
    struct arch_vcpu *c = vcpu->arch;
    uint32_t lr = c->gprs.pc + ((c->gprs.cpsr & CPSR_T) ? 2 : 4);
    take_exception(c, CPSR_MODE_UND, VECTOR_UNDEF, lr, false);
}

void arch_vcpu_inject_dabt(struct vcpu *vcpu, uint64_t va)
{
    struct arch_vcpu *c = vcpu->arch;
    uint32_t fsr = ext_abort_fsr(c);
    unsigned ec = (c->last_hsr >> HSR_EC_SHIFT) & HSR_EC_MASK;
    if (ec == HSR_EC_DABT_GUEST && (c->last_hsr & HSR_ISS_WNR))
        fsr |= FSR_WNR;
    c->cp15.dfsr = fsr;
    c->cp15.dfar = (uint32_t)va;
    take_exception(c, CPSR_MODE_ABT, VECTOR_DABT, c->gprs.pc + 8, true);
}

void arch_vcpu_inject_iabt(struct vcpu *vcpu, uint64_t va)
{
    struct arch_vcpu *c = vcpu->arch;
    c->cp15.ifsr = ext_abort_fsr(c);
    c->cp15.ifar = (uint32_t)va;
    take_exception(c, CPSR_MODE_ABT, VECTOR_PABT, c->gprs.pc + 4, true);
}
