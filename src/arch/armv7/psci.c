/*
 * Calls from Hyp mode to the firmware below it: PSCI (Arm DEN0022) through
 * SMC, the conduit the DTB's /psci node names on QEMU virt with
 * virtualization=on (an HVC from Hyp mode would trap to ourselves). Used
 * to start the other CPUs (smp.c) and to power off (console.c).
 */
#include "arch/armv7/armv7.h"

#define PSCI_NOT_SUPPORTED (-1)

static bool psci_smc;

void armv7_set_psci_smc(bool smc)
{
    psci_smc = smc;
}

int32_t armv7_psci_call(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3)
{
    if (!psci_smc)
        return PSCI_NOT_SUPPORTED;
    register uint32_t r0 __asm__("r0") = fn;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = a2;
    register uint32_t r3 __asm__("r3") = a3;
    __asm__ volatile(".arch_extension sec\n\tsmc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                     :
                     : "memory");
    return (int32_t)r0;
}
