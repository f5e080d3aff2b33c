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
 * PMXEVCNTR_EL0: one path for all 31 (PMSELR is the hypervisor's scratch
 * register here; the guest's PMSELR lives in the core, since every access
 * traps).
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
    /* Nobody's state until a vCPU is loaded: quiet. */
    write_sysreg(pmcr_el0, 0);
    write_sysreg(pmcntenclr_el0, ~0u);
    write_sysreg(pmintenclr_el1, ~0u);
    write_sysreg(pmovsclr_el0, ~0u);
    isb();
}

static void select_counter(unsigned idx)
{
    write_sysreg(pmselr_el0, idx & PMSELR_SEL_MASK);
    isb();
}

uint64_t pmu_hw_read(enum arch_pmu_reg reg, unsigned idx)
{
    switch (reg) {
    case ARCH_PMU_PMCR:
        return read_sysreg(pmcr_el0);
    case ARCH_PMU_CNTEN:
        return read_sysreg(pmcntenset_el0);
    case ARCH_PMU_INTEN:
        return read_sysreg(pmintenset_el1);
    case ARCH_PMU_OVS:
        return read_sysreg(pmovsset_el0);
    case ARCH_PMU_USERENR:
        return read_sysreg(pmuserenr_el0);
    case ARCH_PMU_CCNTR:
        isb(); /* not read ahead of what came before */
        return read_sysreg(pmccntr_el0);
    case ARCH_PMU_EVCNTR:
        select_counter(idx);
        return read_sysreg(pmxevcntr_el0);
    case ARCH_PMU_EVTYPER:
        if (idx == PMU_CYCLE_IDX)
            return read_sysreg(pmccfiltr_el0);
        select_counter(idx);
        return read_sysreg(pmxevtyper_el0);
    case ARCH_PMU_CEID0:
        return read_sysreg(pmceid0_el0);
    case ARCH_PMU_CEID1:
        return read_sysreg(pmceid1_el0);
    case ARCH_PMU_SWINC:
        break;
    }
    return 0;
}

void pmu_hw_write(enum arch_pmu_reg reg, unsigned idx, uint64_t val)
{
    switch (reg) {
    case ARCH_PMU_PMCR:
        write_sysreg(pmcr_el0, val);
        break;
    case ARCH_PMU_CNTEN:
        write_sysreg(pmcntenclr_el0, ~val & 0xffffffffull);
        write_sysreg(pmcntenset_el0, val & 0xffffffffull);
        break;
    case ARCH_PMU_INTEN:
        write_sysreg(pmintenclr_el1, ~val & 0xffffffffull);
        write_sysreg(pmintenset_el1, val & 0xffffffffull);
        break;
    case ARCH_PMU_OVS:
        write_sysreg(pmovsclr_el0, ~val & 0xffffffffull);
        write_sysreg(pmovsset_el0, val & 0xffffffffull);
        break;
    case ARCH_PMU_USERENR:
        write_sysreg(pmuserenr_el0, val);
        break;
    case ARCH_PMU_CCNTR:
        write_sysreg(pmccntr_el0, val);
        break;
    case ARCH_PMU_EVCNTR:
        select_counter(idx);
        write_sysreg(pmxevcntr_el0, val);
        break;
    case ARCH_PMU_EVTYPER:
        if (idx == PMU_CYCLE_IDX) {
            write_sysreg(pmccfiltr_el0, val);
        } else {
            select_counter(idx);
            write_sysreg(pmxevtyper_el0, val);
        }
        break;
    case ARCH_PMU_SWINC:
        write_sysreg(pmswinc_el0, val);
        break;
    case ARCH_PMU_CEID0:
    case ARCH_PMU_CEID1:
        break;
    }
    isb();
}

struct pmu_ctx *pmu_arch_ctx(struct vcpu *vcpu)
{
    struct arch_vcpu *a = vcpu ? vcpu->arch : NULL;
    return a ? &a->pmu : NULL;
}
