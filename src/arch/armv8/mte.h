/*
 * MTE for guests on ARMv8 (mte.c), where the CPU has FEAT_MTE2 (allocation
 * tags in memory, Arm ARM D10): a VM that gets MTE runs with HCR_EL2.ATA
 * set (its tag instructions and LDG/STG reach the tags of its own RAM, the
 * stage-2 mapping being Normal write-back), and its TFSR_EL1, TFSRE0_EL1,
 * RGSR_EL1 and GCR_EL1 are switched with the EL1 registers. Every page the
 * hypervisor hands out has its tags zeroed with its data (DC GZVA, EL2's
 * own Normal mapping Tagged), so no VM finds another's tags.
 */
#ifndef ARCH_ARMV8_MTE_H
#define ARCH_ARMV8_MTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct armv8_mte_regs {
    uint64_t tfsr, tfsre0, rgsr, gcr;
};

/* The CPU has FEAT_MTE2: tags in memory (ID_AA64PFR1_EL1.MTE >= 2). */
bool armv8_mte_present(void);

/* mmu.c, as it turns the EL2 MMU on: the MAIR_EL2 attribute of EL2's
 * Normal memory (Tagged with MTE) and the SCTLR_EL2 bits to add (ATA). */
uint64_t armv8_mte_el2_mair_normal(void);
uint64_t armv8_mte_el2_sctlr(void);
/* mmu.c, once the MMU is on: tags can be written from now on. */
void armv8_mte_el2_ready(void);
/* MTE can be given to VMs: the CPU has it and EL2 zeroes tags (after
 * armv8_mte_el2_ready). */
bool armv8_mte_usable(void);

/* Zero [va, va+len) (page aligned) and its allocation tags; false (nothing
 * done) before armv8_mte_el2_ready or without MTE. */
bool armv8_mte_zero(void *va, size_t len);

void armv8_mte_save(struct armv8_mte_regs *r);
void armv8_mte_restore(const struct armv8_mte_regs *r);

#endif
