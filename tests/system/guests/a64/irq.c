/* The virtual timer's interrupt through the vGIC: the guest enables the
 * (emulated) distributor and PPI 27, and its CPU interface at QEMU virt's
 * GICC address (the hardware's virtual CPU interface, GICV, mapped there),
 * arms CNTV, unmasks IRQs and waits in WFI. The IRQ vector must run with
 * GICC_IAR = 27, after the timer's deadline; the guest masks the timer and
 * EOIs. Several rounds: each one needs the previous interrupt completed
 * (on armvisor: the physical PPI 27 deactivated by the guest's EOI); the
 * last rounds spin instead of WFI, so the interrupt arrives mid-run.
 * Afterwards nothing is pending: GICC_IAR reads the spurious ID 1023. */
#include "core/cntv_ctl.h"
#include "guest.h"
#include "../gic_guest.h"


#define ROUNDS      4
#define SPIN_ROUNDS 2

static volatile uint32_t irqs, last_iar, ctl_at_irq;
static volatile uint64_t cnt_at_irq;

static uint64_t cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

void guest_irq(void)
{
    uint32_t iar = rd32(GICC + GICC_IAR);
    last_iar = iar;
    if ((iar & 0x3ff) == INTID_VTIMER) {
        uint64_t ctl;
        __asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(ctl));
        ctl_at_irq = (uint32_t)ctl;
        cnt_at_irq = cntvct();
        /* Mask the level-sensitive source before the EOI, as Linux does. */
        __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)(CNTV_CTL_ENABLE | CNTV_CTL_IMASK)));
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

    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uint64_t tval = freq / 1000; /* 1 ms */

    /* Rounds 0-3 wait in WFI (trapped: armvisor idles until the timer's
     * physical interrupt), rounds 4-5 spin, so the interrupt arrives while
     * the guest runs (an IRQ exit to EL2, then the list register). */
    for (unsigned round = 0; round < ROUNDS + SPIN_ROUNDS; round++) {
        uint32_t before = irqs;
        uint64_t start = cntvct();
        __asm__ volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(tval),
                         "r"((uint64_t)CNTV_CTL_ENABLE));
        __asm__ volatile("msr daifclr, #2" ::: "memory");
        /* Bounded: a lost interrupt fails the check instead of hanging. */
        while (irqs == before && cntvct() - start < freq)
            if (round < ROUNDS)
                __asm__ volatile("wfi" ::: "memory");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        check("timer irq 27 taken", irqs == before + 1 && (last_iar & 0x3ff) == INTID_VTIMER);
        check("timer condition met when taken",
              (ctl_at_irq & CNTV_CTL_ISTATUS) && cnt_at_irq - start >= tval);
    }
    __asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb");
    check("nothing pending afterwards: GICC_IAR spurious",
          (rd32(GICC + GICC_IAR) & 0x3ff) == INTID_SPURIOUS);
    return 0;
}
