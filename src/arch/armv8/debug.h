/*
 * The guest's self-hosted debug state on ARMv8 (debug.c): breakpoint and
 * watchpoint registers, the OS Lock and Double Lock, the debug comms
 * channel's interrupt enable and AArch32 vector catch. EL1
 * programs them directly (MDCR_EL2 does not trap them), so each vCPU's
 * copy is put into the CPU with its EL1 registers and saved with them
 * (vcpu.c, lazily). MDSCR_EL1 is in struct armv8_el1_regs.
 */
#ifndef ARCH_ARMV8_DEBUG_H
#define ARCH_ARMV8_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

/* At most 16 of each (the ID fields are four bits). */
#define ARMV8_DEBUG_MAX 16

struct armv8_debug_regs {
    uint64_t bvr[ARMV8_DEBUG_MAX], bcr[ARMV8_DEBUG_MAX];
    uint64_t wvr[ARMV8_DEBUG_MAX], wcr[ARMV8_DEBUG_MAX];
    uint64_t oslsr;   /* OSLSR_EL1 as read; restored through OSLAR_EL1 */
    uint64_t osdlr;   /* OSDLR_EL1 */
    uint64_t mdccint; /* MDCCINT_EL1 */
    uint64_t dbgvcr32; /* DBGVCR32_EL2 (CPUs with AArch32 EL1) */
};

/* The state a vCPU starts with: nothing armed, OS Lock set (its reset
 * value). */
void armv8_debug_reset(struct armv8_debug_regs *d);
void armv8_debug_save(struct armv8_debug_regs *d, bool aa32);
void armv8_debug_restore(const struct armv8_debug_regs *d, bool aa32);

#endif
