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
 * The cycle counter is 32 bits wide here (no PMCR.LC); the event counters,
 * and the cycle counter's filter (no PMCCFILTR), are reached through PMSELR
 * and PMXEVTYPER / PMXEVCNTR (pmu_switch.c).
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
    pmu_hw_quiesce();
    return (uint32_t)n;
}

/* PMCR bits ARMv7 has (B4.1.117): bit 6 and up to N are UNK/SBZP there
 * (PMCR.LC is ARMv8's), so a guest's LC is not written. */
#define PMCR_V7_WRITABLE (PMCR_E | PMCR_P | PMCR_C | PMCR_D | PMCR_X | PMCR_DP)

/* Each register of pmu_switch.h's glue and its cp15 encoding (B4.1.116-
 * B4.1.124; every one 32 bits), by how it may be accessed. */
#define PMU_READ_WRITE(X)                                                                          \
    X(PMU_HW_PMCR, PMCR)                                                                           \
    X(PMU_HW_CNTENSET, PMCNTENSET)                                                                 \
    X(PMU_HW_CNTENCLR, PMCNTENCLR)                                                                 \
    X(PMU_HW_INTENSET, PMINTENSET)                                                                 \
    X(PMU_HW_INTENCLR, PMINTENCLR)                                                                 \
    X(PMU_HW_OVSSET, PMOVSSET)                                                                     \
    X(PMU_HW_OVSCLR, PMOVSR)                                                                       \
    X(PMU_HW_USERENR, PMUSERENR)                                                                   \
    X(PMU_HW_CCNTR, PMCCNTR)                                                                       \
    X(PMU_HW_SELR, PMSELR)                                                                         \
    X(PMU_HW_XEVTYPER, PMXEVTYPER)                                                                 \
    X(PMU_HW_XEVCNTR, PMXEVCNTR)
#define PMU_READ_ONLY(X)  X(PMU_HW_CEID0, PMCEID0) X(PMU_HW_CEID1, PMCEID1)
#define PMU_WRITE_ONLY(X) X(PMU_HW_SWINC, PMSWINC)

/* What of val a write to the register id may set. */
static inline uint32_t v7_writable(enum pmu_hw_reg id, uint64_t val)
{
    return (uint32_t)(id == PMU_HW_PMCR ? val & PMCR_V7_WRITABLE : val);
}

#define PMU_HW_READ(reg)           cp_read32(reg)
#define PMU_HW_WRITE(id, reg, val) cp_write32(reg, v7_writable(id, val))

PMU_HW_ACCESSORS

struct pmu_ctx *pmu_arch_ctx(struct vcpu *vcpu)
{
    struct arch_vcpu *c = vcpu ? vcpu->arch : NULL;
    return c ? &c->pmu : NULL;
}
