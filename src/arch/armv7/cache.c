/*
 * Whole-cache maintenance by set/way (ARMv7-A ARM B4.2.1, "Cache and branch
 * predictor maintenance operations"; CLIDR/CCSIDR give the geometry).
 *
 * Why: vm_launch copies the guest image through the hypervisor's cached
 * mapping, while a guest starts with its MMU off, so its accesses are
 * non-cacheable and would read stale RAM on hardware with real caches. One
 * CPU, no other master: set/way is sufficient here.
 */
#include "arch/armv7/armv7.h"
#include "arch/armv7/cp15.h"

void armv7_cache_flush_all(void)
{
    uint32_t clidr = cp_read32(CLIDR);
    unsigned loc = (clidr >> 24) & 7; /* level of coherence */

    dsb_sy();
    for (unsigned level = 0; level < loc; level++) {
        unsigned ctype = (clidr >> (level * 3)) & 7;
        if (ctype < 2) /* 0: none, 1: instruction only */
            continue;
        cp_write32(CSSELR, level << 1);
        isb();
        uint32_t ccsidr = cp_read32(CCSIDR);
        unsigned line_shift = (ccsidr & 7) + 4;
        unsigned ways = ((ccsidr >> 3) & 0x3ff) + 1;
        unsigned sets = ((ccsidr >> 13) & 0x7fff) + 1;
        unsigned way_shift = ways > 1 ? (unsigned)__builtin_clz(ways - 1) : 0;
        for (unsigned way = 0; way < ways; way++)
            for (unsigned set = 0; set < sets; set++)
                cp_write32(DCCISW,
                           (ways > 1 ? way << way_shift : 0) | (set << line_shift) | (level << 1));
    }
    dsb_sy();
    cp_write32(ICIALLU, 0);
    dsb_sy();
    isb();
}
