/*
 * Interrupts between two vCPUs of one VM (issue 9), shared by the A64 and
 * A32 bench guests (ipi_a64.c, ipi_a32.c), which include their test
 * guests' cpu_ops.h (tests/system/guests/{a64,a32}: IRQ masking, WFI, SEV,
 * the physical counter and its frequency, the EL1 virtual timer, MPIDR
 * Aff0, PSCI, the CPU_ON entry) and guest.h before it. The physical counter
 * (CNTPCT) times: every vCPU reads the same clock (their virtual counters
 * have offsets of their own). Its IRQ vector calls guest_irq (defined
 * here).
 *
 * vCPU 0 starts vCPU 1 (PSCI CPU_ON), then measures, over BENCH_ITERS rounds
 * after BENCH_WARMUP untimed ones:
 *   ipi-round-trip  SGI 1 to vCPU 1 through GICD_SGIR, whose handler sends
 *                   SGI 2 back; from the write to the return of vCPU 0's
 *                   handler. Both wait in WFI (blocked in armvisor until
 *                   the SGI: QEMU 7.2 never traps WFE, so a WFE wait would
 *                   hold a shared CPU for a whole time slice).
 *   ipi-wake        SGI 3 to vCPU 1 while it is blocked in WFI, from the
 *                   write to the first instruction of its handler. vCPU 0
 *                   naps on its virtual timer meanwhile, so vCPU 1 reaches
 *                   its WFI first wherever it runs.
 * Where the two vCPUs run is armvisor's choice (its log says; until vCPUs
 * are placed on several physical CPUs, both share the boot CPU and the
 * figures include switching between them). A count that shows an SGI lost
 * or doubled is a FAIL, not a number; a lost one hangs the run, which the
 * harness's timeout fails.
 */
#ifndef BENCH_EXITS_IPI_BENCH_H
#define BENCH_EXITS_IPI_BENCH_H

#include <stdint.h>

#include "gic_bench.h"
#include "report.h"

#define IPI_SGI_PING 1u
#define IPI_SGI_PONG 2u
#define IPI_SGI_WAKE 3u
#define IPI_ROUNDS   (BENCH_WARMUP + BENCH_ITERS)
/* After vCPU 1 says it goes to WFI, vCPU 0 naps this long (ticks) so the
 * WFI has trapped and blocked it before the SGI is sent. */
#define IPI_SETTLE_TICKS 256u
#define IPI_VTIMER_INTID 27u

/* vCPU 1 enters at ipi_secondary_entry (CPU_ON), on the stack
 * ipi_stacks[1], and goes on in ipi_secondary. */
uint8_t ipi_stacks[2][4096] __attribute__((aligned(16)));
void ipi_secondary_entry(void);
void ipi_secondary(void);
CPU_SECONDARY_ENTRY(ipi_secondary_entry, ipi_stacks, ipi_secondary);

static volatile uint32_t pongs, pings, wakes, bad_irqs;
static volatile uint64_t wake_at;
static volatile uint32_t v1_up, v1_stop, v1_waiting;

/* IRQs unmasked, and one pending taken at once (the ISB). */
static void ipi_irq_on(void)
{
    cpu_irq_on();
    cpu_isb();
}

static void ipi_send(unsigned target, unsigned sgi)
{
    bg_wr(BG_GICD + BG_GICD_SGIR, (1u << (16 + target)) | sgi);
}

void guest_irq(void)
{
    uint32_t iar = bg_rd(BG_GICC + BG_GICC_IAR), id = iar & 0x3ff;
    if (id >= 1020)
        return;
    unsigned me = cpu_aff0();
    if (me == 1 && id == IPI_SGI_WAKE) {
        wake_at = cpu_pcount();
        wakes++;
    } else if (me == 1 && id == IPI_SGI_PING) {
        pings++;
        ipi_send(0, IPI_SGI_PONG);
    } else if (me == 0 && id == IPI_SGI_PONG) {
        pongs++;
    } else if (me == 0 && id == IPI_VTIMER_INTID) {
        cpu_vtimer_off(); /* a nap's timer, taken after the nap: done */
    } else {
        bad_irqs++;
    }
    bg_wr(BG_GICC + BG_GICC_EOIR, iar);
    cpu_sev();
}

