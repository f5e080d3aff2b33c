/*
 * List registers: the window between the distributor model and the
 * hardware's virtual CPU interface (GICv2 5.3.2 GICH_LRn; GICv3 ICH_LR<n>).
 *
 * Before each entry (vgic_flush_lrs) the interrupts that concern the vCPU
 * are ranked and the most urgent fill the list registers: active ones first
 * (the guest must find them there to EOI them), then pending ones by
 * priority (lower value first), then by INTID. Every other list register is
 * written empty. After the exit (vgic_sync_lrs) each list register is read
 * back and its state folded into the model: one the guest acknowledged is
 * no longer pending (a level interrupt stays pending while its line is
 * high), one it EOIed is no longer active. What did not fit waits in the
 * model for a later entry: the guest gets it at its next exit (on hardware
 * an underflow maintenance interrupt would force one; not wired yet).
 */
#include "core/vgic.h"

#include "lib/log.h"

struct candidate {
    uint16_t intid;
    uint8_t source; /* SGIs */
    uint8_t priority;
    bool active, pending;
};

/* Does a rank before b? */
static bool before(const struct candidate *a, const struct candidate *b)
{
    if (a->active != b->active)
        return a->active;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->intid < b->intid;
}

static unsigned lr_count(void)
{
    unsigned n = arch_vgic_lr_count();
    return n < VGIC_MAX_LRS ? n : VGIC_MAX_LRS;
}

/* The list-register view of irq for vCPU id, if it needs one. */
static bool candidate_of(const struct vgic *vgic, const struct vgic_irq *irq, unsigned intid,
                         unsigned id, struct candidate *c)
{
    if (intid >= VGIC_NR_PRIVATE && !vgic_spi_targets(vgic, irq, id))
        return false;
    bool forward = irq->enabled && vgic_group_enabled(vgic, irq) && vgic_irq_pending(irq, intid);
    *c = (struct candidate){.intid = (uint16_t)intid, .priority = irq->priority};
    if (intid < VGIC_NR_SGIS) {
        /* One list register per SGI: the active instance (and whether the
         * same source has sent it again), else the lowest pending source. */
        if (irq->active) {
            c->active = true;
            c->source = irq->active_src;
            c->pending = forward && ((irq->sgi_pending >> irq->active_src) & 1);
            return true;
        }
        if (!forward)
            return false;
        c->pending = true;
        for (c->source = 0; !((irq->sgi_pending >> c->source) & 1); c->source++)
            ;
        return true;
    }
    c->active = irq->active;
    c->pending = forward;
    return c->active || c->pending;
}

/* Insert c into best[0..*n) kept sorted, at most cap entries; returns the
 * entry pushed out (or c itself) through *dropped when full. */
static bool rank(struct candidate *best, unsigned *n, unsigned cap, const struct candidate *c,
                 struct candidate *dropped)
{
    unsigned i = *n;
    bool full = *n == cap;
    if (full) {
        if (cap == 0 || !before(c, &best[cap - 1])) {
            *dropped = *c;
            return true;
        }
        *dropped = best[cap - 1];
        i = cap - 1;
    } else {
        (*n)++;
    }
    while (i > 0 && before(c, &best[i - 1])) {
        best[i] = best[i - 1];
        i--;
    }
    best[i] = *c;
    return full;
}

void vgic_flush_lrs(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    vtimer_sync(vcpu); /* the counter may have moved since the last exit */

    unsigned cap = lr_count(), n = 0, id = vcpu->id;
    struct candidate best[VGIC_MAX_LRS], c = {0}, out = {0};
    bool lost_active = false;
    for (unsigned intid = 0; intid < VGIC_NR_PRIVATE + vgic->nspis; intid++) {
        const struct vgic_irq *irq = vgic_irq(vgic, id, intid);
        if (irq && candidate_of(vgic, irq, intid, id, &c) && rank(best, &n, cap, &c, &out))
            lost_active |= out.active;
    }
    if (lost_active && !vgic->lr_overflow_logged) {
        vgic->lr_overflow_logged = true;
        log_warn("vm %s: vcpu %u: more active interrupts than %u list registers: the guest "
                 "cannot EOI them all (logged once)\n",
                 vcpu->vm->name, id, cap);
    }

    struct vgic_cpu *cpu = &vgic->cpu[id];
    for (unsigned i = 0; i < cap; i++) {
        struct vgic_lr lr = {0};
        cpu->lr[i] = (struct vgic_lr_slot){0};
        if (i < n) {
            const struct vgic_irq *irq = vgic_irq(vgic, id, best[i].intid);
            lr = (struct vgic_lr){.virq = best[i].intid,
                                  .priority = best[i].priority,
                                  .pending = best[i].pending,
                                  .active = best[i].active,
                                  .group1 = irq->group1,
                                  .source = best[i].source};
            cpu->lr[i] = (struct vgic_lr_slot){.used = true,
                                               .intid = best[i].intid,
                                               .source = best[i].source,
                                               .pending_sent = best[i].pending};
        }
        arch_vgic_lr_write(vcpu, i, &lr);
    }
}

void vgic_sync_lrs(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    unsigned cap = lr_count(), id = vcpu->id;
    struct vgic_cpu *cpu = &vgic->cpu[id];
    for (unsigned i = 0; i < cap; i++) {
        struct vgic_lr_slot *slot = &cpu->lr[i];
        if (!slot->used)
            continue;
        slot->used = false;
        struct vgic_lr lr;
        arch_vgic_lr_read(vcpu, i, &lr);
        struct vgic_irq *irq = vgic_irq(vgic, id, slot->intid);
        if (!irq)
            continue;
        /* Only the virtual CPU interface changes a list register while the
         * guest runs: pending -> active on acknowledge, active -> inactive
         * on EOI. A pending state we sent and no longer see was taken. */
        bool taken = slot->pending_sent && !lr.pending;
        if (slot->intid < VGIC_NR_SGIS) {
            if (taken)
                irq->sgi_pending &= (uint8_t) ~(1u << slot->source);
            if (lr.active)
                irq->active_src = slot->source;
            irq->active = lr.active;
            continue;
        }
        if (taken)
            irq->latch = false; /* edge consumed; level re-sampled from its line */
        irq->active = lr.active;
        if (slot->intid >= VGIC_NR_PRIVATE)
            irq->active_on = lr.active ? (int8_t)id : -1;
    }
    vtimer_sync(vcpu);
}
