/* Interrupts between two vCPUs, AArch64 bench guest: see ipi_bench.h. */
#include "guest.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv8"
#endif

#define IPI_CPU_ON 0xc4000003u

void ipi_secondary_entry(void);
void ipi_secondary(void);

/* CPU_ON's entry: MMU off, EL1h. Its stack, the vector table, then C. */
__asm__(".text\n"
        ".balign 4\n"
        ".global ipi_secondary_entry\n"
        "ipi_secondary_entry:\n"
        "    ldr     x1, =ipi_stack + 4096\n"
        "    mov     sp, x1\n"
        "    ldr     x1, =guest_vectors\n"
        "    msr     vbar_el1, x1\n"
        "    isb\n"
        "    bl      ipi_secondary\n"
        "1:  wfi\n"
        "    b       1b\n"
        ".ltorg\n");

static uint64_t ipi_pcount(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t ipi_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static unsigned ipi_cpu(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
    return (unsigned)(v & 0xff);
}

static void ipi_irq_on(void)
{
    __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
}

static void ipi_irq_off(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static void ipi_timer_arm(uint32_t ticks)
{
    __asm__ volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
                     :
                     : "r"((uint64_t)ticks), "r"(1ull)
                     : "memory");
}

static void ipi_timer_off(void)
{
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static int ipi_timer_fired(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntv_ctl_el0" : "=r"(v)::"memory");
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

static int64_t ipi_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int64_t)x0;
}

#include "ipi_bench.h"
