/*
 * Several vCPUs in one VM on one or more physical CPUs (issue 9), seen from
 * a guest; shared by the A64 and A32 guests (a64/smp.c, a32/smp.c), which
 * include their cpu_ops.h (the CPU primitives: IRQ masking, WFI, the
 * virtual counter and timer, MPIDR Aff0, atomic add, PSCI, the CPU_ON
 * entry) and guest.h before it. Its IRQ vector calls guest_irq (defined
 * here); the poll timer is the EL1 virtual timer (PPI 27).
 *
 * 1. vCPU 0 starts vCPUs 1-3 with PSCI CPU_ON (context 0). Every vCPU
 *    enables its GIC CPU interface (the hardware's GICV), SGIs and its
 *    virtual timer's PPI 27, then sends SMP_ROUNDS (5,000) SGIs to each
 *    other vCPU through GICD_SGIR (10,000 a pair, 60,000 in all), one at a
 *    time per pair: the next only once the target has taken the previous
 *    (so no two are pending at once, which the GIC may merge). The SGI ID
 *    is the round number mod 16; the handler checks the ID it gets from
 *    each source is the one expected next (a lost or doubled SGI shifts
 *    it) and counts per (target, source) with exclusive load/store. Each
 *    vCPU then waits until it has taken all it should and powers off
 *    (CPU_OFF); vCPU 0 waits until AFFINITY_INFO says OFF for all three
 *    and checks every pair's count is exactly SMP_ROUNDS each way.
 * 2. SMP_CYCLES times: vCPU 0 checks AFFINITY_INFO says OFF, starts all
 *    three again (context = cycle << 8 | Aff0; a second CPU_ON of the same
 *    vCPU answers ALREADY_ON or ON_PENDING), each sends vCPU 0 one SGI and
 *    waits for one back; vCPU 0 waits for all three, checks AFFINITY_INFO
 *    says ON, answers with one GICD_SGIR write naming all three, and waits
 *    until they are OFF again.
 *
 * How the waits are shaped, and why. Every wait is a WFI, never a spin: on
 * a physical CPU shared by several vCPUs a waiting vCPU must let the one it
 * waits for run. WFE would be the usual hint, but QEMU 7.2 never traps WFE
 * (its WFE only yields QEMU's own thread, whatever HCR.TWE says), so a vCPU
 * spinning on WFE keeps its CPU for its whole time slice (10 ms by default)
 * while the vCPU it waits for sits in that CPU's run queue; the 1,000 SGIs
 * a pair this test once sent took 15-20 s that way. A trapped WFI blocks
 * the vCPU and armvisor runs the next one at once. What a wait waits for
 * does not always come with an interrupt (another vCPU taking our SGI,
 * AFFINITY_INFO saying OFF), so before each WFI the vCPU arms its own
 * virtual timer SMP_POLL_US ahead (smp_nap): the WFI ends by then at the
 * latest (armvisor wakes a blocked vCPU when its timer's deadline passes)
 * and the condition is looked at again; guest_irq turns the timer off when
 * it fires. A WFI wait checks its condition with IRQs masked
 * (smp_wfi_take): an SGI taken between an unmasked check and the WFI would
 * leave the WFI nothing to end it but the poll. Every wait is bounded in
 * time (SMP_TIMEOUT_S): a lost interrupt fails a check instead of hanging
 * the test. Only vCPU 0 prints; the others record what went wrong in
 * smp_bad / smp_why.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>

#define SMP_NCPUS 4u
#ifndef SMP_ROUNDS
#define SMP_ROUNDS 5000u
#endif
#ifndef SMP_CYCLES
#define SMP_CYCLES 20u
#endif
#ifndef SMP_TIMEOUT_S
#define SMP_TIMEOUT_S 10u
#endif
/* How long a WFI waits at most before the condition is looked at again. */
#ifndef SMP_POLL_US
#define SMP_POLL_US 100u
#endif

/* The check lines state these numbers. */
_Static_assert(SMP_NCPUS == 4 && SMP_ROUNDS == 5000, "the phase 1 check text says 6 pairs, "
                                                     "5,000 SGIs each way");

