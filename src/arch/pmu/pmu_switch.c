/*
 * The host PMU switched per vCPU (pmu_switch.h), for armv7 and armv8.
 *
 * The guest never touches the PMU directly: every access traps (HDCR.TPM /
 * MDCR_EL2.TPM) and the core (core/vpmu.c) emulates it through
 * arch_pmu_read/write, which reach the CPU's registers when the vCPU's
 * block is loaded and its saved copy otherwise. Loading is lazy, like the
 * EL1 / cp15 state: the block stays in the CPU across the vCPU's exits
 * (nothing counts at EL2 / in Hyp mode, since the core never sets a
 * filter's NSH bit, so the counts are as the guest left them) and is
 * switched only when another vCPU is entered (pmu_load). The whole set is
 * switched, every counter of PMCR.N, so no vCPU reads or resets another's
 * counts; the counters are loaded with PMCR.E clear and enabled last, so a
 * half-loaded block never counts.
 */
#include "arch/pmu/pmu_switch.h"

#include "arch/barrier.h"
#include "core/pcpu.h"
#include "core/pmu_regs.h"

/* Per physical CPU, the block its PMU holds (NULL: nobody's); read and
 * written by that CPU only. A vCPU's block is given back (pmu_put) before
 * the vCPU may run on another CPU (arch_vcpu_put). */
static struct pmu_ctx *hw_owners[PCPU_MAX];
#define hw_owner (hw_owners[arch_cpu_id()])

/* PMCR bits a vCPU's block keeps: the rest is read-only (N, IDs) or acts
 * once (P, C). */
#define PMCR_STATE (PMCR_E | PMCR_D | PMCR_DP | PMCR_LC)

int arch_pmu_counters(void)
{
    static int n = -2; /* not probed yet */
    if (n == -2)
        n = pmu_hw_probe();
    return n;
}

static unsigned ncounters(void)
{
    int n = arch_pmu_counters();
    return n < 0 ? 0 : n > PMU_MAX_COUNTERS ? PMU_MAX_COUNTERS : (unsigned)n;
}

/* PMSELR.SEL picks the counter PMXEVTYPER and PMXEVCNTR reach; the ISB
 * makes the selection visible to the access after it (Arm ARM D13.4
 * PMSELR_EL0, ARMv7-A ARM B4.1.121). */
static void select_counter(unsigned idx)
{
    pmu_hw_set(PMU_HW_SELR, idx & PMSELR_SEL_MASK);
    isb();
}

/* The CPU's register reg (idx: the counter for EVCNTR / EVTYPER, 31 the
 * cycle filter), with arch_pmu_read/write's meaning. */
static uint64_t pmu_hw_read(enum arch_pmu_reg reg, unsigned idx)
{
    switch (reg) {
    case ARCH_PMU_PMCR:
        return pmu_hw_get(PMU_HW_PMCR);
    case ARCH_PMU_CNTEN:
        return pmu_hw_get(PMU_HW_CNTENSET);
    case ARCH_PMU_INTEN:
        return pmu_hw_get(PMU_HW_INTENSET);
    case ARCH_PMU_OVS:
        return pmu_hw_get(PMU_HW_OVSSET);
    case ARCH_PMU_USERENR:
        return pmu_hw_get(PMU_HW_USERENR);
    case ARCH_PMU_CCNTR:
        isb(); /* not read ahead of what came before */
        return pmu_hw_get(PMU_HW_CCNTR);
    case ARCH_PMU_EVCNTR:
        select_counter(idx);
        return pmu_hw_get(PMU_HW_XEVCNTR);
    case ARCH_PMU_EVTYPER: /* 31: the cycle counter's filter */
        select_counter(idx);
        return pmu_hw_get(PMU_HW_XEVTYPER);
    case ARCH_PMU_CEID0:
        return pmu_hw_get(PMU_HW_CEID0);
    case ARCH_PMU_CEID1:
        return pmu_hw_get(PMU_HW_CEID1);
    case ARCH_PMU_SWINC:
        break;
    }
    return 0;
}

/* A bitmask register (a 32-bit SET/CLR pair) written whole: what val
 * clears first, then what it sets. */
