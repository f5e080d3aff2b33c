/*
 * The simulated GIC virtual CPU interface (list registers, as GICH_LR /
 * ICH_LR<n>_EL2 hold them) and the guest's side of it (GICV_IAR/GICV_EOIR),
 * plus the system counter and the per-vCPU virtual timer registers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sim/sim_internal.h"
#include "core/cntv_ctl.h"
#include "core/vm.h"
#include "lib/check.h"

static uint64_t counter;
static sim_idle_fn idle_hook;
static void *idle_ctx;
static uint64_t idle_calls;

/* CNTV_CTL bits (Arm ARM D13.8 CNTV_CTL_EL0). */

/* GICV_IAR.CPUID: the source of an SGI (GICv2 5.3.x). */
#define IAR_SOURCE_SHIFT 10
#define NR_SGIS          16u

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

uint64_t arch_vgic_lr_empty(struct vcpu *vcpu)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    uint64_t empty = 0;
    for (unsigned i = 0; av && i < SIM_NUM_LRS; i++)
        if (!av->lr[i].pending && !av->lr[i].active)
            empty |= 1ull << i;
    return empty;
}

void arch_vgic_set_maint(struct vcpu *vcpu, unsigned flags)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (av)
        av->maint = flags;
}

/* ---- Physical interrupts -------------------------------------------------------
 * The sim's "host GIC" has the three interrupts a real one gives armvisor:
 *  - the maintenance interrupt, pending from the guest's EOI or acknowledge
 *    that caused it until the VMM acknowledges it;
 *  - the virtual-timer PPI: the timer of the vCPU that ran last stays live,
 *    as on hardware, and its PPI is pending while that timer's condition
 *    holds and the PPI is not active; active from acknowledge until
 *    arch_irq_deactivate or the guest's EOI through an hw list register;
 *  - the hypervisor's timer (arch_hyp_timer_arm), pending while armed and
 *    the counter has reached its compare value, until acknowledged;
 *  - the console UART's receive interrupt, level-sensitive like a PL011's:
 *    pending while sim_console_input left bytes unread, unless acknowledged
 *    and not yet deactivated. */

static bool maint_pending;
static bool vtimer_ppi_active;
static bool console_active;
static struct arch_vcpu *live_av; /* whose virtual timer the "CPU" holds */

void sim_set_live_vcpu(struct arch_vcpu *av)
{
    live_av = av;
}

bool sim_vtimer_ppi_pending(void)
{
    if (!live_av || !live_av->used || vtimer_ppi_active)
        return false;
    const struct vtimer_state *t = &live_av->vtimer;
    return (t->ctl & CNTV_CTL_ENABLE) && !(t->ctl & CNTV_CTL_IMASK) && counter - t->voff >= t->cval;
}

/* The hypervisor timer (CNTHP_*): armed for hyp_cval; its PPI is pending
 * while armed and the counter has reached it, until acknowledged. */
static bool hyp_armed, hyp_active;
static uint64_t hyp_cval, hyp_arms, hyp_fired;

void arch_hyp_timer_arm(uint64_t when)
{
    hyp_armed = true;
    hyp_cval = when;
    hyp_arms++;
}

void arch_hyp_timer_disarm(void)
{
    hyp_armed = false;
}

bool sim_hyp_timer_next(uint64_t *when)
{
    if (!hyp_armed || hyp_active)
        return false;
    *when = hyp_cval;
    return true;
}

uint64_t sim_hyp_timer_arms(void)
{
    return hyp_arms;
}

bool sim_hyp_timer(uint64_t *cval)
{
    if (cval)
        *cval = hyp_armed ? hyp_cval : 0;
    return hyp_armed;
}

uint64_t sim_hyp_timer_fired(void)
{
    return hyp_fired;
}

bool sim_hyp_timer_pending(void)
{
    return hyp_armed && !hyp_active && counter >= hyp_cval;
}

