/*
 * ESR_EL2 (Exception Syndrome Register, EL2) field constants, ARMv8-A ARM
 * D13.2.37 and the "ISS encoding for ..." sections that follow it. Only what
 * the hypervisor decodes; names follow the Arm ARM.
 *
 * Lives in core because core decodes syndromes as plain data
 * (core/syndrome.c); arch/armv8 may include it too.
 */
#ifndef CORE_SYNDROME_V8_H
#define CORE_SYNDROME_V8_H

/* Top-level layout: EC[31:26], IL[25], ISS[24:0]. */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fu
#define ESR_IL       (1u << 25)
#define ESR_ISS_MASK 0x1ffffffu

/* Exception classes (ESR_ELx.EC). */
#define ESR_EC_UNKNOWN  0x00 /* unknown reason / UNDEFINED */
#define ESR_EC_WFX      0x01 /* WFI or WFE */
#define ESR_EC_CP15_32  0x03 /* MCR/MRC coproc=0b1111 (AArch32) */
#define ESR_EC_CP15_64  0x04 /* MCRR/MRRC coproc=0b1111 */
#define ESR_EC_CP14_MR  0x05 /* MCR/MRC coproc=0b1110 */
#define ESR_EC_CP14_LS  0x06 /* LDC/STC coproc=0b1110 */
#define ESR_EC_FP_ASIMD 0x07 /* SVE/SIMD/FP access trapped by CPTR_EL2 */
#define ESR_EC_CP10_ID  0x08 /* VMRS access trapped by HCR_EL2.TID0 */
#define ESR_EC_CP14_64  0x0c /* MRRC coproc=0b1110 */
#define ESR_EC_ILL      0x0e /* illegal execution state */
#define ESR_EC_SVC32    0x11
#define ESR_EC_HVC32    0x12
#define ESR_EC_SMC32    0x13
#define ESR_EC_SVC64    0x15
#define ESR_EC_HVC64    0x16
#define ESR_EC_SMC64    0x17
#define ESR_EC_SYS64    0x18 /* MSR, MRS or System instruction (AArch64) */
#define ESR_EC_SVE      0x19
#define ESR_EC_IABT_LOW 0x20 /* instruction abort from a lower EL */
#define ESR_EC_IABT_CUR 0x21 /* instruction abort taken without EL change */
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24 /* data abort from a lower EL */
#define ESR_EC_DABT_CUR 0x25 /* data abort taken without EL change */
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_FP_EXC32 0x28
#define ESR_EC_FP_EXC64 0x2c
#define ESR_EC_SERROR   0x2f
#define ESR_EC_BRK64    0x3c

/* Condition fields shared by the AArch32 trap classes (0x01-0x0c, 0x13). */
#define ESR_ISS_CV         (1u << 24)
#define ESR_ISS_COND_SHIFT 20
#define ESR_ISS_COND_MASK  0xfu

/* WFx: TI bit 0 (0 WFI, 1 WFE). Bit 1 distinguishes WFIT/WFET (FEAT_WFxT). */
#define ESR_ISS_WFX_TI      (1u << 0)
#define ESR_ISS_WFX_TI_MASK 0x3u

/* MCR/MRC (EC 0x03, 0x05, 0x08). */
#define ESR_ISS_CP32_OPC2_SHIFT 17
#define ESR_ISS_CP32_OPC2_MASK  0x7u
#define ESR_ISS_CP32_OPC1_SHIFT 14
#define ESR_ISS_CP32_OPC1_MASK  0x7u
#define ESR_ISS_CP32_CRN_SHIFT  10
#define ESR_ISS_CP32_CRN_MASK   0xfu
#define ESR_ISS_CP32_RT_SHIFT   5
#define ESR_ISS_CP32_RT_MASK    0x1fu
#define ESR_ISS_CP_CRM_SHIFT    1
#define ESR_ISS_CP_CRM_MASK     0xfu
#define ESR_ISS_CP_DIR_READ     (1u << 0) /* Direction: 1 = read (MRC/MRRC) */

/* MCRR/MRRC (EC 0x04, 0x0c). */
#define ESR_ISS_CP64_OPC1_SHIFT 16
#define ESR_ISS_CP64_OPC1_MASK  0xfu
#define ESR_ISS_CP64_RT2_SHIFT  10
#define ESR_ISS_CP64_RT2_MASK   0x1fu
#define ESR_ISS_CP64_RT_SHIFT   5
#define ESR_ISS_CP64_RT_MASK    0x1fu

/* LDC/STC (EC 0x06): imm8[19:12], Rn[9:5], Offset[4], AM[3:1], Direction[0]
 * (1 = read from memory, LDC). */
#define ESR_ISS_LDC_IMM8_SHIFT 12
#define ESR_ISS_LDC_IMM8_MASK  0xffu
#define ESR_ISS_LDC_RN_SHIFT   5
#define ESR_ISS_LDC_RN_MASK    0x1fu
#define ESR_ISS_LDC_DIR_LOAD   (1u << 0)

/* HVC / SMC64: imm16. SMC32 (EC 0x13) carries CV/COND/CCKNOWNPASS instead. */
#define ESR_ISS_IMM16_MASK 0xffffu

/* MSR/MRS/System instruction (EC 0x18). */
#define ESR_ISS_SYS_OP0_SHIFT 20
#define ESR_ISS_SYS_OP0_MASK  0x3u
#define ESR_ISS_SYS_OP2_SHIFT 17
#define ESR_ISS_SYS_OP2_MASK  0x7u
#define ESR_ISS_SYS_OP1_SHIFT 14
#define ESR_ISS_SYS_OP1_MASK  0x7u
#define ESR_ISS_SYS_CRN_SHIFT 10
#define ESR_ISS_SYS_CRN_MASK  0xfu
#define ESR_ISS_SYS_RT_SHIFT  5
#define ESR_ISS_SYS_RT_MASK   0x1fu
#define ESR_ISS_SYS_CRM_SHIFT 1
#define ESR_ISS_SYS_CRM_MASK  0xfu
#define ESR_ISS_SYS_DIR_READ  (1u << 0) /* 1 = MRS */

/* Instruction and data abort ISS (EC 0x20/0x21, 0x24/0x25). */
#define ESR_ISS_ISV       (1u << 24) /* bits 23:14 hold a valid syndrome */
#define ESR_ISS_SAS_SHIFT 22         /* access size: 1 << SAS bytes */
#define ESR_ISS_SAS_MASK  0x3u
#define ESR_ISS_SSE       (1u << 21) /* sign-extend */
#define ESR_ISS_SRT_SHIFT 16         /* register transferred */
#define ESR_ISS_SRT_MASK  0x1fu
#define ESR_ISS_SF        (1u << 15) /* 64-bit register */
#define ESR_ISS_AR        (1u << 14) /* acquire/release */
#define ESR_ISS_FNV       (1u << 10) /* FAR not valid */
#define ESR_ISS_EA        (1u << 9)  /* external abort type */
#define ESR_ISS_CM        (1u << 8)  /* cache maintenance */
#define ESR_ISS_S1PTW     (1u << 7)  /* stage-2 fault on a stage-1 walk */
#define ESR_ISS_WNR       (1u << 6)  /* write, not read */
#define ESR_ISS_FSC_MASK  0x3fu      /* DFSC / IFSC */
/* DFSC 0b0001LL: translation fault at level LL (Arm ARM D17.2.40). */
#define ESR_ISS_FSC_TYPE_MASK   0x3cu
#define ESR_ISS_FSC_TRANSLATION 0x04u

#endif
