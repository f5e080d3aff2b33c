/*
 * The EL2 physical timer (CNTHP_CTL_EL2, CNTHP_CVAL_EL2; Arm ARM D11.2.3,
 * D13.8): armvisor's own timer, behind arch_hyp_timer_arm / disarm. Its
 * PPI is INTID 26 (the Base System Architecture's number, which QEMU virt
 * uses), enabled by the GICv2 driver.
 */
#include "arch/arch.h"
#include "arch/armv8/sysregs.h"
#include "arch/gicv2/gicv2.h"

#define CNTHP_CTL_ENABLE (1u << 0)
#define CNTHP_CTL_IMASK  (1u << 1)

void arch_hyp_timer_arm(uint64_t counter)
{
    write_sysreg(cnthp_cval_el2, counter);
    write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
    isb();
}

void arch_hyp_timer_disarm(void)
{
    write_sysreg(cnthp_ctl_el2, 0);
    isb();
}

bool gicv2_arch_hyp_timer_armed(void)
{
    return (read_sysreg(cnthp_ctl_el2) & (CNTHP_CTL_ENABLE | CNTHP_CTL_IMASK)) == CNTHP_CTL_ENABLE;
}
