/*
 * HSR (Hyp Syndrome Register) field constants, ARMv7-A ARM (Virtualization
 * Extensions) B3.13.6 "Use of the HSR" and B4.1.73 "HSR". Same EC numbering
 * as ARMv8 ESR_EL2 for the ARMv7 subset, but several register fields are
 * narrower: Rt/Rt2/SRT are 4 bits, and there is no SF or AR bit.
 *
 * Lives in core because core decodes syndromes as plain data
 * (core/syndrome.c); arch/armv7 may include it too.
 */
#ifndef CORE_SYNDROME_V7_H
#define CORE_SYNDROME_V7_H

/* Top-level layout: EC[31:26], IL[25], ISS[24:0]. */
#define HSR_EC_SHIFT 26
#define HSR_EC_MASK  0x3fu
#define HSR_IL       (1u << 25)
#define HSR_ISS_MASK 0x1ffffffu

/* Exception classes (HSR.EC). */
#define HSR_EC_UNKNOWN    0x00
#define HSR_EC_WFX        0x01 /* WFI or WFE */
#define HSR_EC_CP15_32    0x03 /* MCR/MRC cp15 */
#define HSR_EC_CP15_64    0x04 /* MCRR/MRRC cp15 */
#define HSR_EC_CP14_32    0x05 /* MCR/MRC cp14 */
#define HSR_EC_CP14_LS    0x06 /* LDC/STC cp14 */
#define HSR_EC_HCPTR      0x07 /* cp0-13 / SIMD access trapped by HCPTR */
#define HSR_EC_CP10       0x08 /* MRC/VMRS cp10, HCR.TID0 */
#define HSR_EC_JAZELLE    0x09
#define HSR_EC_BXJ        0x0a
#define HSR_EC_CP14_64    0x0c /* MRRC cp14 */
#define HSR_EC_SVC        0x11 /* SVC taken to Hyp (HCR.TGE) */
#define HSR_EC_HVC        0x12
#define HSR_EC_SMC        0x13
#define HSR_EC_IABT_GUEST 0x20 /* prefetch abort routed to Hyp from non-Hyp */
#define HSR_EC_IABT_HYP   0x21 /* prefetch abort taken in Hyp mode */
#define HSR_EC_DABT_GUEST 0x24 /* data abort routed to Hyp from non-Hyp */
#define HSR_EC_DABT_HYP   0x25 /* data abort taken in Hyp mode */

/* CV/COND: valid for EC 0x01-0x0c. */
#define HSR_ISS_CV         (1u << 24)
#define HSR_ISS_COND_SHIFT 20
#define HSR_ISS_COND_MASK  0xfu

/* WFI/WFE: TI bit 0 (1 = WFE). */
#define HSR_ISS_WFX_TI (1u << 0)

/* MCR/MRC (EC 0x03, 0x05, 0x08): Rt is bits 8:5, bit 9 reserved. */
#define HSR_ISS_CP32_OPC2_SHIFT 17
#define HSR_ISS_CP32_OPC2_MASK  0x7u
#define HSR_ISS_CP32_OPC1_SHIFT 14
#define HSR_ISS_CP32_OPC1_MASK  0x7u
#define HSR_ISS_CP32_CRN_SHIFT  10
#define HSR_ISS_CP32_CRN_MASK   0xfu
#define HSR_ISS_CP32_RT_SHIFT   5
#define HSR_ISS_CP32_RT_MASK    0xfu
#define HSR_ISS_CP_CRM_SHIFT    1
#define HSR_ISS_CP_CRM_MASK     0xfu
#define HSR_ISS_CP_DIR_READ     (1u << 0) /* Direction: 1 = read (MRC/MRRC) */

/* MCRR/MRRC (EC 0x04, 0x0c): Opc1[19:16], Rt2[13:10], Rt[8:5]. */
#define HSR_ISS_CP64_OPC1_SHIFT 16
#define HSR_ISS_CP64_OPC1_MASK  0xfu
#define HSR_ISS_CP64_RT2_SHIFT  10
#define HSR_ISS_CP64_RT2_MASK   0xfu
#define HSR_ISS_CP64_RT_SHIFT   5
#define HSR_ISS_CP64_RT_MASK    0xfu

/* LDC/STC (EC 0x06): imm8[19:12], Rn[8:5], Offset[4], AM[3:1], Direction[0]
 * (1 = read from memory, LDC). */
#define HSR_ISS_LDC_IMM8_SHIFT 12
#define HSR_ISS_LDC_IMM8_MASK  0xffu
#define HSR_ISS_LDC_RN_SHIFT   5
#define HSR_ISS_LDC_RN_MASK    0xfu
#define HSR_ISS_LDC_DIR_LOAD   (1u << 0)

/* HVC: imm16. SMC (EC 0x13): ISS is UNK/SBZP, the imm4 is not reported. */
#define HSR_ISS_IMM16_MASK 0xffffu

/* Instruction and data abort ISS. SRT is 4 bits (19:16); bit 20 and 15:10
 * are reserved; there is no SF or AR. */
#define HSR_ISS_ISV       (1u << 24)
#define HSR_ISS_SAS_SHIFT 22
#define HSR_ISS_SAS_MASK  0x3u
#define HSR_ISS_SSE       (1u << 21)
#define HSR_ISS_SRT_SHIFT 16
#define HSR_ISS_SRT_MASK  0xfu
#define HSR_ISS_EA        (1u << 9)
#define HSR_ISS_CM        (1u << 8)
#define HSR_ISS_S1PTW     (1u << 7)
#define HSR_ISS_WNR       (1u << 6)
#define HSR_ISS_FSC_MASK  0x3fu
/* Long-descriptor DFSC 0b0001LL: translation fault at level LL (ARMv7-A ARM
 * B3.13.3, the format Hyp mode reports in). */
#define HSR_ISS_FSC_TYPE_MASK   0x3cu
#define HSR_ISS_FSC_TRANSLATION 0x04u

#endif
