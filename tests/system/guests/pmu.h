/*
 * The PMU armvisor gives a guest (core/vpmu.c), seen from the guest; shared
 * by the A64 and A32 guests (a64/pmu.c, a32/pmu.c), which include their
 * cpu_ops.h (the CPU primitives: IRQ masking, WFI/WFE/SEV, the virtual
 * counter, PSCI, the CPU_ON entry) and guest.h, and define before including
 * it:
 *   PMU_REGS(X)                    X(enum pmu_r, its register) for each
 *   PMU_RD(reg), PMU_WR(reg, v)    read / write one, then an ISB
 *   pmu_version()                  ID_AA64DFR0_EL1.PMUVer / ID_DFR0.PerfMon
 *   PMU_VERSION_OK(v)              the version is a PMU armvisor gives
 *   PMU_PMCR_LC                    PMCR.LC on AArch64, 0 on AArch32
 *   pmu_loop(n)                    n iterations of a 2-instruction loop
 *   pmu_hvc_ping()                 armvisor's ping call (HVC), checked
 * Its IRQ vector calls guest_irq (defined here).
 *
 * Run under QEMU's -icount shift=0: one instruction is one nanosecond of
 * guest time, and QEMU's cycle counter counts nanoseconds (1 GHz), at every
 * EL its filter lets it count; CNTVCT counts at 62.5 MHz whatever the EL,
 * 16 ns a tick. So over a stretch of guest code, PMCCNTR / (16 * CNTVCT) is
 * the share of the time spent at EL1: about 1 for a loop, small for a loop
 * of HVCs, whose time is mostly armvisor's (hundreds of instructions at EL2
 * each, README "Benchmarks"). The checks:
 *  1. the PMU is advertised (ID registers) and PMCR.N names its counters;
 *  2. the cycle counter counts a loop (>= 2 cycles per iteration, and at
 *     least 90 % of the elapsed time);
 *  3. over HVC round trips it counts only the guest's part: under 25 % of
 *     the elapsed time, and under 40 cycles per round trip, also after the
 *     guest asked for EL2 counting (PMCCFILTR.NSH, which reads back 0);
 *  4. event counter 0 counts CPU_CYCLES; a counter beyond PMCR.N is
 *     refused with an UNDEF (pmu_refused_read; not with PMU_SKIP_REFUSED);
 *  5. overflow: the cycle counter, then event counter 0, started just below
 *     2^32 with their interrupt enabled, raise PPI 23 once each; the handler
 *     sees the overflow flag, clears it, and no second interrupt follows
 *     (for the event counter the guest makes exits while it waits: see
 *     wait_irqs);
 *  6. two vCPUs' counters are independent: vCPU 1 starts its cycle counter
 *     and waits in WFI while vCPU 0 runs a long loop, then vCPU 1 reads its
 *     own counter: it moved by its own few instructions, not vCPU 0's.
 */
#ifndef GUEST_PMU_H
#define GUEST_PMU_H

#include <stdint.h>

#include "core/pmu_regs.h"
#include "gic_guest.h"

enum pmu_r {
    P_PMCR,
    P_CNTENSET,
    P_CNTENCLR,
    P_INTENSET,
    P_INTENCLR,
    P_OVSSET,
    P_OVSCLR,
    P_SELR,
    P_XEVTYPER,
    P_XEVCNTR,
    P_CCNTR,
    P_USERENR,
};

/* The PMU register r, read or written (an ISB after each), through the
 * guest's table (PMU_REGS). */
#define PMU_GET_CASE(id, reg)                                                                      \
    case id:                                                                                       \
        return PMU_RD(reg);
#define PMU_SET_CASE(id, reg)                                                                      \
    case id:                                                                                       \
        PMU_WR(reg, v);                                                                            \
        break;

static uint64_t pmu_get(enum pmu_r r)
{
    switch (r) {
        PMU_REGS(PMU_GET_CASE)
    }
    return 0;
}

static void pmu_set(enum pmu_r r, uint64_t v)
{
    switch (r) {
        PMU_REGS(PMU_SET_CASE)
    }
}

