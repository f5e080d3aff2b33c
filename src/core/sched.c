/*
 * The vCPU scheduler. Each physical CPU has a run queue of runnable vCPUs
 * (FIFO) and a list of vCPUs blocked in WFI (struct pcpu). The CPU runs the
 * vCPU at the head of its queue until it blocks, stops or uses up its time
 * slice, then puts it back at the tail: round robin. A slice is timed only
 * while another vCPU waits (the hypervisor timer, htimer.c), so a CPU with
 * one runnable vCPU takes no timer interrupts for it and its exit path only
 * tests need_resched.
 *
 * WFI blocks the vCPU (off the run queue) unless an interrupt for it is
 * pending already; it becomes runnable again when an interrupt for it
 * becomes pending (vgic_irq_changed calls sched_kick) or its virtual
 * timer's deadline passes (armed on the hypervisor timer while the CPU
 * idles). The CPU executes a real WFI only when nothing is runnable.
 *
 * Locking: pcpu->lock around the lists (core/pcpu.h); on one CPU it is never
 * contended. Remote kicks (a vCPU homed on another CPU) are the next step's:
 * they will send that CPU a physical SGI.
 */
#include "core/sched.h"

#include "core/ptimer.h"

#include "core/pcpu.h"
#include "core/vgic.h"
#include "core/vm.h"
#include "core/vpmu.h"
#include "lib/check.h"
#include "lib/log.h"

void vm_set_slice_us(struct vm *vm, uint64_t us)
{
    if (us == 0)
        us = 1;
    uint64_t t = arch_counter_freq() / 1000000u * us;
    vm->slice_ticks = t ? t : 1;
}

/* ---- Lists (pcpu->lock held) ---------------------------------------------- */

static void rq_push(struct pcpu *p, struct vcpu *v)
{
    CHECK(!v->queued && v->state == VCPU_RUNNING);
    v->sched_next = NULL;
    if (p->rq_tail)
        p->rq_tail->sched_next = v;
    else
        p->rq_head = v;
    p->rq_tail = v;
    v->queued = true;
}

static struct vcpu *rq_pop(struct pcpu *p)
{
    struct vcpu *v = p->rq_head;
    if (!v)
        return NULL;
    p->rq_head = v->sched_next;
    if (!p->rq_head)
        p->rq_tail = NULL;
    v->sched_next = NULL;
    v->queued = false;
    return v;
}

static bool rq_remove(struct pcpu *p, struct vcpu *v)
{
    struct vcpu *prev = NULL;
    for (struct vcpu *c = p->rq_head; c; prev = c, c = c->sched_next) {
        if (c != v)
            continue;
        if (prev)
            prev->sched_next = c->sched_next;
        else
            p->rq_head = c->sched_next;
        if (p->rq_tail == c)
            p->rq_tail = prev;
        c->sched_next = NULL;
        c->queued = false;
        return true;
    }
    return false;
}

static bool blocked_remove(struct pcpu *p, struct vcpu *v)
{
    for (struct vcpu **pp = &p->blocked; *pp; pp = &(*pp)->sched_next) {
        if (*pp == v) {
            *pp = v->sched_next;
            v->sched_next = NULL;
            return true;
        }
    }
    return false;
}

/* Someone waits in the run queue: the current vCPU's slice must be timed. */
static void slice_start(struct pcpu *p)
{
    if (p->current && p->rq_head && !htimer_pending(p, HTIMER_SLICE))
        htimer_set(p, HTIMER_SLICE, arch_counter_read() + p->current->vm->slice_ticks);
}

/* ---- Entry points from elsewhere in the core ------------------------------- */

void sched_start(struct vcpu *v)
{
    struct pcpu *p = pcpu_this();
    spin_lock(&p->lock);
    v->home = p->id;
    if (p->current != v && !v->queued)
        rq_push(p, v);
    slice_start(p);
    spin_unlock(&p->lock);
}

void sched_kick(struct vcpu *v)
{
    struct pcpu *p = pcpu_of(v->home);
    spin_lock(&p->lock);
    if (v->state == VCPU_WFI && blocked_remove(p, v)) {
        v->state = VCPU_RUNNING;
        rq_push(p, v);
        slice_start(p);
    }
    spin_unlock(&p->lock);
}

