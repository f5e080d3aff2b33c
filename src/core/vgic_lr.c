/*
 * List registers: the window between the interrupt model and the hardware's
 * virtual CPU interface (GICv2 5.3.2 GICH_LRn; GICv3 ICH_LR<n>_EL2).
 *
 * Before each entry (vgic_flush_lrs), if the vCPU's state changed since its
 * list registers were written, its in-flight list (vgic_aplist.c) is pruned
 * and sorted and its first entries fill the list registers: active ones
 * first, then pending ones by priority, then by INTID. When more is pending
 * than fits, the underflow maintenance interrupt (GICH_HCR.UIE) makes the
 * guest exit once it has taken what it was given, so the rest follows without
 * waiting for an unrelated exit; an SGI pending from more sources than one
 * list register can carry asks for NPIE. A level-sensitive interrupt goes in
 * with the EOI bit (GICH_LR.EOI), so the guest's EOI exits and an interrupt
 * whose line is still high is presented again at once.
 *
 * After the exit (vgic_sync_lrs) only the list registers that were written
 * are looked at, and one the hardware reports empty (GICH_ELRSR) is not even
 * read: the guest acknowledged it (no longer pending; a level interrupt stays
 * pending while its line is high) and EOIed it (no longer active).
 */
#include "core/vgic.h"

#include "core/ptimer.h"

#include "lib/log.h"

static unsigned lr_count(void)
{
    unsigned n = arch_vgic_lr_count();
    return n < VGIC_MAX_LRS ? n : VGIC_MAX_LRS;
}

/* The lowest source CPU in an SGI's pending mask. */
static uint8_t first_source(uint8_t mask)
{
    uint8_t s = 0;
    while (!((mask >> s) & 1))
        s++;
    return s;
}

/* The list-register form of irq for vCPU id; false if it needs none. */
static bool lr_of(const struct vgic *vgic, const struct vgic_irq *irq, struct vgic_lr *lr,
                  bool *more_sources)
{
    bool forward = irq->enabled && vgic_group_enabled(vgic, irq) && vgic_irq_pending(irq);
    *lr = (struct vgic_lr){.virq = irq->intid, .priority = irq->priority, .group1 = irq->group1};
    if (irq->intid < VGIC_NR_SGIS) {
        /* One list register per SGI: the active instance (and whether the
         * same source sent it again), else the lowest pending source. */
        uint8_t pend = forward ? irq->sgi_pending : 0;
        if (irq->active) {
            lr->active = true;
            lr->source = irq->active_src;
            lr->pending = (pend >> irq->active_src) & 1;
            pend &= (uint8_t) ~(1u << irq->active_src);
        } else if (pend) {
            lr->pending = true;
            lr->source = first_source(pend);
            pend &= (uint8_t) ~(1u << lr->source);
        }
        *more_sources = pend != 0;
        /* Active (the guest is in its handler), no list register can carry
         * the other sources, and NPIE would fire at once and again at every
         * entry (no LR is pending) until the EOI the guest never gets to:
         * the guest's EOI exits instead (GICH_LR.EOI), and the next source
         * follows it. */
        if (lr->active && *more_sources) {
            lr->eoi_maint = true;
            *more_sources = false;
        }
        return lr->active || lr->pending;
    }
    lr->active = irq->active;
    lr->pending = forward;
    if (irq->hw) {
        /* Linked to a physical interrupt held active for the guest
         * (vtimer.c): while the guest handles it, the physical one, still
         * active, cannot fire again; the guest's EOI exits (GICH_LR.EOI)
         * and the sync deactivates it, and it fires anew if its source
         * still holds it. Not GICH_LR.HW, with which the guest's EOI would
         * deactivate it without an exit (IHI0048B 5.3.7), saving that exit:
         * QEMU 7.2's GICv2 then clears the physical active bit but does not
         * look at that CPU's pending interrupts again (its gic_complete_irq
         * updates only the virtual interface), so a timer that fired anew
         * before the EOI stays unsignalled until some unrelated GIC event:
         * a guest spinning in user space, or waiting in WFI in the guest,
         * lost its timer ticks for good (seen: Linux on 2 CPUs hung after
         * a CPU went offline; Linux's preemption test got no tick for a
         * minute on a loaded host). One exit per timer interrupt is the
         * price; GICC_DIR makes QEMU look again. */
        lr->eoi_maint = true;
        if (lr->active)
            lr->pending = false;
    } else if (irq->level && lr->pending) {
        lr->eoi_maint = true;
    }
    return lr->active || lr->pending;
}

static bool lr_equal(const struct vgic_lr *a, const struct vgic_lr *b)
{
    return a->virq == b->virq && a->pirq == b->pirq && a->priority == b->priority &&
           a->pending == b->pending && a->active == b->active && a->hw == b->hw &&
           a->group1 == b->group1 && a->source == b->source && a->eoi_maint == b->eoi_maint;
}