void g_spin(struct sim_guest *g, uint64_t ticks)
{
    struct arch_vcpu *av = sim_vcpu_slot(g->vcpu);
    counter += ticks;
    /* Instructions that do not trap; a physical interrupt that became
     * pending meanwhile takes the guest out (HCR.IMO), the PC after them. */
    if (av && (sim_hyp_timer_pending() || sim_vtimer_ppi_pending())) {
        av->exit = (struct arch_exit){.kind = ARCH_EXIT_IRQ, .fmt = sim_syn_fmt()};
        sim_guest_trap(av);
    }
}

void sim_irq_reset(void)
{
    hyp_armed = hyp_active = false;
    hyp_cval = hyp_arms = hyp_fired = 0;
    maint_pending = false;
    vtimer_ppi_active = false;
    console_active = false;
    live_av = NULL;
}

bool arch_irq_ack(struct arch_irq *irq)
{
    if (maint_pending) {
        maint_pending = false;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_VGIC_MAINT, .intid = SIM_PIRQ_MAINT};
        return true;
    }
    if (!console_active && sim_console_has_input()) {
        console_active = true;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_CONSOLE, .intid = SIM_PIRQ_CONSOLE};
        return true;
    }
    if (sim_vtimer_ppi_pending()) {
        vtimer_ppi_active = true;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_VTIMER, .intid = SIM_PIRQ_VTIMER};
        return true;
    }
    if (sim_hyp_timer_pending()) {
        hyp_active = true;
        hyp_fired++;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_HYP_TIMER, .intid = SIM_PIRQ_HYPTIMER};
        return true;
    }
    return false;
}

void arch_irq_device(unsigned intid)
{
    /* The sim's host disk is a file whose requests complete before submit
     * returns: arch_irq_ack never reports ARCH_IRQ_DEVICE, so a call is a
     * core bug. */
    (void)intid;
    CHECK(!"the sim has no device that completes by interrupt");
}

void arch_irq_deactivate(unsigned intid)
{
    if (intid == SIM_PIRQ_VTIMER)
        vtimer_ppi_active = false;
    if (intid == SIM_PIRQ_CONSOLE)
        console_active = false;
    if (intid == SIM_PIRQ_HYPTIMER)
        hyp_active = false;
}

/* GICH_MISR's conditions (IHI0048B 5.3.4): after the guest touched its
 * list registers, raise the maintenance interrupt if one holds, which exits
 * the guest at once (an IRQ exit, the PC unchanged). */
static void maint_check(struct arch_vcpu *av, bool eoi_maint)
{
    unsigned valid = 0, pending = 0;
    for (unsigned i = 0; i < SIM_NUM_LRS; i++) {
        valid += av->lr[i].pending || av->lr[i].active;
        pending += av->lr[i].pending;
    }
    bool raise = eoi_maint || ((av->maint & VGIC_MAINT_UNDERFLOW) && valid <= 1) ||
                 ((av->maint & VGIC_MAINT_NO_PENDING) && pending == 0);
    if (!raise)
        return;
    maint_pending = true;
    av->maint_exits++;
    av->exit = (struct arch_exit){.kind = ARCH_EXIT_IRQ, .fmt = sim_syn_fmt()};
    sim_guest_trap(av);
}

bool sim_maint_at_entry(struct arch_vcpu *av)
{
    /* The same GICH_MISR conditions, as the list registers are loaded: a
     * UIE or NPIE that already holds fires before the guest runs a single
     * instruction. A VMM that asks for one every time would never let the
     * guest move: the sim stops the test rather than spin for good. */
    unsigned valid = 0, pending = 0;
    for (unsigned i = 0; i < SIM_NUM_LRS; i++) {
        valid += av->lr[i].pending || av->lr[i].active;
        pending += av->lr[i].pending;
    }
    bool holds = ((av->maint & VGIC_MAINT_UNDERFLOW) && valid <= 1) ||
                 ((av->maint & VGIC_MAINT_NO_PENDING) && pending == 0);
    av->maint_at_entry = holds ? av->maint_at_entry + 1 : 0;
    if (av->maint_at_entry > 1000) {
        fprintf(stderr, "sim: the maintenance interrupt fires at every entry: the guest "
                        "cannot run (a livelock in the VMM)\n");
        abort();
    }
    if (holds) {
        maint_pending = true;
        av->maint_exits++;
    }
    return holds;
}

