/*
 * The physical CPUs armvisor runs on, shared by the ARMv7 and ARMv8 ports:
 * which MPIDR each CPU index stands for, and the bring-up of every CPU the
 * DTB lists through PSCI CPU_ON (smp.c). Not part of the arch interface:
 * only arch code includes this header.
 *
 * CPU index 0 is the boot CPU; the others are numbered 1.. in the order the
 * DTB lists them. This table is the one place the index <-> MPIDR map
 * lives: arch_cpu_id() returns the index (each port keeps it in its per-CPU
 * record, TPIDR_EL2 / HTPIDR), and a port that lost that register (a fault
 * report) finds it again here from MPIDR.
 */
#ifndef ARCH_BOOT_SMP_H
#define ARCH_BOOT_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/boot/boot.h"

/* MPIDR affinity fields (Arm ARM D13.2.86 MPIDR_EL1: Aff0-2 in bits 23:0,
 * Aff3 in 39:32; ARMv7 has Aff0-2 only). The DTB's cpu reg holds these. */
#define SMP_MPIDR_AFF_MASK 0xff00ffffffull

/* PSCI return codes (Arm DEN0022D 5.2.2) the bring-up names in its log. */
#define SMP_PSCI_SUCCESS        0
#define SMP_PSCI_NOT_SUPPORTED  (-1)
#define SMP_PSCI_INVALID_PARAMS (-2)
#define SMP_PSCI_DENIED         (-3)
#define SMP_PSCI_ALREADY_ON     (-4)
#define SMP_PSCI_ON_PENDING     (-5)
#define SMP_PSCI_INTERNAL       (-6)
#define SMP_PSCI_INVALID_ADDR   (-9)

/* What the bring-up needs from the port. */
struct boot_smp_arch {
    /* The MPIDR of the CPU executing the caller. */
    uint64_t (*mpidr_self)(void);
    /* PSCI CPU_ON (CPU_ON64 0xC4000003 on ARMv8, CPU_ON32 0x84000003 on
     * ARMv7) of target with the port's secondary entry point and context_id
     * = the CPU index, through the DTB's conduit; the PSCI status. The
     * port readies what the new CPU reads with its MMU off first. */
    int32_t (*cpu_on)(uint64_t target_mpidr, unsigned index);
};

/* Record the CPUs the DTB lists (bi->cpu_mpidr) and start every one but the
 * boot CPU, one at a time: CPU_ON, then wait (WFE, bounded by a timeout that
 * is logged) until it is online (core/pcpu.h, set by sched_secondary_main).
 * Logs which came up and any PSCI error, then "N CPU(s) online". A DTB
 * without a PSCI conduit, or a single CPU, leaves the boot CPU alone. Called
 * once, by the boot CPU, after its own per-CPU set-up (GIC included). */
void boot_smp_start(const struct boot_info *bi, const struct boot_smp_arch *arch);

/* The CPU index of the CPU with this MPIDR (affinity fields compared); -1
 * when it is not one armvisor brought up (or before boot_smp_start, any but
 * the boot CPU). Any context. */
int boot_cpu_index(uint64_t mpidr);

/* Do what other CPUs asked of this one: run a function posted with
 * boot_smp_call, and give back lazily switched vCPU state
 * (boot_smp_lazy_service). Called where a CPU waits (arch_cpu_wait_event)
 * and where it takes a kick (arch_irq_ack), with no vCPU running on it;
 * cheap when nothing was asked. */
void boot_smp_service(void);

/* Per-port glue (each port's vcpu.c): give back the lazily switched state
 * of a vCPU this CPU no longer runs and another CPU is about to run, read
 * or reset (saved into the vCPU's context, then forgotten here), and send
 * an event if it did. */
void boot_smp_lazy_service(void);

/* Run fn(arg) on online CPU cpu (not the caller) where it next takes an
 * interrupt or waits, kicking it, and wait until it returned; requests to
 * this CPU are answered meanwhile. False (nothing run) for the calling CPU
 * or one that is not online. For self-tests; fn runs with no vCPU running
 * on that CPU, in its interrupt path. */
bool boot_smp_call(unsigned cpu, void (*fn)(void *), void *arg);

/* How many CPUs are online (the boot CPU included). Any context. */
unsigned boot_cpus_online(void);

#endif
