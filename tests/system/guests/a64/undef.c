/* System-register accesses armvisor traps and refuses must raise UNDEF in
 * the guest (ESR_EL1 EC 0x00, ELR_EL1 the instruction): ACTLR_EL1
 * (HCR_EL2.TACR). The EL1 physical timer traps too (CNTHCTL_EL2.EL1PCEN =
 * 0) but is emulated (core/ptimer.c, the ptimer guest): no UNDEF. The PMU
 * is trapped too (MDCR_EL2.TPM/TPMCR) but answered: the host's PMU, given
 * to the guest (core/vpmu.c; the pmu guest tests it), no exception. */
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

/* A PMU register read into out. */
#define PMU_READ(reg, out) __asm__ volatile("mrs %0, " reg : "=r"(out) : : "memory")

int main(void)
{
    unsigned before = undef_count;
    __asm__ volatile("mrs x9, cntp_ctl_el0\n\tmsr cntp_cval_el0, xzr" ::: "x9");
    check("CNTP_CTL_EL0 / CNTP_CVAL_EL0 emulated, not refused", undef_count == before);
    TRY("ACTLR_EL1 write refused with undef", "msr actlr_el1, xzr");

    unsigned n = undef_count;
    uint64_t pmcr, evtyper, inten, cnten;
    PMU_READ("pmcr_el0", pmcr);
    PMU_READ("pmevtyper0_el0", evtyper);
    PMU_READ("pmintenset_el1", inten);
    check("PMU registers answered, no exception", undef_count == n);
    check("PMCR_EL0.N names the host's counters", ((pmcr >> 11) & 0x1f) >= 1);
    check("PMEVTYPER0_EL0 and PMINTENSET_EL1 read their reset value 0", evtyper == 0 && inten == 0);
    /* Linux's early CPU setup: msr pmuserenr_el0, xzr. Then the cycle
     * counter enabled, and disabled again. */
    uint64_t en = 1ull << 31;
    __asm__ volatile("msr pmuserenr_el0, xzr\n\tmsr pmcntenset_el0, %0\n\tisb" : : "r"(en));
    check("PMUSERENR_EL0/PMCNTENSET_EL0 writes complete", undef_count == n);
    PMU_READ("pmcntenset_el0", cnten);
    check("PMCNTENSET_EL0 write takes effect", cnten == en);
    __asm__ volatile("msr pmcntenclr_el0, %0\n\tisb" : : "r"(en));

    /* The virtual timer is the guest's own: no trap. */
    uint64_t ctl, cnt;
    n = undef_count;
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tmrs %0, cntv_ctl_el0\n\tmrs %1, cntvct_el0"
                     : "=r"(ctl), "=r"(cnt));
    check("virtual timer usable without traps", undef_count == n && ctl == 0);
    return 0;
}
