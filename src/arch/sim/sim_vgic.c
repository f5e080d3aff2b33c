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

/* The sim's list-register encoding: struct vgic_lr's fields packed, the
 * flags at bit 48 and up. */
#define ENC_PENDING   (1ull << 48)
#define ENC_ACTIVE    (1ull << 49)
#define ENC_HW        (1ull << 50)
#define ENC_GROUP1    (1ull << 51)
#define ENC_EOI_MAINT (1ull << 52)

uint64_t arch_vgic_lr_encode(const struct vgic_lr *lr)
{
    return (lr->virq & 0x3ffull) | (uint64_t)(lr->pirq & 0x3ffu) << 10 |
           (uint64_t)lr->priority << 20 | (uint64_t)(lr->source & 7u) << 28 |
           (lr->pending ? ENC_PENDING : 0) | (lr->active ? ENC_ACTIVE : 0) | (lr->hw ? ENC_HW : 0) |
           (lr->group1 ? ENC_GROUP1 : 0) | (lr->eoi_maint ? ENC_EOI_MAINT : 0);
}

static struct vgic_lr lr_decode(uint64_t v)
{
    return (struct vgic_lr){.virq = (uint32_t)(v & 0x3ffu),
                            .pirq = (uint32_t)((v >> 10) & 0x3ffu),
                            .priority = (uint8_t)(v >> 20),
                            .source = (uint8_t)((v >> 28) & 7u),
                            .pending = v & ENC_PENDING,
                            .active = v & ENC_ACTIVE,
                            .hw = v & ENC_HW,
                            .group1 = v & ENC_GROUP1,
                            .eoi_maint = v & ENC_EOI_MAINT};
}

