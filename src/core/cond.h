/*
 * AArch32 condition codes: does a trapped conditional instruction pass its
 * condition check? Pure functions over the condition and the guest's saved
 * CPSR / PSTATE (arch_vcpu_pstate: the SPSR_hyp / SPSR_EL2 layout).
 *
 * Why the core needs this: for WFI/WFE, SMC and MCR/MRC/MCRR/MRRC/LDC/STC it
 * is IMPLEMENTATION DEFINED whether an instruction that fails its condition
 * check still traps (ARMv7-A ARM B1.14.1, ARMv8-A ARM G1.17.2 "Conditional
 * trapping"); if it does, the hypervisor must complete it as a no-op.
 */
#ifndef CORE_COND_H
#define CORE_COND_H

#include <stdbool.h>
#include <stdint.h>

/* Condition flags and IT bits of CPSR / SPSR (ARMv7-A ARM B1.3.3, ARMv8-A
 * ARM G1.9.3 "Saved Program Status Registers"). */
#define PSR_N           (1u << 31)
#define PSR_Z           (1u << 30)
#define PSR_C           (1u << 29)
#define PSR_V           (1u << 28)
#define PSR_T           (1u << 5)
#define PSR_IT_LO_SHIFT 25 /* ITSTATE[1:0] in PSR[26:25] */
#define PSR_IT_LO_MASK  0x3u
#define PSR_IT_HI_SHIFT 10 /* ITSTATE[7:2] in PSR[15:10] */
#define PSR_IT_HI_MASK  0x3fu

/* Condition field values (ARMv7-A ARM A8.3 "Conditional execution"). */
#define COND_EQ 0x0u
#define COND_NE 0x1u
#define COND_CS 0x2u
#define COND_CC 0x3u
#define COND_MI 0x4u
#define COND_PL 0x5u
#define COND_VS 0x6u
#define COND_VC 0x7u
#define COND_HI 0x8u
#define COND_LS 0x9u
#define COND_GE 0xau
#define COND_LT 0xbu
#define COND_GT 0xcu
#define COND_LE 0xdu
#define COND_AL 0xeu
#define COND_NV 0xfu /* "always" for a condition check (unconditional space) */

/* ConditionPassed() for condition cond (only its low 4 bits count) against
 * the NZCV flags in pstate[31:28] (ARMv7-A ARM A8.3.1 / ARMv8-A ARM J1
 * ConditionHolds: 0b1111 passes like 0b1110). */
bool cond_passed(unsigned cond, uint32_t pstate);

/* ITSTATE[7:0] of an AArch32 PSR (IT[7:2] in bits 15:10, IT[1:0] in 26:25). */
unsigned cond_itstate(uint32_t pstate);

/* The condition a trapped AArch32 instruction was executed with. cv/cond:
 * the syndrome's CV and COND. CV=1: COND. CV=0 (allowed for T32, and what
 * an ARMv7 SMC trap reports): in a T32 IT block (ITSTATE[3:0] != 0) the
 * block's current condition ITSTATE[7:4]; otherwise the instruction is
 * unconditional (COND_AL). */
unsigned cond_of_trap(bool cv, unsigned cond, uint32_t pstate);

#endif
