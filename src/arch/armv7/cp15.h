/*
 * ARMv7-A (Virtualization + Large Physical Address Extensions) system
 * register field constants and cp15 accessors for the Hyp-mode port.
 *
 * Names follow the ARMv7-A ARM (ARM DDI 0406C.d): chapter B4.1 describes
 * each register; B3.6 the LPAE descriptor formats. HSR fields are not here:
 * the core decodes syndromes (core/syndrome_v7.h).
 *
 * This header is also included from assembly (only the #defines are seen).
 */
#ifndef ARCH_ARMV7_CP15_H
#define ARCH_ARMV7_CP15_H

/* CPSR, the AArch32 SCTLR bits of exception entry, TTBCR.EAE, DFSR/IFSR
 * and the vector offsets: core/aarch32.h (shared with armv8 and sim). */
#include "core/aarch32.h"

/* ---- SCTLR (B4.1.130): the guest's PL1 system control -------------------- */
#define SCTLR_M  (1u << 0)
#define SCTLR_A  (1u << 1)
#define SCTLR_C  (1u << 2)
/* Reset value of the RES1/UNK-SBOP bits on Cortex-A15 with MMU/caches off. */
#define SCTLR_GUEST_RESET 0x00c50078u

/* ---- HSCTLR (B4.1.68) ---------------------------------------------------- */
#define HSCTLR_M       (1u << 0) /* Hyp stage-1 MMU on */
#define HSCTLR_A       (1u << 1) /* alignment check */
#define HSCTLR_C       (1u << 2) /* data cache */
#define HSCTLR_CP15BEN (1u << 5)
#define HSCTLR_I       (1u << 12) /* instruction cache */
#define HSCTLR_WXN     (1u << 19)
#define HSCTLR_FI      (1u << 21)
#define HSCTLR_EE      (1u << 25) /* big-endian exception entry */
#define HSCTLR_TE      (1u << 30) /* Hyp exceptions in Thumb */

/* ---- HCR (B4.1.65): what a guest traps to Hyp ----------------------------- */
#define HCR_VM        (1u << 0) /* stage-2 translation on */
#define HCR_SWIO      (1u << 1) /* set/way invalidate -> clean+invalidate */
#define HCR_PTW       (1u << 2)
#define HCR_FMO       (1u << 3) /* physical FIQ to Hyp, virtual FIQ to the guest */
#define HCR_IMO       (1u << 4) /* physical IRQ to Hyp */
#define HCR_AMO       (1u << 5) /* asynchronous abort to Hyp */
#define HCR_VF        (1u << 6)
#define HCR_VI        (1u << 7)
#define HCR_VA        (1u << 8)
#define HCR_FB        (1u << 9)
#define HCR_BSU_INNER (1u << 10)
#define HCR_DC        (1u << 12)
#define HCR_TWI       (1u << 13) /* trap WFI */
#define HCR_TWE       (1u << 14) /* trap WFE */
#define HCR_TID0      (1u << 15)
#define HCR_TID1      (1u << 16)
#define HCR_TID2      (1u << 17)
#define HCR_TID3      (1u << 18)
#define HCR_TSC       (1u << 19) /* trap SMC */
#define HCR_TIDCP     (1u << 20) /* trap IMPLEMENTATION DEFINED c9/c10/c11 lockdown */
#define HCR_TAC       (1u << 21) /* trap ACTLR */
#define HCR_TSW       (1u << 22)
#define HCR_TPC       (1u << 23)
#define HCR_TPU       (1u << 24)
#define HCR_TTLB      (1u << 25)
#define HCR_TVM       (1u << 26)
#define HCR_TGE       (1u << 27)

/* ---- HSTR (B4.1.72): trap whole cp15 primary registers -------------------- */
#define HSTR_T(n) (1u << (n)) /* trap MCR/MRC with CRn = n (MCRR with CRm = n) */