#define SMP_GICD            0x08000000u
#define SMP_GICC            0x08010000u
#define SMP_GICD_CTLR       0x000u
#define SMP_GICD_ISENABLER0 0x100u
#define SMP_GICD_SGIR       0xf00u
#define SMP_GICC_CTLR       0x000u
#define SMP_GICC_PMR        0x004u
#define SMP_GICC_IAR        0x00cu
#define SMP_GICC_EOIR       0x010u
#define SMP_SGI_COUNT       16u
#define SMP_PPI_VTIMER      27u /* the EL1 virtual timer's PPI (the DTB's /timer) */

#define SMP_PSCI_CPU_OFF        0x84000002u
#define SMP_PSCI_SUCCESS        0
#define SMP_PSCI_INVALID_PARAMS (-2)
#define SMP_PSCI_ALREADY_ON     (-4)
#define SMP_PSCI_ON_PENDING     (-5)
#define SMP_AFF_ON              0
#define SMP_AFF_OFF             1
#define SMP_AFF_ON_PENDING      2

/* Why a secondary failed (the first reason is kept in smp_why). */
enum {
    WHY_CONTEXT = 1,  /* wrong context id at entry */
    WHY_WRONG_SGI,    /* an SGI ID out of sequence: one lost or doubled */
    WHY_NOT_SGI,      /* an interrupt that is neither an SGI nor the poll timer */
    WHY_BAD_SOURCE,   /* an SGI from a CPU that does not exist */
    WHY_TIMEOUT_ACK,  /* a target did not take an SGI in time */
    WHY_TIMEOUT_RECV, /* the SGIs for this vCPU did not all come */
    WHY_OFF_RETURNED, /* CPU_OFF returned */
    WHY_EXTRA_SGI,    /* a target took more SGIs than were sent to it */
};

/* vCPUs 1-3 enter at secondary_entry (CPU_ON), on the stack
 * smp_stacks[Aff0], and go on in smp_secondary. */
uint8_t smp_stacks[SMP_NCPUS][4096] __attribute__((aligned(16)));
void secondary_entry(void);
void smp_secondary(uint32_t context);
CPU_SECONDARY_ENTRY(secondary_entry, smp_stacks, smp_secondary);

/* recv[t][s]: SGIs vCPU t has taken from vCPU s (t's handler adds). */
static volatile uint32_t recv[SMP_NCPUS][SMP_NCPUS];
static volatile uint32_t smp_total, smp_bad, smp_why, smp_spurious, smp_polls;
static volatile uint32_t alive[SMP_NCPUS];

static void smp_wr32(uint32_t a, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)a = v;
}

static uint32_t smp_rd32(uint32_t a)
{
    return *(volatile uint32_t *)(uintptr_t)a;
}

static void smp_fail(uint32_t why)
{
    if (cpu_atomic_add(&smp_bad, 1) == 0)
        smp_why = why;
}

/* One interrupt per entry: others still pending come in again through the
 * vector. */
void guest_irq(void)
{
    unsigned me = cpu_aff0();
    uint32_t iar = smp_rd32(SMP_GICC + SMP_GICC_IAR);
    uint32_t id = iar & 0x3ff, src = (iar >> 10) & 7;
    if (id >= 1020) {
        cpu_atomic_add(&smp_spurious, 1);
        return;
    }
    if (id == SMP_PPI_VTIMER) {
        /* The poll of smp_nap: off, or its level keeps it pending. */
        cpu_vtimer_off();
        cpu_atomic_add(&smp_polls, 1);
    } else if (id >= SMP_SGI_COUNT) {
        smp_fail(WHY_NOT_SGI);
    } else if (src >= SMP_NCPUS || src == me) {
        smp_fail(WHY_BAD_SOURCE);
    } else {
        if (id != recv[me][src] % SMP_SGI_COUNT)
            smp_fail(WHY_WRONG_SGI);
        cpu_atomic_add(&recv[me][src], 1);
        cpu_atomic_add(&smp_total, 1);
    }
    smp_wr32(SMP_GICC + SMP_GICC_EOIR, iar);
}

/* Wait for an interrupt and take it; called and returning with IRQs
 * masked, so the caller's check of what the interrupt changes and the WFI
 * are one step: an interrupt that comes after the check stays pending and
 * ends the WFI, which a pending IRQ does even while masked (ARMv7-A ARM
 * B1.8.13 "Wait For Interrupt"; Arm ARM DDI 0487 D1.6.2 "Wait for
 * Interrupt"), then the handler runs while IRQs are unmasked. The ISB makes
 * the unmasking take effect before the next masking (a context
 * synchronization event); if the interrupt still waits, the next WFI ends at
 * once and it is taken then. */
