/*
 * The PL2 physical timer (CNTHP_CTL, CNTHP_CVAL; ARMv7-A ARM B8.1.1,
 * B4.1.22-23): armvisor's own timer, behind arch_hyp_timer_arm / disarm.
 * Its PPI is INTID 26 on QEMU virt, enabled by the GICv2 driver.
 */
#include "arch/arch.h"
#include "arch/armv7/cp15.h"
#include "arch/gicv2/gicv2.h"

#define CNTHP_CTL_ENABLE (1u << 0)
#define CNTHP_CTL_IMASK  (1u << 1)

void arch_hyp_timer_arm(uint64_t counter)
{
    cp_write64(CNTHP_CVAL, counter);
    cp_write32(CNTHP_CTL, CNTHP_CTL_ENABLE);
    isb();
}

void arch_hyp_timer_disarm(void)
{
    cp_write32(CNTHP_CTL, 0);
    isb();
}

bool gicv2_arch_hyp_timer_armed(void)
{
    return (cp_read32(CNTHP_CTL) & (CNTHP_CTL_ENABLE | CNTHP_CTL_IMASK)) == CNTHP_CTL_ENABLE;
}
