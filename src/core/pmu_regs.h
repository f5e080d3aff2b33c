/*
 * The Performance Monitors registers' fields the core, the arches and the
 * test guests share (Arm ARM DDI 0487 D13.4 / D23 "Performance Monitors
 * registers": PMCR_EL0, PMEVTYPER<n>_EL0, PMCCFILTR_EL0, PMUSERENR_EL0;
 * ARMv7-A ARM C12.8 for the AArch32 forms, same layout). Definitions only.
 */
#ifndef CORE_PMU_REGS_H
#define CORE_PMU_REGS_H

/* PMCR (D13.4.x PMCR_EL0). */
#define PMCR_E          (1u << 0) /* enable the counters (and the interrupt) */
#define PMCR_P          (1u << 1) /* write 1: reset every event counter; reads 0 */
#define PMCR_C          (1u << 2) /* write 1: reset the cycle counter; reads 0 */
#define PMCR_D          (1u << 3) /* the cycle counter counts every 64 cycles */
#define PMCR_X          (1u << 4) /* export events (to a trace unit) */
#define PMCR_DP         (1u << 5) /* cycle counter off where counting is prohibited */
#define PMCR_LC         (1u << 6) /* the cycle counter overflows at 64 bits (PMUv3) */
#define PMCR_N_SHIFT    11        /* event counters implemented (read-only) */
#define PMCR_N_MASK     0x1fu
#define PMCR_IMP_IDCODE 0xffff0000u /* implementer and its ID code (read-only) */

/* PMCNTENSET, PMINTENSET, PMOVSSET and their CLR forms: bit n is event
 * counter n, bit 31 the cycle counter. PMSELR.SEL and PMEVTYPER index 31
 * name the cycle counter (its filter, PMCCFILTR). */
#define PMU_CYCLE_IDX   31u
#define PMU_CYCLE_BIT   (1u << PMU_CYCLE_IDX)
#define PMSELR_SEL_MASK 0x1fu

/* PMEVTYPER<n> / PMCCFILTR (D13.4.x): the filter bits, then the event. */
#define PMEVTYPER_P        (1u << 31) /* do not count at EL1 */
#define PMEVTYPER_U        (1u << 30) /* do not count at EL0 */
#define PMEVTYPER_NSK      (1u << 29) /* Non-secure EL1 (with EL3): differs from P */
#define PMEVTYPER_NSU      (1u << 28) /* Non-secure EL0 (with EL3): differs from U */
#define PMEVTYPER_NSH      (1u << 27) /* count at EL2 (0: EL2 is not counted) */
#define PMEVTYPER_M        (1u << 26) /* EL3 (differs from P: not counted) */
#define PMEVTYPER_EVT_MASK 0x3ffu     /* evtCount[9:0], PMUv3 (v8.0) */

/* Common events (Arm ARM "The PMU event number space and common events";
 * ARMv7-A ARM C12.8 "Event numbers"): software increment and cycles. */
#define PMU_EVT_SW_INCR    0x00u
#define PMU_EVT_CPU_CYCLES 0x11u

/* PMUSERENR (D13.4.x PMUSERENR_EL0): what EL0 may do. */
#define PMUSERENR_EN   (1u << 0) /* every PMU access */
#define PMUSERENR_SW   (1u << 1) /* PMSWINC writes */
#define PMUSERENR_CR   (1u << 2) /* cycle counter reads */
#define PMUSERENR_ER   (1u << 3) /* event counter reads, PMSELR */
#define PMUSERENR_MASK (PMUSERENR_EN | PMUSERENR_SW | PMUSERENR_CR | PMUSERENR_ER)

#endif
