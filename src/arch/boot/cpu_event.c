/*
 * Events between CPUs for armv7 and armv8 (the mnemonics are the same in A32
 * and A64): WFE waits until the CPU's event register is set, SEV sets it on
 * every CPU (Arm ARM D1.6.1 "Wait for Event"; ARMv7-A ARM B1.8.13). The DSB
 * before SEV makes the store that ends a wait visible before the waiters
 * wake, so a waiter that re-reads after its WFE sees it. A CPU that waits
 * first answers what other CPUs asked of it (boot_smp_service): one may be
 * waiting for it in turn.
 */
#include "arch/arch.h"
#include "arch/barrier.h"
#include "arch/boot/smp.h"

void arch_cpu_wait_event(void)
{
    boot_smp_service();
    __asm__ volatile("wfe" ::: "memory");
}

void arch_cpu_send_event(void)
{
    dsb_ish();
    __asm__ volatile("sev" ::: "memory");
}
