/* cp14/cp15 accesses armvisor traps and refuses: an IMPLEMENTATION DEFINED
 * c15 register (HSTR.T15) and a debug register (HDCR.TDA). The guest must
 * get an Undefined Instruction exception for each and go on. The PMU is
 * trapped too (HDCR.TPM/TPMCR) but answered: the host's PMU, given to the
 * guest (core/vpmu.c; the pmu guest tests it). ACTLR (HCR.TAC)
 * and DBGDIDR are answered too (core/sysreg.c): ACTLR reads as zero and
 * ignores writes, DBGDIDR reads as zero (no debug architecture). */
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
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 1" ::"r"(1u << 6)); /* ACTLR write (SMP) */
    v = 0x5a;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 1" : "+r"(v)); /* ACTLR read */
    check("ACTLR reads as zero, writes ignored", undef_count == before && v == 0);

    before = undef_count;
    v = 0x5a;
    __asm__ volatile("mrc p15, 0, %0, c9, c12, 0" : "+r"(v)); /* PMCR (HDCR.TPMCR) */
    check("PMCR answered, N names the host's counters",
          undef_count == before && ((v >> 11) & 0x1f) >= 1);

    before = undef_count;
    uint32_t en = 1u << 31; /* PMCNTENSET.C: enable the cycle counter */
    __asm__ volatile("mcr p15, 0, %0, c9, c14, 0" ::"r"(0u)); /* PMUSERENR */
    __asm__ volatile("mcr p15, 0, %0, c9, c12, 1" ::"r"(en)); /* PMCNTENSET */
    v = 0x5a;
    __asm__ volatile("mrc p15, 0, %0, c9, c12, 1" : "+r"(v)); /* PMCNTENSET */
    __asm__ volatile("mcr p15, 0, %0, c9, c12, 2" ::"r"(en)); /* PMCNTENCLR */
    check("PMU writes take effect", undef_count == before && v == en);

    /* PMCCNTR, the 32-bit MRC form: the 64-bit MRRC p15, 0, c9 exists only
     * with ARMv8's PMUv3 and is UNDEFINED on an ARMv7 CPU, before any trap. */
    before = undef_count;
    v = 0x5a;
    __asm__ volatile("mrc p15, 0, %0, c9, c13, 0" : "+r"(v));
    check("PMCCNTR answered", undef_count == before);

    before = undef_count;
    v = 0x5a;
    __asm__ volatile("mrc p14, 0, %0, c0, c0, 0" : "+r"(v)); /* DBGDIDR */
    check("DBGDIDR reads as zero (no debug architecture)", undef_count == before && v == 0);

    before = undef_count;
    __asm__ volatile("mrc p14, 0, %0, c0, c1, 0" : "=r"(v)); /* DBGDSCRint (HDCR.TDA) */
    check("DBGDSCR read refused with undef", undef_count == before + 1);

    put_str("guest: still running after the undefs\n");
    return 0;
}