static void smp_wfi_take(void)
{
    cpu_wfi();
    cpu_irq_on();
    cpu_isb();
    cpu_irq_off();
}

/* smp_wfi_take, ended SMP_POLL_US from now at the latest by the virtual
 * timer (IRQs masked): for a condition that may change without an
 * interrupt for this vCPU. */
static void smp_nap(void)
{
    cpu_vtimer_arm(cpu_freq() / 1000000u * SMP_POLL_US);
    smp_wfi_take();
}

static void smp_send(unsigned target, unsigned sgi)
{
    smp_wr32(SMP_GICD + SMP_GICD_SGIR, (1u << (16 + target)) | (sgi % SMP_SGI_COUNT));
}

static int smp_timed_out(uint64_t start)
{
    return cpu_vcount() - start > cpu_freq() * SMP_TIMEOUT_S;
}

/* Wait until *p reaches want (never above it); false on a timeout of about
 * SMP_TIMEOUT_S or when it overshoots. Called and returning with IRQs
 * unmasked; the check and the WFI with them masked. */
static int smp_wait_eq(volatile uint32_t *p, uint32_t want)
{
    uint64_t start = cpu_vcount();
    int ok = 1;
    cpu_irq_off();
    while (*p != want) {
        if (*p > want || smp_timed_out(start)) {
            ok = 0;
            break;
        }
        smp_nap();
    }
    cpu_vtimer_off();
    cpu_irq_on();
    return ok;
}

/* This vCPU's GIC CPU interface, SGIs and the poll timer's PPI on (each
 * vCPU has its own). */
static void smp_gic_on(void)
{
    smp_wr32(SMP_GICD + SMP_GICD_ISENABLER0, ((1u << SMP_SGI_COUNT) - 1) | 1u << SMP_PPI_VTIMER);
    smp_wr32(SMP_GICC + SMP_GICC_PMR, 0xf0);
    smp_wr32(SMP_GICC + SMP_GICC_CTLR, 1);
}

/* SGIs vCPU me has taken from all the others. */
static uint32_t smp_taken(unsigned me)
{
    uint32_t n = 0;
    for (unsigned s = 0; s < SMP_NCPUS; s++)
        n += recv[me][s];
    return n;
}

/* Phase 1 on every vCPU: SMP_ROUNDS SGIs to each other vCPU, one pending
 * per pair at a time, and all this vCPU should take. Each pass sends the
 * next SGI to every target that has taken the previous one, in any order,
 * and the vCPU waits (smp_nap) only when no target is ready and nothing
 * came in: the fewer waits, the fewer times a shared CPU changes hands.
 * Called and returning with IRQs unmasked; the checks run with them masked
 * and a pass that did something takes what is pending before the next. */
static void smp_storm(unsigned me)
{
    uint32_t sent[SMP_NCPUS] = {0}, taken = smp_taken(me);
    uint64_t start = cpu_vcount();
    cpu_irq_off();
    for (;;) {
        int progress = 0, sending = 0;
        for (unsigned k = 1; k < SMP_NCPUS; k++) {
            unsigned t = (me + k) % SMP_NCPUS;
            uint32_t got = recv[t][me];
            if (got > sent[t]) {
                smp_fail(WHY_EXTRA_SGI);
                goto out;
            }
            if (got < sent[t] || sent[t] < SMP_ROUNDS)
                sending = 1;
            if (got == sent[t] && sent[t] < SMP_ROUNDS) {
                smp_send(t, sent[t]++);
                progress = 1;
            }
        }
        uint32_t now_taken = smp_taken(me);
        if (now_taken != taken) {
            taken = now_taken;
            progress = 1;
        }
        /* More than it should take ends the wait too: main's exact counts
         * report it. */
        if (!sending && taken >= (SMP_NCPUS - 1) * SMP_ROUNDS)
            break;
        if (progress) {
            start = cpu_vcount();
            cpu_irq_on(); /* what came in meanwhile is taken here */
            cpu_isb();
            cpu_irq_off();
        } else if (smp_timed_out(start)) {
            smp_fail(sending ? WHY_TIMEOUT_ACK : WHY_TIMEOUT_RECV);
            break;
        } else {
            smp_nap();
        }
    }
out:
    cpu_vtimer_off();
    cpu_irq_on();
}