/* ---- HDCR (B4.1.66): debug and performance-monitor traps ---------------- */
#define HDCR_HPMN_MASK 0x1fu     /* counters the guest may use (PMCR.N: all) */
#define HDCR_TPMCR     (1u << 5) /* trap PMCR */
#define HDCR_TPM       (1u << 6) /* trap every PMU register */
#define HDCR_TDE       (1u << 8)
#define HDCR_TDA       (1u << 9)  /* trap cp14 debug registers */
#define HDCR_TDOSA     (1u << 10) /* trap the OS lock / power-down registers */
#define HDCR_TDRA      (1u << 11) /* trap DBGDRAR/DBGDSAR */

/* ---- ID_DFR0 (B4.1.90): which Performance Monitors Extension ------------- */
#define ID_DFR0_PERFMON_SHIFT  24
#define ID_DFR0_PERFMON_V2     0x2u /* PMUv2: event filtering, NSH (Hyp mode) */
#define ID_DFR0_PERFMON_IMPDEF 0xfu

/* ---- HCPTR (B4.1.67) ----------------------------------------------------- */
#define HCPTR_TCP(n) (1u << (n))
#define HCPTR_TASE   (1u << 15)
#define HCPTR_TTA    (1u << 20)
/* Trap every coprocessor but cp10/cp11 (VFP/NEON stays with the guest; its
 * registers are switched eagerly) and trace. */
#define HCPTR_GUEST (HCPTR_TTA | 0x33ffu)

/* ---- HTCR (B4.1.76) and VTCR (B4.1.159) ----------------------------------- */
#define TCR_IRGN0_WBWA (1u << 8)
#define TCR_ORGN0_WBWA (1u << 10)
#define TCR_SH0_INNER  (3u << 12)
#define TCR_RES1       (1u << 31)
#define HTCR_T0SZ_32   0u /* 32-bit Hyp VA: the level-1 table has 4 entries */
#define HTCR_VALUE     (TCR_RES1 | TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA | HTCR_T0SZ_32)
/* VTCR.T0SZ is a signed 4-bit field with its sign copied in S (bit 4):
 * -8 gives 32 - (-8) = 40 IPA bits; bits[4:0] = 0b11000 = 24. */
#define VTCR_T0SZ_40 0x18u
#define VTCR_SL0_L1  (1u << 6) /* start at level 1 (two concatenated tables) */
#define VTCR_VALUE                                                                                 \
    (TCR_RES1 | TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA | VTCR_SL0_L1 | VTCR_T0SZ_40)

/* ---- HMAIR0 (B4.1.70): attribute indexes of Hyp's own mappings ------------- */
#define MAIR_NORMAL_WB  0xffu /* Normal, inner/outer write-back RW-allocate */
#define MAIR_DEVICE     0x04u /* Device */
#define HMAIR0_VALUE    ((uint32_t)MAIR_NORMAL_WB | ((uint32_t)MAIR_DEVICE << 8))
#define HYP_ATTR_NORMAL 0u
#define HYP_ATTR_DEVICE 1u

/* ---- LPAE stage-1 descriptors (B3.6.1, B3.6.2) ---------------------------- */
#define LPAE_DESC_BLOCK  0x1ull
#define LPAE_DESC_TABLE  0x3ull
#define LPAE_ATTRINDX(i) ((unsigned long long)(i) << 2)
#define LPAE_AP_RW_PL2   (1ull << 6) /* Hyp tables: AP[1] is SBO, AP[2]=0 RW */
#define LPAE_SH_INNER    (3ull << 8)
#define LPAE_AF          (1ull << 10)
#define LPAE_XN          (1ull << 54)
#define LPAE_L1_SHIFT    30 /* one level-1 entry maps 1 GiB */

/* ---- CNTHCTL (B4.1.26), CNTV_CTL (B4.1.29) --------------------------------- */
#define CNTHCTL_PL1PCTEN    (1u << 0) /* PL1/PL0 may read CNTPCT */
#define CNTHCTL_PL1PCEN     (1u << 1) /* PL1/PL0 may use the physical timer */
#define CNTHCTL_EVNTEN      (1u << 2) /* event stream on */
#define CNTHCTL_EVNTI_SHIFT 4

