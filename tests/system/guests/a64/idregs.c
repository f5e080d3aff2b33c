/* The ID registers this guest reads are armvisor's (HCR_EL2.TID3, the core's
 * idregs.c), and they say what the guest really gets:
 *  - SVE is advertised (ID_AA64PFR0_EL1.SVE, ID_AA64ZFR0_EL1) exactly when
 *    an SVE instruction runs (armvisor switches the registers), at the
 *    vector length armvisor allows the VM (armvisor.sve_vl), and Z/P
 *    registers keep their values across exits; when it is not advertised
 *    (no SVE in the CPU, or armvisor.sve_vl=0) RDVL UNDEFs even with
 *    CPACR_EL1.ZEN open (CPTR_EL2.TZ);
 *  - pointer authentication is advertised exactly when the key registers
 *    are the guest's: PACGA with one APGA key, then another, then the first
 *    again gives the first MAC back (on a CPU without it, MSR APGAKeyLo
 *    UNDEFs);
 *  - MTE exactly when the CPU has tags in memory (-M virt,mte=on), its
 *    registers the guest's; otherwise they UNDEF;
 *  - never SME, RAS, AMU; the PMU is the PMUv3 armvisor presents
 *    (vpmu.c); reserved encodings of the ID space read as zero.
 * The test lines in tests/system/armv8.cmake say which of these the CPU
 * model and armvisor's command line make true. */
#include <stdbool.h>

#include "guest.h"

#define FIELD(v, shift) (((v) >> (shift)) & 0xf)
#define MRS(reg)                                                                                   \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " reg : "=r"(v_));                                               \
        v_;                                                                                        \
    })
#define CPACR_FPEN (3ull << 20)
#define CPACR_ZEN  (3ull << 16)

static void show(const char *name, uint64_t v)
{
    put_str(name);
    put_str(" = ");
    put_hex(v);
    put_str("\n");
}

/* RDVL x9, #1 (SVE): the vector length in bytes; an UNDEF leaves 0. */
static uint64_t rdvl(uint64_t *at)
{
    uint64_t vl = 0;
    __asm__ volatile("mov x9, #0\n\tadr %1, 1f\n1:\t.inst 0x04bf5029\n\tmov %0, x9"
                     : "=r"(vl), "=&r"(*at)
                     :
                     : "x9", "memory");
    return vl;
}

/* Z0 = s, s+1, s+2, ... (bytes, s from boot_x0: the VM's index under
 * armvisor.selftest=two_vms, where the other VM runs between our exits),
 * P0 all true; an exit to armvisor (HVC); then the number of bytes of Z0
 * that still equal a fresh INDEX, which is the vector length when armvisor
 * kept the registers. */
static uint64_t sve_survives_exit(void)
{
    uint64_t same, start = 0x10 + boot_x0;
    __asm__ volatile(".arch_extension sve\n\t"
                     "ptrue p0.b\n\t"
                     "index z0.b, %w0, #1\n\t"
                     "dup z1.b, #0x5a\n\t" /* something else in another register */
                     "ptrue p2.b, vl1\n\t"
                     :
                     : "r"(start)
                     : "memory");
    hvc_call(AV_HVC_PING, 0);
    __asm__ volatile(".arch_extension sve\n\t"
                     "index z2.b, %w1, #1\n\t"
                     "cmpeq p1.b, p0/z, z0.b, z2.b\n\t"
                     "cntp %0, p0, p1.b\n\t"
                     : "=r"(same)
                     : "r"(start)
                     : "memory");
    return same;
}

/* PACGA x0, x1, x2 with the APGA key in the CPU: the MAC in bits 63:32. */
static uint64_t pacga_now(void)
{
    uint64_t mac;
    __asm__ volatile("mov x1, #0x1234\n\t"
                     "mov x2, #0x5678\n\t"
                     ".inst 0x9ac23020\n\t" /* pacga x0, x1, x2 */
                     "mov %0, x0"
                     : "=r"(mac)
                     :
                     : "x0", "x1", "x2", "memory");
    return mac;
}

