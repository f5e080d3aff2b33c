/* Four vCPUs in one VM, AArch64 guest: see ../smp.h. */
#include "core/cntv_ctl.h"
#include "guest.h"

#define SMP_CPU_ON        0xc4000003u
#define SMP_AFFINITY_INFO 0xc4000004u

void secondary_entry(void);
void smp_secondary(uint32_t context);

/* CPU_ON's entry: x0 = context id, MMU off, EL1h. A stack per Aff0 (the
 * top of smp_stacks[Aff0]), the vector table, then smp_secondary. */
__asm__(".text\n"
        ".balign 4\n"
        ".global secondary_entry\n"
        "secondary_entry:\n"
        "    mrs     x1, mpidr_el1\n"
        "    and     x1, x1, #0xff\n"
        "    add     x1, x1, #1\n"
        "    lsl     x1, x1, #12\n"
        "    ldr     x2, =smp_stacks\n"
        "    add     x2, x2, x1\n"
        "    mov     sp, x2\n"
        "    ldr     x1, =guest_vectors\n"
        "    msr     vbar_el1, x1\n"
        "    isb\n"
        "    bl      smp_secondary\n"
        "1:  wfi\n"
        "    b       1b\n"
        ".ltorg\n");

static void smp_irq_on(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static void smp_irq_off(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static uint64_t smp_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t smp_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static unsigned smp_cpu(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
    return (unsigned)(v & 0xff);
}

/* Returns the old value. */
static uint32_t smp_add(volatile uint32_t *p, uint32_t v)
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

/* The EL1 virtual timer fires ticks from now (CNTV_TVAL_EL0 sets
 * CNTV_CVAL_EL0 = CNTVCT_EL0 + ticks; Arm ARM D11.2.4). */
static void smp_poll_arm(uint64_t ticks)
{
    __asm__ volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(ticks),
                     "r"((uint64_t)CNTV_CTL_ENABLE)
                     : "memory");
}

static void smp_poll_off(void)
{
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static void smp_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static int64_t smp_psci(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int64_t)x0;
}

#include "../smp.h"
