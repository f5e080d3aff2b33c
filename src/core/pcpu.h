/*
 * struct pcpu: what the core keeps for one physical CPU. Everything a CPU
 * needs to schedule vCPUs lives here, not in file-scope variables, so each
 * CPU has its own.
 *
 * Locks, in the order they are taken (never the other way round):
 *   1. vm->lock (core/vm.h): the power state of that VM's vCPUs;
 *   2. vm->mmio.lock (core/mmio.h): the VM's emulated devices;
 *   3. vgic->lock (core/vgic.h): the VM's interrupt state;
 *   4. pcpu->lock: this CPU's run queue and blocked list, its current vCPU
 *      and need_resched, and the home of every vCPU on them. At most one
 *      pcpu lock is held at a time (a steal takes the victim's, drops it,
 *      then takes its own);
 *   5. vm->log.lock (core/vm_log.h);
 *   6. the console output lock (lib/print.c: one av_printf at a time).
 * Fields marked "this CPU only" are read and written only by the CPU the
 * record belongs to, with no lock. Fields marked "atomic" are read by any
 * CPU with __atomic loads.
 */
#ifndef CORE_PCPU_H
#define CORE_PCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "core/htimer.h"
#include "lib/spinlock.h"

struct vcpu;

#define PCPU_MAX 8

struct pcpu {
    unsigned id; /* arch_cpu_id() of the CPU */
    bool online; /* atomic: set once by the CPU itself (sched_secondary_main;
                    the boot CPU from its first sched_run), read by any CPU
                    placing or stealing vCPUs */

    struct spinlock lock; /* protects the six fields below */
    struct vcpu *rq_head; /* runnable vCPUs waiting for this CPU, FIFO */
    struct vcpu *rq_tail; /* (linked through vcpu->sched_next) */
    struct vcpu *blocked; /* vCPUs in WFI whose home this is */
    struct vcpu *current; /* the vCPU this CPU runs now (on no list) */
    bool need_resched;    /* the current vCPU's slice is over */
    bool waiters;         /* current and a run queue behind it (sched.c) */

    bool poked;        /* atomic: another CPU put a vCPU on this run queue; this
                          CPU times the current vCPU's slice when it sees it */
    bool has_blocked;  /* atomic: blocked != NULL, written under lock, read
                          without it by the CPU itself (sched.c) */
    bool wfi_in_guest; /* atomic: the vCPU it runs may wait in a WFI in the
                          guest; a CPU that queues a vCPU where none waited
                          kicks it (sched.c, wfi_choose) */
    bool looking;      /* atomic: it has nothing to run and looks for work
                          elsewhere or idles; a CPU where a vCPU comes to
                          wait behind another kicks it (sched.c, steal) */

    struct vcpu *loaded;      /* this CPU only: the vCPU that ran last, whose
                                 lazily switched state (EL1 registers, FP/SIMD,
                                 live timer) the CPU may still hold; its
                                 vcpu->resident is this CPU's id */
    struct vcpu *timer_owner; /* this CPU only: the vCPU whose virtual PPI 27
                                 holds the host's timer PPI active (vtimer.c) */
    struct vcpu *pmu_owner;   /* this CPU only: the vCPU whose virtual PPI 23
                                 holds the host's PMU interrupt active (vpmu.c) */
    unsigned pmu_intid;       /* that host interrupt */
    struct htimer htimer;     /* this CPU only: the hypervisor timer's users */
    uint64_t switches;        /* this CPU only: times a different vCPU was
                                 picked to run */
    uint64_t steals;          /* this CPU only: vCPUs taken from another
                                 CPU's run queue while this one was idle */
};

/* The record of the CPU executing the caller. */
struct pcpu *pcpu_this(void);

/* The record of CPU id (id < PCPU_MAX). */
struct pcpu *pcpu_of(unsigned id);

/* Is CPU id online (running the scheduler)? Any CPU. */
bool pcpu_online(unsigned id);

/* CPU id has left sched_secondary_main for good (only the sim does this,
 * when a test stops its simulated CPUs): not online, its record cleared.
 * Called on that CPU, with nothing placed on it. */
void pcpu_offline(unsigned id);

#endif
