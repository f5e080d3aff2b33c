/*
 * struct pcpu: what the core keeps for one physical CPU. Everything a CPU
 * needs to schedule vCPUs lives here, not in file-scope variables, so each
 * CPU has its own.
 *
 * Locks, in the order they are taken (never the other way round):
 *   1. vm->lock (core/vm.h): the power state of that VM's vCPUs;
 *   2. pcpu->lock: this CPU's run queue and blocked list, its current vCPU
 *      and need_resched. At most one pcpu lock is held at a time.
 * Fields marked "this CPU only" are read and written only by the CPU the
 * record belongs to, with no lock.
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
    bool online; /* set once by the CPU itself (sched_secondary_main; the
                    boot CPU from the start), read by any CPU (atomic) */

    struct spinlock lock;    /* protects the four fields below */
    struct vcpu *rq_head;    /* runnable vCPUs waiting for this CPU, FIFO */
    struct vcpu *rq_tail;    /* (linked through vcpu->sched_next) */
    struct vcpu *blocked;    /* vCPUs in WFI whose home this is */
    struct vcpu *current;    /* the vCPU this CPU runs now (on no list) */
    bool need_resched;       /* the current vCPU's slice is over */

    struct vcpu *loaded;      /* this CPU only: the vCPU that ran last, whose
                                 EL1 timer is still live in the CPU */
    struct vcpu *timer_owner; /* this CPU only: the vCPU whose virtual PPI 27
                                 holds the host's timer PPI active (vtimer.c) */
    struct vcpu *pmu_owner;   /* this CPU only: the vCPU whose virtual PPI 23
                                 holds the host's PMU interrupt active (vpmu.c) */
    unsigned pmu_intid;       /* that host interrupt */
    struct htimer htimer;     /* this CPU only: the hypervisor timer's users */
    uint64_t switches;        /* this CPU only: times a different vCPU was
                                 picked to run */
};

/* The record of the CPU executing the caller. */
struct pcpu *pcpu_this(void);

/* The record of CPU id (id < PCPU_MAX). */
struct pcpu *pcpu_of(unsigned id);

#endif
