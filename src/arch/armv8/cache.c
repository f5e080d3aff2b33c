/*
 * Cache maintenance by address (Arm ARM D7.5 "Cache maintenance
 * instructions"). Guest RAM is written by the hypervisor through its
 * cacheable map (image copy, zeroed pages); a guest that starts with its
 * MMU off reads memory Non-cacheable and would miss data still in our
 * caches, so that RAM is cleaned to the Point of Coherency before the first
 * entry, and the instruction caches invalidated.
 */
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"

/* Smallest D-cache line: 4 << CTR_EL0.DminLine bytes. */
static uint64_t dcache_line(void)
{
    return 4ull << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void armv8_dcache_clean_poc(uint64_t va, uint64_t len)
{
    uint64_t line = dcache_line();
    uint64_t end = va + len;
    for (uint64_t p = va & ~(line - 1); p < end; p += line)
        __asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
    dsb_sy();
}

void armv8_icache_inval_all(void)
{
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb_sy();
    isb();
}
