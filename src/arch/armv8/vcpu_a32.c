/*
 * AArch32 guests on ARMv8 (EL1 in AArch32, HCR_EL2.RW = 0): the banked
 * register view, the registers only AArch32 EL1 has, ITSTATE, and exception
 * entry into Undefined / Abort mode.
 *
 * Register banking follows Arm ARM D1.20.1 "Mapping of the general-purpose
 * registers between the Execution states": the AArch32 registers of every
 * mode live in X0-X30 (R8-R12 of FIQ mode in X24-X28, SP/LR of each mode in
 * X13-X30), so vectors.S saves them with no change.
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

static uint64_t mode(const struct arch_vcpu *a)
{
    return a->g.pstate & PSR_AA32_MODE_MASK;
}

unsigned armv8_aa32_xidx(const struct arch_vcpu *a, unsigned n)
{
    uint64_t m = mode(a);
    if (n < 8)
        return n;
    if (n < 13)
        return m == PSR_AA32_MODE_FIQ ? 24 + (n - 8) : n;
    bool sp = n == 13;
    switch (m) {
    case PSR_AA32_MODE_FIQ:
        return sp ? 29 : 30;
    case PSR_AA32_MODE_IRQ:
        return sp ? 17 : 16;
    case PSR_AA32_MODE_SVC:
        return sp ? 19 : 18;
    case PSR_AA32_MODE_ABT:
        return sp ? 21 : 20;
    case PSR_AA32_MODE_UND:
        return sp ? 23 : 22;
    default: /* USR, SYS */
        return sp ? 13 : 14;
    }
}

static unsigned itstate(uint64_t psr)
{
    return (unsigned)(((psr & PSR_AA32_IT_HI_MASK) >> PSR_AA32_IT_HI_SHIFT) << 2 |
                      ((psr & PSR_AA32_IT_LO_MASK) >> PSR_AA32_IT_LO_SHIFT));
}

static uint64_t with_itstate(uint64_t psr, unsigned it)
{
    psr &= ~(PSR_AA32_IT_HI_MASK | PSR_AA32_IT_LO_MASK);
    psr |= ((uint64_t)(it >> 2) << PSR_AA32_IT_HI_SHIFT) & PSR_AA32_IT_HI_MASK;
    psr |= ((uint64_t)(it & 3) << PSR_AA32_IT_LO_SHIFT) & PSR_AA32_IT_LO_MASK;
    return psr;
}

void armv8_aa32_skip(struct arch_vcpu *a, unsigned len)
{
    a->g.pc = (uint32_t)(a->g.pc + len);
    if (a->g.pstate & PSR_AA32_T) {
        /* ITAdvance() (Arm ARM G1.9.3 / ARMv7-A ARM A2.5.2): the block ends
         * after the instruction whose IT[2:0] is 0, otherwise IT[4:0]
         * shifts left. */
        unsigned it = itstate(a->g.pstate);
        it = (it & 7) == 0 ? 0 : ((it & 0xe0) | ((it << 1) & 0x1f));
        a->g.pstate = with_itstate(a->g.pstate, it);
    }
}

/* AArch32.EnterMode (Arm ARM G1.12.3): SPSR and LR of the target mode, then
 * CPSR = target mode, I masked (A too for Abort), T from SCTLR.TE, E from
 * SCTLR.EE, IT and J cleared, PAN per SCTLR.SPAN; PC = vector. */
static void enter_mode(struct arch_vcpu *a, uint64_t target, unsigned lr_offset,
                       unsigned vect_offset)
{
    uint64_t old = a->g.pstate;
    uint64_t sctlr = a->el1.sctlr;
    uint32_t ret = (uint32_t)a->g.pc + lr_offset;

    if (target == PSR_AA32_MODE_UND) {
        a->aa32.spsr_und = old;
        a->g.x[22] = ret; /* LR_und */
    } else {
        a->aa32.spsr_abt = old;
        a->g.x[20] = ret; /* LR_abt */
    }

    uint64_t ps = PSR_MODE32 | target | PSR_I;
    if (target == PSR_AA32_MODE_ABT)
        ps |= PSR_A;
    else
        ps |= old & PSR_A;
    ps |= old & PSR_F;
    if (sctlr & SCTLR_AA32_TE)
        ps |= PSR_AA32_T;
    if (sctlr & SCTLR_AA32_EE)
        ps |= PSR_AA32_E;
    ps |= old & PSR_PAN;
    if (!(sctlr & SCTLR_EL1_SPAN) &&
        ((read_sysreg(ID_AA64MMFR1_EL1) >> ID_AA64MMFR1_PAN_SHIFT) & ID_AA64MMFR1_PAN_MASK))
        ps |= PSR_PAN;
    a->g.pstate = ps;

    uint64_t base = (sctlr & SCTLR_AA32_V) ? AA32_HIGH_VECTORS : (a->el1.vbar & ~0x1full);
    a->g.pc = (uint32_t)(base + vect_offset);
}

void armv8_aa32_inject_undef(struct arch_vcpu *a)
{
    /* AArch32.TakeUndefInstrException: LR = instruction + 4 (A32) / 2 (T32). */
    enter_mode(a, PSR_AA32_MODE_UND, (a->g.pstate & PSR_AA32_T) ? 2 : 4, AA32_VECTOR_UND);
}

void armv8_aa32_inject_abort(struct arch_vcpu *a, bool data, uint64_t va)
{
    /* Fault status in the format the guest's TTBCR.EAE selects. */
    uint32_t fsr =
        (a->el1.tcr & TTBCR_EAE) ? (AA32_FSR_LPAE | AA32_FSR_LONG_EXT_ABT) : AA32_FSR_SHORT_EXT_ABT;
    if (data) {
        if (((a->last_esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_DABT_LOW &&
            (a->last_esr & ESR_ISS_WNR))
            fsr |= AA32_FSR_WNR;
        /* DFSR is ESR_EL1[31:0], DFAR is FAR_EL1[31:0] (IFAR is [63:32]). */
        a->el1.esr = fsr;
        a->el1.far = (a->el1.far & 0xffffffff00000000ull) | (uint32_t)va;
        enter_mode(a, PSR_AA32_MODE_ABT, 8, AA32_VECTOR_DABT);
    } else {
        a->aa32.ifsr32 = fsr;
        a->el1.far = (a->el1.far & 0xffffffffull) | ((uint64_t)(uint32_t)va << 32);
        enter_mode(a, PSR_AA32_MODE_ABT, 4, AA32_VECTOR_PABT);
    }
}