uint64_t sim_vcpu_maint_exits(struct vcpu *vcpu)
{
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    return av ? av->maint_exits : 0;
}

/* The sim's guests reach the virtual CPU interface through sim_guest
 * calls, not through memory: nothing to map. */
bool arch_vgic_cpu_iface(paddr_t *pa, uint64_t *size)
{
    (void)pa;
    (void)size;
    return false;
}

static struct arch_vcpu *guest_av(struct sim_guest *g)
{
    return sim_vcpu_slot(g->vcpu);
}

static uint32_t iar_of(const struct vgic_lr *lr)
{
    if (lr->virq < NR_SGIS)
        return lr->virq | (uint32_t)(lr->source & 7u) << IAR_SOURCE_SHIFT;
    return lr->virq;
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
    uint32_t iar = iar_of(&av->lr[best]);
    maint_check(av, false);
    return iar;
}

bool g_irq_eoi(struct sim_guest *g, uint32_t iar)
{
    struct arch_vcpu *av = guest_av(g);
    for (unsigned i = 0; i < SIM_NUM_LRS; i++) {
        struct vgic_lr *lr = &av->lr[i];
        if (!lr->active || iar_of(lr) != iar)
            continue;
        lr->active = false;
        if (lr->hw) {
            /* GICH_LR.HW: the EOI deactivates the physical interrupt too. */
            av->hw_deactivations++;
            av->last_hw_pirq = lr->pirq;
            arch_irq_deactivate(lr->pirq);
        }
        /* GICH_LR.EOI: a maintenance interrupt once the LR is invalid. */
        maint_check(av, lr->eoi_maint && !lr->pending);
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
    sim_irq_reset();
    counter = 0;
    sim_console_input_clear();
    idle_hook = NULL;
    idle_ctx = NULL;
    idle_calls = 0;
}

void sim_set_idle_hook(sim_idle_fn fn, void *ctx)
{
    idle_hook = fn;
    idle_ctx = ctx;
}

uint64_t sim_idle_count(void)
{
    return idle_calls;
}

bool sim_idle_run_hook(void)
{
    idle_calls++;
    if (!idle_hook)
        return false;
    idle_hook(idle_ctx);
    return true;
}

/* Timer condition (Arm ARM D11.2.4): CVAL <= CNTVCT, unsigned. */
static bool cntv_met(const struct vtimer_state *t, uint64_t now)
{
    return now - t->voff >= t->cval;
}

bool sim_vtimer_next(const struct vtimer_state *t, uint64_t now, uint64_t *when)
{
    if (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK) || cntv_met(t, now))
        return false;
    *when = t->cval + t->voff;
    return *when > now;
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
    if (av) {
        av->vtimer = *t;
        av->vtimer.live = false; /* the sim computes the condition */
    }
}

uint64_t g_cntvct(struct sim_guest *g)
{
    /* CNTVCT = CNTPCT - CNTVOFF. */
    return counter - guest_av(g)->vtimer.voff;
}

uint64_t g_cntv_read(struct sim_guest *g, enum sim_cntv_reg reg)
{
    const struct vtimer_state *t = &guest_av(g)->vtimer;
    switch (reg) {
    case SIM_CNTV_CTL:
        /* ISTATUS is the CPU's to compute, whatever IMASK says. */
        if ((t->ctl & CNTV_CTL_ENABLE) && cntv_met(t, counter))
            return (t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) | CNTV_CTL_ISTATUS;
        return t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    case SIM_CNTV_CVAL:
        return t->cval;
    case SIM_CNTV_TVAL:
        return (uint64_t)(int64_t)(int32_t)(uint32_t)(t->cval - (counter - t->voff));
    }
    return 0;
}

void g_cntv_write(struct sim_guest *g, enum sim_cntv_reg reg, uint64_t v)
{
    struct vtimer_state *t = &guest_av(g)->vtimer;
    switch (reg) {
    case SIM_CNTV_CTL:
        t->ctl = (uint32_t)v & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        return;
    case SIM_CNTV_CVAL:
        t->cval = v;
        return;
    case SIM_CNTV_TVAL:
        t->cval = (counter - t->voff) + (uint64_t)(int64_t)(int32_t)(uint32_t)v;
        return;
    }
}
