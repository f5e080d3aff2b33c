/*
 * ARMv8-A system register fields the EL2 port programs, named as in the Arm
 * ARM (DDI 0487, chapter D13 "AArch64 System Register Descriptions"), and the
 * accessors for them. Only the armv8 arch includes this header.
 */
#ifndef ARCH_ARMV8_SYSREGS_H
#define ARCH_ARMV8_SYSREGS_H

#define BIT64(n) (1ull << (n))

/* CurrentEL: EL in bits [3:2]. */
#define CURRENTEL_EL_SHIFT 2

/* HCR_EL2 (D13.2.46). */
#define HCR_EL2_VM     BIT64(0) /* stage 2 translation on */
#define HCR_EL2_SWIO   BIT64(1) /* set/way invalidate -> clean+invalidate */
#define HCR_EL2_PTW    BIT64(2)
#define HCR_EL2_FMO    BIT64(3) /* physical FIQ to EL2, virtual FIQ on */
#define HCR_EL2_IMO    BIT64(4) /* physical IRQ to EL2, virtual IRQ on */
#define HCR_EL2_AMO    BIT64(5) /* physical SError to EL2, virtual SError on */
#define HCR_EL2_VF     BIT64(6)
#define HCR_EL2_VI     BIT64(7)
#define HCR_EL2_VSE    BIT64(8)
#define HCR_EL2_FB     BIT64(9)     /* broadcast TLB/cache maintenance (inner shareable) */
#define HCR_EL2_BSU_IS (1ull << 10) /* barrier shareability upgrade: inner shareable */
#define HCR_EL2_DC     BIT64(12)
#define HCR_EL2_TWI    BIT64(13) /* trap WFI */
#define HCR_EL2_TWE    BIT64(14) /* trap WFE */
#define HCR_EL2_TID3   BIT64(18)
#define HCR_EL2_TSC    BIT64(19) /* trap SMC */
#define HCR_EL2_TIDCP  BIT64(20)
#define HCR_EL2_TACR   BIT64(21) /* trap ACTLR_EL1 */
#define HCR_EL2_TSW    BIT64(22)
#define HCR_EL2_TVM    BIT64(26)
#define HCR_EL2_TGE    BIT64(27)
#define HCR_EL2_RW     BIT64(31) /* EL1 is AArch64 */
#define HCR_EL2_E2H    BIT64(34)
#define HCR_EL2_APK    BIT64(40) /* EL1 may access the PAuth key registers */
#define HCR_EL2_API    BIT64(41) /* PAuth instructions at EL0/EL1 do not trap */
#define HCR_EL2_ATA    BIT64(56) /* MTE: EL0/EL1 allocation tag access allowed */

/* SCTLR_EL2 (D13.2.114), non-VHE layout. */
#define SCTLR_EL2_M   BIT64(0)  /* stage 1 MMU */
#define SCTLR_EL2_A   BIT64(1)  /* alignment checks */
#define SCTLR_EL2_C   BIT64(2)  /* data caches */
#define SCTLR_EL2_SA  BIT64(3)  /* SP alignment check */
#define SCTLR_EL2_I   BIT64(12) /* instruction cache */
#define SCTLR_EL2_WXN BIT64(19)
#define SCTLR_EL2_EE  BIT64(25)
#define SCTLR_EL2_ATA BIT64(43) /* MTE: EL2 may access allocation tags */
/* RES1 bits of the non-VHE SCTLR_EL2: 4, 5, 11, 16, 18, 22, 23, 28, 29. */
#define SCTLR_EL2_RES1                                                                             \
    (BIT64(4) | BIT64(5) | BIT64(11) | BIT64(16) | BIT64(18) | BIT64(22) | BIT64(23) | BIT64(28) | \
     BIT64(29))

/* SCTLR_EL1 of a vCPU at reset: MMU, caches off, little-endian; RES1 bits
 * 11, 20, 22, 28, 29 (D13.2.113). */
#define SCTLR_EL1_M    BIT64(0)
#define SCTLR_EL1_E0E  BIT64(24)
#define SCTLR_EL1_EE   BIT64(25)
#define SCTLR_EL1_SPAN BIT64(23)
#define SCTLR_EL1_RES1 (BIT64(11) | BIT64(20) | BIT64(22) | BIT64(28) | BIT64(29))

