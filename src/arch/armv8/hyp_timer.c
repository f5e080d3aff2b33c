/*
 * The hypervisor's own timer on the ARMv8 port: the EL2 physical timer
 * (Arm ARM D11.2.4 "The EL2 physical timer"; CNTHP_CTL_EL2 and
 * CNTHP_CVAL_EL2 in D13.8), whose PPI 26 the GIC driver enables
 * (arch/gicv2/gicv2.c). Host state only: nothing of a vCPU's is here.
 */
#include "arch/arch.h"
#include "arch/armv8/sysregs.h"
#include "core/cntv_ctl.h" /* CNTHP_CTL has CNTV_CTL's layout */

/* The compare value first, then ENABLE with IMASK clear; off: CTL 0, which
 * drops its output. */
void arch_hyp_timer_set(bool on, uint64_t counter)
{
    if (on) {
        write_sysreg(cnthp_cval_el2, counter);
        isb();
        write_sysreg(cnthp_ctl_el2, (uint64_t)CNTV_CTL_ENABLE);
    } else {
        write_sysreg(cnthp_ctl_el2, 0ull);
    }
    isb();
}