/* Block in WFI until *p != old: masked, so an interrupt that comes before
 * the WFI ends it rather than being taken first (a WFI wakes on a pending
 * interrupt even when masked), then taken between unmask and mask. */
static void ipi_wait_change(volatile uint32_t *p, uint32_t old)
{
    cpu_irq_off();
    while (*p == old) {
        cpu_wfi();
        ipi_irq_on();
        cpu_irq_off();
    }
    ipi_irq_on();
}

/* Block in WFI for about ticks, on the virtual timer (PPI 27). */
static void ipi_nap(uint32_t ticks)
{
    cpu_irq_off();
    cpu_vtimer_arm(ticks);
    while (!(cpu_vtimer_ctl() & CNTV_CTL_ISTATUS))
        cpu_wfi();
    cpu_vtimer_off();
    ipi_irq_on();
}

static void ipi_gic_cpu_on(void)
{
    bg_wr(BG_GICD + BG_GICD_ISENABLER0, (1u << IPI_SGI_PING) | (1u << IPI_SGI_PONG) |
                                            (1u << IPI_SGI_WAKE) | (1u << IPI_VTIMER_INTID));
    bg_wr(BG_GICC + BG_GICC_PMR, 0xf0);
    bg_wr(BG_GICC + BG_GICC_CTLR, 1);
}

/* vCPU 1: block in WFI, taking what comes (pings answered, wake-ups
 * timed), until told to stop. */
void ipi_secondary(void)
{
    ipi_gic_cpu_on();
    v1_up = 1;
    cpu_sev();
    cpu_irq_off();
    while (!v1_stop) {
        v1_waiting = wakes + 1; /* the wake-up it is about to wait for */
        cpu_wfi();
        ipi_irq_on();
        cpu_irq_off();
    }
    bg_wr(BG_GICC + BG_GICC_CTLR, 0);
    cpu_psci(PSCI_CPU_OFF, 0, 0, 0);
    for (;;)
        cpu_wfi();
}

static uint64_t ipi_round_trips(void)
{
    uint64_t t0 = 0;
    for (uint32_t i = 0; i < IPI_ROUNDS; i++) {
        if (i == BENCH_WARMUP)
            t0 = cpu_pcount();
        uint32_t before = pongs;
        ipi_send(1, IPI_SGI_PING);
        ipi_wait_change(&pongs, before);
    }
    return cpu_pcount() - t0;
}

static uint64_t ipi_wake_latency(void)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < IPI_ROUNDS; i++) {
        uint32_t before = wakes;
        do
            ipi_nap(IPI_SETTLE_TICKS);
        while (v1_waiting != before + 1);
        uint64_t t0 = cpu_pcount();
        ipi_send(1, IPI_SGI_WAKE);
        while (wakes == before)
            ipi_nap(IPI_SETTLE_TICKS);
        if (i >= BENCH_WARMUP)
            sum += wake_at - t0;
    }
    return sum;
}

int main(void)
{
    const char *arch = BENCH_ARCH;
    uint64_t frq = cpu_freq();
    /* No bench_header: the exit-path guest of this arch prints it. */
    bg_wr(BG_GICD + BG_GICD_CTLR, 1);
    ipi_gic_cpu_on();
    ipi_irq_on();
    check("ipi: CPU_ON of vCPU 1",
          cpu_psci(CPU_PSCI_CPU_ON, 1, (uintptr_t)ipi_secondary_entry, 1) == 0);
    while (!v1_up)
        ipi_nap(IPI_SETTLE_TICKS);

    uint64_t t = ipi_round_trips();
    bench_line(arch, "ipi-round-trip", t, 0, frq,
               "(SGI to vCPU 1, its SGI back; vCPU 0 to its handler)");
    check("ipi-round-trip: every SGI answered once", pongs == IPI_ROUNDS && pings == IPI_ROUNDS);

    t = ipi_wake_latency();
    bench_line(arch, "ipi-wake", t, 0, frq, "(SGI to vCPU 1 blocked in WFI, to its handler)");
    check("ipi-wake: every wake-up taken once", wakes == IPI_ROUNDS);
    check("ipi: no unexpected interrupt", bad_irqs == 0);

    v1_stop = 1;
    ipi_send(1, IPI_SGI_WAKE); /* out of its WFI */
    return 0;
}

#endif
