/* PSCI SYSTEM_RESET restarts the VM, AArch32 guest: see ../reset.h. */
#include "guest.h"

#define RESET_PSCI_SYSTEM_RESET 0x84000009u

static uint64_t reset_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 0, %Q0, %R0, c14" : "=r"(v)::"memory"); /* CNTPCT */
    return v;
}

static uint64_t reset_freq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v)); /* CNTFRQ */
    return v;
}

#include "../reset.h"