/* PACGA with the APGA key (lo, hi). */
static uint64_t pacga(uint64_t lo, uint64_t hi)
{
    __asm__ volatile("msr S3_0_C2_C3_0, %0\n\t" /* APGAKeyLo_EL1 */
                     "msr S3_0_C2_C3_1, %1\n\t" /* APGAKeyHi_EL1 */
                     "isb"
                     :
                     : "r"(lo), "r"(hi)
                     : "memory");
    return pacga_now();
}

static void sve_checks(uint64_t pfr0, uint64_t zfr0)
{
    bool sve = FIELD(pfr0, 32) != 0;
    put_str(sve ? "SVE advertised\n" : "SVE not advertised\n");
    check("ID_AA64ZFR0_EL1 is 0 when SVE is not advertised", sve || zfr0 == 0);
    uint64_t cpacr = MRS("cpacr_el1");
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(cpacr | CPACR_ZEN | CPACR_FPEN));
    unsigned n = undef_count;
    uint64_t at;
    uint64_t vl = rdvl(&at);
    if (sve) {
        check("SVE instruction (RDVL) runs", undef_count == n && vl >= 16 && vl % 16 == 0);
        put_str("SVE vector length ");
        put_dec((unsigned)vl);
        put_str(" bytes\n");
        check("SVE Z0/P0 kept across an exit", sve_survives_exit() == vl);
        /* ZCR_EL1 as the guest sets it: 128 bits, then back. */
        uint64_t zcr = MRS("S3_0_C1_C2_0");
        __asm__ volatile("msr S3_0_C1_C2_0, %0\n\tisb" : : "r"(0ull));
        check("ZCR_EL1.LEN 0 gives 16-byte vectors", rdvl(&at) == 16);
        __asm__ volatile("msr S3_0_C1_C2_0, %0\n\tisb" : : "r"(zcr));
        check("ZCR_EL1 restored gives the VM's length", rdvl(&at) == vl);
    } else {
        check("SVE instruction (RDVL) UNDEFs",
              undef_count == n + 1 && ESR_EC(last_esr) == EC_UNKNOWN && last_elr == at);
    }
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" : : "r"(cpacr));
}

/* MTE is advertised exactly when the CPU has tags in memory (-M
 * virt,mte=on): then its EL1 registers are the guest's (GCR_EL1 keeps a
 * value of this VM's own across an exit, with two_vms the other VM's run);
 * otherwise they UNDEF, whether the CPU has no MTE or HCR_EL2.ATA clear
 * traps them to armvisor, which refuses them. */
static void mte_checks(uint64_t pfr1)
{
    bool mte = FIELD(pfr1, 8) >= 2;
    put_str(mte ? "MTE advertised\n" : "MTE not advertised\n");
    unsigned n = undef_count;
    if (mte) {
        uint64_t mine = 0x10000 | (0x5a5a + boot_x0), v = 0; /* GCR_EL1.RRND, Exclude */
        __asm__ volatile("msr S3_0_C1_C0_6, %0\n\tisb" : : "r"(mine) : "memory");
        hvc_call(AV_HVC_PING, 0);
        __asm__ volatile("mrs %0, S3_0_C1_C0_6" : "=r"(v) : : "memory");
        check("GCR_EL1 kept across an exit", undef_count == n && v == mine);
    } else {
        uint64_t v = 0;
        __asm__ volatile("mrs %0, S3_0_C1_C0_6" : "+r"(v) : : "memory"); /* GCR_EL1 */
        check("GCR_EL1 (MTE) UNDEFs", undef_count == n + 1);
    }
}

