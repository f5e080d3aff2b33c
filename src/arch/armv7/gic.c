/*
 * The ARMv7 port's glue to the shared GICv2 driver (arch/gicv2/gicv2.c):
 * the shared boot flow finds its four ranges (arch/boot/dtb_probe.c; Hyp's
 * VA = PA, first GiB Device, hyp_mmu.c).
 * Physical IRQs reach Hyp through the IRQ vector of vectors.S
 * (GUEST_EXIT_IRQ) with CPSR.I masked; the guest's CNTV_* stay loaded after
 * an exit (vcpu_switch.c).
 */
#include "arch/arch.h"
#include "arch/armv7/armv7.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "arch/gicv2/gicv2.h"
#include "core/vm.h"

/* CNTV_CTL (B4.1.29), through cp15. */
uint32_t gicv2_arch_cntv_ctl(void)
{
    return cp_read32(CNTV_CTL);
}

struct gicv2_vcpu *gicv2_vcpu_state(struct vcpu *vcpu)
{
    struct arch_vcpu *a = vcpu->arch;
    return a ? &a->gic : NULL;
}
