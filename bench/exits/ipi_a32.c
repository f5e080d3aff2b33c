/* Interrupts between two vCPUs, AArch32 bench guest: see ipi_bench.h. */
#include "guest.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv7"
#endif

#define IPI_CPU_ON 0x84000003u

void ipi_secondary_entry(void);
void ipi_secondary(void);

/* CPU_ON's entry: r0 = context id, MMU off, SVC mode, ARM state. The top
 * 2 KiB of ipi_stack is the IRQ mode stack, the bottom 2 KiB the SVC one;
 * VBAR, then C. */
__asm__(".text\n"
        ".arm\n"
        ".balign 4\n"
        ".global ipi_secondary_entry\n"
        "ipi_secondary_entry:\n"
        "    ldr     r2, =ipi_stack + 4096\n"
        "    ldr     r3, =vectors\n"
        "    mcr     p15, 0, r3, c12, c0, 0\n" /* VBAR */
        "    cps     #0x12\n"
        "    mov     sp, r2\n"
        "    cps     #0x13\n"
        "    sub     sp, r2, #2048\n"
        "    isb\n"
        "    bl      ipi_secondary\n"
        "1:  wfi\n"
        "    b       1b\n"
        ".ltorg\n");

static uint64_t ipi_pcount(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 0, %Q0, %R0, c14" : "=r"(v)::"memory"); /* CNTPCT */
    return v;
}

static uint64_t ipi_freq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v)); /* CNTFRQ */
    return v;
}

static unsigned ipi_cpu(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(v)); /* MPIDR */
    return v & 0xff;
}

static void ipi_irq_on(void)
{
    __asm__ volatile("cpsie i\n\tisb" ::: "memory");
}

static void ipi_irq_off(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
}

static void ipi_timer_arm(uint32_t ticks)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 0\n\t" /* CNTV_TVAL */
                     "mcr p15, 0, %1, c14, c3, 1\n\t" /* CNTV_CTL */
                     "isb"
                     :
                     : "r"(ticks), "r"(1u)
                     : "memory");
}

static void ipi_timer_off(void)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" : : "r"(0u) : "memory");
}

static int ipi_timer_fired(void)
{
    uint32_t v;
    __asm__ volatile("isb\n\tmrc p15, 0, %0, c14, c3, 1" : "=r"(v)::"memory");
    return (v >> 2) & 1; /* ISTATUS */
}

static void ipi_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static void ipi_sev(void)
{
    __asm__ volatile("dsb ish\n\tsev" ::: "memory");
}

static int32_t ipi_psci(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3)
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

#include "ipi_bench.h"
