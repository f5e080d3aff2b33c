/* The vGIC's in-flight list and maintenance interrupts, AArch64 guest:
 * see ../vgic_inflight.h. */
#include "guest.h"

static void vi_irq_on(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static void vi_irq_off(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

static uint64_t vi_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t vi_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

#include "../vgic_inflight.h"
