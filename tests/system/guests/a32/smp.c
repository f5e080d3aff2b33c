/* Four vCPUs in one VM, AArch32 guest: see ../smp.h. */
#include "core/cntv_ctl.h"
#include "guest.h"

#define SMP_CPU_ON        0x84000003u
#define SMP_AFFINITY_INFO 0x84000004u

void secondary_entry(void);
void smp_secondary(uint32_t context);

/* CPU_ON's entry: r0 = context id, MMU off, SVC mode, ARM state. The top
 * 2 KiB of smp_stacks[Aff0] is the IRQ mode stack, the bottom 2 KiB the
 * SVC one; VBAR, then smp_secondary. */
__asm__(".text\n"
        ".arm\n"
        ".balign 4\n"
        ".global secondary_entry\n"
        "secondary_entry:\n"
        "    mrc     p15, 0, r1, c0, c0, 5\n" /* MPIDR */
        "    and     r1, r1, #0xff\n"
        "    add     r1, r1, #1\n"
        "    lsl     r1, r1, #12\n"
        "    ldr     r2, =smp_stacks\n"
        "    add     r2, r2, r1\n"
        "    ldr     r3, =vectors\n"
        "    mcr     p15, 0, r3, c12, c0, 0\n" /* VBAR */
        "    cps     #0x12\n"
        "    mov     sp, r2\n"
        "    cps     #0x13\n"
        "    sub     sp, r2, #2048\n"
        "    isb\n"
        "    bl      smp_secondary\n"
        "1:  wfi\n"
        "    b       1b\n"
        ".ltorg\n");

static void smp_irq_on(void)
{
    __asm__ volatile("cpsie i" ::: "memory");
}

static void smp_irq_off(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
}

static uint64_t smp_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r"(v)::"memory"); /* CNTVCT */
    return v;
}

static uint64_t smp_freq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v)); /* CNTFRQ */
    return v;
}

static unsigned smp_cpu(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(v)); /* MPIDR */
    return v & 0xff;
}

/* Returns the old value. */
static uint32_t smp_add(volatile uint32_t *p, uint32_t v)
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

/* The PL1 virtual timer fires ticks from now (CNTV_TVAL sets CNTV_CVAL =
 * CNTVCT + ticks; ARMv7-A ARM B8.1.5). */
static void smp_poll_arm(uint64_t ticks)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 0\n\t" /* CNTV_TVAL */
                     "mcr p15, 0, %1, c14, c3, 1\n\t" /* CNTV_CTL */
                     "isb" ::"r"((uint32_t)ticks),
                     "r"((uint32_t)CNTV_CTL_ENABLE)
                     : "memory");
}

static void smp_poll_off(void)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" ::"r"(0u) : "memory"); /* CNTV_CTL */
}

static void smp_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static int32_t smp_psci(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3)
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

#include "../smp.h"
