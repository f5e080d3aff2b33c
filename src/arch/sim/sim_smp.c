/*
 * Several simulated physical CPUs. CPU 0 is the thread that calls into the
 * VMM (the test, the sim demo); sim_smp_start adds CPUs 1..n-1, each a host
 * thread running the core's sched_secondary_main, as the armv7/armv8 boot
 * flow does on a secondary core. arch_cpu_id() is thread-local: a CPU's
 * thread, and a guest thread while that CPU runs it (sim_run.c hands it the
 * CPU's id with the turn).
 *
 * Each CPU has its own physical interrupts (struct sim_cpu: its hypervisor
 * timer, virtual-timer PPI, maintenance interrupt and kicks; sim_vgic.c),
 * touched only by its own thread and by the guest thread it runs, which
 * runs only while that CPU's thread waits for it. arch_cpu_kick is the one
 * cross-CPU path: it sets the target's kick_pending (atomic) and wakes its
 * arch_cpu_idle, and the target's guest leaves at its next instruction that
 * can take an interrupt (g_spin) or trap, as a physical SGI would take it
 * out. In the coroutine builds (SIM_GUEST_UCONTEXT, qemu-user) there is one
 * CPU: sim_smp_start says why not.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/sim/sim_internal.h"
#include "core/pcpu.h"
#include "core/sched.h"

_Static_assert(SIM_MAX_CPUS <= PCPU_MAX, "a simulated CPU per per-CPU record at most");

static struct sim_cpu cpus[SIM_MAX_CPUS];
static unsigned ncpus_started = 1; /* CPU 0 always; more after sim_smp_start */
static _Thread_local unsigned this_cpu;
static bool cpus_init_done;

/* How long an idle CPU of a multi-CPU sim waits for a kick before it lets
 * simulated time pass (real time; short, so tests stay quick). */
#define SIM_IDLE_WAIT_NS 200000L
/* Simulated time an idle CPU lets pass when it has nothing armed: 1 ms. */
#define SIM_IDLE_TICKS (SIM_COUNTER_FREQ / 1000u)

static void cpus_init(void)
{
    if (cpus_init_done)
        return;
    for (unsigned i = 0; i < SIM_MAX_CPUS; i++) {
        cpus[i].id = i;
        pthread_mutex_init(&cpus[i].wait_lock, NULL);
        pthread_cond_init(&cpus[i].wait_cv, NULL);
    }
    cpus_init_done = true;
}

unsigned arch_cpu_id(void)
{
    return this_cpu;
}

void sim_set_this_cpu(unsigned id)
{
    this_cpu = id;
}

struct sim_cpu *sim_cpu_this(void)
{
    return &cpus[this_cpu];
}

bool sim_smp_active(void)
{
    return __atomic_load_n(&ncpus_started, __ATOMIC_ACQUIRE) > 1;
}

unsigned sim_smp_cpus(void)
{
    return __atomic_load_n(&ncpus_started, __ATOMIC_ACQUIRE);
}

/* Set CPU cpu's pending flag (one per kind of kick, as two SGIs) and end
 * its idle wait; NULL for this CPU or one not running. */
static struct sim_cpu *kick(unsigned cpu, bool lr)
{
    if (cpu >= SIM_MAX_CPUS || cpu == this_cpu || cpu >= sim_smp_cpus())
        return NULL;
    struct sim_cpu *c = &cpus[cpu];
    __atomic_store_n(lr ? &c->lr_kick_pending : &c->kick_pending, true, __ATOMIC_RELEASE);
    pthread_mutex_lock(&c->wait_lock);
    pthread_cond_broadcast(&c->wait_cv);
    pthread_mutex_unlock(&c->wait_lock);
    return c;
}

void arch_cpu_kick(unsigned cpu)
{
    struct sim_cpu *c = kick(cpu, false);
    if (c)
        __atomic_fetch_add(&c->kicks_sent, 1, __ATOMIC_RELAXED);
}

void arch_cpu_kick_lr(unsigned cpu)
{
    kick(cpu, true);
}

bool sim_kick_pending(const struct sim_cpu *c)
{
    return __atomic_load_n(&c->kick_pending, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&c->lr_kick_pending, __ATOMIC_ACQUIRE);
}

bool sim_kick_take(struct sim_cpu *c)
{
    if (!__atomic_exchange_n(&c->kick_pending, false, __ATOMIC_ACQ_REL) &&
        !__atomic_exchange_n(&c->lr_kick_pending, false, __ATOMIC_ACQ_REL))
        return false;
    __atomic_fetch_add(&c->kicks_taken, 1, __ATOMIC_RELAXED);
    return true;
}

