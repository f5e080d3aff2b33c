/*
 * MTE for guests (mte.h). The four EL1 registers are named by encoding (Arm
 * ARM D19.2: TFSR_EL1 S3_0_C5_C6_0, TFSRE0_EL1 S3_0_C5_C6_1, RGSR_EL1
 * S3_0_C1_C0_5, GCR_EL1 S3_0_C1_C0_6) so the assembler needs no MTE option
 * for them. EL2 never checks tags itself: SCTLR_EL2.TCF stays 0, so its own
 * accesses to guest memory (MMIO emulation, virtqueues) ignore the tags.
 */
#include "arch/armv8/mte.h"

#include "arch/armv8/sysregs.h"

static bool el2_ready;

bool armv8_mte_present(void)
{
    uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
    return ((pfr1 >> ID_AA64PFR1_MTE_SHIFT) & ID_FIELD_MASK) >= ID_AA64PFR1_MTE_MEM;
}

uint64_t armv8_mte_el2_mair_normal(void)
{
    return armv8_mte_present() ? MAIR_ATTR_NORMAL_TAGGED : MAIR_ATTR_NORMAL_WB;
}

uint64_t armv8_mte_el2_sctlr(void)
{
    return armv8_mte_present() ? SCTLR_EL2_ATA : 0;
}

void armv8_mte_el2_ready(void)
{
    /* DC GZVA is what zeroes tags: it must not be prohibited (DZP). */
    el2_ready = armv8_mte_present() && !(read_sysreg(dczid_el0) & DCZID_DZP);
}

bool armv8_mte_usable(void)
{
    return el2_ready;
}

bool armv8_mte_zero(void *va, size_t len)
{
    if (!el2_ready)
        return false;
    /* DC GZVA zeroes one DC ZVA block, data and tags (DCZID_EL0.BS: log2
     * of the block in words). */
    uint64_t block = 4ull << (read_sysreg(dczid_el0) & DCZID_BS_MASK);
    for (uintptr_t a = (uintptr_t)va; a < (uintptr_t)va + len; a += block)
        __asm__ volatile(".arch_extension memtag\n\tdc gzva, %0" : : "r"(a) : "memory");
    dsb_ish();
    return true;
}

void armv8_mte_save(struct armv8_mte_regs *r)
{
    r->tfsr = read_sysreg(S3_0_C5_C6_0);
    r->tfsre0 = read_sysreg(S3_0_C5_C6_1);
    r->rgsr = read_sysreg(S3_0_C1_C0_5);
    r->gcr = read_sysreg(S3_0_C1_C0_6);
}

void armv8_mte_restore(const struct armv8_mte_regs *r)
{
    write_sysreg(S3_0_C5_C6_0, r->tfsr);
    write_sysreg(S3_0_C5_C6_1, r->tfsre0);
    write_sysreg(S3_0_C1_C0_5, r->rgsr);
    write_sysreg(S3_0_C1_C0_6, r->gcr);
}
