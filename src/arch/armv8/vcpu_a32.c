/*
 * AArch32 guests on ARMv8 (EL1 in AArch32, HCR_EL2.RW = 0): the registers
 * only AArch32 EL1 has, and ITSTATE and exception entry applied to the saved
 * context. Banking, ITSTATE and the entry itself are core/aarch32.c's: the
 * AArch32 registers of every mode live in X0-X30 (Arm ARM D1.20.1), so
 * vectors.S saves them with no change.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "core/syndrome_v8.h"

bool armv8_cpu_has_aa32_el1(void)
{
    uint64_t el1 = (read_sysreg(ID_AA64PFR0_EL1) >> ID_AA64PFR0_EL1_SHIFT) & 0xf;
    return el1 == ID_AA64PFR0_EL_AA32;
}

/* These registers exist only on CPUs with AArch32 EL1 (callers check). */
void armv8_aa32_save(struct armv8_aa32_regs *r)
{
    r->spsr_abt = read_sysreg(spsr_abt);
    r->spsr_und = read_sysreg(spsr_und);
    r->spsr_irq = read_sysreg(spsr_irq);
    r->spsr_fiq = read_sysreg(spsr_fiq);
    r->dacr32 = read_sysreg(dacr32_el2);
    r->ifsr32 = read_sysreg(ifsr32_el2);
}

void armv8_aa32_restore(const struct armv8_aa32_regs *r)
{
    write_sysreg(spsr_abt, r->spsr_abt);
    write_sysreg(spsr_und, r->spsr_und);
    write_sysreg(spsr_irq, r->spsr_irq);
    write_sysreg(spsr_fiq, r->spsr_fiq);
    write_sysreg(dacr32_el2, r->dacr32);
    write_sysreg(ifsr32_el2, r->ifsr32);
}

void armv8_aa32_skip(struct arch_vcpu *a, unsigned len)
{
    a->g.pc = (uint32_t)(a->g.pc + len);
    if (a->g.pstate & CPSR_T) /* ITAdvance() (G1.9.3); SPSR_EL2[63:32] is RES0 */
        a->g.pstate = aa32_it_advance((uint32_t)a->g.pstate);
}

/* Exception entry (AArch32.EnterMode, G1.12.3, in core/aarch32.c) on the
 * saved context: the banked registers of Undefined / Abort mode live in
 * X20-X23 and SPSR_und/SPSR_abt. */
static void enter_mode(struct arch_vcpu *a, enum aa32_exc exc)
{
    struct aa32_exc_in in = {.cpsr = (uint32_t)a->g.pstate,
                             .pc = (uint32_t)a->g.pc,
                             .sctlr = (uint32_t)a->el1.sctlr,
                             .vbar = (uint32_t)a->el1.vbar,
                             .has_pan = armv8_cpu_has_pan()};
    struct aa32_exc_out o = aa32_enter_exception(exc, &in);

    if (o.mode == CPSR_MODE_UND)
        a->aa32.spsr_und = o.spsr;
    else
        a->aa32.spsr_abt = o.spsr;
    a->g.x[aa32_xidx(o.mode, 14)] = o.lr;
    a->g.pstate = o.cpsr;
    a->g.pc = o.pc;
}

void armv8_aa32_inject_undef(struct arch_vcpu *a)
{
    enter_mode(a, AA32_EXC_UNDEF);
}

void armv8_aa32_inject_abort(struct arch_vcpu *a, bool data, uint64_t va)
{
    /* Fault status in the format the guest's TTBCR.EAE selects. */
    bool lpae = (a->el1.tcr & TTBCR_EAE) != 0;
    if (data) {
        bool write = ((a->last_esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_DABT_LOW &&
                     (a->last_esr & ESR_ISS_WNR);
        /* DFSR is ESR_EL1[31:0], DFAR is FAR_EL1[31:0] (IFAR is [63:32]). */
        a->el1.esr = aa32_ext_abort_fsr(lpae, write);
        a->el1.far = (a->el1.far & 0xffffffff00000000ull) | (uint32_t)va;
        enter_mode(a, AA32_EXC_DABT);
    } else {
        a->aa32.ifsr32 = aa32_ext_abort_fsr(lpae, false);
        a->el1.far = (a->el1.far & 0xffffffffull) | ((uint64_t)(uint32_t)va << 32);
        enter_mode(a, AA32_EXC_PABT);
    }
}
