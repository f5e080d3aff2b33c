/*
 * The CPU primitives whose mnemonics are the same in A64 and A32 (Arm ARM
 * C6.2 and F5.1: WFI, WFE, SEV, DSB, ISB), for both ISAs' cpu_ops.h, which
 * include this.
 */
#ifndef GUESTS_CPU_HINTS_H
#define GUESTS_CPU_HINTS_H

/* A context synchronization event: after cpu_irq_on, an IRQ pending then is
 * taken here, before the next instruction. */
static inline void cpu_isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}

static inline void cpu_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static inline void cpu_wfe(void)
{
    __asm__ volatile("wfe" ::: "memory");
}

/* What was stored before is visible to the CPUs the event wakes. */
static inline void cpu_sev(void)
{
    __asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

#endif