static void pauth_checks(uint64_t isar1, uint64_t isar2)
{
    bool gen = FIELD(isar1, 24) || FIELD(isar1, 28) || FIELD(isar2, 8);
    bool addr = FIELD(isar1, 4) || FIELD(isar1, 8) || FIELD(isar2, 12);
    put_str(gen || addr ? "pointer authentication advertised\n"
                        : "pointer authentication not advertised\n");
    if (gen) {
        unsigned n = undef_count;
        uint64_t m1 = pacga(0x1111222233334444ull, 0x5555666677778888ull);
        uint64_t m2 = pacga(0x0123456789abcdefull, 0xfedcba9876543210ull);
        uint64_t m3 = pacga(0x1111222233334444ull, 0x5555666677778888ull);
        check("PACGA follows the guest's APGA key",
              undef_count == n && m1 == m3 && m1 != m2 && (m1 >> 32) != 0);
        /* A key of this VM's own (boot_x0), an exit, the same MAC. */
        uint64_t mine = pacga(0x2468ace013579bdfull + boot_x0, boot_x0);
        hvc_call(AV_HVC_PING, 0);
        check("APGA key kept across an exit", pacga_now() == mine);
    } else {
        unsigned n = undef_count;
        __asm__ volatile("msr S3_0_C2_C3_0, xzr" ::: "memory");
        check("APGAKeyLo_EL1 UNDEFs", undef_count == n + 1);
    }
}

int main(void)
{
    unsigned n = undef_count;
    uint64_t pfr0 = MRS("id_aa64pfr0_el1");
    uint64_t pfr1 = MRS("id_aa64pfr1_el1");
    uint64_t isar1 = MRS("id_aa64isar1_el1");
    uint64_t isar2 = MRS("S3_0_C0_C6_2"); /* ID_AA64ISAR2_EL1 */
    uint64_t zfr0 = MRS("S3_0_C0_C4_4");  /* ID_AA64ZFR0_EL1 */
    uint64_t smfr0 = MRS("S3_0_C0_C4_5"); /* ID_AA64SMFR0_EL1 */
    uint64_t dfr0 = MRS("id_aa64dfr0_el1");
    uint64_t rsvd = MRS("S3_0_C0_C4_3") | MRS("S3_0_C0_C7_7") | MRS("S3_0_C0_C3_3");
    check("ID registers read without exception", undef_count == n);
    show("ID_AA64PFR0_EL1", pfr0);
    show("ID_AA64PFR1_EL1", pfr1);
    show("ID_AA64ZFR0_EL1", zfr0);
    show("ID_AA64ISAR1_EL1", isar1);
    show("ID_AA64ISAR2_EL1", isar2);
    show("ID_AA64DFR0_EL1", dfr0);
    check("ID_AA64PFR0_EL1.RAS and AMU are 0", FIELD(pfr0, 28) == 0 && FIELD(pfr0, 44) == 0);
    check("ID_AA64PFR0_EL1.EL2 is 0, EL1 is AArch64", FIELD(pfr0, 8) == 0 && FIELD(pfr0, 4) != 0);
    check("ID_AA64PFR0_EL1.FP/AdvSIMD passed through",
          FIELD(pfr0, 16) != 0xf && FIELD(pfr0, 20) != 0xf);
    check("ID_AA64SMFR0_EL1 is 0", smfr0 == 0);
    check("ID_AA64PFR1_EL1.SME is 0", FIELD(pfr1, 24) == 0);
    check("ID_AA64DFR0_EL1.PMUVer is PMUv3, no SPE/trace",
          FIELD(dfr0, 8) == 1 && FIELD(dfr0, 32) == 0 && FIELD(dfr0, 4) == 0 &&
              FIELD(dfr0, 44) == 0);
    check("ID_AA64DFR0_EL1 breakpoints/watchpoints kept",
          FIELD(dfr0, 12) != 0 && FIELD(dfr0, 20) != 0);
    check("reserved ID encodings read as zero", rsvd == 0);
    sve_checks(pfr0, zfr0);
    pauth_checks(isar1, isar2);
    mte_checks(pfr1);
    return 0;
}
