/*
 * The ARMv8 port's PMU glue (arch/pmu/pmu_switch.c switches it per vCPU):
 * PMUv3 through its system registers (Arm ARM D13.4 / D23.x), and the EL2
 * controls.
 *
 * MDCR_EL2 (armv8_pmu_el2_init): TPM and TPMCR trap every EL1/EL0 access to
 * EL2, where core/vpmu.c emulates it on these registers; HPMN = PMCR_EL0.N,
 * every counter the guest's (armvisor counts nothing itself); HPME clear.
 * With FEAT_PMUv3p1, HPMD is set too: counting at EL2 is then prohibited
 * whatever a filter says (Arm ARM D13.4 "Prohibiting event counting"). On
 * ARMv8.0 (cortex-a57) there is no HPMD, and what keeps EL2 out of the
 * counts is that no filter ever has NSH set (core/vpmu.c): QEMU 7.2 models
 * exactly that, a counter does not count at EL2 unless its NSH is 1
 * (target/arm/helper.c pmu_counter_enabled).
 *
 * The event counters are reached through PMSELR_EL0 and PMXEVTYPER_EL0 /
 * PMXEVCNTR_EL0 (pmu_switch.c), the cycle counter's filter too (SEL 31:
 * PMXEVTYPER_EL0 then reaches PMCCFILTR_EL0, Arm ARM D13.4), as on ARMv7:
 * one path for all (PMSELR is the hypervisor's scratch register here; the
 * guest's PMSELR lives in the core, since every access traps).
 */
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "arch/pmu/pmu_switch.h"
#include "core/pmu_regs.h"
#include "core/vm.h"

int pmu_hw_probe(void)
{
    unsigned ver = (unsigned)(read_sysreg(ID_AA64DFR0_EL1) >> ID_AA64DFR0_PMUVER_SHIFT) & 0xfu;
    if (ver == ID_AA64DFR0_PMUVER_NONE || ver == ID_AA64DFR0_PMUVER_IMPDEF)
        return -1;
    return (int)((read_sysreg(pmcr_el0) >> PMCR_N_SHIFT) & PMCR_N_MASK);
}

void armv8_pmu_el2_init(void)
{
    int n = arch_pmu_counters();
    if (n < 0) {
        /* No PMUv3: its registers UNDEF at EL1 anyway; TPM keeps an
         * IMPLEMENTATION DEFINED PMU out of reach (the core answers the
         * architected encodings RAZ/WI). HPMN is left as it resets. */
        write_sysreg(mdcr_el2,
                     (read_sysreg(mdcr_el2) & MDCR_EL2_HPMN_MASK) | MDCR_EL2_TPM | MDCR_EL2_TPMCR);
        return;
    }
    uint64_t mdcr = MDCR_EL2_TPM | MDCR_EL2_TPMCR | (uint64_t)n;
    unsigned ver = (unsigned)(read_sysreg(ID_AA64DFR0_EL1) >> ID_AA64DFR0_PMUVER_SHIFT) & 0xfu;
    if (ver >= ID_AA64DFR0_PMUVER_V3P1)
        mdcr |= MDCR_EL2_HPMD;
    write_sysreg(mdcr_el2, mdcr);
    pmu_hw_quiesce(); /* nobody's state until a vCPU is loaded */
}

/* Each register of pmu_switch.h's glue and its PMUv3 system register
 * (Arm ARM D13.4), by how it may be accessed. */
#define PMU_READ_WRITE(X)                                                                          \
    X(PMU_HW_PMCR, pmcr_el0)                                                                       \
    X(PMU_HW_CNTENSET, pmcntenset_el0)                                                             \
    X(PMU_HW_CNTENCLR, pmcntenclr_el0)                                                             \
    X(PMU_HW_INTENSET, pmintenset_el1)                                                             \
    X(PMU_HW_INTENCLR, pmintenclr_el1)                                                             \
    X(PMU_HW_OVSSET, pmovsset_el0)                                                                 \
    X(PMU_HW_OVSCLR, pmovsclr_el0)                                                                 \
    X(PMU_HW_USERENR, pmuserenr_el0)                                                               \
    X(PMU_HW_CCNTR, pmccntr_el0)                                                                   \
    X(PMU_HW_SELR, pmselr_el0)                                                                     \
    X(PMU_HW_XEVTYPER, pmxevtyper_el0)                                                             \
    X(PMU_HW_XEVCNTR, pmxevcntr_el0)
#define PMU_READ_ONLY(X)  X(PMU_HW_CEID0, pmceid0_el0) X(PMU_HW_CEID1, pmceid1_el0)
#define PMU_WRITE_ONLY(X) X(PMU_HW_SWINC, pmswinc_el0)

#define PMU_HW_READ(reg)           read_sysreg(reg)
#define PMU_HW_WRITE(id, reg, val) write_sysreg(reg, val)

PMU_HW_ACCESSORS

struct pmu_ctx *pmu_arch_ctx(struct vcpu *vcpu)
{
    struct arch_vcpu *a = vcpu ? vcpu->arch : NULL;
    return a ? &a->pmu : NULL;
}
