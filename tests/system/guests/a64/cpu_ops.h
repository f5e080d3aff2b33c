/*
 * The AArch64 guests' CPU primitives, one copy for the test guests
 * (../smp.h, ../pmu.h, ../irq.h, hostile.c) and the bench guests
 * (bench/exits/ipi_bench.h); a32/cpu_ops.h has the same names for AArch32,
 * so the logic above them is written once. IRQ masking, WFI/WFE/SEV, the
 * generic timer (Arm ARM D11: the counters, the EL1 virtual timer), the
 * vCPU's MPIDR Aff0, an atomic add, PSCI through HVC, and the CPU_ON entry
 * of a secondary vCPU.
 */
#ifndef GUEST_A64_CPU_OPS_H
#define GUEST_A64_CPU_OPS_H

#include <stdint.h>

#include "../cpu_hints.h"
#include "core/cntv_ctl.h"

/* PSCI function IDs of this width (DEN0022 5.1: the SMC64 forms). */
#define CPU_PSCI_CPU_ON        0xc4000003u
#define CPU_PSCI_AFFINITY_INFO 0xc4000004u

/* Unmask IRQs (PSTATE.I); cpu_isb after it takes one pending now at once. */
static inline void cpu_irq_on(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void cpu_irq_off(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

/* The virtual counter (CNTVCT_EL0), not read ahead of what came before. */
static inline uint64_t cpu_vcount(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

/* The physical counter (CNTPCT_EL0): the same clock on every vCPU (their
 * virtual counters have offsets of their own). */
static inline uint64_t cpu_pcount(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
    return v;
}

/* The counters' frequency (CNTFRQ_EL0), in Hz. */
static inline uint64_t cpu_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

/* The EL1 virtual timer fires ticks from now (CNTV_TVAL_EL0 sets
 * CNTV_CVAL_EL0 = CNTVCT_EL0 + ticks; Arm ARM D11.2.4). */
static inline void cpu_vtimer_arm(uint64_t ticks)
{
    __asm__ volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(ticks),
                     "r"((uint64_t)CNTV_CTL_ENABLE)
                     : "memory");
}

/* The EL1 virtual timer fires when the virtual counter reaches cval
 * (CNTV_CVAL_EL0, Arm ARM D11.2.4). */
static inline void cpu_vtimer_arm_at(uint64_t cval)
{
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval),
                     "r"((uint64_t)CNTV_CTL_ENABLE)
                     : "memory");
}

/* CNTV_CTL_EL0 (core/cntv_ctl.h). */
static inline uint32_t cpu_vtimer_ctl(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntv_ctl_el0" : "=r"(v)::"memory");
    return (uint32_t)v;
}

static inline void cpu_vtimer_ctl_write(uint32_t ctl)
{
    __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)ctl) : "memory");
}

static inline void cpu_vtimer_off(void)
{
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

/* The EL1 physical timer (CNTP_*_EL0, Arm ARM D11.2.4), which armvisor
 * traps and emulates: its control, compare value and timer value. */
static inline uint32_t cpu_ptimer_ctl(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(v));
    return (uint32_t)v;
}

static inline void cpu_ptimer_ctl_write(uint32_t ctl)
{
    __asm__ volatile("msr cntp_ctl_el0, %0" ::"r"((uint64_t)ctl) : "memory");
}

static inline uint64_t cpu_ptimer_cval(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntp_cval_el0" : "=r"(v));
    return v;
}

static inline void cpu_ptimer_cval_write(uint64_t cval)
{
    __asm__ volatile("msr cntp_cval_el0, %0" ::"r"(cval) : "memory");
}

static inline uint32_t cpu_ptimer_tval(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntp_tval_el0" : "=r"(v));
    return (uint32_t)v;
}

static inline void cpu_ptimer_tval_write(uint32_t tval)
{
    __asm__ volatile("msr cntp_tval_el0, %0" ::"r"((uint64_t)tval) : "memory");
}

/* This vCPU's MPIDR_EL1 Aff0. */
static inline unsigned cpu_aff0(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
    return (unsigned)(v & 0xff);
}

/* *p += v, atomically (load-acquire / store-release exclusive); returns
 * the old value. */
static inline uint32_t cpu_atomic_add(volatile uint32_t *p, uint32_t v)
{
    uint32_t old, sum, fail;
    __asm__ volatile("1: ldaxr %w0, [%3]\n"
                     "   add   %w1, %w0, %w4\n"
                     "   stlxr %w2, %w1, [%3]\n"
                     "   cbnz  %w2, 1b"
                     : "=&r"(old), "=&r"(sum), "=&r"(fail)
                     : "r"(p), "r"(v)
                     : "memory");
    return old;
}

/* A PSCI call fn(a1, a2, a3) through HVC (SMCCC: x0-x3); x0 on return. */
static inline long cpu_psci(uint32_t fn, unsigned long a1, unsigned long a2, unsigned long a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (long)x0;
}

/* CPU_ON's entry point `entry` (x0 = context id, MMU off, EL1h): the stack
 * is the top of stacks[MPIDR Aff0], an array of 4 KiB stacks; the vector
 * table (start.S), then main(context). */
#define CPU_SECONDARY_ENTRY(entry, stacks, main)                                                   \
    __asm__(".text\n"                                                                              \
            ".balign 4\n"                                                                          \
            ".global " #entry "\n" #entry ":\n"                                                    \
            "    mrs     x1, mpidr_el1\n"                                                          \
            "    and     x1, x1, #0xff\n"                                                          \
            "    add     x1, x1, #1\n"                                                             \
            "    lsl     x1, x1, #12\n"                                                            \
            "    ldr     x2, =" #stacks "\n"                                                       \
            "    add     x2, x2, x1\n"                                                             \
            "    mov     sp, x2\n"                                                                 \
            "    ldr     x1, =guest_vectors\n"                                                     \
            "    msr     vbar_el1, x1\n"                                                           \
            "    isb\n"                                                                            \
            "    bl      " #main "\n"                                                              \
            "1:  wfi\n"                                                                            \
            "    b       1b\n"                                                                     \
            ".ltorg\n")

#endif
