/*
 * Hyp mode's own stage-1 translation (ARMv7-A ARM B3.6 "Long-descriptor
 * translation table format", B3.12 "Hyp mode translation"): HTTBR, HTCR,
 * HMAIR0, HSCTLR.
 *
 * The hypervisor maps physical memory one to one (VA = PA) with 1 GiB
 * level-1 blocks, the whole 32-bit Hyp VA space being four of them: the first
 * GiB (QEMU virt's GIC, PL011 and other devices) as Device, execute-never,
 * the others as Normal write-back memory. Turned on first thing, before the
 * DTB is read, so that C code and the FDT reader run with caches on and
 * with the unaligned accesses GCC emits for ARMv7 permitted (with the MMU
 * off every Hyp data access is Strongly-ordered and an unaligned one faults).
 * Once the DTB has told us where RAM is, the GiB blocks holding no RAM are
 * removed again (armv7_hyp_mmu_limit), so a stray pointer faults instead of
 * reading non-existent memory.
 */
#include <stdint.h>

#include "arch/armv7/armv7.h"
#include "arch/armv7/cp15.h"

#define HYP_L1_ENTRIES 4 /* T0SZ = 0: 32-bit VA, 1 GiB per entry */

/* A level-1 table with 4 entries must be aligned to its 32-byte size. */
static uint64_t hyp_l1[HYP_L1_ENTRIES] __attribute__((aligned(32)));

static uint64_t l1_block(unsigned i)
{
    uint64_t pa = (uint64_t)i << LPAE_L1_SHIFT;
    if (i == 0)
        return pa | LPAE_DESC_BLOCK | LPAE_ATTRINDX(HYP_ATTR_DEVICE) | LPAE_AP_RW_PL2 | LPAE_AF |
               LPAE_XN;
    return pa | LPAE_DESC_BLOCK | LPAE_ATTRINDX(HYP_ATTR_NORMAL) | LPAE_AP_RW_PL2 | LPAE_SH_INNER |
           LPAE_AF;
}

void armv7_hyp_mmu_init(void)
{
    for (unsigned i = 0; i < HYP_L1_ENTRIES; i++)
        hyp_l1[i] = l1_block(i);
    armv7_hyp_mmu_enable();
}

/* This CPU's Hyp stage 1 on over hyp_l1: the boot CPU first thing, each
 * secondary first thing (the same table, HMAIR, HTCR and HSCTLR on every
 * CPU; table walks are cacheable, HTCR, so the boot CPU's later edits in
 * armv7_hyp_mmu_limit are seen). */
void armv7_hyp_mmu_enable(void)
{
    cp_write32(HMAIR0, HMAIR0_VALUE);
    cp_write32(HMAIR1, 0);
    cp_write32(HTCR, HTCR_VALUE);
    cp_write64(HTTBR, (uint64_t)(uintptr_t)hyp_l1);
    dsb_sy();
    isb();
    cp_write32(TLBIALLH, 0);
    cp_write32(ICIALLU, 0);
    dsb_sy();
    isb();

    uint32_t hsctlr = cp_read32(HSCTLR);
    hsctlr &= ~(HSCTLR_A | HSCTLR_WXN | HSCTLR_EE | HSCTLR_TE);
    hsctlr |= HSCTLR_M | HSCTLR_C | HSCTLR_I;
    cp_write32(HSCTLR, hsctlr);
    isb();
}

void armv7_hyp_mmu_limit(uint64_t ram_base, uint64_t ram_end)
{
    for (unsigned i = 1; i < HYP_L1_ENTRIES; i++) {
        uint64_t lo = (uint64_t)i << LPAE_L1_SHIFT;
        uint64_t hi = lo + (1ull << LPAE_L1_SHIFT);
        if (ram_end <= lo || ram_base >= hi)
            hyp_l1[i] = 0;
    }
    /* Removing entries needs no break-before-make: just the TLB. */
    dsb_ishst();
    cp_write32(TLBIALLH, 0);
    dsb_sy();
    isb();
}
