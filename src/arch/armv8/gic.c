/*
 * The ARMv8 port's glue to the shared GICv2 driver (arch/gicv2/gicv2.c);
 * the shared boot flow finds its four ranges (arch/boot/dtb_probe.c). Physical
 * IRQs are taken at EL2 (ARCH_EXIT_IRQ) with PSTATE.I masked; the WFE idle
 * path is ended by the event stream (CNTHCTL_EL2.EVNTEN, stage2_hw.c).
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "arch/gicv2/gicv2.h"
#include "core/vm.h"

/* CNTV_CTL_EL0 (Arm ARM D13.8.x): only bits [2:0] are defined. */
uint32_t gicv2_arch_cntv_ctl(void)
{
    return (uint32_t)read_sysreg(cntv_ctl_el0);
}

struct gicv2_vcpu *gicv2_vcpu_state(struct vcpu *vcpu)
{
    struct arch_vcpu *a = vcpu->arch;
    return a ? &a->gic : NULL;
}