/* More is pending than the list registers hold: the maintenance interrupt
 * that brings the guest back once it has made room. UIE fires when at most
 * one list register is valid (IHI0048B 5.3.4), which with a single list
 * register is always: there, NPIE if that one is pending (it fires once the
 * guest takes it), else the EOI bit on the active one (it fires at its EOI);
 * either way never at once on entry, which would keep the guest from ever
 * reaching its handler. */
static unsigned overflow_maint(struct vcpu *vcpu, struct vgic_cpu *cpu, unsigned cap)
{
    if (cap > 1)
        return VGIC_MAINT_UNDERFLOW;
    struct vgic_lr_slot *slot = &cpu->lr[0];
    if (cap == 0 || !slot->used || slot->lr.pending)
        return VGIC_MAINT_NO_PENDING;
    if (!slot->lr.hw && !slot->lr.eoi_maint) {
        slot->lr.eoi_maint = true;
        arch_vgic_lr_write(vcpu, 0, &slot->lr);
        cpu->work.lr_writes++;
    }
    return 0; /* an hw one cannot carry the EOI bit: the rest waits for an exit */
}

static void vgic_flush_lrs_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    unsigned id = vcpu->id;
    struct vgic_cpu *cpu = &vgic->cpu[id];
    cpu->work.flushes++;
    vgic_ap_prune_sort(vgic, id);

    unsigned cap = lr_count(), n = 0, maint = 0, was_used = cpu->lr_used;
    struct vgic_irq *irq = cpu->ap_head;
    for (; irq && n < cap; irq = irq->ap_next) {
        cpu->work.list_steps++;
        struct vgic_lr lr;
        bool more = false;
        if (!lr_of(vgic, irq, &lr, &more))
            continue;
        if (more)
            maint |= VGIC_MAINT_NO_PENDING;
        struct vgic_lr_slot *slot = &cpu->lr[n];
        if (irq->intid < VGIC_NR_SGIS)
            irq->sgi_again = 0; /* the guest runs nothing until this: merged */
        if (!slot->used || !lr_equal(&slot->lr, &lr)) {
            arch_vgic_lr_write(vcpu, n, &lr);
            cpu->work.lr_writes++;
        }
        *slot = (struct vgic_lr_slot){.used = true, .irq = irq, .lr = lr};
        n++;
    }
    /* What did not fit: ask for an exit once the guest has room. An active
     * one left out cannot be EOIed by the guest (more active interrupts
     * than list registers, which only a guest that never EOIs produces). */
    for (; irq; irq = irq->ap_next) {
        cpu->work.list_steps++;
        if (irq->active && !vgic->lr_overflow_logged) {
            vgic->lr_overflow_logged = true;
            log_warn("vm %s: vcpu %u: more active interrupts than %u list registers: the "
                     "guest cannot EOI them all (logged once)\n",
                     vcpu->vm->name, id, cap);
        }
        if (vgic_irq_signalled(vgic, irq)) {
            maint |= overflow_maint(vcpu, cpu, cap);
            break;
        }
    }
    for (unsigned stale = was_used >> n, i = n; stale; stale >>= 1, i++) {
        if (!(stale & 1))
            continue;
        static const struct vgic_lr empty;
        arch_vgic_lr_write(vcpu, i, &empty);
        cpu->work.lr_writes++;
        cpu->lr[i].used = false;
    }
    /* Slots 0 to n-1 now, the rest emptied: one store (the lock keeps
     * everyone else from reading it meanwhile but this CPU). */
    __atomic_store_n(&cpu->lr_used, (1u << n) - 1, __ATOMIC_RELAXED);
    if (maint & VGIC_MAINT_UNDERFLOW)
        cpu->work.underflows++;
    if (maint != cpu->maint) {
        arch_vgic_set_maint(vcpu, maint);
        cpu->maint = maint;
    }
    cpu->post_cached = 0; /* the slots may hold other SGIs now */
    __atomic_store_n(&cpu->dirty, false, __ATOMIC_RELAXED);
}

/* The virtual timer's interrupt is in flight (listed, or its physical
 * PPI still held for the guest's EOI): its condition is sampled on exits. */
static bool vtimer_in_flight(const struct vgic_cpu *cpu)
{
    const struct vgic_irq *t = &cpu->priv[VGIC_PPI_VTIMER];
    return t->ap_vcpu >= 0 || t->hw;
}

