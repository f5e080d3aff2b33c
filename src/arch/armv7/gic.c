/*
 * The ARMv7 port's glue to the shared GICv2 driver (arch/gicv2/gicv2.c):
 * QEMU virt with -cpu cortex-a15 and virtualization=on gives a DTB
 * "arm,cortex-a15-gic" node with four ranges, GICD, GICC, GICH, GICV
 * (dtb.c reads them; Hyp's VA = PA, first GiB Device, hyp_mmu.c).
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
#include "lib/log.h"

void armv7_gic_init(const struct armv7_boot_info *bi)
{
    if (bi->gic_ranges == 0) {
        log_info("no GICv2 in the DTB: guests get no interrupts\n");
        return;
    }
    if (bi->gic_ranges < 4) {
        log_info("the GICv2 has no virtualization extensions (GICH/GICV) in the DTB: guests "
                 "get no interrupts\n");
        return;
    }
    /* Hyp's VAs are 32 bits and VA = PA (hyp_mmu.c): the GIC must lie
     * below 4 GiB. */
    uint64_t top = bi->gicd | bi->gicc | bi->gich | bi->gicv;
    if (top >> 32) {
        log_warn("GICV 0x%llx+0x%llx cannot hold the guest's CPU interface: no vGIC\n",
                 (unsigned long long)bi->gicv, (unsigned long long)bi->gicv_size);
        return;
    }
    struct gicv2_ranges r = {
        .gicd = bi->gicd,
        .gicc = bi->gicc,
        .gich = bi->gich,
        .gicv = bi->gicv,
        .gicv_size = bi->gicv_size,
    };
    gicv2_init(&r);
}

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
