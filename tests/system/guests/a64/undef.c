/* System-register accesses armvisor traps and refuses must raise UNDEF in
 * the guest (ESR_EL1 EC 0x00, ELR_EL1 the instruction): ACTLR_EL1
 * (HCR_EL2.TACR). The EL1 physical timer traps too (CNTHCTL_EL2.EL1PCEN =
 * 0) but is emulated (core/ptimer.c, the ptimer guest): no UNDEF. The PMU is trapped too (MDCR_EL2.TPM/TPMCR) but
 * answered: a PMU with no counters, every register read-as-zero /
 * write-ignored (core/vpmu.c), no exception. */
#include "guest.h"

static void expect_undef(const char *name, unsigned before, uint64_t at)
{
    check(name, undef_count == before + 1 && ESR_EC(last_esr) == EC_UNKNOWN &&
                    (last_esr & ESR_IL) && last_elr == at);
}

/* Run one instruction at a known address and see what it raised. */
#define TRY(name, insn)                                                                            \
    do {                                                                                           \
        unsigned n_ = undef_count;                                                                 \
        uint64_t at_;                                                                              \
        __asm__ volatile("adr %0, 1f\n1:\t" insn : "=&r"(at_) : : "x9", "memory");                 \
        expect_undef(name, n_, at_);                                                               \
    } while (0)

/* A PMU register read: gives 0 (x9 set non-zero first), no exception. */
#define RAZ(name, reg)                                                                             \
    do {                                                                                           \
        unsigned n_ = undef_count;                                                                 \
        uint64_t v_;                                                                               \
        __asm__ volatile("mov %0, #0x5a\n\tmrs %0, " reg : "=&r"(v_) : : "memory");                \
        check(name, undef_count == n_ && v_ == 0);                                                 \
    } while (0)

int main(void)
{
    unsigned before = undef_count;
    __asm__ volatile("mrs x9, cntp_ctl_el0\n\tmsr cntp_cval_el0, xzr" ::: "x9");
    check("CNTP_CTL_EL0 / CNTP_CVAL_EL0 emulated, not refused", undef_count == before);
    TRY("ACTLR_EL1 write refused with undef", "msr actlr_el1, xzr");

    RAZ("PMCR_EL0 reads as zero (N = 0)", "pmcr_el0");
    RAZ("PMCCNTR_EL0 reads as zero", "pmccntr_el0");
    RAZ("PMEVTYPER0_EL0 reads as zero", "pmevtyper0_el0");
    RAZ("PMINTENSET_EL1 reads as zero", "pmintenset_el1");
    /* Linux's early CPU setup: msr pmuserenr_el0, xzr. Then a write that
     * would enable the cycle counter is ignored. */
    unsigned n = undef_count;
    uint64_t en = 1ull << 31;
    __asm__ volatile("msr pmuserenr_el0, xzr\n\tmsr pmcntenset_el0, %0\n\tisb" : : "r"(en));
    check("PMUSERENR_EL0/PMCNTENSET_EL0 writes complete", undef_count == n);
    RAZ("PMCNTENSET_EL0 write ignored", "pmcntenset_el0");

    /* The virtual timer is the guest's own: no trap. */
    uint64_t ctl, cnt;
    n = undef_count;
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tmrs %0, cntv_ctl_el0\n\tmrs %1, cntvct_el0"
                     : "=r"(ctl), "=r"(cnt));
    check("virtual timer usable without traps", undef_count == n && ctl == 0);
    return 0;
}
