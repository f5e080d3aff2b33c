/*
 * Switching the pointer authentication keys (pauth.h). The key registers
 * are named by their encodings (Arm ARM D19.2: APIAKeyLo_EL1 is
 * S3_0_C2_C1_0, ...) so the assembler needs no ARMv8.3 option; the
 * hypervisor itself never signs or authenticates (built with
 * -mbranch-protection=none, SCTLR_EL2.EnIA/EnIB/EnDA/EnDB clear), so the
 * keys in the CPU are always the loaded guest's.
 */
#include "arch/armv8/pauth.h"

#include "arch/armv8/sysregs.h"

bool armv8_pauth_present(void)
{
    uint64_t isar1 = read_sysreg(id_aa64isar1_el1);
    uint64_t isar2 = read_sysreg(S3_0_C0_C6_2); /* ID_AA64ISAR2_EL1: RAZ before v8.7 */
    return ((isar1 >> ID_AA64ISAR1_APA_SHIFT) & ID_FIELD_MASK) ||
           ((isar1 >> ID_AA64ISAR1_API_SHIFT) & ID_FIELD_MASK) ||
           ((isar1 >> ID_AA64ISAR1_GPA_SHIFT) & ID_FIELD_MASK) ||
           ((isar1 >> ID_AA64ISAR1_GPI_SHIFT) & ID_FIELD_MASK) ||
           ((isar2 >> ID_AA64ISAR2_GPA3_SHIFT) & ID_FIELD_MASK) ||
           ((isar2 >> ID_AA64ISAR2_APA3_SHIFT) & ID_FIELD_MASK);
}

void armv8_pauth_save(struct armv8_pauth_keys *k)
{
    k->apia[0] = read_sysreg(S3_0_C2_C1_0); /* APIAKeyLo_EL1 */
    k->apia[1] = read_sysreg(S3_0_C2_C1_1); /* APIAKeyHi_EL1 */
    k->apib[0] = read_sysreg(S3_0_C2_C1_2); /* APIBKeyLo_EL1 */
    k->apib[1] = read_sysreg(S3_0_C2_C1_3); /* APIBKeyHi_EL1 */
    k->apda[0] = read_sysreg(S3_0_C2_C2_0); /* APDAKeyLo_EL1 */
    k->apda[1] = read_sysreg(S3_0_C2_C2_1); /* APDAKeyHi_EL1 */
    k->apdb[0] = read_sysreg(S3_0_C2_C2_2); /* APDBKeyLo_EL1 */
    k->apdb[1] = read_sysreg(S3_0_C2_C2_3); /* APDBKeyHi_EL1 */
    k->apga[0] = read_sysreg(S3_0_C2_C3_0); /* APGAKeyLo_EL1 */
    k->apga[1] = read_sysreg(S3_0_C2_C3_1); /* APGAKeyHi_EL1 */
}

void armv8_pauth_restore(const struct armv8_pauth_keys *k)
{
    write_sysreg(S3_0_C2_C1_0, k->apia[0]);
    write_sysreg(S3_0_C2_C1_1, k->apia[1]);
    write_sysreg(S3_0_C2_C1_2, k->apib[0]);
    write_sysreg(S3_0_C2_C1_3, k->apib[1]);
    write_sysreg(S3_0_C2_C2_0, k->apda[0]);
    write_sysreg(S3_0_C2_C2_1, k->apda[1]);
    write_sysreg(S3_0_C2_C2_2, k->apdb[0]);
    write_sysreg(S3_0_C2_C2_3, k->apdb[1]);
    write_sysreg(S3_0_C2_C3_0, k->apga[0]);
    write_sysreg(S3_0_C2_C3_1, k->apga[1]);
}
