/*
 * The ARMv7 port's PMU glue (arch/pmu/pmu_switch.c switches it per vCPU):
 * the Performance Monitors Extension through cp15 (ARMv7-A ARM C12,
 * registers B4.1.116-B4.1.124), given to guests only when it is PMUv2
 * (ID_DFR0.PerfMon 2) or later. Why not PMUv1: PMUv2, which comes with
 * the Virtualization Extensions, is the version with event filtering,
 * PMXEVTYPER's P, U, NSK, NSU and NSH bits, and the cycle counter's filter
 * reached as PMXEVTYPER with PMSELR.SEL = 31 (C12.8 "PMXEVTYPER", PMCCFILTR
 * in PMUv3). With NSH clear nothing counts in Hyp mode, and core/vpmu.c
 * never sets it; a PMUv1 would count the hypervisor's time.
 *
 * HDCR (armv7_pmu_hpmn, vcpu.c): TPM and TPMCR trap every PL1/PL0 access to
 * Hyp mode; HPMN = PMCR.N, every counter the guests'; HPME clear.
 *
 * The cycle counter is 32 bits wide here (no PMCR.LC); the event counters
 * are reached through PMSELR and PMXEVTYPER / PMXEVCNTR.
 */
#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "arch/pmu/pmu_switch.h"
#include "core/pmu_regs.h"
#include "core/vm.h"

int pmu_hw_probe(void)
{
    unsigned ver = (cp_read32(ID_DFR0) >> ID_DFR0_PERFMON_SHIFT) & 0xfu;
    if (ver < ID_DFR0_PERFMON_V2 || ver == ID_DFR0_PERFMON_IMPDEF)
        return -1;
    return (int)((cp_read32(PMCR) >> PMCR_N_SHIFT) & PMCR_N_MASK);
}

uint32_t armv7_pmu_hpmn(void)
{
    int n = arch_pmu_counters();
    if (n < 0) /* the reset value: no PMU of ours to give */
        return cp_read32(HDCR) & HDCR_HPMN_MASK;
    cp_write32(PMCR, 0);
    cp_write32(PMCNTENCLR, ~0u);
    cp_write32(PMINTENCLR, ~0u);
    cp_write32(PMOVSR, ~0u);
    isb();
    return (uint32_t)n;
}

/* PMCR bits ARMv7 has (B4.1.117): bit 6 and up to N are UNK/SBZP there
 * (PMCR.LC is ARMv8's), so a guest's LC is not written. */
#define PMCR_V7_WRITABLE (PMCR_E | PMCR_P | PMCR_C | PMCR_D | PMCR_X | PMCR_DP)

static void select_counter(unsigned idx)
{
    cp_write32(PMSELR, idx & PMSELR_SEL_MASK);
    isb();
}

uint64_t pmu_hw_read(enum arch_pmu_reg reg, unsigned idx)
{
    switch (reg) {
    case ARCH_PMU_PMCR:
        return cp_read32(PMCR);
    case ARCH_PMU_CNTEN:
        return cp_read32(PMCNTENSET);
    case ARCH_PMU_INTEN:
        return cp_read32(PMINTENSET);
    case ARCH_PMU_OVS:
        return cp_read32(PMOVSSET);
    case ARCH_PMU_USERENR:
        return cp_read32(PMUSERENR);
    case ARCH_PMU_CCNTR:
        isb();
        return cp_read32(PMCCNTR);
    case ARCH_PMU_EVCNTR:
        select_counter(idx);
        return cp_read32(PMXEVCNTR);
    case ARCH_PMU_EVTYPER: /* 31: the cycle counter's filter */
        select_counter(idx);
        return cp_read32(PMXEVTYPER);
    case ARCH_PMU_CEID0:
        return cp_read32(PMCEID0);
    case ARCH_PMU_CEID1:
        return cp_read32(PMCEID1);
    case ARCH_PMU_SWINC:
        break;
    }
    return 0;
}

void pmu_hw_write(enum arch_pmu_reg reg, unsigned idx, uint64_t val)
{
    uint32_t v = (uint32_t)val;
    switch (reg) {
    case ARCH_PMU_PMCR:
        cp_write32(PMCR, v & PMCR_V7_WRITABLE);
        break;
    case ARCH_PMU_CNTEN:
        cp_write32(PMCNTENCLR, ~v);
        cp_write32(PMCNTENSET, v);
        break;
    case ARCH_PMU_INTEN:
        cp_write32(PMINTENCLR, ~v);
        cp_write32(PMINTENSET, v);
        break;
    case ARCH_PMU_OVS:
        cp_write32(PMOVSR, ~v);
        cp_write32(PMOVSSET, v);
        break;
    case ARCH_PMU_USERENR:
        cp_write32(PMUSERENR, v);
        break;
    case ARCH_PMU_CCNTR:
        cp_write32(PMCCNTR, v);
        break;
    case ARCH_PMU_EVCNTR:
        select_counter(idx);
        cp_write32(PMXEVCNTR, v);
        break;
    case ARCH_PMU_EVTYPER:
        select_counter(idx);
        cp_write32(PMXEVTYPER, v);
        break;
    case ARCH_PMU_SWINC:
        cp_write32(PMSWINC, v);
        break;
    case ARCH_PMU_CEID0:
    case ARCH_PMU_CEID1:
        break;
    }
    isb();
}

struct pmu_ctx *pmu_arch_ctx(struct vcpu *vcpu)
{
    struct arch_vcpu *c = vcpu ? vcpu->arch : NULL;
    return c ? &c->pmu : NULL;
}
