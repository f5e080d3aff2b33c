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
 * timer's deadline passes (the earliest deadline of the CPU's blocked vCPUs
 * is kept armed on the hypervisor timer, also while other vCPUs run). The
 * CPU executes a real WFI only when nothing is runnable.
 *
 * Several CPUs. Every online CPU runs this loop (the boot CPU in sched_run,
 * the others in sched_secondary_main) over its own run queue, for vCPUs of
 * any VM. Placement: a vCPU that starts (vcpu_start: VM launch, CPU_ON)
 * goes to the least loaded online CPU its affinity allows (ties: the lowest
 * id, so vCPU 0 of a VM lands on the boot CPU). Balance: a CPU with nothing
 * runnable takes a waiting vCPU from another CPU's run queue (a steal),
 * if the vCPU's affinity allows this CPU and no CPU holds its state; a CPU
 * where a vCPU comes to wait behind another kicks an idle CPU the vCPU may
 * run on (pcpu->looking), so the steal happens then, not at that CPU's
 * next interrupt. Waking: an interrupt made pending for a vCPU
 * (vgic_irq_changed) calls sched_kick: a vCPU blocked on another CPU goes
 * onto that CPU's run queue, and that CPU, or one running the vCPU now, is
 * sent a physical kick (arch_cpu_kick), after the change is visible, so
 * the interrupt is seen at once rather than at the next slice.
 *
 * Moving a vCPU (KVM's vcpu_load/vcpu_put): a CPU may keep the last vCPU it
 * ran loaded (pcpu->loaded: EL1 registers, FP/SIMD, the live timer and the
 * host timer PPI held for it, vtimer.c). vcpu->resident names that CPU. It
 * puts the vCPU (vtimer_release, arch_vcpu_put, resident = -1) as soon as
 * it picks another vCPU, when the vCPU stops (CPU_OFF, its VM stops) or
 * before it idles with a vCPU whose VM stopped; no other CPU runs, steals,
 * restarts (CPU_ON) or frees a vCPU while it is resident somewhere. A vCPU
 * of a VM that runs on a CPU where another vCPU of that VM ran last has
 * that CPU's stage-1 TLB entries of the VMID invalidated first
 * (arch_tlb_inval_vmid_local; vm->last_ran, KVM's last_vcpu_ran). The
 * vGIC's in-flight lists are per vCPU and its list registers are synced
 * back after every exit, so pending interrupts move with the vCPU.
 *
 * Stopping: when a VM stops (vm_stop: SYSTEM_OFF, SYSTEM_RESET, a crash)
 * its vCPUs are marked stopped and taken off every list, and each CPU
 * holding one is kicked; sched_run on the VM's CPU then waits (WFE) until
 * no CPU holds any of them before it returns, so the caller may free or
 * reload the VM's memory.
 *
 * Locking: core/pcpu.h gives the order (vm->lock, mmio, vGIC, one pcpu
 * lock). pcpu->lock protects its lists, current and need_resched, and the
 * home of the vCPUs on them; home_lock() finds and locks a vCPU's home.
 * vcpu->state: see core/vm.h. vcpu->resident is written only by the CPU it
 * names (and to -1 by it), read with atomics.
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

/* ---- WFI in the guest --------------------------------------------------------
 *
 * A trapped WFI that blocks costs its CPU the whole way round: the trap, the
 * block, the idle, the wake-up, picking and loading the vCPU again. A vCPU
 * that has its CPU to itself (no vCPU waits in any run queue) runs with WFI
 * not trapped instead (arch_vcpu_trap_wfi) and waits in the guest: an
 * interrupt made pending for it (a kick from sched_kick, its timer's PPI)
 * ends the wait with an exit like any physical interrupt, and the flush
 * after it shows the guest the virtual one (KVM/arm64 does the same while a
 * vCPU's thread is alone on its CPU). The moment a vCPU is queued anywhere,
 * every CPU whose vCPU may wait in the guest is kicked: it re-enters with
 * WFI trapped, so its next WFI blocks and gives the CPU away, or lets it
 * steal. Only a vCPU one of whose WFIs has blocked (wfi_earned) waits in the
 * guest: a guest whose WFI has nothing that could end it (wfi_blocks) keeps
 * seeing it complete at once. And only on a CPU where no other vCPU is
 * blocked: a CPU its vCPUs share, where they take turns through the
 * scheduler.
 *
 * "Queued" means waiting behind another vCPU: a CPU that runs one and has
 * more in its run queue (pcpu->waiters). A vCPU woken onto the queue of an
 * idle CPU is taken at once and does not count, or every IPI to a vCPU
 * blocked on another CPU would make the sender's next WFI trap.
 *
 * Ordering: a CPU sets its wfi_in_guest before it reads cpus_waited_on, and
 * a CPU that makes a vCPU wait adds to cpus_waited_on before it reads the
 * others' wfi_in_guest (all sequentially consistent): one of the two sees
 * the other.
 */
static unsigned cpus_waited_on;     /* atomic: CPUs whose pcpu->waiters is set */
static bool wfi_in_guest_on = true; /* sched_set_wfi_in_guest; before any VM runs */

void sched_set_wfi_in_guest(bool on)
{
    wfi_in_guest_on = on;
}

/* cpus_waited_on went from 0: vCPUs waiting in a WFI in the guest elsewhere
 * re-enter with it trapped. */
static void wfi_leave_guest(void)
{
    unsigned me = arch_cpu_id();
    for (unsigned i = 0; i < PCPU_MAX; i++)
        if (i != me && __atomic_load_n(&pcpu_of(i)->wfi_in_guest, __ATOMIC_SEQ_CST))
            arch_cpu_kick(i);
}

/* Before each entry of v on p: WFI trapped or waited for in the guest. */
static void wfi_choose(struct pcpu *p, struct vcpu *v)
{
    /* Another vCPU blocked here: the CPU is shared, WFI traps. */
    bool in_guest =
        wfi_in_guest_on && v->wfi_earned && !__atomic_load_n(&p->has_blocked, __ATOMIC_RELAXED);
    if (in_guest) {
        __atomic_store_n(&p->wfi_in_guest, true, __ATOMIC_SEQ_CST);
        in_guest = __atomic_load_n(&cpus_waited_on, __ATOMIC_SEQ_CST) == 0;
    }
    if (!in_guest)
        __atomic_store_n(&p->wfi_in_guest, false, __ATOMIC_RELAXED);
    if (in_guest != v->wfi_in_guest) {
        arch_vcpu_trap_wfi(v, !in_guest);
        v->wfi_in_guest = in_guest;
    }
}

static bool cpu_allowed(const struct vcpu *v, unsigned cpu);

/* A vCPU now waits behind another on p (p->lock held): kick one CPU that
 * has nothing to run and may run the vCPU at the head of p's queue, to
 * steal it. Ordering: a CPU sets its looking before it looks at the other
 * run queues (steal), and this reads it after the vCPU was queued (both
 * sequentially consistent): either that CPU's steal sees the vCPU, or this
 * sees it looking and kicks it out of its idle wait. */
static void kick_looking(struct pcpu *p)
{
    const struct vcpu *v = p->rq_head;
    for (unsigned i = 1; v && i < PCPU_MAX; i++) {
        unsigned c = (p->id + i) % PCPU_MAX;
        if (cpu_allowed(v, c) && __atomic_load_n(&pcpu_of(c)->looking, __ATOMIC_SEQ_CST)) {
            arch_cpu_kick(c);
            return;
        }
    }
}

/* p's current vCPU or run queue changed (p->lock held): does a vCPU now
 * wait behind another there? */
static void waiters_update(struct pcpu *p)
{
    bool w = p->current && p->rq_head;
    if (w == p->waiters)
        return;
    p->waiters = w;
    if (!w) {
        __atomic_fetch_sub(&cpus_waited_on, 1, __ATOMIC_RELAXED);
        return;
    }
    if (__atomic_fetch_add(&cpus_waited_on, 1, __ATOMIC_SEQ_CST) == 0)
        wfi_leave_guest();
    kick_looking(p);
}

/* p->blocked changed (p->lock held): mirrored for wfi_choose, which reads
 * it without the lock. */
static void blocked_changed(struct pcpu *p)
{
    __atomic_store_n(&p->has_blocked, p->blocked != NULL, __ATOMIC_RELAXED);
}

/* ---- Lists (pcpu->lock held) ---------------------------------------------- */

static void rq_push(struct pcpu *p, struct vcpu *v)
{
    CHECK(!v->queued && vcpu_state(v) == VCPU_RUNNING);
    v->sched_next = NULL;
    if (p->rq_tail)
        p->rq_tail->sched_next = v;
    else
        p->rq_head = v;
    p->rq_tail = v;
    v->queued = true;
    waiters_update(p);
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
    waiters_update(p);
    return v;
}

static unsigned list_len(const struct vcpu *v)
{
    unsigned n = 0;
    for (; v; v = v->sched_next)
        n++;
    return n;
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
        waiters_update(p);
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
            blocked_changed(p);
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

/* ---- Where a vCPU lives ------------------------------------------------------ */

static bool cpu_allowed(const struct vcpu *v, unsigned cpu)
{
    return v->affinity == 0 || ((v->affinity >> cpu) & 1);
}

static int resident_of(const struct vcpu *v)
{
    return __atomic_load_n(&v->resident, __ATOMIC_ACQUIRE);
}

static unsigned home_of(const struct vcpu *v)
{
    return __atomic_load_n(&v->home, __ATOMIC_ACQUIRE);
}

/* Lock v's home CPU and return it: home only changes under the old home's
 * lock, so it is re-checked once that lock is held. */
static struct pcpu *home_lock(struct vcpu *v)
{
    for (;;) {
        struct pcpu *p = pcpu_of(home_of(v));
        spin_lock(&p->lock);
        if (home_of(v) == p->id)
            return p;
        spin_unlock(&p->lock);
    }
}

static bool other_cpus_online(unsigned me)
{
    for (unsigned i = 0; i < PCPU_MAX; i++)
        if (i != me && pcpu_online(i))
            return true;
    return false;
}

int sched_place(const struct vcpu *v)
{
    int best = -1;
    unsigned best_load = 0;
    for (unsigned i = 0; i < PCPU_MAX; i++) {
        if (!pcpu_online(i) || !cpu_allowed(v, i))
            continue;
        struct pcpu *p = pcpu_of(i);
        spin_lock(&p->lock);
        unsigned load = list_len(p->rq_head) + list_len(p->blocked) + (p->current ? 1u : 0u);
        spin_unlock(&p->lock);
        if (best < 0 || load < best_load) {
            best = (int)i;
            best_load = load;
        }
    }
    return best;
}

/* ---- Entry points from elsewhere in the core ------------------------------- */

void sched_start(struct vcpu *v, unsigned cpu)
{
    struct pcpu *me = pcpu_this();
    struct pcpu *p = pcpu_of(cpu);
    spin_lock(&p->lock);
    __atomic_store_n(&v->home, p->id, __ATOMIC_RELEASE);
    if (p->current != v && !v->queued)
        rq_push(p, v);
    if (p == me)
        slice_start(p);
    else
        __atomic_store_n(&p->poked, true, __ATOMIC_RELEASE);
    spin_unlock(&p->lock);
    if (p != me)
        arch_cpu_kick(p->id);
}

void sched_kick(struct vcpu *v)
{
    struct pcpu *me = pcpu_this();
    struct pcpu *p = home_lock(v);
    bool remote = p != me, kick = false;
    if (vcpu_state(v) == VCPU_WFI && blocked_remove(p, v)) {
        vcpu_set_state(v, VCPU_RUNNING);
        rq_push(p, v);
        if (remote)
            __atomic_store_n(&p->poked, true, __ATOMIC_RELEASE);
        else
            slice_start(p);
        kick = remote;
    } else if (remote && p->current == v) {
        kick = true; /* it runs there: out of the guest, so the flush shows it */
    }
    spin_unlock(&p->lock);
    if (kick)
        arch_cpu_kick(p->id);
}

void sched_dequeue(struct vcpu *v)
{
    struct pcpu *p = home_lock(v);
    if (!rq_remove(p, v))
        blocked_remove(p, v);
    spin_unlock(&p->lock);
}

void sched_vm_stopped(struct vm *vm)
{
    unsigned me = arch_cpu_id();
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        int r = resident_of(&vm->vcpus[i]);
        if (r >= 0 && (unsigned)r != me)
            arch_cpu_kick((unsigned)r);
    }
    if (vm->run_cpu != me)
        arch_cpu_kick(vm->run_cpu);
}

static void unload(struct pcpu *p);

void sched_wait_put(struct vcpu *v)
{
    struct pcpu *me = pcpu_this();
    int r;
    while ((r = resident_of(v)) >= 0) {
        if ((unsigned)r != me->id) {
            arch_cpu_wait_event(); /* its CPU puts it and sends an event */
            continue;
        }
        if (me->loaded == v && me->current != v)
            unload(me);
        else
            break; /* it runs here: the caller's own vCPU */
    }
}

void sched_forget(struct vcpu *v)
{
    sched_dequeue(v);
    /* Every CPU but this one has put it (sched_run waited for that). */
    int r = resident_of(v);
    CHECK(r < 0 || (unsigned)r == arch_cpu_id());
    vpmu_release(v); /* the host's PMU interrupt it held (this CPU's) */
    struct pcpu *p = pcpu_this();
    spin_lock(&p->lock);
    if (p->current == v)
        p->current = NULL;
    waiters_update(p);
    spin_unlock(&p->lock);
    if (p->loaded == v)
        p->loaded = NULL;
    if (p->timer_owner == v)
        p->timer_owner = NULL;
    __atomic_store_n(&v->resident, -1, __ATOMIC_RELEASE);
}

/* ---- Hypervisor timer callbacks (htimer.c) ----------------------------------- */

void sched_slice_expired(struct pcpu *p)
{
    spin_lock(&p->lock);
    if (p->current && p->rq_head)
        p->need_resched = true;
    spin_unlock(&p->lock);
}

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

/* Arm the hypervisor timer for the earliest timer deadline of this CPU's
 * blocked vCPUs, or cancel it when none has one. It stays armed while
 * other vCPUs run here: a blocked vCPU's virtual timer is live in the CPU
 * only while that vCPU is the one loaded, so once another runs, only this
 * ends its WFI when the deadline passes, however long the other runs
 * without blocking. This CPU's own p, p->lock held. */
static void wake_timer_arm_locked(struct pcpu *p)
{
    uint64_t first = 0;
    bool any = false;
    for (struct vcpu *v = p->blocked; v; v = v->sched_next) {
        uint64_t when;
        if (wake_deadline(v, &when) && (!any || when < first)) {
            first = when;
            any = true;
        }
    }
    if (any)
        htimer_set(p, HTIMER_WAKE, first);
    else
        htimer_cancel(p, HTIMER_WAKE);
}

/* Is v still blocked on p? Another CPU may have woken it since p's list
 * was copied, and a third taken and loaded it: its timer is then not this
 * CPU's to read. (A look, not a guarantee: vtimer_sync checks for itself
 * whose the timer is.) */
static bool still_blocked_here(const struct pcpu *p, const struct vcpu *v)
{
    return vcpu_state(v) == VCPU_WFI && home_of(v) == p->id;
}

/* Wake every blocked vCPU whose virtual timer fires now (its PPI goes
 * pending and kicks it) or whose deadline has passed anyway; the timer is
 * then armed for those still blocked. */
void sched_wake_expired(struct pcpu *p)
{
    struct vcpu *list[PCPU_MAX * VM_MAX_VCPUS];
    unsigned n = 0;
    spin_lock(&p->lock);
    for (struct vcpu *v = p->blocked; v && n < PCPU_MAX * VM_MAX_VCPUS; v = v->sched_next)
        list[n++] = v;
    spin_unlock(&p->lock);
    uint64_t now = arch_counter_read();
    bool woke = false;
    for (unsigned i = 0; i < n; i++) {
        struct vcpu *v = list[i];
        uint64_t when;
        if (!still_blocked_here(p, v))
            continue;
        vtimer_sync(v);
        ptimer_sync(v);
        if (vcpu_state(v) == VCPU_WFI && wake_deadline(v, &when) && when <= now) {
            sched_kick(v);
            woke = true;
        }
    }
    /* Armed again for those still blocked, unless it is armed (called from
     * idle, not from the timer) for what is still the earliest. */
    if (woke || !htimer_pending(p, HTIMER_WAKE)) {
        spin_lock(&p->lock);
        wake_timer_arm_locked(p);
        spin_unlock(&p->lock);
    }
}

/* ---- The CPU's loop ------------------------------------------------------------ */

/* This CPU lets go of the vCPU it holds loaded: its host timer PPI, its
 * registers back to memory; then any CPU may run it. */
static void unload(struct pcpu *p)
{
    struct vcpu *v = p->loaded;
    if (!v)
        return;
    if (p->timer_owner == v)
        vtimer_release(v);
    if (p->pmu_owner == v)
        vpmu_release(v);             /* the same for the PMU's interrupt (vpmu.c) */
    htimer_cancel(p, HTIMER_PTIMER); /* its EL1 physical timer's deadline is
                                        armed again wherever it runs next */
    arch_vcpu_put(v);
    p->loaded = NULL;
    __atomic_store_n(&v->resident, -1, __ATOMIC_RELEASE);
    arch_cpu_send_event(); /* a CPU may wait for it (sched_wait_put, sched_run) */
}

/* v is about to run here and was not the vCPU loaded here. */
static void load(struct pcpu *p, struct vcpu *v)
{
    unload(p);
    /* Nobody else holds it: it was put where it ran before it was queued
     * where this CPU could take it. */
    CHECK(resident_of(v) < 0);
    struct vm *vm = v->vm;
    int8_t last = vm->last_ran[p->id];
    if (last >= 0 && last != (int8_t)v->id)
        arch_tlb_inval_vmid_local(vm->stage2.vmid);
    vm->last_ran[p->id] = (int8_t)v->id;
    p->loaded = v;
    __atomic_store_n(&v->resident, (int)p->id, __ATOMIC_RELEASE);
    __atomic_fetch_add(&p->switches, 1, __ATOMIC_RELAXED);
    spin_lock(&vm->lock);
    v->on_pending = false; /* it runs: PSCI says ON from now on */
    spin_unlock(&vm->lock);
}

/* Take the next runnable vCPU (NULL: none) and make it current. */
static struct vcpu *pick(struct pcpu *p)
{
    spin_lock(&p->lock);
    struct vcpu *v;
    while ((v = rq_pop(p)) && vcpu_state(v) != VCPU_RUNNING)
        ; /* stopped while queued: dropped */
    p->current = v;
    waiters_update(p);
    p->need_resched = false;
    htimer_cancel(p, HTIMER_SLICE);
    slice_start(p);
    /* A vCPU runs while others are blocked here: their deadlines are
     * armed now (when nothing runs, idle arms them). */
    if (v && p->blocked)
        wake_timer_arm_locked(p);
    spin_unlock(&p->lock);
    if (v && p->loaded != v)
        load(p, v);
    return v;
}

/* Nothing runnable here: take a vCPU waiting in another CPU's run queue
 * that may run here and that no CPU holds. */
static bool steal(struct pcpu *me)
{
    for (unsigned i = 1; i < PCPU_MAX; i++) {
        struct pcpu *q = pcpu_of((me->id + i) % PCPU_MAX);
        if (!pcpu_online(q->id))
            continue;
        struct vcpu *got = NULL;
        spin_lock(&q->lock);
        for (struct vcpu *v = q->rq_head; v; v = v->sched_next) {
            if (cpu_allowed(v, me->id) && vcpu_state(v) == VCPU_RUNNING && resident_of(v) < 0) {
                got = v;
                break;
            }
        }
        if (got) {
            rq_remove(q, got);
            __atomic_store_n(&got->home, me->id, __ATOMIC_RELEASE);
        }
        spin_unlock(&q->lock);
        if (got) {
            spin_lock(&me->lock);
            rq_push(me, got);
            spin_unlock(&me->lock);
            __atomic_fetch_add(&me->steals, 1, __ATOMIC_RELAXED);
            return true;
        }
    }
    return false;
}

/* v leaves the CPU; requeue: back at the tail of the run queue. */
static void put(struct pcpu *p, struct vcpu *v, bool requeue)
{
    spin_lock(&p->lock);
    if (p->current == v)
        p->current = NULL;
    if (requeue && vcpu_state(v) == VCPU_RUNNING)
        rq_push(p, v);
    waiters_update(p);
    spin_unlock(&p->lock);
}

/* v gives the CPU to the next vCPU of the run queue, if one waits there
 * (another CPU may take one away meanwhile: a steal, under this lock). */
static void yield(struct pcpu *p, struct vcpu *v)
{
    spin_lock(&p->lock);
    bool others = p->rq_head != NULL;
    spin_unlock(&p->lock);
    if (others)
        put(p, v, true);
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
        vgic_lock(vgic);
        bool logged = vgic->wfi_logged;
        vgic->wfi_logged = true;
        vgic_unlock(vgic);
        if (!logged)
            log_info("vm %s: vcpu %u: WFI with no enabled interrupt that could wake it: "
                     "resuming at once (logged once)\n",
                     vm->name, v->id);
        return false;
    }
    return true;
}

static void block(struct pcpu *p, struct vcpu *v)
{
    spin_lock(&p->lock);
    if (p->current == v)
        p->current = NULL;
    waiters_update(p);
    if (vcpu_state(v) == VCPU_RUNNING) {
        vcpu_set_state(v, VCPU_WFI);
        v->sched_next = p->blocked;
        p->blocked = v;
        blocked_changed(p); /* its deadline is armed by the next pick or idle */
    }
    spin_unlock(&p->lock);
    /* An interrupt made pending after wfi_blocks looked, by another CPU,
     * found the vCPU not yet blocked and did not wake it: look again now
     * that a kick would (vgic lock, then pcpu lock, on both sides). */
    if (vgic_vcpu_has_pending(v))
        sched_kick(v);
}

/* Nothing runnable: wait for an interrupt, with the hypervisor timer armed
 * for the earliest virtual-timer deadline of the blocked vCPUs. */
static void idle(struct pcpu *p)
{
    uint64_t before = arch_counter_read();
    spin_lock(&p->lock);
    for (struct vcpu *v = p->blocked; v; v = v->sched_next)
        if (v->vm->vgic)
            v->vm->vgic->cpu[v->id].idles++;
    wake_timer_arm_locked(p);
    spin_unlock(&p->lock);

    arch_cpu_idle();
    host_irq_handle(p->loaded); /* the timer live in the CPU is loaded's */
    sched_wake_expired(p);

    spin_lock(&p->lock);
    if (!p->rq_head && arch_counter_read() == before) {
        /* The idle ended with no time passed and nothing pending (a CPU
         * whose wait returns at once, like the sim's with nothing armed):
         * every blocked vCPU sees a spurious wake-up rather than this CPU
         * spinning here for good. */
        while (p->blocked) {
            struct vcpu *v = p->blocked;
            p->blocked = v->sched_next;
            v->sched_next = NULL;
            vcpu_set_state(v, VCPU_RUNNING);
            rq_push(p, v);
        }
        blocked_changed(p);
    }
    spin_unlock(&p->lock);
}

static bool vm_stopped(const struct vm *vm)
{
    enum vm_state s = vm_state(vm);
    return s == VM_OFF || s == VM_CRASHED;
}

/* A vCPU this CPU holds loaded whose VM stopped, or that is off, is let go
 * of now: the CPU that stops the VM waits for that. */
static void drop_stale(struct pcpu *p)
{
    struct vcpu *v = p->loaded;
    if (!v || v == p->current)
        return;
    enum vcpu_state s = vcpu_state(v);
    if (s == VCPU_OFF || s == VCPU_STOPPED || vm_stopped(v->vm))
        unload(p);
}

/* One step of a CPU's life: run its current vCPU until something needs
 * deciding, or pick one, steal one, or idle. False when there is nothing
 * to run or wait for here and no other CPU is online (may_end: the boot
 * CPU's sched_run then returns). */
static bool cpu_step(struct pcpu *p, bool may_end)
{
    drop_stale(p);
    struct vcpu *v = p->current;
    if (!v)
        v = pick(p);
    if (!v) {
        /* Looking from here on, until it runs a vCPU (kick_looking). */
        __atomic_store_n(&p->looking, true, __ATOMIC_SEQ_CST);
        if (other_cpus_online(p->id) && steal(p))
            v = pick(p);
    }
    if (v)
        __atomic_store_n(&p->looking, false, __ATOMIC_RELAXED);
    if (!v) {
        spin_lock(&p->lock);
        bool waiting = p->blocked != NULL;
        spin_unlock(&p->lock);
        if (may_end && !waiting && !other_cpus_online(p->id))
            return false;
        idle(p);
        return true;
    }
    /* The exit path: one vCPU runs until something needs deciding. */
    enum run_result r;
    do {
        wfi_choose(p, v);
        r = vcpu_run_once(v);
        if (__atomic_load_n(&p->poked, __ATOMIC_ACQUIRE)) {
            /* Another CPU queued a vCPU here: the slice starts counting. */
            __atomic_store_n(&p->poked, false, __ATOMIC_RELAXED);
            spin_lock(&p->lock);
            slice_start(p);
            spin_unlock(&p->lock);
        }
    } while (r == RUN_CONTINUE && !p->need_resched);
    __atomic_store_n(&p->wfi_in_guest, false, __ATOMIC_RELAXED);

    if (r == RUN_STOP) {
        put(p, v, false);
        unload(p); /* off or stopped: no CPU keeps it */
    } else if (r == RUN_IDLE && wfi_blocks(v)) {
        v->wfi_earned = true;
        block(p, v);
    } else if (r == RUN_YIELD) {
        yield(p, v);
    }
    if (p->need_resched && p->current == v) {
        p->need_resched = false;
        yield(p, v);
    }
    return true;
}

_Noreturn void sched_secondary_main(void)
{
    struct pcpu *p = pcpu_this();
    CHECK(p->id != 0);
    __atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
    log_info("cpu %u online\n", p->id);
    /* It runs the vCPUs placed on it or taken from busier CPUs, of any VM,
     * and idles (taking its hypervisor timer and kicks) when it has none,
     * until the machine halts. */
    for (;;)
        cpu_step(p, false);
}

/* Wait until no other CPU holds a vCPU of the stopped vm. */
static void vm_quiesce(struct vm *vm)
{
    sched_vm_stopped(vm);
    for (unsigned i = 0; i < vm->nvcpus; i++)
        sched_wait_put(&vm->vcpus[i]);
}

int sched_run(struct vm *vm)
{
    struct pcpu *p = pcpu_this();
    __atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
    vm->run_cpu = p->id;
    while (!vm_stopped(vm) && cpu_step(p, true))
        ;
    if (p->current && p->current->vm == vm)
        put(p, p->current, false);
    if (vm_stopped(vm))
        vm_quiesce(vm);
    return vm->exit_code;
}

void sched_print_stats(void)
{
    if (!other_cpus_online(arch_cpu_id()))
        return; /* one CPU: nothing was spread */
    for (unsigned i = 0; i < PCPU_MAX; i++) {
        const struct pcpu *p = pcpu_of(i);
        if (!pcpu_online(i))
            continue;
        av_printf("armvisor: cpu %u: %llu vCPU switches, %llu steals\n", i,
                  (unsigned long long)__atomic_load_n(&p->switches, __ATOMIC_RELAXED),
                  (unsigned long long)__atomic_load_n(&p->steals, __ATOMIC_RELAXED));
    }
}
