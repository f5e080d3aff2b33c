/*
 * One interrupt's semantics (ARM IHI 0048B 3.2 "General handling of
 * interrupts" and 4.3 for the register bits behind each setter), independent
 * of which distributor register map the guest used to ask: GICv2's
 * (vgic_v2_dist.c) today, GICv3's later.
 *
 * Every setter ends in vgic_irq_changed, which puts the interrupt on the
 * in-flight list of the vCPU it now concerns and marks that vCPU's list
 * registers stale. Taking an interrupt off a list is lazy: the list's owner
 * prunes it at its next flush (vgic_aplist.c), so a setter never walks a list.
 */
#include "core/sched.h"
#include "core/vgic.h"

bool vgic_irq_pending(const struct vgic_irq *irq)
{
    if (irq->intid < VGIC_NR_SGIS)
        return irq->sgi_pending != 0;
    /* Level-sensitive: pending while the line is high, or while a write to
     * GICD_ISPENDR holds it (IHI0048B 4.3.7); edge: the latch. */
    return irq->latch || (irq->level && irq->line);
}

bool vgic_group_enabled(const struct vgic *vgic, const struct vgic_irq *irq)
{
    /* GICD_CTLR.EnableGrp0 / EnableGrp1 (GIC without Security Extensions). */
    return (vgic->ctlr >> (irq->group1 ? 1 : 0)) & 1;
}

bool vgic_irq_signalled(const struct vgic *vgic, const struct vgic_irq *irq)
{
    /* The distributor forwards a pending, enabled interrupt of an enabled
     * group (IHI0048B 3.2.1); one already active waits for its EOI. */
    return irq->enabled && !irq->active && vgic_group_enabled(vgic, irq) && vgic_irq_pending(irq);
}

/* Where an SPI goes (IHI0048B 4.3.12): a uniprocessor GIC sends every SPI to
 * its one CPU (GICD_ITARGETSR are RAZ/WI there); with several, the lowest
 * CPU in GICD_ITARGETSR (a 1-of-N choice the specification leaves to the
 * implementation), none when the mask is empty. */
static int spi_route(const struct vgic *vgic, const struct vgic_irq *irq)
{
    if (vgic->vm->nvcpus == 1)
        return 0;
    for (unsigned c = 0; c < vgic->vm->nvcpus && c < 8; c++)
        if ((irq->targets >> c) & 1)
            return (int)c;
    return -1;
}

int vgic_irq_target(const struct vgic *vgic, const struct vgic_irq *irq)
{
    if (irq->active)
        /* An active interrupt stays with the vCPU that must EOI it. */
        return irq->owner >= 0 ? irq->owner : irq->active_on;
    bool forward = irq->enabled && vgic_group_enabled(vgic, irq) && vgic_irq_pending(irq);
    if (!forward)
        return -1;
    return irq->owner >= 0 ? irq->owner : spi_route(vgic, irq);
}

/* The vCPU's list registers no longer match the model. */
static void mark(struct vgic *vgic, int id)
{
    if (id >= 0 && (unsigned)id < vgic->vm->nvcpus) {
        vgic_cpu_mark_dirty(&vgic->cpu[id]);
        vgic->cpu[id].ap_unsorted = true;
    }
}

void vgic_irq_changed(struct vgic *vgic, struct vgic_irq *irq)
{
    int target = vgic_irq_target(vgic, irq);
    /* The vCPU that has it listed rewrites its LRs, and prunes it at its
     * next flush if it concerns nobody now; if it concerns another vCPU, it
     * moves there at once, so that vCPU sees it pending. */
    mark(vgic, irq->ap_vcpu);
    if (target >= 0 && irq->ap_vcpu >= 0 && irq->ap_vcpu != target)
        vgic_ap_remove(vgic, irq);
    /* The target's list registers are stale too: vgic_ap_add marks them,
     * and a target that already listed it was marked above. */
    if (target >= 0 && irq->ap_vcpu < 0)
        vgic_ap_add(vgic, (unsigned)target, irq);
    /* A vCPU blocked in WFI that now has something to take runs again
     * (whoever made it pending: a device, another vCPU's SGI, its timer). */
    if (target < 0)
        return;
    struct vcpu *v = &vgic->vm->vcpus[target];
    enum vcpu_state s = vcpu_state(v);
    bool elsewhere =
        s == VCPU_RUNNING && __atomic_load_n(&v->home, __ATOMIC_ACQUIRE) != arch_cpu_id();
    if (vgic_irq_signalled(vgic, irq)) {
        /* ... and one that runs on another CPU is kicked out of the guest
         * there, so the next flush shows it the interrupt at once. */
        if (s == VCPU_WFI || elsewhere)
            sched_kick(v);
    } else if (elsewhere && irq->active && irq->enabled && vgic_group_enabled(vgic, irq) &&
               vgic_irq_pending(irq)) {
        /* Pending again while the model says active: the vCPU may have
         * EOIed it since, in its list register, without an exit (the model
         * learns that at its next sync), and then waits in the guest for
         * this one. Kicked, it syncs now and takes it (KVM's
         * vgic_queue_irq_unlock kicks for the same reason). */
        sched_kick(v);
    }
}