/* Read r expecting an UNDEF: true if exactly one was taken. */
static int pmu_refused_read(enum pmu_r r)
{
    unsigned before = undef_count;
    sync_quiet = 1;
    (void)pmu_get(r);
    sync_quiet = 0;
    return undef_count == before + 1;
}

/* Counter differences wrap at the counter's width (32 bits for AArch32's
 * PMCCNTR through MRC). */
#ifndef PMU_CNT_MASK
#define PMU_CNT_MASK (~0ull)
#endif
#define CNT_DIFF(a, b) (((a) - (b)) & PMU_CNT_MASK)

#define INTID_PMU   23u
#define PMU_LOOP    100000u /* iterations: 200,000 instructions */
#define PMU_HVCS    1000u
#define PMU_TICK_NS 16u /* CNTVCT at 62.5 MHz against 1 ns per instruction */

static volatile uint32_t pmu_irqs, pmu_sgis, pmu_last_iar, pmu_ovs_seen;

void guest_irq(void)
{
    uint32_t iar = rd32(GICC + GICC_IAR);
    pmu_last_iar = iar;
    if ((iar & 0x3ff) == INTID_PMU) {
        uint32_t ovs = (uint32_t)pmu_get(P_OVSCLR);
        pmu_ovs_seen |= ovs;
        pmu_set(P_OVSCLR, ovs); /* lowers the level before the EOI */
        pmu_irqs++;
    } else if ((iar & 0x3ff) < 16) {
        pmu_sgis++;
    }
    if ((iar & 0x3ff) < 1020)
        wr32(GICC + GICC_EOIR, iar);
}

static void put_num(const char *what, uint64_t v)
{
    put_str(what);
    put_dec(v);
    put_str("\n");
}

/* The cycle counter alone on, from zero. */
static void cycles_start(uint32_t filter)
{
    pmu_set(P_PMCR, 0);
    pmu_set(P_SELR, PMU_CYCLE_IDX);
    pmu_set(P_XEVTYPER, filter);
    pmu_set(P_CNTENCLR, ~0u);
    pmu_set(P_CNTENSET, PMU_CYCLE_BIT);
    pmu_set(P_PMCR, PMCR_E | PMCR_C | PMCR_P | PMU_PMCR_LC);
}

/* Cycles and elapsed guest time (ns) over n HVC round trips. */
static void measure_hvcs(uint64_t *cycles, uint64_t *ns)
{
    uint64_t c0 = pmu_get(P_CCNTR), t0 = cpu_vcount();
    for (unsigned i = 0; i < PMU_HVCS; i++)
        pmu_hvc_ping();
    uint64_t c1 = pmu_get(P_CCNTR), t1 = cpu_vcount();
    *cycles = CNT_DIFF(c1, c0);
    *ns = (t1 - t0) * PMU_TICK_NS;
}

static void check_cycles(void)
{
    cycles_start(0);
    uint64_t c0 = pmu_get(P_CCNTR), t0 = cpu_vcount();
    pmu_loop(PMU_LOOP);
    uint64_t c1 = pmu_get(P_CCNTR), t1 = cpu_vcount();
    uint64_t dc = CNT_DIFF(c1, c0), ns = (t1 - t0) * PMU_TICK_NS;
    put_num("pmu: loop of 200000 instructions: cycles ", dc);
    put_num("pmu: loop: elapsed ns ", ns);
    check("cycle counter counts the guest's loop", dc >= 2 * PMU_LOOP && dc * 10 >= ns * 9);

    uint64_t hc, hns;
    measure_hvcs(&hc, &hns);
    put_num("pmu: 1000 HVC round trips: guest cycles ", hc);
    put_num("pmu: 1000 HVC round trips: elapsed ns ", hns);
    check("hypervisor time not counted (HVC round trips)",
          hc * 4 < hns && hc < 40u * PMU_HVCS && hns > 200u * PMU_HVCS);

    /* Ask for EL2 counting: the guest has no EL2, NSH is RES0 for it. */
    pmu_set(P_SELR, PMU_CYCLE_IDX);
    pmu_set(P_XEVTYPER, PMEVTYPER_NSH);
    check("PMCCFILTR.NSH reads 0", (pmu_get(P_XEVTYPER) & PMEVTYPER_NSH) == 0);
    measure_hvcs(&hc, &hns);
    put_num("pmu: with NSH asked for: guest cycles ", hc);
    check("hypervisor time not counted with NSH asked for", hc * 4 < hns && hc < 40u * PMU_HVCS);

    /* The P filter: EL1 not counted, so a loop at EL1 adds nothing. */
    pmu_set(P_XEVTYPER, PMEVTYPER_P);
    c0 = pmu_get(P_CCNTR);
    pmu_loop(PMU_LOOP);
    c1 = pmu_get(P_CCNTR);
    check("PMCCFILTR.P: EL1 not counted", CNT_DIFF(c1, c0) < 1000);
    pmu_set(P_XEVTYPER, 0);
}

