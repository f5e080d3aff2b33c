/*
 * The host PMU switched per vCPU, shared by the ARMv7 and ARMv8 ports
 * (pmu_switch.c): the register block a vCPU keeps while it is not loaded,
 * which vCPU's block the CPU holds, and arch_pmu_* on top. What differs
 * (PMUv2 through cp15 vs PMUv3 system registers, how a PMU is found) is the
 * per-arch glue declared at the end, in each port's pmu.c. Not part of the
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

/* ---- Per-arch glue, defined by each port's pmu.c ---- */
/* Event counters of a PMU guests can be given, or -1 (arch_pmu_counters);
 * called once. */
int pmu_hw_probe(void);
/* The CPU's register reg (idx: the counter for EVCNTR / EVTYPER, 31 the
 * cycle filter), with arch_pmu_read/write's meaning; bitmask registers are
 * written whole (CLR then SET). */
uint64_t pmu_hw_read(enum arch_pmu_reg reg, unsigned idx);
void pmu_hw_write(enum arch_pmu_reg reg, unsigned idx, uint64_t val);
/* The vCPU's block (NULL for no vCPU). */
struct pmu_ctx *pmu_arch_ctx(struct vcpu *vcpu);

#endif
