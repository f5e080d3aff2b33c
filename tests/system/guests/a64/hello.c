/* The simplest guest: print through the emulated PL011 and check where it
 * runs (EL1, MMU off, the MPIDR armvisor gives vCPU 0). */
#include "guest.h"

int main(void)
{
    put_str("hello from the AArch64 guest\n");
    check("guest runs at EL1", read_currentel() == 1);
    uint64_t mpidr, sctlr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    check("vcpu 0 MPIDR affinity", (mpidr & 0xff00ffffffull) == 0);
    check("guest MMU off at entry", (sctlr & 1) == 0);
    return 0;
}
