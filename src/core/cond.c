/*
 * AArch32 condition checks for trapped conditional instructions (see
 * cond.h). ConditionHolds() of the Arm ARM pseudocode: cond[3:1] picks the
 * test, cond[0] inverts it, except that 0b1111 is "always" as 0b1110 is.
 */
#include "core/cond.h"

bool cond_passed(unsigned cond, uint32_t pstate)
{
    bool n = (pstate & CPSR_N) != 0, z = (pstate & CPSR_Z) != 0;
    bool c = (pstate & CPSR_C) != 0, v = (pstate & CPSR_V) != 0;
    bool result;

    cond &= 0xfu;
    switch (cond >> 1) {
    case 0: /* EQ / NE */
        result = z;
        break;
    case 1: /* CS / CC */
        result = c;
        break;
    case 2: /* MI / PL */
        result = n;
        break;
    case 3: /* VS / VC */
        result = v;
        break;
    case 4: /* HI / LS */
        result = c && !z;
        break;
    case 5: /* GE / LT */
        result = n == v;
        break;
    case 6: /* GT / LE */
        result = n == v && !z;
        break;
    default: /* AL, and 0b1111 */
        return true;
    }
    return (cond & 1) ? !result : result;
}

unsigned cond_of_trap(bool cv, unsigned cond, uint32_t pstate)
{
    if (cv)
        return cond & 0xfu;
    /* CV=0 (ESR_ELx/HSR "CV" description): only a T32 instruction may
     * report this, and its condition is then ITSTATE's, as KVM's
     * kvm_condition_valid32 reads it. An A32 instruction always reports
     * CV=1, so CV=0 there means the syndrome has no COND at all (ARMv7 SMC:
     * ISS UNK/SBZP, and only an SMC that passed its check traps). */
    if (!(pstate & CPSR_T))
        return COND_AL;
    unsigned it = aa32_itstate(pstate);
    if ((it & 0xfu) == 0)
        return COND_AL; /* not in an IT block */
    return it >> 4;
}
