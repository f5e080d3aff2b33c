/*
 * The EL1 / PL1 physical timer, which armvisor emulates per vCPU
 * (core/ptimer.c), seen from a guest; shared by the A64 and A32 guests
 * (a64/ptimer.c, a32/ptimer.c), which include their cpu_ops.h (cpu_ptimer_*:
 * the timer's registers) and guest.h, and define PTIMER_SUFFIX, how their
 * register names end in the check lines ("_EL0" on AArch64). Its registers
 * trap and are answered (no UNDEF), and its interrupt, PPI 30, arrives
 * through the vGIC at the programmed time, both while the guest waits in
 * WFI (armvisor idles until the deadline on its own EL2 / Hyp timer) and
 * while it spins (that timer ends the run). With the virtual timer armed
 * later, the physical one still comes first, then the virtual one. Arm ARM
 * D11.2.4, ARMv7-A ARM B8.1.5: ISTATUS reads the condition while ENABLE is
 * set; TVAL reads CVAL - CNTPCT.
 */
#ifndef GUESTS_PTIMER_H
#define GUESTS_PTIMER_H

#include <stdint.h>

#include "gic_guest.h"

#define WFI_ROUNDS  3
#define SPIN_ROUNDS 2

static volatile uint32_t pirqs, virqs, last_iar, ctl_at_irq;
static volatile uint64_t cnt_at_irq;

void guest_irq(void)
{
    uint32_t iar = rd32(GICC + GICC_IAR);
    unsigned id = iar & 0x3ff;
    last_iar = iar;
    if (id == INTID_PTIMER) {
        ctl_at_irq = cpu_ptimer_ctl();
        cnt_at_irq = cpu_pcount();
        /* Mask the level-sensitive source before the EOI, as Linux does. */
        cpu_ptimer_ctl_write(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        pirqs++;
    } else if (id == INTID_VTIMER) {
        cpu_vtimer_ctl_write(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        virqs++;
    }
    if (id < 1020)
        wr32(GICC + GICC_EOIR, iar);
}

int main(void)
{
    gic_guest_on((1u << INTID_PTIMER) | (1u << INTID_VTIMER));

    uint64_t freq = cpu_freq();
    uint32_t tval = (uint32_t)(freq / 1000); /* 1 ms */

    /* The registers: no UNDEF, values as the architecture says. */
    unsigned n = undef_count;
    uint64_t cval = cpu_pcount() + freq;
    cpu_ptimer_cval_write(cval);
    check("CNTP_CVAL" PTIMER_SUFFIX " written and read back",
          cpu_ptimer_cval() == cval && undef_count == n);
    cpu_ptimer_ctl_write(CNTV_CTL_ENABLE);
    check("CNTP_CTL" PTIMER_SUFFIX ": enabled, condition not met",
          cpu_ptimer_ctl() == CNTV_CTL_ENABLE);
    uint32_t t = cpu_ptimer_tval();
    check("CNTP_TVAL" PTIMER_SUFFIX " counts down from CVAL", t > 0 && t <= freq);
    cpu_ptimer_cval_write(0);
    check("CNTP_CTL" PTIMER_SUFFIX ".ISTATUS once CVAL has passed",
          cpu_ptimer_ctl() & CNTV_CTL_ISTATUS);
    cpu_ptimer_ctl_write(0);
    check("no physical timer access refused", undef_count == n);

    /* Rounds in WFI (armvisor idles until its own timer fires at the
     * deadline), then rounds that spin (that timer ends the run). */
    for (unsigned round = 0; round < WFI_ROUNDS + SPIN_ROUNDS; round++) {
        uint32_t before = pirqs;
        uint64_t start = cpu_pcount();
        cpu_ptimer_tval_write(tval);
        cpu_ptimer_ctl_write(CNTV_CTL_ENABLE);
        cpu_irq_on();
        /* Bounded: a lost interrupt fails the check instead of hanging. */
        while (pirqs == before && cpu_pcount() - start < freq)
            if (round < WFI_ROUNDS)
                cpu_wfi();
        cpu_irq_off();
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
    uint64_t start = cpu_pcount();
    cpu_vtimer_arm(100ull * tval);
    cpu_ptimer_tval_write(tval);
    cpu_ptimer_ctl_write(CNTV_CTL_ENABLE);
    cpu_irq_on();
    while (pirqs == p0 && virqs == v0 && cpu_pcount() - start < freq)
        cpu_wfi();
    check("both armed: the earlier (physical) deadline first", pirqs == p0 + 1 && virqs == v0);
    while (virqs == v0 && cpu_pcount() - start < freq)
        cpu_wfi();
    cpu_irq_off();
    check("then the virtual timer's", virqs == v0 + 1 && cpu_pcount() - start >= 100ull * tval);
    cpu_vtimer_off();
    cpu_ptimer_ctl_write(0);
    check("nothing pending afterwards: GICC_IAR spurious",
          (rd32(GICC + GICC_IAR) & 0x3ff) == INTID_SPURIOUS);
    return 0;
}

#endif
