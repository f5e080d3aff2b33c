/* Placeholder hooks until the simulated MMU (sim_mmu.c) owns them: this file
 * is deleted when sim_mmu.c defines sim_reset_hook and sim_tlb_flush_hook. */
#include "arch/sim/sim_internal.h"

void sim_reset_hook(void)
{
}

void sim_tlb_flush_hook(uint16_t vmid, ipa_t ipa, uint64_t size)
{
    (void)vmid;
    (void)ipa;
    (void)size;
}
