/* Between the files of the sim arch only. */
#ifndef ARCH_SIM_SIM_INTERNAL_H
#define ARCH_SIM_SIM_INTERNAL_H

#include "arch/arch.h"

/* Called by sim_reset after memory is recreated: other sim parts drop state. */
void sim_reset_hook(void);

/* A TLB invalidation for vmid over [ipa, ipa+size) (size ~0: all): the
 * simulated MMU drops the cached translations it covers. */
void sim_tlb_flush_hook(uint16_t vmid, ipa_t ipa, uint64_t size);

#endif
