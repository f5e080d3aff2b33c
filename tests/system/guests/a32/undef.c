/* cp14/cp15 accesses armvisor traps and refuses: an IMPLEMENTATION DEFINED
 * c15 register (HSTR.T15), ACTLR (HCR.TAC), the PMU's PMCR (HDCR.TPMCR) and
 * a debug register (HDCR.TDA). The guest must get an Undefined Instruction
 * exception for each and go on. */
#include "guest.h"

int main(void)
{
    uint32_t v = 0;
    uint32_t before = undef_count;
    __asm__ volatile("mrc p15, 0, %0, c15, c0, 0" : "=r"(v)); /* IMP DEF c15 */
    check("c15 read refused with undef", undef_count == before + 1);

    before = undef_count;
    __asm__ volatile("mcr p15, 0, %0, c15, c0, 0" ::"r"(v)); /* IMP DEF c15 write */
    check("c15 write refused with undef", undef_count == before + 1);

    before = undef_count;
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 1" ::"r"(v)); /* ACTLR write */
    check("ACTLR write refused with undef", undef_count == before + 1);

    before = undef_count;
    __asm__ volatile("mrc p15, 0, %0, c9, c12, 0" : "=r"(v)); /* PMCR (HDCR.TPMCR) */
    check("PMCR read refused with undef", undef_count == before + 1);

    before = undef_count;
    __asm__ volatile("mrc p14, 0, %0, c0, c1, 0" : "=r"(v)); /* DBGDSCRint (HDCR.TDA) */
    check("DBGDSCR read refused with undef", undef_count == before + 1);

    put_str("guest: still running after the undefs\n");
    return 0;
}
