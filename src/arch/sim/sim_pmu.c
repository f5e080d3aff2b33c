/*
 * The simulated PMU: one register file per vCPU context (as the hardware
 * holds it while that vCPU is loaded), a cycle counter and event counters
 * that advance with the guest's own time only (g_spin, never while the VMM
 * runs: what PMCCFILTR/PMEVTYPER.NSH = 0 gives on hardware), overflow
 * flags and the level-sensitive overflow interrupt of the live vCPU's PMU
 * (SIM_PIRQ_PMU, INTID 23 as on QEMU virt). What the core writes is kept
 * as written: the core masks (core/vpmu.c).
 */
#include <string.h>

#include "arch/sim/sim_internal.h"
#include "core/pmu_regs.h"
#include "core/vm.h"

static int host_counters = -1; /* sim_set_pmu_counters; -1: no PMU */
static bool pmu_irq_active;    /* acknowledged, not yet deactivated */

void sim_set_pmu_counters(int n)
{
    host_counters = n < 0 ? -1 : n > SIM_PMU_MAX_COUNTERS ? SIM_PMU_MAX_COUNTERS : n;
}

int arch_pmu_counters(void)
{
    return host_counters;
}

void sim_pmu_reset(void)
{
    host_counters = -1;
    pmu_irq_active = false;
}

void sim_pmu_vcpu_reset(struct arch_vcpu *av)
{
    memset(&av->pmu, 0, sizeof(av->pmu));
}

uint64_t arch_pmu_read(struct vcpu *vcpu, enum arch_pmu_reg reg, unsigned idx)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        return 0;
    const struct sim_pmu *p = &av->pmu;
    switch (reg) {
    case ARCH_PMU_PMCR:
        return (p->pmcr & ~(uint64_t)(PMCR_P | PMCR_C)) |
               (uint64_t)(host_counters < 0 ? 0 : host_counters) << PMCR_N_SHIFT;
    case ARCH_PMU_CNTEN:
        return p->cnten;
    case ARCH_PMU_INTEN:
        return p->inten;
    case ARCH_PMU_OVS:
        return p->ovs;
    case ARCH_PMU_USERENR:
        return p->userenr;
    case ARCH_PMU_CCNTR:
        return p->ccntr;
    case ARCH_PMU_EVCNTR:
        return idx < SIM_PMU_MAX_COUNTERS ? p->evcntr[idx] : 0;
    case ARCH_PMU_EVTYPER:
        return idx == PMU_CYCLE_IDX ? p->ccfiltr : idx < SIM_PMU_MAX_COUNTERS ? p->evtyper[idx] : 0;
    case ARCH_PMU_CEID0:
        /* SW_INCR and CPU_CYCLES, the events this PMU counts. */
        return (1u << PMU_EVT_SW_INCR) | (1u << PMU_EVT_CPU_CYCLES);
    case ARCH_PMU_SWINC:
    case ARCH_PMU_CEID1:
        break;
    }
    return 0;
}

/* Add delta to event counter i (32 bits wide): a wrap sets its overflow
 * flag. */
static void event_add(struct sim_pmu *p, unsigned i, uint64_t delta)
{
    uint64_t v = (uint64_t)p->evcntr[i] + delta;
    if (v > 0xffffffffull)
        p->ovs |= 1u << i;
    p->evcntr[i] = (uint32_t)v;
}

void arch_pmu_write(struct vcpu *vcpu, enum arch_pmu_reg reg, unsigned idx, uint64_t val)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        return;
    struct sim_pmu *p = &av->pmu;
    switch (reg) {
    case ARCH_PMU_PMCR:
        if (val & PMCR_C)
            p->ccntr = 0;
        if (val & PMCR_P)
            memset(p->evcntr, 0, sizeof(p->evcntr));
        p->pmcr = (uint32_t)val & ~(PMCR_P | PMCR_C);
        break;
    case ARCH_PMU_CNTEN:
        p->cnten = (uint32_t)val;
        break;
    case ARCH_PMU_INTEN:
        p->inten = (uint32_t)val;
        break;
    case ARCH_PMU_OVS:
        p->ovs = (uint32_t)val;
        break;
    case ARCH_PMU_USERENR:
        p->userenr = (uint32_t)val;
        break;
    case ARCH_PMU_CCNTR:
        p->ccntr = val;
        break;
    case ARCH_PMU_EVCNTR:
        if (idx < SIM_PMU_MAX_COUNTERS)
            p->evcntr[idx] = (uint32_t)val;
        break;
    case ARCH_PMU_EVTYPER:
        if (idx == PMU_CYCLE_IDX)
            p->ccfiltr = (uint32_t)val;
        else if (idx < SIM_PMU_MAX_COUNTERS)
            p->evtyper[idx] = (uint32_t)val;
        break;
    case ARCH_PMU_SWINC:
        /* Counters counting SW_INCR that are enabled (D13.4 PMSWINC). */
        for (unsigned i = 0; i < (unsigned)host_counters && i < SIM_PMU_MAX_COUNTERS; i++)
            if ((val >> i & 1) && (p->pmcr & PMCR_E) && (p->cnten >> i & 1) &&
                (p->evtyper[i] & PMEVTYPER_EVT_MASK) == PMU_EVT_SW_INCR)
                event_add(p, i, 1);
        break;
    case ARCH_PMU_CEID0:
    case ARCH_PMU_CEID1:
        break;
    }
}

/* Does a counter with filter f count at EL1, where the sim's guests run?
 * (P clear; NSK is the Non-secure EL1 filter only with EL3, which the sim
 * CPU does not have.) */
static bool counts_el1(uint32_t f)
{
    return !(f & PMEVTYPER_P);
}

void sim_pmu_count(struct arch_vcpu *av, uint64_t cycles)
{
    struct sim_pmu *p = &av->pmu;
    if (host_counters < 0 || !(p->pmcr & PMCR_E))
        return;
    if ((p->cnten & PMU_CYCLE_BIT) && counts_el1(p->ccfiltr)) {
        uint64_t inc = (p->pmcr & PMCR_D) && !(p->pmcr & PMCR_LC) ? cycles / 64 : cycles;
        uint64_t old = p->ccntr;
        p->ccntr += inc;
        /* Overflow at bit 63 with PMCR.LC, else from bit 31 into bit 32. */
        bool ovf = (p->pmcr & PMCR_LC) ? p->ccntr < old : (old >> 32) != (p->ccntr >> 32);
        if (ovf)
            p->ovs |= PMU_CYCLE_BIT;
    }
    for (unsigned i = 0; i < (unsigned)host_counters && i < SIM_PMU_MAX_COUNTERS; i++)
        if ((p->cnten >> i & 1) && counts_el1(p->evtyper[i]) &&
            (p->evtyper[i] & PMEVTYPER_EVT_MASK) == PMU_EVT_CPU_CYCLES)
            event_add(p, i, cycles);
}

bool sim_pmu_irq_level(const struct arch_vcpu *av)
{
    const struct sim_pmu *p = &av->pmu;
    return host_counters >= 0 && (p->pmcr & PMCR_E) && (p->inten & p->ovs);
}

bool sim_pmu_irq_pending(const struct arch_vcpu *live)
{
    return live && live->used && !pmu_irq_active && sim_pmu_irq_level(live);
}

void sim_pmu_irq_set_active(bool active)
{
    pmu_irq_active = active;
}

uint64_t sim_vcpu_pmu_cycles(struct vcpu *vcpu)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    return av ? av->pmu.ccntr : 0;
}
