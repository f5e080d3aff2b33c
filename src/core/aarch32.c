/*
 * The AArch32 guest CPU as data (see aarch32.h): register banking, ITSTATE
 * and exception entry, computed on saved values so every arch applies them
 * to its own context layout.
 */
#include "core/aarch32.h"

enum aa32_bank aa32_bank_of(uint32_t cpsr)
{
    switch (cpsr & CPSR_MODE_MASK) {
    case CPSR_MODE_FIQ:
        return AA32_BANK_FIQ;
    case CPSR_MODE_IRQ:
        return AA32_BANK_IRQ;
    case CPSR_MODE_SVC:
        return AA32_BANK_SVC;
    case CPSR_MODE_ABT:
        return AA32_BANK_ABT;
    case CPSR_MODE_UND:
        return AA32_BANK_UND;
    default: /* usr, sys; Hyp and Monitor never reach a guest's SPSR */
        return AA32_BANK_USR;
    }
}

unsigned aa32_xidx(uint32_t cpsr, unsigned n)
{
    /* X index of {SP, LR} per bank (D1.20.1, table "Mapping of AArch32
     * registers to AArch64 registers"). */
    static const unsigned char sp_lr[][2] = {
        [AA32_BANK_USR] = {13, 14}, [AA32_BANK_IRQ] = {17, 16}, [AA32_BANK_SVC] = {19, 18},
        [AA32_BANK_ABT] = {21, 20}, [AA32_BANK_UND] = {23, 22}, [AA32_BANK_FIQ] = {29, 30},
    };
    enum aa32_bank b = aa32_bank_of(cpsr);
    if (n < 8)
        return n;
    if (n < 13)
        return b == AA32_BANK_FIQ ? 24 + (n - 8) : n;
    return sp_lr[b][n == 13 ? 0 : 1];
}

unsigned aa32_itstate(uint32_t cpsr)
{
    return ((cpsr & CPSR_IT_HI_MASK) >> CPSR_IT_HI_SHIFT << 2) |
           ((cpsr & CPSR_IT_LO_MASK) >> CPSR_IT_LO_SHIFT);
}

uint32_t aa32_with_itstate(uint32_t cpsr, unsigned it)
{
    cpsr &= ~CPSR_IT_MASK;
    cpsr |= ((uint32_t)(it >> 2) << CPSR_IT_HI_SHIFT) & CPSR_IT_HI_MASK;
    cpsr |= ((uint32_t)(it & 3) << CPSR_IT_LO_SHIFT) & CPSR_IT_LO_MASK;
    return cpsr;
}

uint32_t aa32_it_advance(uint32_t cpsr)
{
    unsigned it = aa32_itstate(cpsr);
    if (it == 0)
        return cpsr;
    it = (it & 7) == 0 ? 0 : ((it & 0xe0) | ((it << 1) & 0x1f));
    return aa32_with_itstate(cpsr, it);
}

struct aa32_exc_out aa32_enter_exception(enum aa32_exc exc, const struct aa32_exc_in *in)
{
    bool thumb = (in->cpsr & CPSR_T) != 0;
    struct aa32_exc_out o = {.spsr = in->cpsr};
    uint32_t vector;

    switch (exc) {
    case AA32_EXC_UNDEF:
        o.mode = CPSR_MODE_UND;
        o.lr = in->pc + (thumb ? 2 : 4);
        vector = VECTOR_UNDEF;
        break;
    case AA32_EXC_PABT:
        o.mode = CPSR_MODE_ABT;
        o.lr = in->pc + 4;
        vector = VECTOR_PABT;
        break;
    default:
        o.mode = CPSR_MODE_ABT;
        o.lr = in->pc + 8;
        vector = VECTOR_DABT;
        break;
    }

    uint32_t cpsr =
        in->cpsr & ~(CPSR_MODE_MASK | CPSR_T | CPSR_E | CPSR_IT_MASK | CPSR_J | CPSR_IL | CPSR_SS);
    cpsr |= o.mode | CPSR_I;
    if (o.mode == CPSR_MODE_ABT)
        cpsr |= CPSR_A;
    if (in->sctlr & SCTLR_TE)
        cpsr |= CPSR_T;
    if (in->sctlr & SCTLR_EE)
        cpsr |= CPSR_E;
    if (in->has_pan && !(in->sctlr & SCTLR_SPAN))
        cpsr |= CPSR_PAN;
    o.cpsr = cpsr;
    o.pc = ((in->sctlr & SCTLR_V) ? VECTORS_HIGH : (in->vbar & ~0x1fu)) + vector;
    return o;
}

uint32_t aa32_ext_abort_fsr(bool lpae, bool write)
{
    uint32_t fsr = lpae ? (FSR_LPAE | FSR_LD_EXT_ABORT) : FSR_SD_EXT_ABORT;
    return write ? fsr | FSR_WNR : fsr;
}
