/*
 * The simulated GIC virtual CPU interface (list registers, as GICH_LR /
 * ICH_LR<n>_EL2 hold them) and the guest's side of it (GICV_IAR/GICV_EOIR),
 * plus the system counter and the per-vCPU virtual timer registers.
 */
#include <stdio.h>
#include <string.h>

#include "arch/sim/sim_internal.h"
#include "core/vm.h"

static uint64_t counter;

unsigned arch_vgic_lr_count(void)
{
    return SIM_NUM_LRS;
}

void arch_vgic_lr_read(struct vcpu *vcpu, unsigned i, struct vgic_lr *lr)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av || i >= SIM_NUM_LRS) {
        memset(lr, 0, sizeof(*lr));
        return;
    }
    *lr = av->lr[i];
}

void arch_vgic_lr_write(struct vcpu *vcpu, unsigned i, const struct vgic_lr *lr)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av || i >= SIM_NUM_LRS) {
        fprintf(stderr, "sim: write to list register %u of %u\n", i, SIM_NUM_LRS);
        return;
    }
    av->lr[i] = *lr;
}

static struct arch_vcpu *guest_av(struct sim_guest *g)
{
    return sim_vcpu_slot(g->vcpu);
}

uint32_t g_irq_ack(struct sim_guest *g)
{
    struct arch_vcpu *av = guest_av(g);
    int best = -1;
    /* Highest priority = lowest value; among equals the lowest LR. */
    for (unsigned i = 0; i < SIM_NUM_LRS; i++) {
        const struct vgic_lr *lr = &av->lr[i];
        if (!lr->pending || lr->active)
            continue;
        if (best < 0 || lr->priority < av->lr[best].priority)
            best = (int)i;
    }
    if (best < 0)
        return SIM_SPURIOUS_IRQ;
    av->lr[best].pending = false;
    av->lr[best].active = true;
    return av->lr[best].virq;
}

bool g_irq_eoi(struct sim_guest *g, uint32_t virq)
{
    struct arch_vcpu *av = guest_av(g);
    for (unsigned i = 0; i < SIM_NUM_LRS; i++) {
        struct vgic_lr *lr = &av->lr[i];
        if (!lr->active || lr->virq != virq)
            continue;
        lr->active = false;
        if (lr->hw) {
            /* GICH_LR.HW: the EOI deactivates the physical interrupt too. */
            av->hw_deactivations++;
            av->last_hw_pirq = lr->pirq;
        }
        return true;
    }
    return false;
}

uint64_t sim_vcpu_hw_deactivations(struct vcpu *vcpu, uint32_t *last_pirq)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av)
        return 0;
    if (last_pirq)
        *last_pirq = av->last_hw_pirq;
    return av->hw_deactivations;
}

/* ---- Counter and virtual timer ---------------------------------------------- */

void sim_counter_advance(uint64_t ticks)
{
    counter += ticks;
}

void sim_counter_reset(void)
{
    counter = 0;
}

uint64_t arch_counter_read(void)
{
    return counter;
}

uint64_t arch_counter_freq(void)
{
    return SIM_COUNTER_FREQ;
}

void arch_vtimer_read(struct vcpu *vcpu, struct vtimer_state *t)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av) {
        memset(t, 0, sizeof(*t));
        return;
    }
    *t = av->vtimer;
}

void arch_vtimer_write(struct vcpu *vcpu, const struct vtimer_state *t)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (av)
        av->vtimer = *t;
}

uint64_t g_cntvct(struct sim_guest *g)
{
    /* CNTVCT = CNTPCT - CNTVOFF. */
    return counter - guest_av(g)->vtimer.voff;
}
