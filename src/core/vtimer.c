/*
 * The EL1 virtual timer (Arm ARM D11.2.4, "The EL1 virtual timer"; ARMv7-A
 * B8.1): the guest programs CNTV_CTL/CNTV_CVAL directly (those registers do
 * not trap), and the timer's output is a level-sensitive PPI, INTID 27 on
 * the virt machine. The core samples the guest's registers after every exit
 * and before every idle, and drives the PPI's line with the result: high
 * while the timer condition holds and the interrupt is not masked.
 *
 * Timer condition (D11.2.4): CVAL <= CNTVCT, as an unsigned 64-bit compare,
 * with CNTVCT = CNTPCT - CNTVOFF. CNTV_CTL.ISTATUS reports the condition
 * whatever IMASK says (the CPU computes it; the core does not rely on the
 * saved bit), and the output is asserted only with ENABLE=1 and IMASK=0.
 */
#include "core/cntv_ctl.h"
#include "core/vgic.h"


bool vtimer_fires(const struct vtimer_state *t, uint64_t counter)
{
    if (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK))
        return false;
    return counter - t->voff >= t->cval;
}

bool vtimer_deadline(struct vcpu *vcpu, uint64_t *counter)
{
    struct vtimer_state t;
    arch_vtimer_read(vcpu, &t);
    if (!(t.ctl & CNTV_CTL_ENABLE) || (t.ctl & CNTV_CTL_IMASK))
        return false;
    /* CNTVCT reaches CVAL when the physical count is CVAL + CNTVOFF. */
    *counter = t.cval + t.voff;
    return true;
}

void vtimer_sync(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    struct vtimer_state t;
    arch_vtimer_read(vcpu, &t);
    bool line = vtimer_fires(&t, arch_counter_read());
    vgic->cpu[vcpu->id].timer_line = line;
    vgic_inject(vcpu->vm, (int)vcpu->id, VGIC_PPI_VTIMER, line);
}
