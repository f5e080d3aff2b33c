/* The PL1 / EL1 physical timer through cp15 (CNTP_CTL, CNTP_TVAL: MRC/MCR
 * p15, 0, c14, c2, {1, 0}; CNTP_CVAL: MRRC/MCRR p15, 2, c14), which
 * armvisor emulates per vCPU (core/ptimer.c): the accesses trap and are
 * answered, and PPI 30 arrives through the vGIC at the programmed time,
 * in WFI (armvisor idles on its Hyp / EL2 timer until the deadline) and
 * while the guest spins (that timer ends the run). ARMv7-A ARM B8.1.5. */
#include "core/cntv_ctl.h"
#include "guest.h"
#include "../gic_guest.h"

#define WFI_ROUNDS  3
#define SPIN_ROUNDS 2

static volatile uint32_t irqs, last_iar, ctl_at_irq;
static volatile uint64_t cnt_at_irq;

static uint64_t cntpct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrrc p15, 0, %Q0, %R0, c14" : "=r"(v));
    return v;
}

static uint32_t cntp_ctl(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c2, 1" : "=r"(v));
    return v;
}

static void cntp_ctl_write(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c14, c2, 1" ::"r"(v) : "memory");
}

void guest_irq(void)
{
    uint32_t iar = rd32(GICC + GICC_IAR);
    last_iar = iar;
    if ((iar & 0x3ff) == INTID_PTIMER) {
        ctl_at_irq = cntp_ctl();
        cnt_at_irq = cntpct();
        /* Mask the level-sensitive source before the EOI, as Linux does. */
        cntp_ctl_write(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        irqs++;
    }
    if ((iar & 0x3ff) < 1020)
        wr32(GICC + GICC_EOIR, iar);
}

int main(void)
{
    gic_guest_on(1u << INTID_PTIMER);

    uint32_t freq;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(freq)); /* CNTFRQ */
    uint32_t tval = freq / 1000;                                 /* 1 ms */

    uint32_t n = undef_count;
    uint64_t cval = cntpct() + freq, rb;
    __asm__ volatile("mcrr p15, 2, %Q0, %R0, c14" ::"r"(cval));
    __asm__ volatile("mrrc p15, 2, %Q0, %R0, c14" : "=r"(rb));
    check("CNTP_CVAL written and read back", rb == cval);
    cntp_ctl_write(CNTV_CTL_ENABLE);
    check("CNTP_CTL: enabled, condition not met", cntp_ctl() == CNTV_CTL_ENABLE);
    uint32_t t;
    __asm__ volatile("mrc p15, 0, %0, c14, c2, 0" : "=r"(t)); /* CNTP_TVAL */
    check("CNTP_TVAL counts down from CVAL", t > 0 && t <= freq);
    __asm__ volatile("mcrr p15, 2, %Q0, %R0, c14" ::"r"(0ull));
    check("CNTP_CTL.ISTATUS once CVAL has passed", cntp_ctl() & CNTV_CTL_ISTATUS);
    cntp_ctl_write(0);
    check("no physical timer access refused", undef_count == n);

    for (unsigned round = 0; round < WFI_ROUNDS + SPIN_ROUNDS; round++) {
        uint32_t before = irqs;
        uint64_t start = cntpct();
        __asm__ volatile("mcr p15, 0, %0, c14, c2, 0" ::"r"(tval)); /* CNTP_TVAL */
        cntp_ctl_write(CNTV_CTL_ENABLE);
        __asm__ volatile("cpsie i" ::: "memory");
        /* Bounded: a lost interrupt fails the check instead of hanging. */
        while (irqs == before && cntpct() - start < freq)
            if (round < WFI_ROUNDS)
                __asm__ volatile("wfi" ::: "memory");
        __asm__ volatile("cpsid i" ::: "memory");
        check(round < WFI_ROUNDS ? "physical timer irq 30 taken in WFI"
                                 : "physical timer irq 30 taken while running",
              irqs == before + 1 && (last_iar & 0x3ff) == INTID_PTIMER);
        check("not before the programmed time, condition met",
              (ctl_at_irq & CNTV_CTL_ISTATUS) && cnt_at_irq - start >= tval);
    }
    cntp_ctl_write(0);
    check("nothing pending afterwards: GICC_IAR spurious",
          (rd32(GICC + GICC_IAR) & 0x3ff) == INTID_SPURIOUS);
    return 0;
}