/* TCR_EL2 (D13.2.120), non-VHE: one range, TTBR0_EL2. */
#define TCR_EL2_T0SZ_SHIFT 0
#define TCR_EL2_IRGN0_WBWA (1ull << 8)
#define TCR_EL2_ORGN0_WBWA (1ull << 10)
#define TCR_EL2_SH0_INNER  (3ull << 12)
#define TCR_EL2_TG0_4K     (0ull << 14)
#define TCR_EL2_PS_SHIFT   16
#define TCR_EL2_RES1       (BIT64(23) | BIT64(31))

/* VTCR_EL2 (D13.2.151). */
#define VTCR_EL2_T0SZ_SHIFT 0
#define VTCR_EL2_SL0_SHIFT  6 /* 4K granule: 0 = level 2, 1 = level 1, 2 = level 0 */
#define VTCR_EL2_IRGN0_WBWA (1ull << 8)
#define VTCR_EL2_ORGN0_WBWA (1ull << 10)
#define VTCR_EL2_SH0_INNER  (3ull << 12)
#define VTCR_EL2_TG0_4K     (0ull << 14)
#define VTCR_EL2_PS_SHIFT   16
#define VTCR_EL2_RES1       BIT64(31)

/* VTTBR_EL2: VMID in [55:48] (8-bit VMIDs). */
#define VTTBR_VMID_SHIFT 48

/* ID_AA64MMFR0_EL1.PARange [3:0]: 0 32, 1 36, 2 40, 3 42, 4 44, 5 48, 6 52 bits. */
#define ID_AA64MMFR0_PARANGE_MASK 0xfull
/* ID_AA64MMFR1_EL1.PAN [23:20]: PSTATE.PAN implemented when non-zero. */
#define ID_AA64MMFR1_PAN_SHIFT 20
#define ID_AA64MMFR1_PAN_MASK  0xfull

/* MAIR_EL2 attribute indexes we use (D13.2.88). */
#define MAIR_IDX_DEVICE 0 /* Device-nGnRE */
#define MAIR_IDX_NORMAL 1 /* Normal, inner/outer write-back, read/write-allocate */
#define MAIR_ATTR_DEVICE_nGnRE  0x04ull
#define MAIR_ATTR_NORMAL_WB     0xffull /* inner/outer write-back, R/W-allocate */
#define MAIR_ATTR_NORMAL_TAGGED 0xf0ull /* the same, with MTE allocation tags */
#define MAIR_EL2_ATTRS(normal)                                                                     \
    ((MAIR_ATTR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE)) | ((normal) << (8 * MAIR_IDX_NORMAL)))

/* DCZID_EL0.BS [3:0]: log2 of the DC ZVA / GZVA block in 4-byte words. */
#define DCZID_BS_MASK 0xfull
#define DCZID_DZP     BIT64(4) /* DC ZVA / GZVA prohibited */

/* Stage-1 (EL2) block/table descriptors, VMSAv8-64 (D5.3.3). */
#define PTE_VALID      BIT64(0)
#define PTE_TABLE      BIT64(1) /* at levels 0-2: next-level table; level 3: page */
#define PTE_PAGE       BIT64(1) /* level 3: page descriptor */
#define PTE_BLOCK      (0ull << 1)
#define PTE_ATTRIDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_RW_EL2  (0ull << 6) /* AP[2:1] = 00: read/write (EL2 has one privilege) */
#define PTE_AP_RO_EL2  (2ull << 6)
#define PTE_SH_INNER   (3ull << 8)
#define PTE_AF         BIT64(10)
#define PTE_XN         BIT64(54) /* EL2 regime: XN, no PXN/UXN split */
#define PTE_ADDR_MASK  0x0000fffffffff000ull

/* CPTR_EL2 (D13.2.31), non-VHE: RES1 bits 13:12 and 9:0 (bit 8 is TZ when
 * SVE exists, RES1 otherwise: set either way, SVE traps; bit 12 is TSM when
 * SME exists: set, SME traps). */
