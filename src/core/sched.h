/*
 * The vCPU scheduler (sched.c): each physical CPU runs the vCPUs of its run
 * queue round robin, one time slice each, and idles when none is runnable.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdint.h>

struct vm;
struct vcpu;
struct pcpu;

/* Default time slice: 10 ms. */
#define SCHED_SLICE_US_DEFAULT 10000u

/* Set vm's time slice (microseconds, at least 1). */
void vm_set_slice_us(struct vm *vm, uint64_t us);

/* vcpu was just powered on (vcpu_start): runnable on this CPU. Called with
 * no pcpu lock held. */
void sched_start(struct vcpu *vcpu);

/* vcpu is in WFI and something for it is now pending: runnable again. A
 * no-op for a vCPU that is not blocked. Called by vgic_irq_changed, with no
 * pcpu lock held. */
void sched_kick(struct vcpu *vcpu);

/* Take vcpu off its CPU's run queue or blocked list (its VM stops). */
void sched_dequeue(struct vcpu *vcpu);

/* vcpu is going away (vm_destroy): off every list, and no per-CPU record
 * points at it any more. */
void sched_forget(struct vcpu *vcpu);

/* The life of every CPU but the boot CPU: called by the arch on a
 * secondary CPU once its stack, vectors, MMU, GIC CPU interface and
 * hypervisor timer are set up, with interrupts masked and no lock held. The
 * CPU is then online: vCPUs may be placed on it, and it runs them (idling
 * when it has none) until the machine halts. */
_Noreturn void sched_secondary_main(void);

/* Run this CPU's vCPUs until vm stops; vm's exit code. */
int sched_run(struct vm *vm);

#endif
