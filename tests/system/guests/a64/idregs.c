/* The ID registers this guest reads are armvisor's (HCR_EL2.TID3, the core's
 * idregs.c): on -cpu max, whose CPU has SVE, SME, pointer authentication
 * and RAS, those features are absent, the PMU is the PMUv3 armvisor
 * presents (vpmu.c), reserved encodings of the ID space read as zero and an
 * SVE instruction UNDEFs even with CPACR_EL1.ZEN open (CPTR_EL2.TZ). */
#include "guest.h"

#define FIELD(v, shift) (((v) >> (shift)) & 0xf)
#define MRS(reg)                                                                                   \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })

static void show(const char *name, uint64_t v)
{
    put_str(name);
    put_str(" = ");
    put_hex(v);
    put_str("\n");
}

int main(void)
{
    unsigned n = undef_count;
    uint64_t pfr0 = MRS("id_aa64pfr0_el1");
    uint64_t pfr1 = MRS("id_aa64pfr1_el1");
    uint64_t isar1 = MRS("id_aa64isar1_el1");
    uint64_t isar2 = MRS("S3_0_C0_C6_2");  /* ID_AA64ISAR2_EL1 */
    uint64_t zfr0 = MRS("S3_0_C0_C4_4");   /* ID_AA64ZFR0_EL1 */
    uint64_t smfr0 = MRS("S3_0_C0_C4_5");  /* ID_AA64SMFR0_EL1 */
    uint64_t dfr0 = MRS("id_aa64dfr0_el1");
    uint64_t rsvd = MRS("S3_0_C0_C4_3") | MRS("S3_0_C0_C7_7") | MRS("S3_0_C0_C3_3");
    check("ID registers read without exception", undef_count == n);
    show("ID_AA64PFR0_EL1", pfr0);
    show("ID_AA64PFR1_EL1", pfr1);
    show("ID_AA64ISAR1_EL1", isar1);
    show("ID_AA64DFR0_EL1", dfr0);
    check("ID_AA64PFR0_EL1.SVE is 0", FIELD(pfr0, 32) == 0);
    check("ID_AA64PFR0_EL1.RAS and AMU are 0", FIELD(pfr0, 28) == 0 && FIELD(pfr0, 44) == 0);
    check("ID_AA64PFR0_EL1.EL2 is 0, EL1 is AArch64", FIELD(pfr0, 8) == 0 && FIELD(pfr0, 4) != 0);
    check("ID_AA64PFR0_EL1.FP/AdvSIMD passed through", FIELD(pfr0, 16) != 0xf &&
                                                          FIELD(pfr0, 20) != 0xf);
    check("ID_AA64ZFR0_EL1 and ID_AA64SMFR0_EL1 are 0", zfr0 == 0 && smfr0 == 0);
    check("ID_AA64PFR1_EL1.MTE and SME are 0", FIELD(pfr1, 8) == 0 && FIELD(pfr1, 24) == 0);
    check("ID_AA64ISAR1_EL1 APA/API/GPA/GPI are 0", FIELD(isar1, 4) == 0 && FIELD(isar1, 8) == 0 &&
                                                      FIELD(isar1, 24) == 0 &&
                                                      FIELD(isar1, 28) == 0);
    check("ID_AA64ISAR1_EL1 keeps the rest (JSCVT, LRCPC)",
          FIELD(isar1, 12) != 0 && FIELD(isar1, 20) != 0);
    check("ID_AA64ISAR2_EL1 APA3/GPA3 are 0", FIELD(isar2, 8) == 0 && FIELD(isar2, 12) == 0);
    check("ID_AA64DFR0_EL1.PMUVer is PMUv3, no SPE/trace",
          FIELD(dfr0, 8) == 1 && FIELD(dfr0, 32) == 0 && FIELD(dfr0, 4) == 0 &&
              FIELD(dfr0, 44) == 0);
    check("ID_AA64DFR0_EL1 breakpoints/watchpoints kept", FIELD(dfr0, 12) != 0 &&
                                                            FIELD(dfr0, 20) != 0);
    check("reserved ID encodings read as zero", rsvd == 0);

    /* SVE stays trapped at EL2: RDVL x9, #1 with CPACR_EL1.ZEN and FPEN
     * open is refused with an UNDEF, as on a CPU without SVE. */
    uint64_t cpacr = MRS("cpacr_el1");
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(cpacr | (3ull << 16) | (3ull << 20)));
    n = undef_count;
    uint64_t at;
    __asm__ volatile("adr %0, 1f\n1:\t.inst 0x04bf5029" : "=&r"(at) : : "x9", "memory");
    check("SVE instruction (RDVL) UNDEFs", undef_count == n + 1 &&
                                               ESR_EC(last_esr) == EC_UNKNOWN && last_elr == at);
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(cpacr));
    return 0;
}