void arch_vgic_lr_post(struct vcpu *vcpu, unsigned i, uint64_t value, bool in_cpu)
{
    (void)in_cpu; /* the sim's list registers never leave the vCPU's record */
    struct arch_vcpu *av = sim_vcpu_slot(vcpu);
    if (!av || i >= SIM_NUM_LRS) {
        fprintf(stderr, "sim: post to list register %u of %u\n", i, SIM_NUM_LRS);
        return;
    }
    struct vgic_lr *cur = &av->lr[i];
    if (cur->pending || cur->active)
        cur->pending = true; /* the same SGI: pending (again) */
    else
        *cur = lr_decode(value);
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
 *    and not yet deactivated;
 *  - the PMU's overflow interrupt, level-sensitive: pending while the live
 *    vCPU's PMU asks for it (sim_pmu.c), unless active. */

static bool console_active; /* the console's interrupt goes to CPU 0 */

void sim_set_live_vcpu(struct arch_vcpu *av)
{
    sim_cpu_this()->live_av = av;
}

static bool vtimer_ppi_pending_on(const struct sim_cpu *c)
{
    const struct arch_vcpu *av = c->live_av;
    if (!av || !av->used || c->vtimer_ppi_active)
        return false;
    const struct vtimer_state *t = &av->vtimer;
    return (t->ctl & CNTV_CTL_ENABLE) && !(t->ctl & CNTV_CTL_IMASK) &&
           arch_counter_read() - t->voff >= t->cval;
}

bool sim_vtimer_ppi_pending(void)
{
    return vtimer_ppi_pending_on(sim_cpu_this());
}

/* The hypervisor timer (CNTHP_*) of the calling CPU: armed for hyp_cval;
 * its PPI is pending while armed and the counter has reached it, until
 * acknowledged. */
void arch_hyp_timer_arm(uint64_t when)
{
    struct sim_cpu *c = sim_cpu_this();
    c->hyp_armed = true;
    c->hyp_cval = when;
    c->hyp_arms++;
}

void arch_hyp_timer_disarm(void)
{
    sim_cpu_this()->hyp_armed = false;
}

bool sim_hyp_timer_next(uint64_t *when)
{
    const struct sim_cpu *c = sim_cpu_this();
    if (!c->hyp_armed || c->hyp_active)
        return false;
    *when = c->hyp_cval;
    return true;
}

uint64_t sim_hyp_timer_arms(void)
{
    return sim_cpu_this()->hyp_arms;
}

bool sim_hyp_timer(uint64_t *cval)
{
    const struct sim_cpu *c = sim_cpu_this();
    if (cval)
        *cval = c->hyp_armed ? c->hyp_cval : 0;
    return c->hyp_armed;
}

uint64_t sim_hyp_timer_fired(void)
{
    return sim_cpu_this()->hyp_fired;
}

bool sim_hyp_timer_pending(void)
{
    const struct sim_cpu *c = sim_cpu_this();
    return c->hyp_armed && !c->hyp_active && arch_counter_read() >= c->hyp_cval;
}

bool sim_irq_pending_here(void)
{
    const struct sim_cpu *c = sim_cpu_this();
    return c->maint_pending || sim_kick_pending(c) || vtimer_ppi_pending_on(c) ||
           sim_hyp_timer_pending() || (c->id == 0 && !console_active && sim_console_has_input());
}

bool sim_next_event_here(uint64_t now, uint64_t *when)
{
    const struct sim_cpu *c = sim_cpu_this();
    bool any = sim_hyp_timer_next(when);
    uint64_t t;
    if (c->live_av && c->live_av->used && sim_vtimer_next(&c->live_av->vtimer, now, &t) &&
        (!any || t < *when)) {
        *when = t;
        any = true;
    }
    return any;
}

void g_spin(struct sim_guest *g, uint64_t ticks)
{
    struct arch_vcpu *av = sim_vcpu_slot(g->vcpu);
    sim_counter_advance(ticks);
    if (av)
        sim_pmu_count(av, ticks * SIM_PMU_CYCLES_PER_TICK);
    /* Instructions that do not trap; a physical interrupt that became
     * pending meanwhile (a timer, the PMU's overflow, another CPU's kick)
     * takes the guest out (HCR.IMO), the PC after them. */
    if (av && (sim_hyp_timer_pending() || sim_vtimer_ppi_pending() || sim_pmu_irq_pending(av) ||
               sim_kick_pending(sim_cpu_this()))) {
        av->exit = (struct arch_exit){.kind = ARCH_EXIT_IRQ, .fmt = sim_syn_fmt()};
        sim_guest_trap(av);
    }
}

void sim_cpu_irq_reset(struct sim_cpu *c)
{
    c->hyp_armed = c->hyp_active = false;
    c->hyp_cval = c->hyp_arms = c->hyp_fired = 0;
    c->maint_pending = false;
    c->vtimer_ppi_active = false;
    c->live_av = NULL;
}

void sim_irq_reset(void)
{
    sim_cpu_irq_reset(sim_cpu_this());
    console_active = false;
    sim_pmu_irq_set_active(false);
}

bool arch_irq_ack(struct arch_irq *irq)
{
    struct sim_cpu *c = sim_cpu_this();
    if (c->maint_pending) {
        c->maint_pending = false;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_VGIC_MAINT, .intid = SIM_PIRQ_MAINT};
        return true;
    }
    if (sim_kick_take(c)) {
        *irq = (struct arch_irq){.kind = ARCH_IRQ_KICK, .intid = SIM_PIRQ_KICK};
        return true;
    }
    if (c->id == 0 && !console_active && sim_console_has_input()) {
        console_active = true;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_CONSOLE, .intid = SIM_PIRQ_CONSOLE};
        return true;
    }
    if (vtimer_ppi_pending_on(c)) {
        c->vtimer_ppi_active = true;
        *irq = (struct arch_irq){.kind = ARCH_IRQ_VTIMER, .intid = SIM_PIRQ_VTIMER};
        return true;
    }
    if (sim_pmu_irq_pending(c->live_av)) {
        sim_pmu_irq_set_active(true);
        *irq = (struct arch_irq){.kind = ARCH_IRQ_PMU, .intid = SIM_PIRQ_PMU};
        return true;
    }
    if (sim_hyp_timer_pending()) {
        c->hyp_active = true;
        c->hyp_fired++;
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
    struct sim_cpu *c = sim_cpu_this();
    if (intid == SIM_PIRQ_VTIMER)
        c->vtimer_ppi_active = false;
    if (intid == SIM_PIRQ_CONSOLE)
        console_active = false;
    if (intid == SIM_PIRQ_HYPTIMER)
        c->hyp_active = false;
    if (intid == SIM_PIRQ_PMU)
        sim_pmu_irq_set_active(false);
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
    sim_cpu_this()->maint_pending = true;
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
        sim_cpu_this()->maint_pending = true;
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
    __atomic_fetch_add(&counter, ticks, __ATOMIC_RELAXED);
}

void sim_counter_reset(void)
{
    sim_irq_reset();
    __atomic_store_n(&counter, 0, __ATOMIC_RELAXED);
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
    return __atomic_load_n(&idle_calls, __ATOMIC_RELAXED);
}

bool sim_idle_run_hook(void)
{
    __atomic_fetch_add(&idle_calls, 1, __ATOMIC_RELAXED);
    if (sim_cpu_this()->id != 0 || !idle_hook)
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
    return __atomic_load_n(&counter, __ATOMIC_RELAXED);
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
    return arch_counter_read() - guest_av(g)->vtimer.voff;
}

uint64_t g_cntv_read(struct sim_guest *g, enum sim_cntv_reg reg)
{
    const struct vtimer_state *t = &guest_av(g)->vtimer;
    switch (reg) {
    case SIM_CNTV_CTL:
        /* ISTATUS is the CPU's to compute, whatever IMASK says. */
        if ((t->ctl & CNTV_CTL_ENABLE) && cntv_met(t, arch_counter_read()))
            return (t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) | CNTV_CTL_ISTATUS;
        return t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    case SIM_CNTV_CVAL:
        return t->cval;
    case SIM_CNTV_TVAL:
        return (uint64_t)(int64_t)(int32_t)(uint32_t)(t->cval - (arch_counter_read() - t->voff));
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
        t->cval = (arch_counter_read() - t->voff) + (uint64_t)(int64_t)(int32_t)(uint32_t)v;
        return;
    }
}