void sched_dequeue(struct vcpu *v)
{
    struct pcpu *p = pcpu_of(v->home);
    spin_lock(&p->lock);
    if (!rq_remove(p, v))
        blocked_remove(p, v);
    spin_unlock(&p->lock);
}

void sched_forget(struct vcpu *v)
{
    sched_dequeue(v);
    vpmu_release(v); /* the host's PMU interrupt it held (this CPU's) */
    for (unsigned i = 0; i < PCPU_MAX; i++) {
        struct pcpu *p = pcpu_of(i);
        if (p->current == v)
            p->current = NULL;
        if (p->loaded == v)
            p->loaded = NULL;
        if (p->timer_owner == v)
            p->timer_owner = NULL;
    }
}

/* ---- Hypervisor timer callbacks (htimer.c) ----------------------------------- */

void sched_slice_expired(struct pcpu *p)
{
    spin_lock(&p->lock);
    if (p->current && p->rq_head)
        p->need_resched = true;
    spin_unlock(&p->lock);
}

/* Wake every blocked vCPU whose virtual timer fires now (its PPI goes
 * pending and kicks it) or whose deadline has passed anyway. */
/* The earlier of a blocked vCPU's two timer deadlines: the virtual timer
 * and the emulated EL1 physical timer (ptimer.c). */
static bool wake_deadline(struct vcpu *v, uint64_t *when)
{
    uint64_t pw;
    bool any = vtimer_deadline(v, when);
    if (ptimer_deadline(v, &pw) && (!any || pw < *when)) {
        *when = pw;
        any = true;
    }
    return any;
}

void sched_wake_expired(struct pcpu *p)
{
    struct vcpu *list[PCPU_MAX * VM_MAX_VCPUS];
    unsigned n = 0;
    spin_lock(&p->lock);
    for (struct vcpu *v = p->blocked; v && n < PCPU_MAX * VM_MAX_VCPUS; v = v->sched_next)
        list[n++] = v;
    spin_unlock(&p->lock);
    uint64_t now = arch_counter_read();
    for (unsigned i = 0; i < n; i++) {
        struct vcpu *v = list[i];
        uint64_t when;
        vtimer_sync(v);
        ptimer_sync(v);
        if (v->state == VCPU_WFI && wake_deadline(v, &when) && when <= now)
            sched_kick(v);
    }
}

/* ---- The CPU's loop ------------------------------------------------------------ */

/* Take the next runnable vCPU (NULL: none) and make it current. */
static struct vcpu *pick(struct pcpu *p)
{
    spin_lock(&p->lock);
    struct vcpu *v;
    while ((v = rq_pop(p)) && v->state != VCPU_RUNNING)
        ; /* stopped while queued: dropped */
    p->current = v;
    p->need_resched = false;
    htimer_cancel(p, HTIMER_SLICE);
    slice_start(p);
    spin_unlock(&p->lock);
    if (!v)
        return NULL;
    if (v->on_pending) {
        spin_lock(&v->vm->lock);
        v->on_pending = false; /* it runs: PSCI says ON from now on */
        spin_unlock(&v->vm->lock);
    }
    if (p->loaded != v) {
        /* Switching vCPUs: the host's timer PPI, held active for the vCPU
         * that ran before, must be free for the next one's timer. */
        if (p->timer_owner)
            vtimer_release(p->timer_owner);
        if (p->pmu_owner) /* the same for the PMU's interrupt (vpmu.c) */
            vpmu_release(p->pmu_owner);
        p->loaded = v;
        p->switches++;
    }
    return v;
}

/* v leaves the CPU; requeue: back at the tail of the run queue. */
static void put(struct pcpu *p, struct vcpu *v, bool requeue)
{
    spin_lock(&p->lock);
    if (p->current == v)
        p->current = NULL;
    if (requeue && v->state == VCPU_RUNNING)
        rq_push(p, v);
    spin_unlock(&p->lock);
}

/* v executed WFI (or a standby CPU_SUSPEND): true when it must block, false
 * when the WFI completes at once. */
