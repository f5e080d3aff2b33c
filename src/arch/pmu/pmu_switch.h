/*
 * The host PMU switched per vCPU, shared by the ARMv7 and ARMv8 ports
 * (pmu_switch.c): the register block a vCPU keeps while it is not loaded,
 * which vCPU's block the CPU holds, and arch_pmu_* on top. What differs
 * (PMUv2 through cp15 vs PMUv3 system registers, how a PMU is found) is the
 * per-arch glue declared at the end, in each port's pmu.c: one register by
 * its name, read or written; what a register of arch_pmu_read/write means
 * in them is pmu_switch.c's. Not part of the
 * arch interface: only arch code includes this header.
 */
#ifndef ARMVISOR_ARCH_PMU_SWITCH_H
#define ARMVISOR_ARCH_PMU_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

/* Event counters a PMU can have (PMCR.N is 5 bits; 31 is the cycle
 * counter's index). */
#define PMU_MAX_COUNTERS 31

/* One vCPU's PMU registers while another vCPU's are in the CPU. */
struct pmu_ctx {
    uint32_t pmcr; /* E, D, DP, LC: what PMCR holds beyond N and the IDs */
    uint32_t cnten, inten, ovs, userenr, ccfiltr;
    uint64_t ccntr;
    uint32_t evcntr[PMU_MAX_COUNTERS], evtyper[PMU_MAX_COUNTERS];
};

/* Put c's registers into the CPU before its vCPU runs, saving those of the
 * vCPU that had it (nothing when c is there already). */
void pmu_load(struct pmu_ctx *c);
/* c's vCPU leaves this CPU (arch_vcpu_put): its registers saved into c,
 * the hardware's counters and interrupt enables cleared. */
void pmu_put(struct pmu_ctx *c);
/* c is reset or given back: afterwards it is all zeros (the PMU's reset
 * state: nothing enabled, filters counting EL1 and EL0 only). If the CPU
 * held it, the CPU's PMU is quietened (counters and interrupt off). */
void pmu_ctx_reset(struct pmu_ctx *c);

/* The CPU's PMU quiet: nothing counts, nothing interrupts, no overflow
 * pending (PMCR.E clear, every counter and interrupt enable and overflow
 * flag cleared). For a CPU that holds nobody's block. */
void pmu_hw_quiesce(void);

/* ---- Per-arch glue, defined by each port's pmu.c ---- */
/* Event counters of a PMU guests can be given, or -1 (arch_pmu_counters);
 * called once. */
int pmu_hw_probe(void);
/* The PMU registers the switch reaches, named as in AArch32 (PMUv3 adds
 * _EL0 or _EL1 on AArch64; ARMv7's PMOVSR is PMOVSCLR). XEVTYPER and
 * XEVCNTR are those of the counter SELR selects, 31 the cycle counter's
 * filter (PMCCFILTR; ARMv7-A ARM C12.8 "PMXEVTYPER", Arm ARM D13.4
 * PMXEVTYPER_EL0). */
enum pmu_hw_reg {
    PMU_HW_PMCR,
    PMU_HW_CNTENSET,
    PMU_HW_CNTENCLR,
    PMU_HW_INTENSET,
    PMU_HW_INTENCLR,
    PMU_HW_OVSSET,
    PMU_HW_OVSCLR,
    PMU_HW_USERENR,
    PMU_HW_CCNTR,
    PMU_HW_SELR,
    PMU_HW_XEVTYPER,
    PMU_HW_XEVCNTR,
    PMU_HW_CEID0,
    PMU_HW_CEID1,
    PMU_HW_SWINC,
};
/* One register of the CPU's PMU, as the instruction reads it (0 for a
 * write-only one) or writes it (a read-only one is not written); no
 * barrier: the caller has the ISBs. */
uint64_t pmu_hw_get(enum pmu_hw_reg reg);
void pmu_hw_set(enum pmu_hw_reg reg, uint64_t val);
/* The vCPU's block (NULL for no vCPU). */
struct pmu_ctx *pmu_arch_ctx(struct vcpu *vcpu);

/* A port defines pmu_hw_get and pmu_hw_set with PMU_HW_ACCESSORS, one
 * dispatch over its own register table, after defining:
 *   PMU_READ_WRITE(X), PMU_READ_ONLY(X), PMU_WRITE_ONLY(X)
 *                          X(glue name, its register) for each register,
 *                          by how it may be accessed (a read-only one is
 *                          never written, a write-only one never read)
 *   PMU_HW_READ(reg)       an expression: the register's value
 *   PMU_HW_WRITE(id, reg, val)  a statement writing val (id: the glue name,
 *                          for a port that writes some register apart) */
#define PMU_HW_READ_CASE(id, reg)                                                                  \
    case id:                                                                                       \
        return PMU_HW_READ(reg);
#define PMU_HW_WRITE_CASE(id, reg)                                                                 \
    case id:                                                                                       \
        PMU_HW_WRITE(id, reg, val);                                                                \
        break;
#define PMU_HW_ACCESSORS                                                                           \
    uint64_t pmu_hw_get(enum pmu_hw_reg reg)                                                       \
    {                                                                                              \
        switch (reg) {                                                                             \
            PMU_READ_WRITE(PMU_HW_READ_CASE)                                                       \
            PMU_READ_ONLY(PMU_HW_READ_CASE)                                                        \
        default: /* write-only */                                                                  \
            return 0;                                                                              \
        }                                                                                          \
    }                                                                                              \
    void pmu_hw_set(enum pmu_hw_reg reg, uint64_t val)                                             \
    {                                                                                              \
        switch (reg) {                                                                             \
            PMU_READ_WRITE(PMU_HW_WRITE_CASE)                                                      \
            PMU_WRITE_ONLY(PMU_HW_WRITE_CASE)                                                      \
        default: /* read-only */                                                                   \
            break;                                                                                 \
        }                                                                                          \
    }

#endif