#define CPTR_EL2_RES1 (BIT64(12) | BIT64(13) | 0x3ffull)
#define CPTR_EL2_TZ   BIT64(8)
#define CPTR_EL2_TFP  BIT64(10) /* trap FP/SIMD */
#define CPTR_EL2_TSM  BIT64(12) /* trap SME (RES1 without it) */
#define CPTR_EL2_TTA  BIT64(20) /* trap trace registers */
#define CPTR_EL2_TAM  BIT64(30) /* trap activity monitors (RES0 without FEAT_AMUv1) */

/* ID_AA64PFR0_EL1.AMU (D19.2): FEAT_AMUv1 when nonzero. */
#define ID_AA64PFR0_AMU_SHIFT 44
/* ID_AA64PFR1_EL1.MTE [11:8] (D19.2): 1 instructions only, 2 FEAT_MTE2
 * (allocation tags in memory), 3 FEAT_MTE3. */
#define ID_AA64PFR1_MTE_SHIFT 8
#define ID_AA64PFR1_MTE_MEM   2ull
/* ID_AA64PFR0_EL1.SVE (D19.2): FEAT_SVE when nonzero. */
#define ID_AA64PFR0_SVE_SHIFT 32
/* Pointer authentication (D19.2): ID_AA64ISAR1_EL1 APA [7:4], API [11:8],
 * GPA [27:24], GPI [31:28]; ID_AA64ISAR2_EL1 GPA3 [11:8], APA3 [15:12]. Any
 * of them nonzero: FEAT_PAuth, the key registers exist. */
#define ID_AA64ISAR1_APA_SHIFT  4
#define ID_AA64ISAR1_API_SHIFT  8
#define ID_AA64ISAR1_GPA_SHIFT  24
#define ID_AA64ISAR1_GPI_SHIFT  28
#define ID_AA64ISAR2_GPA3_SHIFT 8
#define ID_AA64ISAR2_APA3_SHIFT 12
#define ID_FIELD_MASK           0xfull

/* ZCR_EL2 / ZCR_EL1 (D19.2): LEN [3:0], the vector length in 128-bit
 * granules minus one; the effective length is the largest the CPU has at
 * or below every level's LEN. */
#define ZCR_LEN_MASK 0xfull

/* CNTHCTL_EL2 (D13.8.x), non-VHE. */
#define CNTHCTL_EL1PCTEN    BIT64(0) /* EL1/EL0 may read the physical counter */
#define CNTHCTL_EL1PCEN     BIT64(1) /* EL1/EL0 may use the physical timer */
#define CNTHCTL_EVNTEN      BIT64(2) /* event stream on */
#define CNTHCTL_EVNTI_SHIFT 4

/* MDCR_EL2 (D13.3.x): trap the PMU to EL2, where the core emulates it on
 * the vCPU's switched PMU state (pmu.c). TDA,
 * TDOSA and TDRA stay clear: the self-hosted debug registers are the
 * guest's, switched per vCPU (debug.c). TDE stays clear so debug
 * exceptions target EL1; from EL2 they are then never generated (Arm ARM
 * D2, "Routing debug exceptions": none is taken to a lower EL). */
#define MDCR_EL2_HPMN_MASK 0x1full
#define MDCR_EL2_TPMCR     BIT64(5)
#define MDCR_EL2_TPM       BIT64(6)
#define MDCR_EL2_HPMD      BIT64(17) /* FEAT_PMUv3p1: no counting at EL2 */

/* ID_AA64DFR0_EL1.PMUVer (D19.2): 0 none, 1 PMUv3, 4 PMUv3p1 (ARMv8.1) and
 * up, 0xf an IMPLEMENTATION DEFINED PMU. */
#define ID_AA64DFR0_PMUVER_SHIFT  8
#define ID_AA64DFR0_PMUVER_NONE   0x0u
#define ID_AA64DFR0_PMUVER_V3P1   0x4u
#define ID_AA64DFR0_PMUVER_IMPDEF 0xfu

/* ID_AA64DFR0_EL1 (D13.2.59): breakpoints and watchpoints, each field the
 * number implemented minus one. */