static void smp_cpu_off(void)
{
    cpu_irq_off();
    cpu_vtimer_off();
    smp_wr32(SMP_GICC + SMP_GICC_CTLR, 0);
    cpu_psci(SMP_PSCI_CPU_OFF, 0, 0, 0);
    smp_fail(WHY_OFF_RETURNED);
    for (;;)
        cpu_wfi();
}

/* vCPUs 1-3 from CPU_ON. */
void smp_secondary(uint32_t context)
{
    unsigned me = cpu_aff0();
    uint32_t cycle = context >> 8;
    if ((context & 0xff) != me)
        smp_fail(WHY_CONTEXT);
    smp_gic_on();
    if (cycle == 0) {
        smp_storm(me);
    } else {
        alive[me] = cycle;
        /* IRQs masked from here to the check (smp_wfi_take): vCPU 0's one
         * SGI back may come at any point once ours is sent. */
        cpu_irq_off();
        smp_send(0, SMP_ROUNDS + cycle - 1);
        uint64_t start = cpu_vcount();
        while (recv[me][0] < SMP_ROUNDS + cycle) {
            if (smp_timed_out(start)) {
                smp_fail(WHY_TIMEOUT_RECV);
                break;
            }
            smp_nap();
        }
    }
    smp_cpu_off();
}

static int32_t smp_aff(unsigned cpu)
{
    return (int32_t)cpu_psci(CPU_PSCI_AFFINITY_INFO, cpu, 0, 0);
}

static int32_t smp_on(unsigned cpu, uint32_t context)
{
    return (int32_t)cpu_psci(CPU_PSCI_CPU_ON, cpu, (uintptr_t)secondary_entry, context);
}

/* Wait until AFFINITY_INFO says OFF for vCPUs 1-3 (nothing interrupts
 * this vCPU when one goes off: the poll ends each WFI). Called and
 * returning with IRQs unmasked. */
static int smp_wait_all_off(void)
{
    uint64_t start = cpu_vcount();
    int ok = 1;
    cpu_irq_off();
    for (unsigned c = 1; c < SMP_NCPUS && ok; c++)
        while (smp_aff(c) != SMP_AFF_OFF) {
            if (smp_timed_out(start)) {
                ok = 0;
                break;
            }
            smp_nap();
        }
    cpu_vtimer_off();
    cpu_irq_on();
    return ok;
}

static const char *const smp_why_text[] = {
    "none",
    "context",
    "wrong SGI",
    "not an SGI",
    "bad source",
    "ack timeout",
    "receive timeout",
    "CPU_OFF returned",
    "more SGIs taken than sent",
};

static void smp_report_bad(void)
{
    if (!smp_bad)
        return;
    put_str("smp: secondary failures: ");
    put_str(smp_why < sizeof smp_why_text / sizeof smp_why_text[0] ? smp_why_text[smp_why] : "?");
    put_str("\n");
}

