/* The AArch32 ID registers this guest reads are armvisor's (HCR.TID3 on
 * ARMv7, HCR_EL2.TID3 on ARMv8; core/idregs.c answers MRC p15, 0, c0,
 * c1..c7 and VMRS MVFR0/1/2 with the one policy every arch shares):
 *  - what armvisor does not give is hidden: ID_PFR1.Virtualization and
 *    Virt_frac (the guest has no Hyp mode), ID_PFR1.GIC (no GIC system
 *    registers), ID_PFR0.RAS and AMU, ID_DFR0's trace fields, ID_DFR1;
 *  - the rest is the host's, and true: ID_ISAR0.Divide says SDIV/UDIV
 *    exist (A15 and A57 have them), and SDIV runs; MVFR0 says 32 double
 *    registers; the reserved encodings (c0, c3, 0..3 and c4..c7) read 0,
 *    not the AArch64 registers that share the numbers on ARMv8.
 * With TID3 clear the first checks fail: every host this runs on has the
 * Virtualization Extensions, so its ID_PFR1.Virtualization is 1. No check
 * here provokes an UNDEF (armvisor's injection into AArch32 EL1 is what
 * QEMU 7.2 returns from wrongly on armv8, tests/system/armv8.cmake). */
#include "guest.h"

#define FIELD(v, shift) (((v) >> (shift)) & 0xfu)
#define ID(crm, op2)                                                                               \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("mrc p15, 0, %0, c0, c" #crm ", " #op2 : "=r"(v_));                       \
        v_;                                                                                        \
    })
/* VMRS <Rt>, MVFRn as the coprocessor instruction it is (p10, opc1 7). */
#define MVFR(crn)                                                                                  \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("mrc p10, 7, %0, c" #crn ", c0, 0" : "=r"(v_));                           \
        v_;                                                                                        \
    })
#define CPACR_CP10_CP11 (0xfu << 20)

static void show(const char *name, uint32_t v)
{
    put_str(name);
    put_str(" = ");
    put_hex(v);
    put_str("\n");
}

static uint32_t sdiv(uint32_t a, uint32_t b)
{
    uint32_t q;
    __asm__ volatile(".arch_extension idiv\n\tsdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
    return q;
}

int main(void)
{
    uint32_t cpacr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr | CPACR_CP10_CP11));

    uint32_t n = undef_count;
    uint32_t pfr0 = ID(1, 0), pfr1 = ID(1, 1), dfr0 = ID(1, 2), mmfr0 = ID(1, 4);
    uint32_t isar0 = ID(2, 0), isar1 = ID(2, 1), isar2 = ID(2, 2), isar3 = ID(2, 3);
    uint32_t isar4 = ID(2, 4), isar5 = ID(2, 5);
    uint32_t dfr1 = ID(3, 5);
    uint32_t rsvd = ID(3, 0) | ID(3, 1) | ID(3, 2) | ID(3, 3) | ID(4, 0) | ID(4, 1) | ID(5, 0) |
                    ID(6, 0) | ID(7, 0) | ID(7, 1) | ID(7, 2);
    uint32_t mvfr0 = MVFR(7), mvfr1 = MVFR(6);
    check("ID registers read without exception", undef_count == n);
    show("ID_PFR0", pfr0);
    show("ID_PFR1", pfr1);
    show("ID_DFR0", dfr0);
    show("ID_MMFR0", mmfr0);
    show("ID_ISAR0", isar0);
    show("ID_ISAR1", isar1);
    show("ID_ISAR2", isar2);
    show("ID_ISAR3", isar3);
    show("ID_ISAR4", isar4);
    show("ID_ISAR5", isar5);
    show("MVFR0", mvfr0);
    show("MVFR1", mvfr1);
    check("ID_PFR1.Virtualization and Virt_frac are 0 (no Hyp for the guest)",
          FIELD(pfr1, 12) == 0 && FIELD(pfr1, 24) == 0);
    check("ID_PFR1.GIC is 0", FIELD(pfr1, 28) == 0);
    check("ID_PFR1.ProgMod and GenTimer passed through",
          FIELD(pfr1, 0) != 0 && FIELD(pfr1, 16) != 0);
    check("ID_PFR0.RAS and AMU are 0", FIELD(pfr0, 28) == 0 && FIELD(pfr0, 20) == 0);
    check("ID_PFR0.State0/State1 (A32, T32) passed through",
          FIELD(pfr0, 0) != 0 && FIELD(pfr0, 4) != 0);
    check("ID_DFR0 trace fields are 0",
          FIELD(dfr0, 12) == 0 && FIELD(dfr0, 16) == 0 && FIELD(dfr0, 28) == 0);
    check("ID_DFR0.PerfMon is PMUv3 or none", FIELD(dfr0, 24) == 3 || FIELD(dfr0, 24) == 0);
    check("ID_DFR1 is 0", dfr1 == 0);
    check("reserved encodings (c0, c3, 0-3 and c4-c7) read as zero", rsvd == 0);
    check("ID_MMFR0.VMSA passed through (long descriptors)", FIELD(mmfr0, 0) >= 5);
    check("ID_ISAR0.Divide says SDIV/UDIV in A32", FIELD(isar0, 24) >= 2);
    n = undef_count;
    check("SDIV runs", sdiv(100, 7) == 14 && undef_count == n);
    check("MVFR0: 32 double-precision registers", FIELD(mvfr0, 0) == 2 && FIELD(mvfr0, 8) != 0);
    check("MVFR1: Advanced SIMD present", FIELD(mvfr1, 8) != 0);

    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr));
    return 0;
}