#define ID_AA64DFR0_BRPS_SHIFT 12
#define ID_AA64DFR0_WRPS_SHIFT 20
#define ID_AA64DFR0_NUM_MASK   0xfull
/* OSLSR_EL1.OSLK / OSLAR_EL1.OSLK (D13.3.x): the OS Lock, set at reset. */
#define OSLSR_EL1_OSLK BIT64(1)
#define OSLAR_EL1_OSLK BIT64(0)

/* SPSR_ELx / PSTATE for AArch64 (C5.2.18). */
#define PSR_MODE_MASK  0xfull
#define PSR_MODE_EL0t  0x0ull
#define PSR_MODE_EL1t  0x4ull
#define PSR_MODE_EL1h  0x5ull
#define PSR_MODE_EL2h  0x9ull
#define PSR_MODE32     BIT64(4) /* M[4]: AArch32 state */
#define PSR_F          BIT64(6)
#define PSR_I          BIT64(7)
#define PSR_A          BIT64(8)
#define PSR_D          BIT64(9)
#define PSR_DAIF       (PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_BTYPE_MASK (3ull << 10)
#define PSR_SSBS       BIT64(12)
#define PSR_IL         BIT64(20)
#define PSR_SS         BIT64(21)
#define PSR_PAN        BIT64(22)
#define PSR_UAO        BIT64(23)
#define PSR_TCO        BIT64(25)

/* The AArch32 CPSR (SPSR_EL2 of an AArch32 guest), the AArch32 SCTLR bits
 * of exception entry, TTBCR.EAE, DFSR/IFSR and the vector offsets are
 * core/aarch32.h's, shared with armv7 and sim. */
#include "core/aarch32.h"

/* AArch32 SCTLR at reset on an ARMv8 CPU (Cortex-A57 TRM): MMU and caches
 * off, CP15BEN, nTWI, nTWE and the RES1 bits. */
#define SCTLR_AA32_RESET 0x00c50838ull

/* HSTR_EL2.T15: trap AArch32 EL1/EL0 accesses to cp15 c15. */
#define HSTR_EL2_T15 BIT64(15)

/* ID_AA64PFR0_EL1.EL1 [7:4]: 2 = EL1 can run AArch32 too. */
#define ID_AA64PFR0_EL1_SHIFT 4
#define ID_AA64PFR0_EL_AA32   2ull

/* Vector offsets from VBAR_ELx (D1.10.2 "Exception vectors"). */
#define VECTOR_CUR_SP0   0x000
#define VECTOR_CUR_SPX   0x200
#define VECTOR_LOWER_A64 0x400
#define VECTOR_LOWER_A32 0x600

/* PAR_EL1 after AT (D13.2.99). */
#define PAR_F       BIT64(0)
#define PAR_PA_MASK 0x0000fffffffff000ull

/* HPFAR_EL2.FIPA [43:4] holds IPA[51:12] (D13.2.51). */
#define HPFAR_FIPA_MASK 0x00000ffffffffff0ull

/* Fault status codes in ESR.ISS.xFSC (D13.2.37): level in [1:0]. */
#define FSC_TYPE_MASK     0x3cu
#define FSC_ADDR_SIZE     0x00u
#define FSC_TRANSLATION   0x04u
#define FSC_ACCESS_FLAG   0x08u
#define FSC_PERMISSION    0x0cu
#define FSC_SYNC_EXTERNAL 0x10u /* synchronous external abort, not on a walk */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define SYSREG_STR(x) #x
#define read_sysreg(reg)                                                                           \
    ({                                                                                             \
        uint64_t r_;                                                                               \
        __asm__ volatile("mrs %0, " SYSREG_STR(reg) : "=r"(r_));                                   \
        r_;                                                                                        \
    })
#define write_sysreg(reg, val)                                                                     \
    do {                                                                                           \
        uint64_t w_ = (uint64_t)(val);                                                             \
        __asm__ volatile("msr " SYSREG_STR(reg) ", %0" : : "r"(w_) : "memory");                    \
    } while (0)

/* isb, dsb_ish, dsb_ishst, dsb_sy. */
#include "arch/barrier.h"
#endif

#endif
