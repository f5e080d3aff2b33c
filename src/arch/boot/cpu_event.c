/*
 * Events between CPUs for armv7 and armv8 (the mnemonics are the same in A32
 * and A64): WFE waits until the CPU's event register is set, SEV sets it on
 * every CPU (Arm ARM D1.6.1 "Wait for Event"; ARMv7-A ARM B1.8.13). The DSB
 * before SEV makes the store that ends a wait visible before the waiters
 * wake, so a waiter that re-reads after its WFE sees it.
 */
#include "arch/arch.h"
#include "arch/barrier.h"

void arch_cpu_wait_event(void)
{
    __asm__ volatile("wfe" ::: "memory");
}

void arch_cpu_send_event(void)
{
    dsb_ish();
    __asm__ volatile("sev" ::: "memory");
}

/* Until the secondary CPUs are brought up (branch smparch: PSCI CPU_ON from
 * the boot flow, and this kick as a physical SGI, ARCH_IRQ_KICK), armvisor
 * runs on the boot CPU alone, and arch.h says a kick to the calling CPU or
 * to one that is not online does nothing: nothing to send. Replaced by the
 * SGI when that lands. */
void arch_cpu_kick(unsigned cpu)
{
    (void)cpu;
}
