/* The EL1 physical timer (CNTP_*), which armvisor emulates per vCPU
 * (core/ptimer.c): its registers trap and are answered (no UNDEF), and its
 * interrupt, PPI 30, arrives through the vGIC at the programmed time, both
 * while the guest waits in WFI (armvisor idles until the deadline on its
 * own EL2 timer) and while it spins (the EL2 timer ends the run). With the
 * virtual timer armed later, the physical one still comes first, then the
 * virtual one. Arm ARM D11.2.4: ISTATUS reads the condition while ENABLE is
 * set; TVAL reads CVAL - CNTPCT. */
#include "core/cntv_ctl.h"
#include "guest.h"
#include "../gic_guest.h"

#define WFI_ROUNDS  3
#define SPIN_ROUNDS 2

static volatile uint32_t pirqs, virqs, last_iar, ctl_at_irq;
static volatile uint64_t cnt_at_irq;

static uint64_t cntpct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v));
    return v;
}

static uint64_t cntp_ctl(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(v));
    return v;
}

void guest_irq(void)
{
    uint32_t iar = rd32(GICC + GICC_IAR);
    unsigned id = iar & 0x3ff;
    last_iar = iar;
    if (id == INTID_PTIMER) {
        ctl_at_irq = (uint32_t)cntp_ctl();
        cnt_at_irq = cntpct();
        /* Mask the level-sensitive source before the EOI, as Linux does. */
        __asm__ volatile("msr cntp_ctl_el0, %0" ::"r"((uint64_t)(CNTV_CTL_ENABLE | CNTV_CTL_IMASK)));
        pirqs++;
    } else if (id == INTID_VTIMER) {
        __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)(CNTV_CTL_ENABLE | CNTV_CTL_IMASK)));
        virqs++;
    }
    if (id < 1020)
        wr32(GICC + GICC_EOIR, iar);
}

int main(void)
{
    gic_guest_on((1u << INTID_PTIMER) | (1u << INTID_VTIMER));

    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uint64_t tval = freq / 1000; /* 1 ms */

    /* The registers: no UNDEF, values as the architecture says. */
    unsigned n = undef_count;
    uint64_t cval = cntpct() + freq, rb, t;
    __asm__ volatile("msr cntp_cval_el0, %0" ::"r"(cval));
    __asm__ volatile("mrs %0, cntp_cval_el0" : "=r"(rb));
    check("CNTP_CVAL_EL0 written and read back", rb == cval && undef_count == n);
    __asm__ volatile("msr cntp_ctl_el0, %0" ::"r"((uint64_t)CNTV_CTL_ENABLE));
    check("CNTP_CTL_EL0: enabled, condition not met", cntp_ctl() == CNTV_CTL_ENABLE);
    __asm__ volatile("mrs %0, cntp_tval_el0" : "=r"(t));
    check("CNTP_TVAL_EL0 counts down from CVAL", t > 0 && t <= freq);
    __asm__ volatile("msr cntp_cval_el0, xzr");
    check("CNTP_CTL_EL0.ISTATUS once CVAL has passed", cntp_ctl() & CNTV_CTL_ISTATUS);
    __asm__ volatile("msr cntp_ctl_el0, xzr");
    check("no physical timer access refused", undef_count == n);

    /* Rounds in WFI (armvisor idles until its EL2 timer fires at the
     * deadline), then rounds that spin (the EL2 timer ends the run). */
    for (unsigned round = 0; round < WFI_ROUNDS + SPIN_ROUNDS; round++) {
        uint32_t before = pirqs;
        uint64_t start = cntpct();
        __asm__ volatile("msr cntp_tval_el0, %0\n\tmsr cntp_ctl_el0, %1" ::"r"(tval),
                         "r"((uint64_t)CNTV_CTL_ENABLE));
        __asm__ volatile("msr daifclr, #2" ::: "memory");
        /* Bounded: a lost interrupt fails the check instead of hanging. */
        while (pirqs == before && cntpct() - start < freq)
            if (round < WFI_ROUNDS)
                __asm__ volatile("wfi" ::: "memory");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        check(round < WFI_ROUNDS ? "physical timer irq 30 taken in WFI"
                                 : "physical timer irq 30 taken while running",
              pirqs == before + 1 && (last_iar & 0x3ff) == INTID_PTIMER);
        check("not before the programmed time, condition met",
              (ctl_at_irq & CNTV_CTL_ISTATUS) && cnt_at_irq - start >= tval);
    }

    /* Both timers: the physical one at 1 ms, the virtual one at 100 ms
     * (far enough that a loaded host running QEMU does not deliver both at
     * once: the GIC would then give the lower INTID, 27, first). The wait
     * ends at the earlier deadline, then the later one. */
    uint32_t p0 = pirqs, v0 = virqs;
    uint64_t start = cntpct();
    __asm__ volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(100 * tval),
                     "r"((uint64_t)CNTV_CTL_ENABLE));
    __asm__ volatile("msr cntp_tval_el0, %0\n\tmsr cntp_ctl_el0, %1" ::"r"(tval),
                     "r"((uint64_t)CNTV_CTL_ENABLE));
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    while (pirqs == p0 && virqs == v0 && cntpct() - start < freq)
        __asm__ volatile("wfi" ::: "memory");
    check("both armed: the earlier (physical) deadline first", pirqs == p0 + 1 && virqs == v0);
    while (virqs == v0 && cntpct() - start < freq)
        __asm__ volatile("wfi" ::: "memory");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    check("then the virtual timer's", virqs == v0 + 1 && cntpct() - start >= 100 * tval);
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tmsr cntp_ctl_el0, xzr\n\tisb");
    check("nothing pending afterwards: GICC_IAR spurious",
          (rd32(GICC + GICC_IAR) & 0x3ff) == INTID_SPURIOUS);
    return 0;
}
