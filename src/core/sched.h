/*
 * The vCPU scheduler (sched.c): each physical CPU runs the vCPUs of its run
 * queue round robin, one time slice each, and idles when none is runnable.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct pcpu;

/* Default time slice: 10 ms. */
#define SCHED_SLICE_US_DEFAULT 10000u

/* Set vm's time slice (microseconds, at least 1). */
void vm_set_slice_us(struct vm *vm, uint64_t us);

/* Where vcpu should start: the least loaded online CPU its affinity
 * allows (ties: the lowest id); -1 when no online CPU is allowed. Any CPU,
 * no pcpu lock held. */
int sched_place(const struct vcpu *vcpu);

/* vcpu was just powered on (vcpu_start): runnable on CPU cpu (from
 * sched_place), which is kicked if it is another. No pcpu lock held. */
void sched_start(struct vcpu *vcpu, unsigned cpu);

/* Something for vcpu is now pending: if it is in WFI it becomes runnable on
 * its CPU, and if that CPU is another one (or runs vcpu now), that CPU is
 * kicked (arch_cpu_kick) so it sees it at once. Called by vgic_irq_changed
 * (vGIC lock held) and by the scheduler itself; never with a pcpu lock held. */
void sched_kick(struct vcpu *vcpu);

/* vm has stopped (vm_stop): kick every CPU that holds one of its vCPUs and
 * the CPU in sched_run for it. */
void sched_vm_stopped(struct vm *vm);

/* Wait until no other CPU holds vcpu (vcpu->resident); if this CPU holds
 * it loaded and does not run it, put it. Before a vCPU is restarted or its
 * VM freed. No lock held but, for CPU_ON, vm->lock (the CPU holding it
 * never needs that lock to put it). */
void sched_wait_put(struct vcpu *vcpu);

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

/* Whether vCPUs that have a CPU to themselves wait in a WFI in the guest
 * (sched.c, "WFI in the guest"; the default) or every WFI traps (off:
 * armvisor.wfi=trap). Before any VM runs. */
void sched_set_wfi_in_guest(bool on);

/* Run this CPU's vCPUs (of any VM) until vm stops; then wait until no CPU
 * holds a vCPU of vm, and return vm's exit code. With no other CPU online,
 * it also returns when nothing is left to run or wait for. */
int sched_run(struct vm *vm);

/* Print each online CPU's scheduler counters (vCPU switches, steals): how
 * the load was spread. Counters another CPU writes are read as they are. */
void sched_print_stats(void);

#endif
