/* The vGIC's in-flight list and maintenance interrupts, AArch32 guest:
 * see ../vgic_inflight.h. */
#include "guest.h"

static void vi_irq_on(void)
{
    __asm__ volatile("cpsie i" ::: "memory");
}

static void vi_irq_off(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
}

static uint64_t vi_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r"(v)::"memory"); /* CNTVCT */
    return v;
}

static uint64_t vi_freq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v)); /* CNTFRQ */
    return v;
}

#include "../vgic_inflight.h"