static void check_event_counter(unsigned n)
{
    pmu_set(P_PMCR, 0);
    pmu_set(P_SELR, 0);
    pmu_set(P_XEVTYPER, PMU_EVT_CPU_CYCLES);
    check("PMEVTYPER0 reads back CPU_CYCLES",
          (pmu_get(P_XEVTYPER) & PMEVTYPER_EVT_MASK) == PMU_EVT_CPU_CYCLES);
    pmu_set(P_XEVCNTR, 0);
    pmu_set(P_CNTENCLR, ~0u);
    pmu_set(P_CNTENSET, 1u);
    pmu_set(P_PMCR, PMCR_E);
    pmu_loop(PMU_LOOP);
    pmu_set(P_SELR, 0);
    uint64_t ev = pmu_get(P_XEVCNTR);
    put_num("pmu: event counter 0 (CPU_CYCLES) over the loop: ", ev);
    check("event counter 0 counts CPU_CYCLES", ev >= 2 * PMU_LOOP);
#ifndef PMU_SKIP_REFUSED
    pmu_set(P_SELR, n);
    check("a counter beyond PMCR.N is refused (UNDEF)", pmu_refused_read(P_XEVCNTR));
    pmu_set(P_SELR, 0);
#else
    (void)n;
    (void)pmu_refused_read;
#endif
}

/* Wait up to about 10 ms of guest time for the n-th PMU interrupt; with
 * exits, an HVC every 100 iterations. QEMU 7.2 raises the cycle counter's
 * overflow on time (a timer predicts it), but an event counter's only when
 * it next updates the PMU: an exception-level change or a PMU register
 * access (observed: without exits the interrupt came only at the guest's
 * next exit, 10 ms later). On hardware the exits change nothing. */
static int wait_irqs(uint32_t n, int exits)
{
    uint64_t t0 = cpu_vcount();
    while (pmu_irqs < n && cpu_vcount() - t0 < 625000u) {
        pmu_loop(100);
        if (exits)
            pmu_hvc_ping();
    }
    return pmu_irqs >= n;
}

static void check_overflow(void)
{
    gic_guest_on(1u << INTID_PMU);
    pmu_set(P_PMCR, 0);
    pmu_set(P_CNTENCLR, ~0u);
    pmu_set(P_OVSCLR, ~0u);
    pmu_set(P_SELR, PMU_CYCLE_IDX);
    pmu_set(P_XEVTYPER, 0);
    pmu_set(P_CCNTR, 0xffffffffu - 20000u);
    pmu_set(P_INTENSET, PMU_CYCLE_BIT);
    pmu_set(P_CNTENSET, PMU_CYCLE_BIT);
    cpu_irq_on();
    pmu_set(P_PMCR, PMCR_E); /* LC clear: overflow out of bit 31 */
    int got = wait_irqs(1, 0);
    check("cycle counter overflow: PPI 23 taken", got && (pmu_last_iar & 0x3ff) == INTID_PMU);
    check("the overflow flag was the cycle counter's", (pmu_ovs_seen & PMU_CYCLE_BIT) != 0);
    pmu_loop(50000);
    check("one interrupt per overflow", pmu_irqs == 1);

    /* Event counter 0, counting cycles, from just below 2^32. */
    pmu_set(P_CNTENCLR, PMU_CYCLE_BIT);
    pmu_set(P_INTENCLR, PMU_CYCLE_BIT);
    pmu_set(P_SELR, 0);
    pmu_set(P_XEVTYPER, PMU_EVT_CPU_CYCLES);
    pmu_set(P_XEVCNTR, 0xffffffffu - 20000u);
    pmu_ovs_seen = 0;
    pmu_set(P_INTENSET, 1u);
    pmu_set(P_CNTENSET, 1u);
    got = wait_irqs(2, 1);
    check("event counter overflow: PPI 23 taken", got && (pmu_ovs_seen & 1u));
    pmu_loop(50000);
    check("no interrupt once the flag is cleared", pmu_irqs == 2);
    cpu_irq_off();
    pmu_set(P_PMCR, 0);
    pmu_set(P_INTENCLR, ~0u);
    pmu_set(P_CNTENCLR, ~0u);
}