static bool wfi_blocks(struct vcpu *v)
{
    struct vm *vm = v->vm;
    struct vgic *vgic = vm->vgic;
    if (!vgic) {
        /* A VM without a vGIC (only on CPUs without list registers) can
         * never be sent an interrupt: idle the CPU once and resume, as if
         * a spurious wake-up happened (which WFI allows). */
        if (vm_log_ok(vm, VM_LOG_WFI_NO_SOURCE))
            log_info("vm %s: vcpu %u: WFI with no interrupt source to wake it: resuming "
                     "at once (no vGIC)\n",
                     vm->name, v->id);
        arch_cpu_idle();
        host_irq_handle(v);
        return false;
    }
    vtimer_sync(v);
    if (vgic_vcpu_has_pending(v))
        return false; /* an interrupt is there to take */
    if (!vgic_vcpu_can_wake(v)) {
        /* Nothing enabled could ever become pending for it: a real wait
         * would never end, so the WFI completes as a spurious wake-up; the
         * guest's loop around it decides. Said once per VM. */
        if (!vgic->wfi_logged) {
            vgic->wfi_logged = true;
            log_info("vm %s: vcpu %u: WFI with no enabled interrupt that could wake it: "
                     "resuming at once (logged once)\n",
                     vm->name, v->id);
        }
        return false;
    }
    return true;
}

static void block(struct pcpu *p, struct vcpu *v)
{
    spin_lock(&p->lock);
    if (p->current == v)
        p->current = NULL;
    if (v->state == VCPU_RUNNING) {
        v->state = VCPU_WFI;
        v->sched_next = p->blocked;
        p->blocked = v;
    }
    spin_unlock(&p->lock);
}

/* Nothing runnable: wait for an interrupt, with the hypervisor timer armed
 * for the earliest virtual-timer deadline of the blocked vCPUs. */
static void idle(struct pcpu *p)
{
    uint64_t before = arch_counter_read(), first = 0;
    bool any = false;
    spin_lock(&p->lock);
    for (struct vcpu *v = p->blocked; v; v = v->sched_next) {
        uint64_t when;
        if (v->vm->vgic)
            v->vm->vgic->cpu[v->id].idles++;
        if (wake_deadline(v, &when) && (!any || when < first)) {
            first = when;
            any = true;
        }
    }
    spin_unlock(&p->lock);
    if (any)
        htimer_set(p, HTIMER_WAKE, first);
    else
        htimer_cancel(p, HTIMER_WAKE);

    arch_cpu_idle();
    host_irq_handle(p->loaded); /* the timer live in the CPU is loaded's */
    sched_wake_expired(p);

    if (!p->rq_head && arch_counter_read() == before) {
        /* The idle ended with no time passed and nothing pending (a CPU
         * whose wait returns at once, like the sim's with nothing armed):
         * every blocked vCPU sees a spurious wake-up rather than this CPU
         * spinning here for good. */
        while (p->blocked) {
            struct vcpu *v = p->blocked;
            spin_lock(&p->lock);
            p->blocked = v->sched_next;
            v->sched_next = NULL;
            v->state = VCPU_RUNNING;
            rq_push(p, v);
            spin_unlock(&p->lock);
        }
    }
}

static bool vm_stopped(const struct vm *vm)
{
    return vm->state == VM_OFF || vm->state == VM_CRASHED;
}

_Noreturn void sched_secondary_main(void)
{
    struct pcpu *p = pcpu_this();
    CHECK(p->id != 0);
    __atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
    log_info("cpu %u online\n", p->id);
    /* No vCPU is placed on a secondary CPU yet: it waits, taking the
     * interrupts armvisor enabled on it (its hypervisor timer, kicks). */
    for (;;) {
        arch_cpu_idle();
        host_irq_handle(NULL);
    }
}

int sched_run(struct vm *vm)
{
    struct pcpu *p = pcpu_this();
    for (;;) {
        if (vm_stopped(vm))
            break;
        struct vcpu *v = p->current;
        if (!v)
            v = pick(p);
        if (!v) {
            if (!p->blocked)
                break; /* nothing left to run */
            idle(p);
            continue;
        }
        /* The exit path: one vCPU runs until something needs deciding. */
        enum run_result r;
        do
            r = vcpu_run_once(v);
        while (r == RUN_CONTINUE && !p->need_resched);

        if (r == RUN_STOP)
            put(p, v, false);
        else if (r == RUN_IDLE && wfi_blocks(v))
            block(p, v);
        else if (r == RUN_YIELD && p->rq_head)
            put(p, v, true);
        if (p->need_resched && p->current == v) {
            p->need_resched = false;
            if (p->rq_head)
                put(p, v, true);
        }
    }
    if (p->current && p->current->vm == vm)
        put(p, p->current, false);
    return vm->exit_code;
}