static void write_mask(enum pmu_hw_reg set, enum pmu_hw_reg clr, uint64_t val)
{
    pmu_hw_set(clr, ~(uint32_t)val);
    pmu_hw_set(set, (uint32_t)val);
}

static void pmu_hw_write(enum arch_pmu_reg reg, unsigned idx, uint64_t val)
{
    switch (reg) {
    case ARCH_PMU_PMCR:
        pmu_hw_set(PMU_HW_PMCR, val);
        break;
    case ARCH_PMU_CNTEN:
        write_mask(PMU_HW_CNTENSET, PMU_HW_CNTENCLR, val);
        break;
    case ARCH_PMU_INTEN:
        write_mask(PMU_HW_INTENSET, PMU_HW_INTENCLR, val);
        break;
    case ARCH_PMU_OVS:
        write_mask(PMU_HW_OVSSET, PMU_HW_OVSCLR, val);
        break;
    case ARCH_PMU_USERENR:
        pmu_hw_set(PMU_HW_USERENR, val);
        break;
    case ARCH_PMU_CCNTR:
        pmu_hw_set(PMU_HW_CCNTR, val);
        break;
    case ARCH_PMU_EVCNTR:
        select_counter(idx);
        pmu_hw_set(PMU_HW_XEVCNTR, val);
        break;
    case ARCH_PMU_EVTYPER: /* 31: the cycle counter's filter */
        select_counter(idx);
        pmu_hw_set(PMU_HW_XEVTYPER, val);
        break;
    case ARCH_PMU_SWINC:
        pmu_hw_set(PMU_HW_SWINC, val);
        break;
    case ARCH_PMU_CEID0:
    case ARCH_PMU_CEID1:
        break;
    }
    isb();
}

void pmu_hw_quiesce(void)
{
    pmu_hw_set(PMU_HW_PMCR, 0);
    pmu_hw_set(PMU_HW_CNTENCLR, ~0u);
    pmu_hw_set(PMU_HW_INTENCLR, ~0u);
    pmu_hw_set(PMU_HW_OVSCLR, ~0u);
    isb();
}

static void save(struct pmu_ctx *c)
{
    c->pmcr = (uint32_t)pmu_hw_read(ARCH_PMU_PMCR, 0) & PMCR_STATE;
    c->cnten = (uint32_t)pmu_hw_read(ARCH_PMU_CNTEN, 0);
    c->inten = (uint32_t)pmu_hw_read(ARCH_PMU_INTEN, 0);
    c->ovs = (uint32_t)pmu_hw_read(ARCH_PMU_OVS, 0);
    c->userenr = (uint32_t)pmu_hw_read(ARCH_PMU_USERENR, 0);
    c->ccntr = pmu_hw_read(ARCH_PMU_CCNTR, 0);
    c->ccfiltr = (uint32_t)pmu_hw_read(ARCH_PMU_EVTYPER, PMU_CYCLE_IDX);
    for (unsigned i = 0; i < ncounters(); i++) {
        c->evtyper[i] = (uint32_t)pmu_hw_read(ARCH_PMU_EVTYPER, i);
        c->evcntr[i] = (uint32_t)pmu_hw_read(ARCH_PMU_EVCNTR, i);
    }
}

static void restore(const struct pmu_ctx *c)
{
    pmu_hw_write(ARCH_PMU_PMCR, 0, c->pmcr & ~PMCR_E);
    for (unsigned i = 0; i < ncounters(); i++) {
        pmu_hw_write(ARCH_PMU_EVTYPER, i, c->evtyper[i]);
        pmu_hw_write(ARCH_PMU_EVCNTR, i, c->evcntr[i]);
    }
    pmu_hw_write(ARCH_PMU_EVTYPER, PMU_CYCLE_IDX, c->ccfiltr);
    pmu_hw_write(ARCH_PMU_CCNTR, 0, c->ccntr);
    pmu_hw_write(ARCH_PMU_USERENR, 0, c->userenr);
    pmu_hw_write(ARCH_PMU_OVS, 0, c->ovs);
    pmu_hw_write(ARCH_PMU_INTEN, 0, c->inten);
    pmu_hw_write(ARCH_PMU_CNTEN, 0, c->cnten);
    pmu_hw_write(ARCH_PMU_PMCR, 0, c->pmcr);
}

