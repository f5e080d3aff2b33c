/*
 * Counter, the guest's virtual timer, CPU idle and the (absent) vGIC list
 * registers of the ARMv7 port (Generic Timer: ARMv7-A ARM chapter B8).
 */
#include <string.h>

#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "core/vm.h"

uint64_t arch_counter_read(void)
{
    isb(); /* CNTPCT reads may be speculated: order after earlier code */
    return cp_read64(CNTPCT);
}

uint64_t arch_counter_freq(void)
{
    return cp_read32(CNTFRQ);
}

/* The saved copy is the truth: it goes to the CPU on the next entry. */
void arch_vtimer_read(struct vcpu *vcpu, struct vtimer_state *t)
{
    const struct armv7_cp15 *c = &vcpu->arch->cp15;
    t->ctl = c->cntv_ctl;
    t->cval = c->cntv_cval;
    t->voff = c->cntvoff;
}

void arch_vtimer_write(struct vcpu *vcpu, const struct vtimer_state *t)
{
    struct armv7_cp15 *c = &vcpu->arch->cp15;
    c->cntv_ctl = t->ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
    c->cntv_cval = t->cval;
    c->cntvoff = t->voff;
}

unsigned arch_cpu_id(void)
{
    return cp_read32(MPIDR) & 0xffu;
}

/*
 * Not implemented yet on ARMv7: the GICv2 virtual CPU interface (GICH_LR).
 * arch_vgic_lr_count() says so with 0, and there is nothing to read or
 * write: reads give an empty list register, writes are dropped.
 */
unsigned arch_vgic_lr_count(void)
{
    return 0;
}

void arch_vgic_lr_read(struct vcpu *vcpu, unsigned i, struct vgic_lr *lr)
{
    (void)vcpu;
    (void)i;
    memset(lr, 0, sizeof(*lr));
}

void arch_vgic_lr_write(struct vcpu *vcpu, unsigned i, const struct vgic_lr *lr)
{
    (void)vcpu;
    (void)i;
    (void)lr;
}

/* No virtual CPU interface for the guest to use either. */
bool arch_vgic_cpu_iface(paddr_t *pa, uint64_t *size)
{
    (void)pa;
    (void)size;
    return false;
}

/*
 * Idle: the hypervisor runs with interrupts masked and, without a GIC
 * driver and vGIC, nothing could ever wake a physical WFI here; so an idle
 * vCPU simply resumes (its WFI behaves as a NOP, which the architecture
 * allows: WFI may complete at any time).
 */
void arch_cpu_idle(void) {}
