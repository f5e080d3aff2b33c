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

#include "core/aarch32.h" /* CPSR_N/Z/C/V, CPSR_T, ITSTATE */

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

/* The condition a trapped AArch32 instruction was executed with. cv/cond:
 * the syndrome's CV and COND. CV=1: COND. CV=0 (allowed for T32, and what
 * an ARMv7 SMC trap reports): in a T32 IT block (ITSTATE[3:0] != 0) the
 * block's current condition ITSTATE[7:4]; otherwise the instruction is
 * unconditional (COND_AL). */
unsigned cond_of_trap(bool cv, unsigned cond, uint32_t pstate);

#endif