int main(void)
{
    smp_wr32(SMP_GICD + SMP_GICD_CTLR, 1);
    smp_gic_on();

    check("AFFINITY_INFO: vCPU 0 ON", smp_aff(0) == SMP_AFF_ON);
    int ok = 1;
    for (unsigned c = 1; c < SMP_NCPUS; c++)
        ok &= smp_aff(c) == SMP_AFF_OFF;
    check("AFFINITY_INFO: vCPUs 1-3 OFF at boot", ok);
    check("AFFINITY_INFO of a vCPU that does not exist: INVALID_PARAMETERS",
          smp_aff(SMP_NCPUS) == SMP_PSCI_INVALID_PARAMS);
    check("CPU_ON of a vCPU that does not exist: INVALID_PARAMETERS",
          smp_on(SMP_NCPUS, SMP_NCPUS) == SMP_PSCI_INVALID_PARAMS);
    check("CPU_ON of vCPU 0 (running): ALREADY_ON", smp_on(0, 0) == SMP_PSCI_ALREADY_ON);

    /* Phase 1. */
    ok = 1;
    for (unsigned c = 1; c < SMP_NCPUS; c++)
        ok &= smp_on(c, c) == SMP_PSCI_SUCCESS;
    check("CPU_ON of vCPUs 1-3", ok);
    smp_storm(0);
    check("all vCPUs OFF after the SGI storm (AFFINITY_INFO)", smp_wait_all_off());
    cpu_irq_off();
    ok = 1;
    for (unsigned t = 0; t < SMP_NCPUS; t++)
        for (unsigned s = 0; s < SMP_NCPUS; s++)
            ok &= recv[t][s] == (s == t ? 0 : SMP_ROUNDS);
    put_str("smp: SGIs taken: ");
    put_hex(smp_total);
    put_str(", spurious IAR reads: ");
    put_hex(smp_spurious);
    put_str(", poll timer interrupts: ");
    put_hex(smp_polls);
    put_str("\n");
    check("6 pairs, 5000 SGIs each way (10000 a pair), none lost or doubled",
          ok && smp_total == SMP_NCPUS * (SMP_NCPUS - 1) * SMP_ROUNDS && !smp_bad);
    smp_report_bad();

    /* Phase 2. */
    int off_ok = 1, on_ok = 1, again_ok = 1, pending_ok = 1, alive_ok = 1, aff_on_ok = 1,
        back_ok = 1;
    cpu_irq_on();
    for (uint32_t cycle = 1; cycle <= SMP_CYCLES; cycle++) {
        for (unsigned c = 1; c < SMP_NCPUS; c++) {
            off_ok &= smp_aff(c) == SMP_AFF_OFF;
            on_ok &= smp_on(c, cycle << 8 | c) == SMP_PSCI_SUCCESS;
            int32_t again = smp_on(c, cycle << 8 | c);
            again_ok &= again == SMP_PSCI_ALREADY_ON || again == SMP_PSCI_ON_PENDING;
            int32_t a = smp_aff(c);
            pending_ok &= a == SMP_AFF_ON || a == SMP_AFF_ON_PENDING;
        }
        for (unsigned c = 1; c < SMP_NCPUS; c++) {
            alive_ok &= smp_wait_eq(&alive[c], cycle);
            alive_ok &= smp_wait_eq(&recv[0][c], SMP_ROUNDS + cycle);
            /* It is waiting for vCPU 0's SGI: still ON. */
            aff_on_ok &= smp_aff(c) == SMP_AFF_ON;
        }
        smp_wr32(SMP_GICD + SMP_GICD_SGIR,
                 (0xeu << 16) | ((SMP_ROUNDS + cycle - 1) % SMP_SGI_COUNT));
        back_ok &= smp_wait_all_off();
        for (unsigned c = 1; c < SMP_NCPUS; c++)
            back_ok &= recv[c][0] == SMP_ROUNDS + cycle;
        if (!(off_ok && on_ok && again_ok && pending_ok && alive_ok && aff_on_ok && back_ok))
            break;
    }
    cpu_irq_off();
    check("CPU_OFF/CPU_ON cycles: AFFINITY_INFO OFF before CPU_ON", off_ok);
    check("CPU_OFF/CPU_ON cycles: CPU_ON succeeds", on_ok);
    check("CPU_OFF/CPU_ON cycles: a second CPU_ON answers ALREADY_ON or ON_PENDING", again_ok);
    check("CPU_OFF/CPU_ON cycles: AFFINITY_INFO ON or ON_PENDING after CPU_ON", pending_ok);
    check("CPU_OFF/CPU_ON cycles: each vCPU came up and sent its SGI", alive_ok);
    check("CPU_OFF/CPU_ON cycles: AFFINITY_INFO ON while it runs", aff_on_ok);
    check("CPU_OFF/CPU_ON cycles: one SGIR write to three vCPUs taken by each, then OFF", back_ok);
    check("no secondary failed", !smp_bad);
    smp_report_bad();
    put_str("smp: cycles done: ");
    put_hex(SMP_CYCLES);
    put_str("\n");
    check("AFFINITY_INFO: vCPU 0 still ON, the others OFF",
          smp_aff(0) == SMP_AFF_ON && smp_aff(1) == SMP_AFF_OFF && smp_aff(2) == SMP_AFF_OFF &&
              smp_aff(3) == SMP_AFF_OFF);
    return 0;
}

#endif