/* ---- PAR (B4.1.113) -------------------------------------------------------- */
#define PAR_F    (1u << 0)  /* the translation aborted */
#define PAR_SS   (1u << 1)  /* 32-bit format: supersection */
#define PAR_LPAE (1u << 11) /* 64-bit format */

/* ---- FPEXC (B6.1.40) ------------------------------------------------------- */
#define FPEXC_EN (1u << 30)

/* ---- MPIDR ------------------------------------------------------------------ */
#define MPIDR_RES1 (1u << 31)

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * cp15 accessors. Each register is named by its "coproc, opc1, Rt, CRn,
 * CRm, opc2" (32-bit) or "coproc, opc1, Rt, Rt2, CRm" (64-bit) encoding with
 * %0 for Rt; the names are the ARM ARM's.
 */
#define cp_read32(spec)                                                                            \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("mrc " spec : "=r"(v_));                                                  \
        v_;                                                                                        \
    })
#define cp_write32(spec, v) __asm__ volatile("mcr " spec ::"r"((uint32_t)(v)) : "memory")
#define cp_read64(spec)                                                                            \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrrc " spec : "=r"(v_));                                                 \
        v_;                                                                                        \
    })
#define cp_write64(spec, v) __asm__ volatile("mcrr " spec ::"r"((uint64_t)(v)) : "memory")

