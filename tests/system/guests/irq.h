/*
 * The virtual timer's interrupt through the vGIC, seen from a guest; shared
 * by the A64 and A32 guests (a64/irq.c, a32/irq.c), which include their
 * cpu_ops.h and guest.h before it. The guest enables the (emulated)
 * distributor and PPI 27, and its CPU interface at QEMU virt's GICC address
 * (the hardware's virtual CPU interface, GICV, mapped there), arms CNTV,
 * unmasks IRQs and waits in WFI. The IRQ vector must run with GICC_IAR =
 * 27, after the timer's deadline; the guest masks the timer and EOIs.
 * Several rounds: each one needs the previous interrupt completed (on
 * armvisor: the physical PPI 27 deactivated by the guest's EOI); the last
 * rounds spin instead of WFI, so the interrupt arrives mid-run. Then a
 * timer that fires again before its EOI: the handler sets the deadline to
 * now and waits until the timer's condition holds again before it EOIs;
 * the second interrupt must come while the guest spins with no exit of its
 * own (QEMU 7.2 loses it when the EOI deactivates the physical PPI through
 * GICH_LR.HW: core/vgic_lr.c). Afterwards nothing is pending: GICC_IAR
 * reads the spurious ID 1023.
 */
#ifndef GUESTS_IRQ_H
#define GUESTS_IRQ_H

#include <stdint.h>

#include "gic_guest.h"

#define ROUNDS      4
#define SPIN_ROUNDS 2

static volatile uint32_t irqs, last_iar, ctl_at_irq;
static volatile uint64_t cnt_at_irq;
static volatile uint32_t refire; /* the next interrupt re-arms for now */

void guest_irq(void)
{
    uint32_t iar = rd32(GICC + GICC_IAR);
    last_iar = iar;
    if ((iar & 0x3ff) == INTID_VTIMER) {
        ctl_at_irq = cpu_vtimer_ctl();
        cnt_at_irq = cpu_vcount();
        if (refire) {
            /* Due again at once: its line is high again before the EOI. */
            refire = 0;
            cpu_vtimer_arm_at(cpu_vcount());
            while (!(cpu_vtimer_ctl() & CNTV_CTL_ISTATUS))
                ;
        } else {
            /* Mask the level-sensitive source before the EOI, as Linux does. */
            cpu_vtimer_ctl_write(CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
        }
        irqs++;
    }
    if ((iar & 0x3ff) < 1020)
        wr32(GICC + GICC_EOIR, iar);
}

int main(void)
{
    wr32(GICD + GICD_CTLR, 1);
    wr32(GICD + GICD_ISENABLER0, 1u << INTID_VTIMER);
    check("PPI 27 enabled", (rd32(GICD + GICD_ISENABLER0) >> INTID_VTIMER) & 1);
    wr32(GICC + GICC_PMR, 0xf0);
    wr32(GICC + GICC_CTLR, 1);
    check("GICC_PMR reads back", rd32(GICC + GICC_PMR) == 0xf0);

    uint64_t freq = cpu_freq();
    uint64_t tval = freq / 1000; /* 1 ms */

    /* Rounds 0-3 wait in WFI (trapped: armvisor idles until the timer's
     * physical interrupt), rounds 4-5 spin, so the interrupt arrives while
     * the guest runs (an IRQ exit to EL2 / Hyp mode, then the list
     * register). */
    for (unsigned round = 0; round < ROUNDS + SPIN_ROUNDS; round++) {
        uint32_t before = irqs;
        uint64_t start = cpu_vcount();
        cpu_vtimer_arm(tval);
        cpu_irq_on();
        /* Bounded: a lost interrupt fails the check instead of hanging. */
        while (irqs == before && cpu_vcount() - start < freq)
            if (round < ROUNDS)
                cpu_wfi();
        cpu_irq_off();
        check("timer irq 27 taken", irqs == before + 1 && (last_iar & 0x3ff) == INTID_VTIMER);
        check("timer condition met when taken",
              (ctl_at_irq & CNTV_CTL_ISTATUS) && cnt_at_irq - start >= tval);
    }

    /* Fired again before its EOI: taken again while spinning. */
    uint32_t before = irqs;
    uint64_t start = cpu_vcount();
    refire = 1;
    cpu_vtimer_arm(tval);
    cpu_irq_on();
    while (irqs < before + 2 && cpu_vcount() - start < freq)
        ;
    cpu_irq_off();
    check("timer firing again before its EOI taken again while spinning", irqs == before + 2);

    cpu_vtimer_off();
    check("nothing pending afterwards: GICC_IAR spurious",
          (rd32(GICC + GICC_IAR) & 0x3ff) == INTID_SPURIOUS);
    return 0;
}

#endif