void vgic_irq_set_enabled(struct vgic *vgic, struct vgic_irq *irq, bool on)
{
    if (irq->enabled == on)
        return;
    irq->enabled = on;
    if (irq->intid >= VGIC_NR_PRIVATE) {
        unsigned n = irq->intid - VGIC_NR_PRIVATE;
        uint32_t bit = 1u << (n % 32);
        if (on)
            vgic->spi_enabled[n / 32] |= bit;
        else
            vgic->spi_enabled[n / 32] &= ~bit;
    }
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_pending(struct vgic *vgic, struct vgic_irq *irq, bool on)
{
    /* SGIs are made pending per source (GICD_SGIR, GICD_[SC]PENDSGIR); their
     * ISPENDR0/ICPENDR0 bits ignore writes (4.3.7, 4.3.8). A cleared level
     * interrupt stays pending while its line is high. */
    if (irq->intid < VGIC_NR_SGIS || irq->latch == on)
        return;
    irq->latch = on;
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_active(struct vgic *vgic, struct vgic_irq *irq, bool on, unsigned vcpu_id)
{
    if (irq->active == on)
        return;
    irq->active = on;
    irq->active_on = on && irq->owner < 0 ? (int8_t)vcpu_id : -1;
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_priority(struct vgic *vgic, struct vgic_irq *irq, uint8_t prio)
{
    if (irq->priority == prio)
        return;
    irq->priority = prio;
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_group(struct vgic *vgic, struct vgic_irq *irq, bool group1)
{
    if (irq->group1 == group1)
        return;
    irq->group1 = group1;
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_level_config(struct vgic *vgic, struct vgic_irq *irq, bool level)
{
    if (irq->level == level)
        return;
    irq->level = level;
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_targets(struct vgic *vgic, struct vgic_irq *irq, uint8_t mask)
{
    if (irq->targets == mask)
        return;
    irq->targets = mask;
    vgic_irq_changed(vgic, irq);
}

void vgic_irq_set_line(struct vgic *vgic, struct vgic_irq *irq, bool level)
{
    if (irq->line == level)
        return;
    if (!irq->level && level)
        irq->latch = true; /* rising edge */
    irq->line = level;
    vgic_irq_changed(vgic, irq);
}

/* The source whose instance of SGI irq sits pending in a list register of
 * its vCPU, as the last flush wrote it; 0 when none. */
static uint8_t sgi_listed_pending(const struct vgic *vgic, const struct vgic_irq *irq)
{
    if (irq->ap_vcpu < 0)
        return 0;
    const struct vgic_cpu *cpu = &vgic->cpu[irq->ap_vcpu];
    for (unsigned used = cpu->lr_used, i = 0; used; used >>= 1, i++)
        if ((used & 1) && cpu->lr[i].irq == irq && cpu->lr[i].lr.pending)
            return (uint8_t)(1u << cpu->lr[i].lr.source);
    return 0;
}

void vgic_irq_sgi_pend(struct vgic *vgic, struct vgic_irq *irq, uint8_t sources, bool on)
{
    /* To a vCPU running on another CPU: straight into its list registers
     * when they can take it (vgic_post.c), else marked and kicked. */
    if (on && vgic_post_sgi(vgic, irq, sources))
        return;
    uint8_t was = irq->sgi_pending;
    uint8_t again = 0;
    if (on) {
        again = sources & was & sgi_listed_pending(vgic, irq);
        irq->sgi_again |= again;
        irq->sgi_pending = (uint8_t)(was | sources);
    } else {
        irq->sgi_pending = (uint8_t)(was & ~sources);
        irq->sgi_again &= (uint8_t)~sources;
    }
    /* Sent again: its vCPU, if it runs elsewhere, is kicked to sync. */
    if (irq->sgi_pending != was || again)
        vgic_irq_changed(vgic, irq);
}

void vgic_set_ctlr(struct vgic *vgic, uint32_t ctlr)
{
    if (vgic->ctlr == ctlr)
        return;
    vgic->ctlr = ctlr;
    /* Group enables gate every interrupt: requeue them all. A guest doing
     * this in a loop pays O(IDs) per write, which the write's own exit
     * already bounds. */
    for (unsigned c = 0; c < vgic->vm->nvcpus && c < VM_MAX_VCPUS; c++)
        for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
            vgic_irq_changed(vgic, &vgic->cpu[c].priv[i]);
    for (unsigned i = 0; i < vgic->nspis && i < VGIC_MAX_SPIS; i++)
        vgic_irq_changed(vgic, &vgic->spi[i]);
}
