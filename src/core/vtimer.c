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
 *
 * The link to the physical interrupt. The guest's timer registers stay
 * live in the CPU while armvisor runs, so when the timer fires the host's
 * own virtual-timer PPI fires too, and armvisor takes it (host_irq.c). It
 * acknowledges it and leaves it active, which keeps it from firing again
 * while the guest handles the virtual one, and marks virtual PPI 27 hw with
 * that physical INTID. The guest's EOI exits (the list register's EOI bit)
 * and the sync deactivates the physical interrupt (vgic_lr.c says why not
 * through GICH_LR.HW). If the guest silences its timer without an EOI
 * (masks, disables or reprograms it), vtimer_sync finds the virtual
 * interrupt neither pending nor active and deactivates the physical one.
 * Which vCPU holds the physical interrupt is this CPU's business
 * (pcpu->timer_owner): the scheduler releases it (vtimer_release) before
 * another vCPU's timer is loaded, or the next timer could not fire.
 */
#include "core/cntv_ctl.h"
#include "core/pcpu.h"
#include "core/vgic.h"

bool vtimer_fires(const struct vtimer_state *t, uint64_t counter)
{
    if (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK))
        return false;
    /* Registers live in the CPU: its ISTATUS is the condition the guest
     * will read in its handler and the one that drives the physical PPI
     * (as KVM's kvm_timer_should_fire). Computing it here could run ahead
     * of an emulator that updates ISTATUS when its own timer event fires,
     * and hand the guest an interrupt whose ISTATUS still reads 0. */
    if (t->live)
        return t->ctl & CNTV_CTL_ISTATUS;
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

/* Whether this CPU may sample vcpu's timer: it holds the vCPU (the timer
 * is live here), or no CPU does (its registers are in memory). A vCPU
 * another CPU holds is that CPU's to sample, after each of its exits: from
 * here its registers would be a stale copy (or, on armv8, pulled out from
 * under the guest that runs there), and its physical PPI is that CPU's
 * banked one, not ours. A CPU may come to hold it just after this looks
 * (a steal); the copy read then is the one it was put with, unchanged
 * since, as the vCPU was blocked. */
static bool vtimer_ours(const struct vcpu *vcpu)
{
    int r = __atomic_load_n(&vcpu->resident, __ATOMIC_ACQUIRE);
    return r < 0 || (unsigned)r == arch_cpu_id();
}

static void vtimer_sync_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic || !vtimer_ours(vcpu))
        return;
    struct vtimer_state t;
    arch_vtimer_read(vcpu, &t);
    struct vgic_irq *irq = &vgic->cpu[vcpu->id].priv[VGIC_PPI_VTIMER];
    vgic_irq_set_line(vgic, irq, vtimer_fires(&t, arch_counter_read()));
    /* Only the CPU whose PPI is held may let it go (pcpu->timer_owner). */
    if (irq->hw && pcpu_this()->timer_owner == vcpu && !irq->active && !vgic_irq_pending(irq)) {
        /* Silenced without an EOI: nothing will deactivate the physical
         * interrupt but us, and until then it cannot fire again. */
        irq->hw = false;
        arch_irq_deactivate(irq->pirq);
        vgic_irq_changed(vgic, irq);
    }
}

static void vtimer_host_irq_locked(struct vcpu *vcpu, unsigned intid)
{
    struct vgic *vgic = vcpu ? vcpu->vm->vgic : NULL;
    if (!vgic) {
        /* Nowhere to deliver it (a VM without a vGIC): left active, so the
         * still-firing timer cannot take this CPU out of the guest again
         * and again. The next VM's vGIC never sees it held: only a host
         * without list registers runs VMs without a vGIC. */
        return;
    }
    struct vgic_irq *irq = &vgic->cpu[vcpu->id].priv[VGIC_PPI_VTIMER];
    irq->hw = true;
    irq->pirq = (uint16_t)intid;
    pcpu_this()->timer_owner = vcpu;
    vgic_irq_changed(vgic, irq);
    vtimer_sync(vcpu); /* which releases it again if the timer is not firing */
}

static void vtimer_release_locked(struct vcpu *vcpu)
{
    struct pcpu *p = pcpu_this();
    if (p->timer_owner == vcpu)
        p->timer_owner = NULL;
    struct vgic *vgic = vcpu->vm ? vcpu->vm->vgic : NULL;
    if (!vgic)
        return;
    struct vgic_irq *irq = &vgic->cpu[vcpu->id].priv[VGIC_PPI_VTIMER];
    if (!irq->hw)
        return;
    irq->hw = false;
    arch_irq_deactivate(irq->pirq);
    vgic_irq_changed(vgic, irq);
}

void vtimer_sync(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic) {
        vtimer_sync_locked(vcpu);
        return;
    }
    vgic_lock(vgic);
    vtimer_sync_locked(vcpu);
    vgic_unlock(vgic);
}

void vtimer_host_irq(struct vcpu *vcpu, unsigned intid)
{
    struct vgic *vgic = vcpu ? vcpu->vm->vgic : NULL;
    if (!vgic) {
        vtimer_host_irq_locked(vcpu, intid);
        return;
    }
    vgic_lock(vgic);
    vtimer_host_irq_locked(vcpu, intid);
    vgic_unlock(vgic);
}

void vtimer_release(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm ? vcpu->vm->vgic : NULL;
    if (!vgic) {
        vtimer_release_locked(vcpu);
        return;
    }
    vgic_lock(vgic);
    vtimer_release_locked(vcpu);
    vgic_unlock(vgic);
}
