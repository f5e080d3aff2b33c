/*
 * The AArch32 guests' CPU primitives, one copy for the test guests
 * (../smp.h, ../pmu.h, ../irq.h, hostile.c) and the bench guests
 * (bench/exits/ipi_bench.h); a64/cpu_ops.h has the same names for AArch64,
 * so the logic above them is written once. IRQ masking, WFI/WFE/SEV, the
 * generic timer through cp15 (ARMv7-A ARM B8: the counters, the PL1
 * virtual timer), the vCPU's MPIDR Aff0, an atomic add, PSCI through HVC,
 * and the CPU_ON entry of a secondary vCPU. A32 or T32 alike.
 */
#ifndef GUEST_A32_CPU_OPS_H
#define GUEST_A32_CPU_OPS_H

#include <stdint.h>

#include "../cpu_hints.h"
#include "core/cntv_ctl.h"

/* PSCI function IDs of this width (DEN0022 5.1: the SMC32 forms). */
#define CPU_PSCI_CPU_ON        0x84000003u
#define CPU_PSCI_AFFINITY_INFO 0x84000004u

/* Unmask IRQs (CPSR.I); cpu_isb after it takes one pending now at once. */
static inline void cpu_irq_on(void)
{
    __asm__ volatile("cpsie i" ::: "memory");
}

static inline void cpu_irq_off(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
}

/* The virtual counter (CNTVCT, MRRC p15 1 c14), not read ahead of what came
 * before. */
static inline uint64_t cpu_vcount(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r"(v)::"memory");
    return v;
}

/* The physical counter (CNTPCT, MRRC p15 0 c14): the same clock on every
 * vCPU (their virtual counters have offsets of their own). */
static inline uint64_t cpu_pcount(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 0, %Q0, %R0, c14" : "=r"(v)::"memory");
    return v;
}

/* The counters' frequency (CNTFRQ), in Hz. */
static inline uint64_t cpu_freq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
    return v;
}

/* The PL1 virtual timer fires ticks from now (CNTV_TVAL sets CNTV_CVAL =
 * CNTVCT + ticks; ARMv7-A ARM B8.1.5). */
static inline void cpu_vtimer_arm(uint64_t ticks)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 0\n\t" /* CNTV_TVAL */
                     "mcr p15, 0, %1, c14, c3, 1\n\t" /* CNTV_CTL */
                     "isb" ::"r"((uint32_t)ticks),
                     "r"((uint32_t)CNTV_CTL_ENABLE)
                     : "memory");
}

/* The PL1 virtual timer fires when the virtual counter reaches cval
 * (CNTV_CVAL, MCRR p15 3 c14; ARMv7-A ARM B8.1.5). */
static inline void cpu_vtimer_arm_at(uint64_t cval)
{
    __asm__ volatile("mcrr p15, 3, %Q0, %R0, c14\n\t"
                     "mcr p15, 0, %1, c14, c3, 1\n\t" /* CNTV_CTL */
                     "isb" ::"r"(cval),
                     "r"((uint32_t)CNTV_CTL_ENABLE)
                     : "memory");
}

/* CNTV_CTL (core/cntv_ctl.h). */
static inline uint32_t cpu_vtimer_ctl(void)
{
    uint32_t v;
    __asm__ volatile("isb\n\tmrc p15, 0, %0, c14, c3, 1" : "=r"(v)::"memory");
    return v;
}

static inline void cpu_vtimer_ctl_write(uint32_t ctl)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" ::"r"(ctl) : "memory");
}

static inline void cpu_vtimer_off(void)
{
    cpu_vtimer_ctl_write(0);
}

/* The PL1 physical timer through cp15 (CNTP_CTL, CNTP_TVAL: MRC/MCR p15, 0,
 * c14, c2, {1, 0}; CNTP_CVAL: MRRC/MCRR p15, 2, c14; ARMv7-A ARM B8.1.5),
 * which armvisor traps and emulates. */
static inline uint32_t cpu_ptimer_ctl(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c2, 1" : "=r"(v));
    return v;
}

static inline void cpu_ptimer_ctl_write(uint32_t ctl)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c2, 1" ::"r"(ctl) : "memory");
}

static inline uint64_t cpu_ptimer_cval(void)
{
    uint64_t v;
    __asm__ volatile("mrrc p15, 2, %Q0, %R0, c14" : "=r"(v));
    return v;
}

static inline void cpu_ptimer_cval_write(uint64_t cval)
{
    __asm__ volatile("mcrr p15, 2, %Q0, %R0, c14" ::"r"(cval) : "memory");
}

static inline uint32_t cpu_ptimer_tval(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c2, 0" : "=r"(v));
    return v;
}

static inline void cpu_ptimer_tval_write(uint32_t tval)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c2, 0" ::"r"(tval) : "memory");
}

/* This vCPU's MPIDR Aff0. */
static inline unsigned cpu_aff0(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(v));
    return v & 0xff;
}

/* *p += v, atomically (exclusive load/store, then a barrier); returns the
 * old value. */
static inline uint32_t cpu_atomic_add(volatile uint32_t *p, uint32_t v)
{
    uint32_t old, sum, fail;
    __asm__ volatile("1: ldrex %0, [%3]\n"
                     "   add   %1, %0, %4\n"
                     "   strex %2, %1, [%3]\n"
                     "   cmp   %2, #0\n"
                     "   bne   1b\n"
                     "   dmb   ish"
                     : "=&r"(old), "=&r"(sum), "=&r"(fail)
                     : "r"(p), "r"(v)
                     : "memory", "cc");
    return old;
}

/* A PSCI call fn(a1, a2, a3) through HVC (SMCCC: r0-r3); r0 on return. */
static inline long cpu_psci(uint32_t fn, unsigned long a1, unsigned long a2, unsigned long a3)
{
    register uint32_t r0 __asm__("r0") = fn;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = a2;
    register uint32_t r3 __asm__("r3") = a3;
    __asm__ volatile(".arch_extension virt\n\thvc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return (int32_t)r0;
}

/* CPU_ON's entry point `entry` (r0 = context id, MMU off, SVC mode, ARM
 * state): of stacks[MPIDR Aff0], an array of 4 KiB stacks, the top 2 KiB is
 * the IRQ mode stack and the bottom 2 KiB the SVC one; VBAR (the vectors of
 * start.S), then main(context). */
#define CPU_SECONDARY_ENTRY(entry, stacks, main)                                                   \
    __asm__(".text\n"                                                                              \
            ".arm\n"                                                                               \
            ".balign 4\n"                                                                          \
            ".global " #entry "\n" #entry ":\n"                                                    \
            "    mrc     p15, 0, r1, c0, c0, 5\n" /* MPIDR */                                      \
            "    and     r1, r1, #0xff\n"                                                          \
            "    add     r1, r1, #1\n"                                                             \
            "    lsl     r1, r1, #12\n"                                                            \
            "    ldr     r2, =" #stacks "\n"                                                       \
            "    add     r2, r2, r1\n"                                                             \
            "    ldr     r3, =vectors\n"                                                           \
            "    mcr     p15, 0, r3, c12, c0, 0\n" /* VBAR */                                      \
            "    cps     #0x12\n"                                                                  \
            "    mov     sp, r2\n"                                                                 \
            "    cps     #0x13\n"                                                                  \
            "    sub     sp, r2, #2048\n"                                                          \
            "    isb\n"                                                                            \
            "    bl      " #main "\n"                                                              \
            "1:  wfi\n"                                                                            \
            "    b       1b\n"                                                                     \
            ".ltorg\n")

#endif