/* ---- Two vCPUs ------------------------------------------------------------ */

/* vCPU 1 enters at secondary_entry (CPU_ON), on the stack pmu_stacks[1],
 * and goes on in pmu_secondary. */
uint8_t pmu_stacks[2][4096] __attribute__((aligned(16)));
void secondary_entry(void);
void pmu_secondary(void);
CPU_SECONDARY_ENTRY(secondary_entry, pmu_stacks, pmu_secondary);
static volatile uint32_t sec_ready, sec_done;
static volatile uint64_t sec_c0, sec_c1;

void pmu_secondary(void)
{
    gic_guest_on(1u << 0); /* SGI 0 wakes it */
    cycles_start(0);
    sec_c0 = pmu_get(P_CCNTR);
    __asm__ volatile("" ::: "memory");
    sec_ready = 1;
    cpu_sev();
    /* Blocked in WFI (armvisor runs vCPU 0 meanwhile) until SGI 0. */
    uint64_t t0 = cpu_vcount();
    while (pmu_sgis == 0 && cpu_vcount() - t0 < 62500000u) {
        cpu_irq_on();
        cpu_wfi();
        cpu_irq_off();
    }
    sec_c1 = pmu_get(P_CCNTR);
    __asm__ volatile("" ::: "memory");
    sec_done = 1;
    cpu_sev();
    cpu_psci(PSCI_CPU_OFF, 0, 0, 0);
}

static void check_two_vcpus(void)
{
    int64_t r = cpu_psci(CPU_PSCI_CPU_ON, 1, (uintptr_t)secondary_entry, 0);
    check("vCPU 1 started", r == 0);
    uint64_t t0 = cpu_vcount();
    while (!sec_ready && cpu_vcount() - t0 < 62500000u)
        cpu_wfe();
    cycles_start(0);
    uint64_t c0 = pmu_get(P_CCNTR);
    pmu_loop(5 * PMU_LOOP);
    uint64_t mine = CNT_DIFF(pmu_get(P_CCNTR), c0);
    wr32(GICD + 0xf00u, (1u << (16 + 1)) | 0u); /* GICD_SGIR: SGI 0 to vCPU 1 */
    t0 = cpu_vcount();
    while (!sec_done && cpu_vcount() - t0 < 62500000u)
        cpu_wfe();
    uint64_t theirs = CNT_DIFF(sec_c1, sec_c0);
    put_num("pmu: vCPU 0 counted over its loop: ", mine);
    put_num("pmu: vCPU 1 counted while it waited: ", theirs);
    check("vCPU 1 woke up", sec_done);
    check("vCPU 0 counted its loop", mine >= 10 * PMU_LOOP);
    check("vCPU 1's counter did not count vCPU 0's loop", theirs < PMU_LOOP / 2);
}

int main(void)
{
    unsigned ver = pmu_version();
    put_num("pmu: PMU version ", ver);
    check("PMU advertised in the ID registers", PMU_VERSION_OK(ver));
    unsigned n = (unsigned)(pmu_get(P_PMCR) >> PMCR_N_SHIFT) & PMCR_N_MASK;
    put_num("pmu: PMCR.N ", n);
    check("PMCR.N names event counters", n >= 1);
    check_cycles();
    check_event_counter(n);
    check_overflow();
    check_two_vcpus();
    return 0;
}

#endif