static void vgic_sync_lrs_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    unsigned id = vcpu->id;
    struct vgic_cpu *cpu = &vgic->cpu[id];
    uint64_t empty = cpu->lr_used ? arch_vgic_lr_empty(vcpu) : 0;
    for (unsigned used = cpu->lr_used, i = 0; used; used >>= 1, i++) {
        struct vgic_lr_slot *slot = &cpu->lr[i];
        if (!(used & 1))
            continue;
        struct vgic_lr lr = slot->lr;
        if ((empty >> i) & 1) {
            lr.pending = lr.active = false;
        } else {
            arch_vgic_lr_read(vcpu, i, &lr);
            cpu->work.lr_reads++;
        }
        /* Only the virtual CPU interface changes a list register while the
         * guest runs: pending -> active on acknowledge, active -> inactive
         * on EOI. A pending state we sent and no longer see was taken. */
        bool taken = slot->lr.pending && !lr.pending;
        struct vgic_irq *irq = slot->irq;
        uint8_t again = 0;
        if (irq->intid < VGIC_NR_SGIS) {
            /* Sent again meanwhile: a new instance if this one was taken,
             * merged with it if not. */
            again = irq->sgi_again & (uint8_t)(1u << slot->lr.source);
            irq->sgi_again &= (uint8_t)~again;
        }
        if (lr.pending == slot->lr.pending && lr.active == slot->lr.active)
            continue; /* the guest did not touch it */
        slot->lr.pending = lr.pending;
        slot->lr.active = lr.active;
        if (irq->intid < VGIC_NR_SGIS) {
            if (taken && !again)
                irq->sgi_pending &= (uint8_t) ~(1u << slot->lr.source);
            if (lr.active)
                irq->active_src = slot->lr.source;
        } else if (taken) {
            irq->latch = false; /* edge consumed; level re-sampled from its line */
        }
        irq->active = lr.active;
        if (irq->owner < 0)
            irq->active_on = lr.active ? (int8_t)id : -1;
        if (irq->hw && !lr.active && !lr.pending) {
            /* The guest EOIed it (an exit, GICH_LR.EOI): the physical one
             * is ours to deactivate (lr_of says why not GICH_LR.HW's). */
            arch_irq_deactivate(irq->pirq);
            irq->hw = false;
        }
        vgic_irq_changed(vgic, irq);
    }
    /* The timer's condition is sampled when its host PPI fires (host_irq.c)
     * and while its interrupt is in flight (the guest may have silenced it
     * since); otherwise nothing the guest did without an exit can matter
     * before the PPI fires. */
    if (vtimer_in_flight(cpu))
        vtimer_sync(vcpu);
    ptimer_sync(vcpu); /* emulated: nothing fires it but us */
}

static void vgic_lrs_lost_locked(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    struct vgic_cpu *cpu = &vgic->cpu[vcpu->id];
    /* Posts meant for the registers just emptied: the model's state is
     * whole without them (the next flush writes it). */
    __atomic_store_n(&cpu->post, 0, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
        cpu->lr[i].used = false;
    __atomic_store_n(&cpu->lr_used, 0, __ATOMIC_RELAXED);
    cpu->post_cached = 0;
    cpu->maint = 0;
    vgic_cpu_mark_dirty(cpu);
    cpu->ap_unsorted = true;
}

/* The entry and exit paths of every exit: without the lock when nothing
 * changed (the common exit: an HVC, an MMIO access, with no interrupt in
 * flight), so an exit costs the vGIC two tests (see dirty and lr_used in
 * vgic.h for why the unlocked reads are safe). */
void vgic_flush_lrs(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    struct vgic_cpu *cpu = &vgic->cpu[vcpu->id];
    if (!__atomic_load_n(&cpu->dirty, __ATOMIC_RELAXED)) {
        /* Nothing changed since the LRs were written or read back: the
         * arch loads them as they are. */
        cpu->work.flush_skips++;
    } else {
        vgic_lock(vgic);
        if (__atomic_load_n(&cpu->dirty, __ATOMIC_RELAXED))
            vgic_flush_lrs_locked(vcpu);
        else
            cpu->work.flush_skips++;
        vgic_unlock(vgic);
    }
    /* The model says what the registers will hold: other CPUs may post. */
    vgic_post_open(vgic, cpu);
}

void vgic_sync_lrs(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic)
        return;
    struct vgic_cpu *cpu = &vgic->cpu[vcpu->id];
    /* No more posts, and the ones made are in the registers before they
     * are read back. */
    vgic_post_close(vgic, vcpu, cpu);
    if (!__atomic_load_n(&cpu->lr_used, __ATOMIC_RELAXED) && !vtimer_in_flight(cpu)) {
        /* Nothing was in the LRs, so the guest changed nothing there; the
         * emulated timer checks itself without the lock while off. */
        ptimer_sync(vcpu);
        return;
    }
    vgic_lock(vgic);
    vgic_sync_lrs_locked(vcpu);
    vgic_unlock(vgic);
}

void vgic_lrs_lost(struct vcpu *vcpu)
{
    struct vgic *vgic = vcpu->vm->vgic;
    if (!vgic) {
        vgic_lrs_lost_locked(vcpu);
        return;
    }
    vgic_lock(vgic);
    vgic_lrs_lost_locked(vcpu);
    vgic_unlock(vgic);
}
