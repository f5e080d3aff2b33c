/*
 * The per-vCPU list of interrupts in flight, in the spirit of KVM's ap_list:
 * every interrupt that is active on a vCPU, or pending and deliverable to it,
 * is on that vCPU's list and on no other. vgic_irq_changed adds; the list's
 * owner prunes at its next flush what no longer concerns it. The list is
 * sorted only when something was added or re-ranked since the last sort, so
 * a vCPU with nothing new pays nothing, and what a flush costs grows with the
 * interrupts in flight, not with the interrupts the VM has.
 *
 * Bounded for hostile guests: a list never holds more than the VM's
 * interrupts (32 private + nspis), and a sort is a merge sort, O(n log n) in
 * that bound, done at most once per entry.
 */
#include "core/vgic.h"

#include "lib/check.h"

void vgic_ap_link(struct vgic *vgic, unsigned id, struct vgic_irq *irq)
{
    struct vgic_cpu *cpu = &vgic->cpu[id];
    CHECK(irq->ap_vcpu < 0);
    irq->ap_vcpu = (int8_t)id;
    irq->ap_next = cpu->ap_head;
    cpu->ap_head = irq;
    cpu->ap_len++;
    cpu->ap_unsorted = true;
}

void vgic_ap_add(struct vgic *vgic, unsigned id, struct vgic_irq *irq)
{
    vgic_ap_link(vgic, id, irq);
    vgic_cpu_mark_dirty(&vgic->cpu[id]);
}

void vgic_ap_remove(struct vgic *vgic, struct vgic_irq *irq)
{
    CHECK(irq->ap_vcpu >= 0);
    struct vgic_cpu *cpu = &vgic->cpu[irq->ap_vcpu];
    for (struct vgic_irq **link = &cpu->ap_head; *link; link = &(*link)->ap_next) {
        cpu->work.list_steps++;
        if (*link == irq) {
            *link = irq->ap_next;
            irq->ap_next = NULL;
            irq->ap_vcpu = -1;
            cpu->ap_len--;
            vgic_cpu_mark_dirty(cpu);
            return;
        }
    }
    CHECK(!"an interrupt's in-flight list does not hold it");
}

/* Does a rank before b? Active first (the guest must find them in the LRs to
 * EOI them), then priority (lower value is more urgent), then INTID. */
static bool before(const struct vgic_irq *a, const struct vgic_irq *b)
{
    if (a->active != b->active)
        return a->active;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->intid < b->intid;
}

/* Bottom-up merge sort of a singly linked list: no recursion, no memory. */
static struct vgic_irq *sort(struct vgic_irq *head, unsigned len, uint64_t *steps)
{
    for (unsigned width = 1; width < len; width *= 2) {
        struct vgic_irq *rest = head, *out = NULL, **tail = &out;
        while (rest) {
            struct vgic_irq *a = rest, *b = rest;
            unsigned na = 0, nb = 0;
            while (b && na < width) {
                b = b->ap_next;
                na++;
            }
            rest = b;
            while (rest && nb < width) {
                rest = rest->ap_next;
                nb++;
            }
            while (na || nb) {
                struct vgic_irq **take;
                if (!nb || (na && !before(b, a)))
                    take = &a, na--;
                else
                    take = &b, nb--;
                *tail = *take;
                tail = &(*take)->ap_next;
                *take = (*take)->ap_next;
                (*steps)++;
            }
        }
        *tail = NULL;
        head = out;
    }
    return head;
}

void vgic_ap_prune_sort(struct vgic *vgic, unsigned id)
{
    struct vgic_cpu *cpu = &vgic->cpu[id];
    struct vgic_irq **link = &cpu->ap_head;
    while (*link) {
        struct vgic_irq *irq = *link;
        cpu->work.list_steps++;
        int target = vgic_irq_target(vgic, irq);
        if (target == (int)id) {
            link = &irq->ap_next;
            continue;
        }
        *link = irq->ap_next;
        irq->ap_next = NULL;
        irq->ap_vcpu = -1;
        cpu->ap_len--;
        if (target >= 0) /* it concerns another vCPU now (SPI routing) */
            vgic_ap_add(vgic, (unsigned)target, irq);
    }
    if (cpu->ap_unsorted) {
        if (cpu->ap_len > 1) { /* one entry is in order as it is */
            cpu->ap_head = sort(cpu->ap_head, cpu->ap_len, &cpu->work.list_steps);
            cpu->work.sorts++;
        }
        cpu->ap_unsorted = false;
    }
}
