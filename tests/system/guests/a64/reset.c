/* PSCI SYSTEM_RESET restarts the VM, AArch64 guest: see ../reset.h. */
#include "guest.h"

#define RESET_PSCI_SYSTEM_RESET 0x84000009u

static uint64_t reset_count(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t reset_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

#include "../reset.h"
