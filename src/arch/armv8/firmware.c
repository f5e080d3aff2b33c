/*
 * Calls from the hypervisor to the firmware below it: PSCI (Arm DEN0022) to
 * start the other CPUs (smp.c) and to power the machine off, so QEMU exits
 * and a test run ends.
 *
 * The conduit is the DTB /psci node's "method" (arch/boot/dtb_probe.c): QEMU virt with
 * virtualization=on and no EL3 says "smc" (QEMU answers the SMC itself),
 * without virtualization it says "hvc". Before the DTB is read we guess
 * from our EL: at EL2 only SMC reaches anything below us.
 */
#include "arch/arch.h"
#include "arch/armv8/armv8.h"
#include "arch/armv8/sysregs.h"
#include "lib/log.h"
#include "lib/verdict.h"

#define PSCI_0_2_SYSTEM_OFF 0x84000008u

enum conduit { CONDUIT_NONE, CONDUIT_SMC, CONDUIT_HVC };
static enum conduit conduit = CONDUIT_NONE;
static bool probed;

void armv8_psci_set(enum boot_psci method)
{
    probed = true;
    conduit = method == BOOT_PSCI_SMC   ? CONDUIT_SMC
              : method == BOOT_PSCI_HVC ? CONDUIT_HVC
                                        : CONDUIT_NONE;
}

static enum conduit current_conduit(void)
{
    if (probed)
        return conduit;
    uint64_t el = (read_sysreg(CurrentEL) >> CURRENTEL_EL_SHIFT) & 3;
    return el >= 2 ? CONDUIT_SMC : CONDUIT_HVC;
}

int64_t armv8_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    /* The conduit first: a call between loading a register variable and
     * the asm may clobber it (x0 is the return register), which an -O0
     * build does here (GCC manual, "Local Register Variables"). */
    enum conduit c = current_conduit();
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    switch (c) {
    case CONDUIT_SMC:
        __asm__ volatile("smc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
        break;
    case CONDUIT_HVC:
        __asm__ volatile("hvc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                           "x15", "x16", "x17", "memory");
        break;
    case CONDUIT_NONE:
        return -1; /* NOT_SUPPORTED: nobody to ask */
    }
    return (int64_t)x0;
}

_Noreturn void armv8_system_off(void)
{
    armv8_psci_call(PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
    /* No PSCI, or it refused: park this CPU with interrupts masked. */
    av_printf("armvisor: no PSCI SYSTEM_OFF; CPU parked\n");
    for (;;)
        __asm__ volatile("msr daifset, #0xf\n\twfe" ::: "memory");
}

_Noreturn void arch_halt(int status)
{
    av_printf("armvisor: halt %d\n", status);
    verdict_print(status);
    armv8_system_off();
}
