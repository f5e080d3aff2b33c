/*
 * The ARMv8 port's glue to the shared GICv2 driver (arch/gicv2/gicv2.c):
 * QEMU virt with virtualization=on gives a DTB "arm,cortex-a15-gic" (or
 * "arm,gic-400") node with four ranges, GICD, GICC, GICH, GICV. Physical
 * IRQs are taken at EL2 (ARCH_EXIT_IRQ) with PSTATE.I masked; the WFE idle
 * path is ended by the event stream (CNTHCTL_EL2.EVNTEN, stage2_hw.c).
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "arch/gicv2/gicv2.h"
#include "core/vm.h"
#include "lib/log.h"

void armv8_gic_init(const struct fdt *fdt)
{
    static const char *const compat[] = {"arm,cortex-a15-gic", "arm,gic-400"};
    int n = -1;
    for (unsigned i = 0; i < sizeof(compat) / sizeof(compat[0]) && n < 0; i++)
        n = fdt_node_by_compatible(fdt, -1, compat[i]);
    if (n < 0) {
        log_info("no GICv2 in the DTB: guests get no interrupts\n");
        return;
    }
    struct gicv2_ranges r = {0};
    if (fdt_reg(fdt, n, 0, &r.gicd, NULL) != 0 || fdt_reg(fdt, n, 1, &r.gicc, NULL) != 0 ||
        fdt_reg(fdt, n, 2, &r.gich, NULL) != 0 || fdt_reg(fdt, n, 3, &r.gicv, &r.gicv_size) != 0) {
        log_info("the GICv2 has no virtualization extensions (GICH/GICV) in the DTB: guests "
                 "get no interrupts\n");
        return;
    }
    gicv2_init(&r);
}

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