void pmu_load(struct pmu_ctx *c)
{
    if (hw_owner == c || arch_pmu_counters() < 0)
        return;
    if (hw_owner)
        save(hw_owner);
    restore(c);
    hw_owner = c;
}

void pmu_put(struct pmu_ctx *c)
{
    if (hw_owner != c)
        return;
    save(c);
    /* Nothing of c's counts or interrupts here any more: it may be loaded
     * on another CPU next. */
    pmu_hw_write(ARCH_PMU_INTEN, 0, 0);
    pmu_hw_write(ARCH_PMU_CNTEN, 0, 0);
    hw_owner = NULL;
}

void pmu_ctx_reset(struct pmu_ctx *c)
{
    *c = (struct pmu_ctx){0};
    if (hw_owner == c) {
        /* Its counters may still run and its interrupt be high: off, so
         * nothing fires for a vCPU that is gone. */
        restore(c);
        hw_owner = NULL;
    }
}

uint64_t arch_pmu_read(struct vcpu *vcpu, enum arch_pmu_reg reg, unsigned idx)
{
    struct pmu_ctx *c = pmu_arch_ctx(vcpu);
    if (arch_pmu_counters() < 0 || !c)
        return 0;
    if (hw_owner == c || reg == ARCH_PMU_CEID0 || reg == ARCH_PMU_CEID1)
        return pmu_hw_read(reg, idx);
    switch (reg) {
    case ARCH_PMU_PMCR:
        return c->pmcr | (uint64_t)ncounters() << PMCR_N_SHIFT;
    case ARCH_PMU_CNTEN:
        return c->cnten;
    case ARCH_PMU_INTEN:
        return c->inten;
    case ARCH_PMU_OVS:
        return c->ovs;
    case ARCH_PMU_USERENR:
        return c->userenr;
    case ARCH_PMU_CCNTR:
        return c->ccntr;
    case ARCH_PMU_EVCNTR:
        return idx < ncounters() ? c->evcntr[idx] : 0;
    case ARCH_PMU_EVTYPER:
        return idx == PMU_CYCLE_IDX ? c->ccfiltr : idx < ncounters() ? c->evtyper[idx] : 0;
    default:
        return 0; /* write-only */
    }
}

void arch_pmu_write(struct vcpu *vcpu, enum arch_pmu_reg reg, unsigned idx, uint64_t val)
{
    struct pmu_ctx *c = pmu_arch_ctx(vcpu);
    if (arch_pmu_counters() < 0 || !c)
        return;
    if (hw_owner == c) {
        pmu_hw_write(reg, idx, val);
        return;
    }
    switch (reg) {
    case ARCH_PMU_PMCR:
        if (val & PMCR_C)
            c->ccntr = 0;
        if (val & PMCR_P)
            for (unsigned i = 0; i < PMU_MAX_COUNTERS; i++)
                c->evcntr[i] = 0;
        c->pmcr = (uint32_t)val & PMCR_STATE;
        break;
    case ARCH_PMU_CNTEN:
        c->cnten = (uint32_t)val;
        break;
    case ARCH_PMU_INTEN:
        c->inten = (uint32_t)val;
        break;
    case ARCH_PMU_OVS:
        c->ovs = (uint32_t)val;
        break;
    case ARCH_PMU_USERENR:
        c->userenr = (uint32_t)val;
        break;
    case ARCH_PMU_CCNTR:
        c->ccntr = val;
        break;
    case ARCH_PMU_EVCNTR:
        if (idx < ncounters())
            c->evcntr[idx] = (uint32_t)val;
        break;
    case ARCH_PMU_EVTYPER:
        if (idx == PMU_CYCLE_IDX)
            c->ccfiltr = (uint32_t)val;
        else if (idx < ncounters())
            c->evtyper[idx] = (uint32_t)val;
        break;
    default:
        /* PMSWINC comes only from the running vCPU, whose block is in
         * the CPU; read-only registers are not written. */
        break;
    }
}