/* 32-bit registers: "p15, opc1, %0, CRn, CRm, opc2". */
#define MIDR       "p15, 0, %0, c0, c0, 0"
#define MPIDR      "p15, 0, %0, c0, c0, 5"
#define CSSELR     "p15, 2, %0, c0, c0, 0"
#define CCSIDR     "p15, 1, %0, c0, c0, 0"
#define CLIDR      "p15, 1, %0, c0, c0, 1"
#define SCTLR      "p15, 0, %0, c1, c0, 0"
#define ACTLR      "p15, 0, %0, c1, c0, 1"
#define CPACR      "p15, 0, %0, c1, c0, 2"
#define TTBCR      "p15, 0, %0, c2, c0, 2"
#define DACR       "p15, 0, %0, c3, c0, 0"
#define DFSR       "p15, 0, %0, c5, c0, 0"
#define IFSR       "p15, 0, %0, c5, c0, 1"
#define ADFSR      "p15, 0, %0, c5, c1, 0"
#define AIFSR      "p15, 0, %0, c5, c1, 1"
#define DFAR       "p15, 0, %0, c6, c0, 0"
#define IFAR       "p15, 0, %0, c6, c0, 2"
#define ATS1CPR    "p15, 0, %0, c7, c8, 0"
#define ICIALLU    "p15, 0, %0, c7, c5, 0"
#define DCCMVAC    "p15, 0, %0, c7, c10, 1"
#define DCCISW     "p15, 0, %0, c7, c14, 2"
#define TLBIALL    "p15, 0, %0, c8, c7, 0"
#define TLBIALLIS  "p15, 0, %0, c8, c3, 0"
#define PRRR       "p15, 0, %0, c10, c2, 0" /* = MAIR0 with TTBCR.EAE */
#define NMRR       "p15, 0, %0, c10, c2, 1" /* = MAIR1 */
#define AMAIR0     "p15, 0, %0, c10, c3, 0"
#define AMAIR1     "p15, 0, %0, c10, c3, 1"
#define VBAR       "p15, 0, %0, c12, c0, 0"
#define CONTEXTIDR "p15, 0, %0, c13, c0, 1"
#define TPIDRURW   "p15, 0, %0, c13, c0, 2"
#define TPIDRURO   "p15, 0, %0, c13, c0, 3"
#define TPIDRPRW   "p15, 0, %0, c13, c0, 4"
#define CNTFRQ     "p15, 0, %0, c14, c0, 0"
#define CNTKCTL    "p15, 0, %0, c14, c1, 0"
#define CNTV_CTL   "p15, 0, %0, c14, c3, 1"
#define VPIDR      "p15, 4, %0, c0, c0, 0"
#define VMPIDR     "p15, 4, %0, c0, c0, 5"
#define HSCTLR     "p15, 4, %0, c1, c0, 0"
#define HCR        "p15, 4, %0, c1, c1, 0"
#define HDCR       "p15, 4, %0, c1, c1, 1"
#define HCPTR      "p15, 4, %0, c1, c1, 2"
#define HSTR       "p15, 4, %0, c1, c1, 3"
#define HTCR       "p15, 4, %0, c2, c0, 2"
#define VTCR       "p15, 4, %0, c2, c1, 2"
#define HSR        "p15, 4, %0, c5, c2, 0"
#define HDFAR      "p15, 4, %0, c6, c0, 0"
#define HIFAR      "p15, 4, %0, c6, c0, 2"
#define HPFAR      "p15, 4, %0, c6, c0, 4"
#define TLBIALLH   "p15, 4, %0, c8, c7, 0"
#define HMAIR0     "p15, 4, %0, c10, c2, 0"
#define HMAIR1     "p15, 4, %0, c10, c2, 1"
#define HVBAR      "p15, 4, %0, c12, c0, 0"
#define HTPIDR     "p15, 4, %0, c13, c0, 2"
#define CNTHCTL    "p15, 4, %0, c14, c1, 0"
#define CNTHP_CTL  "p15, 4, %0, c14, c2, 1" /* B4.1.22: Hyp physical timer control */
#define FPEXC_REG  "p10, 7, %0, c8, c0, 0" /* VMRS/VMSR FPEXC as an MRC/MCR */
#define ID_DFR0    "p15, 0, %0, c0, c1, 2"
/* Performance Monitors (C12.8, B4.1.116-B4.1.124): PMOVSR is the CLR form. */
#define PMCR       "p15, 0, %0, c9, c12, 0"
#define PMCNTENSET "p15, 0, %0, c9, c12, 1"
#define PMCNTENCLR "p15, 0, %0, c9, c12, 2"
#define PMOVSR     "p15, 0, %0, c9, c12, 3"
#define PMSWINC    "p15, 0, %0, c9, c12, 4"
#define PMSELR     "p15, 0, %0, c9, c12, 5"
#define PMCEID0    "p15, 0, %0, c9, c12, 6"
#define PMCEID1    "p15, 0, %0, c9, c12, 7"
#define PMCCNTR    "p15, 0, %0, c9, c13, 0"
#define PMXEVTYPER "p15, 0, %0, c9, c13, 1"
#define PMXEVCNTR  "p15, 0, %0, c9, c13, 2"
#define PMUSERENR  "p15, 0, %0, c9, c14, 0"
#define PMINTENSET "p15, 0, %0, c9, c14, 1"
#define PMINTENCLR "p15, 0, %0, c9, c14, 2"
#define PMOVSSET   "p15, 0, %0, c9, c14, 3"
#define MVFR0_REG  "p10, 7, %0, c7, c0, 0" /* VMRS MVFR0 (ARMv7-A ARM B6.1, VFP registers) */
#define MVFR1_REG  "p10, 7, %0, c6, c0, 0" /* VMRS MVFR1 */

/* 64-bit registers: "p15, opc1, %Q0, %R0, CRm". */
#define TTBR0     "p15, 0, %Q0, %R0, c2"
#define TTBR1     "p15, 1, %Q0, %R0, c2"
#define PAR64     "p15, 0, %Q0, %R0, c7"
#define HTTBR     "p15, 4, %Q0, %R0, c2"
#define VTTBR     "p15, 6, %Q0, %R0, c2"
#define CNTPCT    "p15, 0, %Q0, %R0, c14"
#define CNTVCT    "p15, 1, %Q0, %R0, c14"
#define CNTV_CVAL "p15, 3, %Q0, %R0, c14"
#define CNTVOFF   "p15, 4, %Q0, %R0, c14"
#define CNTHP_CVAL "p15, 6, %Q0, %R0, c14" /* B4.1.23: Hyp physical timer compare value */

/* isb, dsb_ish, dsb_ishst, dsb_sy. */
#include "arch/barrier.h"
#endif /* !__ASSEMBLER__ */

#endif