bool sim_lr_kick_pending(const struct sim_cpu *c)
{
    return __atomic_load_n(&c->lr_kick_pending, __ATOMIC_ACQUIRE);
}

bool sim_lr_kick_take(struct sim_cpu *c)
{
    if (!__atomic_exchange_n(&c->lr_kick_pending, false, __ATOMIC_ACQ_REL))
        return false;
    __atomic_fetch_add(&c->lr_kicks_fast, 1, __ATOMIC_RELAXED);
    return true;
}

uint64_t sim_cpu_kicks(unsigned cpu)
{
    return cpu < SIM_MAX_CPUS ? __atomic_load_n(&cpus[cpu].kicks_taken, __ATOMIC_RELAXED) : 0;
}

uint64_t sim_cpu_lr_kicks_fast(unsigned cpu)
{
    return cpu < SIM_MAX_CPUS ? __atomic_load_n(&cpus[cpu].lr_kicks_fast, __ATOMIC_RELAXED) : 0;
}

/* arch_cpu_idle in a multi-CPU sim: wait for a kick (or this CPU's own
 * interrupt) for a while; if none came, simulated time passes up to this
 * CPU's next timer event, or by a millisecond when it has none. A secondary
 * CPU told to stop (sim_smp_stop) leaves from here: it waits only with
 * nothing placed on it. */
void sim_smp_idle(void)
{
    struct sim_cpu *c = sim_cpu_this();
    if (this_cpu != 0 && __atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
        longjmp(c->stop_jmp, 1);
    if (sim_irq_pending_here())
        return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += SIM_IDLE_WAIT_NS;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    bool woken = false;
    pthread_mutex_lock(&c->wait_lock);
    while (!(woken = sim_kick_pending(c)) && !__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
        if (pthread_cond_timedwait(&c->wait_cv, &c->wait_lock, &until) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&c->wait_lock);
    if (woken || sim_irq_pending_here())
        return;
    uint64_t now = arch_counter_read(), next;
    if (sim_next_event_here(now, &next) && next > now)
        sim_counter_advance(next - now);
    else
        sim_counter_advance(SIM_IDLE_TICKS);
}

#ifndef SIM_GUEST_UCONTEXT
static void *cpu_main(void *arg)
{
    struct sim_cpu *c = arg;
    this_cpu = c->id;
    if (setjmp(c->stop_jmp) == 0)
        sched_secondary_main();
    /* Stopped from its idle wait (sim_smp_stop): nothing is placed on it. */
    pcpu_offline(c->id);
    return NULL;
}
#endif

int sim_smp_start(unsigned n, const char **why)
{
    cpus_init();
#ifdef SIM_GUEST_UCONTEXT
    (void)n;
    if (why)
        *why = "this build runs guests as coroutines on one host thread (qemu-user cannot "
               "run threads of dynamically linked ARM programs): one simulated CPU only";
    return -1;
#else
    if (n < 1 || n > SIM_MAX_CPUS || this_cpu != 0 || sim_smp_cpus() != 1) {
        if (why)
            *why = "bad CPU count, or simulated CPUs already started";
        return -1;
    }
    for (unsigned i = 1; i < n; i++) {
        struct sim_cpu *c = &cpus[i];
        __atomic_store_n(&c->stop, false, __ATOMIC_RELEASE);
        __atomic_store_n(&ncpus_started, i + 1, __ATOMIC_RELEASE);
        if (pthread_create(&c->thread, NULL, cpu_main, c) != 0) {
            fprintf(stderr, "sim: cannot create the thread of CPU %u\n", i);
            abort();
        }
        c->started = true;
        /* Online before the next one starts: CPU ids are handed out in
         * order, as the arches bring CPUs up one by one. */
        while (!__atomic_load_n(&pcpu_of(i)->online, __ATOMIC_ACQUIRE))
            sched_yield();
    }
    return 0;
#endif
}

void sim_smp_stop(void)
{
    cpus_init();
    for (unsigned i = 1; i < SIM_MAX_CPUS; i++) {
        struct sim_cpu *c = &cpus[i];
        if (!c->started)
            continue;
        __atomic_store_n(&c->stop, true, __ATOMIC_RELEASE);
        pthread_mutex_lock(&c->wait_lock);
        pthread_cond_broadcast(&c->wait_cv);
        pthread_mutex_unlock(&c->wait_lock);
        pthread_join(c->thread, NULL);
        c->started = false;
    }
    __atomic_store_n(&ncpus_started, 1, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < SIM_MAX_CPUS; i++) {
        struct sim_cpu *c = &cpus[i];
        c->stop = false;
        c->kick_pending = c->lr_kick_pending = false;
        c->kicks_sent = c->kicks_taken = c->lr_kicks_fast = 0;
        sim_cpu_irq_reset(c);
    }
}
