/*
 * Several vCPUs in one VM on one physical CPU (issue 9), seen from a guest;
 * shared by the A64 and A32 guests (a64/smp.c, a32/smp.c), which define
 * before including it:
 *   smp_irq_on(), smp_irq_off()    unmask / mask IRQs at EL1
 *   smp_count(), smp_freq()        the virtual counter and its frequency
 *   smp_cpu()                      this vCPU's MPIDR Aff0
 *   smp_add(p, v)                  atomic add (exclusive load/store)
 *   smp_wfe(), smp_wfi(), smp_sev()
 *   smp_psci(fn, a1, a2, a3)       a PSCI call through HVC, the result
 *   SMP_CPU_ON, SMP_AFFINITY_INFO  the function IDs of its width
 *   secondary_entry                the CPU_ON entry point (asm: a stack per
 *                                  Aff0 in smp_stacks, the vector table,
 *                                  then smp_secondary(context))
 * and whose IRQ vector calls guest_irq (defined here).
 *
 * 1. vCPU 0 starts vCPUs 1-3 with PSCI CPU_ON (context 0). Every vCPU
 *    enables its GIC CPU interface (the hardware's GICV) and SGIs, then
 *    sends SMP_ROUNDS (500) SGIs to each other vCPU through GICD_SGIR, one at a
 *    time per pair: the next only once the target has taken the previous
 *    (so no two are pending at once, which the GIC may merge). The SGI ID
 *    is the round number mod 16; the handler checks the ID it gets from
 *    each source is the one expected next (a lost or doubled SGI shifts
 *    it) and counts per (target, source) with exclusive load/store. Each
 *    vCPU then waits until it has taken all it should and powers off
 *    (CPU_OFF); vCPU 0 waits until AFFINITY_INFO says OFF for all three
 *    and checks every pair's count is exactly SMP_ROUNDS.
 * 2. SMP_CYCLES times: vCPU 0 checks AFFINITY_INFO says OFF, starts all
 *    three again (context = cycle << 8 | Aff0; a second CPU_ON of the same
 *    vCPU answers ALREADY_ON or ON_PENDING), each sends vCPU 0 one SGI and
 *    waits in WFI for one back; vCPU 0 waits for all three, checks
 *    AFFINITY_INFO says ON, answers with one GICD_SGIR write naming all
 *    three, and waits until they are OFF again.
 * Waits use WFE (trapped: the vCPU yields to the others) or WFI (blocked
 * until an interrupt), never a bare spin, and are bounded in time: a lost
 * interrupt fails a check instead of hanging the test. A WFI wait checks
 * its condition with IRQs masked (smp_wfi_take): an SGI taken between an
 * unmasked check and the WFI would leave the WFI nothing to end it, and the
 * vCPU would sleep through its last SGI for good, as real hardware would.
 * Only vCPU 0 prints; the others record what went wrong in smp_bad /
 * smp_why.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>

#define SMP_NCPUS  4u
#ifndef SMP_ROUNDS
#define SMP_ROUNDS 500u
#endif
#ifndef SMP_CYCLES
#define SMP_CYCLES 20u
#endif
#ifndef SMP_TIMEOUT_S
#define SMP_TIMEOUT_S 10u
#endif

#define SMP_GICD            0x08000000u
#define SMP_GICC            0x08010000u
#define SMP_GICD_CTLR       0x000u
#define SMP_GICD_ISENABLER0 0x100u
#define SMP_GICD_SGIR       0xf00u
#define SMP_GICC_CTLR       0x000u
#define SMP_GICC_PMR        0x004u
#define SMP_GICC_IAR        0x00cu
#define SMP_GICC_EOIR       0x010u

#define SMP_PSCI_CPU_OFF 0x84000002u
#define SMP_PSCI_SUCCESS        0
#define SMP_PSCI_INVALID_PARAMS (-2)
#define SMP_PSCI_ALREADY_ON     (-4)
#define SMP_PSCI_ON_PENDING     (-5)
#define SMP_AFF_ON         0
#define SMP_AFF_OFF        1
#define SMP_AFF_ON_PENDING 2

/* Why a secondary failed (the first reason is kept in smp_why). */
enum {
    WHY_CONTEXT = 1,  /* wrong context id at entry */
    WHY_WRONG_SGI,    /* an SGI ID out of sequence: one lost or doubled */
    WHY_NOT_SGI,      /* an interrupt that is not an SGI */
    WHY_BAD_SOURCE,   /* an SGI from a CPU that does not exist */
    WHY_TIMEOUT_ACK,  /* a target did not take an SGI in time */
    WHY_TIMEOUT_RECV, /* the SGIs for this vCPU did not all come */
    WHY_OFF_RETURNED, /* CPU_OFF returned */
};

uint8_t smp_stacks[SMP_NCPUS][4096] __attribute__((aligned(16)));

/* recv[t][s]: SGIs vCPU t has taken from vCPU s (t's handler adds). */
static volatile uint32_t recv[SMP_NCPUS][SMP_NCPUS];
static volatile uint32_t smp_total, smp_bad, smp_why, smp_spurious;
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
    if (smp_add(&smp_bad, 1) == 0)
        smp_why = why;
    smp_sev();
}

void guest_irq(void)
{
    unsigned me = smp_cpu();
    for (;;) {
        uint32_t iar = smp_rd32(SMP_GICC + SMP_GICC_IAR);
        uint32_t id = iar & 0x3ff, src = (iar >> 10) & 7;
        if (id >= 1020) {
            smp_add(&smp_spurious, 1);
            break;
        }
        if (id >= 16)
            smp_fail(WHY_NOT_SGI);
        else if (src >= SMP_NCPUS || src == me)
            smp_fail(WHY_BAD_SOURCE);
        else {
            if (id != recv[me][src] % 16)
                smp_fail(WHY_WRONG_SGI);
            smp_add(&recv[me][src], 1);
            smp_add(&smp_total, 1);
        }
        smp_wr32(SMP_GICC + SMP_GICC_EOIR, iar);
        smp_sev();
        /* One interrupt per entry: pending SGIs from other sources come
         * in again through the vector. */
        break;
    }
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
    smp_wfi();
    smp_irq_on();
    __asm__ volatile("isb" ::: "memory");
    smp_irq_off();
}

static void smp_send(unsigned target, unsigned sgi)
{
    smp_wr32(SMP_GICD + SMP_GICD_SGIR, (1u << (16 + target)) | (sgi & 15));
}

/* Wait with WFE until *p reaches want (never above it); false on a
 * timeout of about 10 s or when it overshoots. */
static int smp_wait_eq(volatile uint32_t *p, uint32_t want)
{
    uint64_t start = smp_count(), limit = smp_freq() * SMP_TIMEOUT_S;
    while (*p != want) {
        if (*p > want || smp_count() - start > limit)
            return 0;
        smp_wfe();
    }
    return 1;
}

/* This vCPU's GIC CPU interface and SGIs on (each vCPU has its own). */
static void smp_gic_on(void)
{
    smp_wr32(SMP_GICD + SMP_GICD_ISENABLER0, 0xffffu);
    smp_wr32(SMP_GICC + SMP_GICC_PMR, 0xf0);
    smp_wr32(SMP_GICC + SMP_GICC_CTLR, 1);
}

/* Phase 1 on every vCPU: SMP_ROUNDS SGIs to each other vCPU, one pending
 * per pair at a time, then all this vCPU should take. */
static void smp_storm(unsigned me)
{
    smp_irq_on();
    for (uint32_t r = 0; r < SMP_ROUNDS; r++) {
        for (unsigned k = 1; k < SMP_NCPUS; k++) {
            unsigned t = (me + k) % SMP_NCPUS;
            if (!smp_wait_eq(&recv[t][me], r)) {
                smp_fail(WHY_TIMEOUT_ACK);
                return;
            }
            smp_send(t, r);
        }
    }
    for (unsigned t = 0; t < SMP_NCPUS; t++)
        if (t != me && !smp_wait_eq(&recv[t][me], SMP_ROUNDS)) {
            smp_fail(WHY_TIMEOUT_ACK);
            return;
        }
    /* All SGIs to this vCPU: only its own handler counts them, and the
     * count is checked with IRQs masked (smp_wfi_take), so the last one
     * cannot be taken between the check and the WFI. */
    uint64_t start = smp_count(), limit = smp_freq() * SMP_TIMEOUT_S;
    smp_irq_off();
    for (unsigned s = 0; s < SMP_NCPUS; s++)
        while (s != me && recv[me][s] < SMP_ROUNDS) {
            if (smp_count() - start > limit) {
                smp_fail(WHY_TIMEOUT_RECV);
                smp_irq_on();
                return;
            }
            smp_wfi_take();
        }
    smp_irq_on();
}

static void smp_cpu_off(void)
{
    smp_irq_off();
    smp_wr32(SMP_GICC + SMP_GICC_CTLR, 0);
    smp_psci(SMP_PSCI_CPU_OFF, 0, 0, 0);
    smp_fail(WHY_OFF_RETURNED);
    for (;;)
        smp_wfi();
}

/* vCPUs 1-3 from CPU_ON. */
void smp_secondary(uint32_t context)
{
    unsigned me = smp_cpu();
    uint32_t cycle = context >> 8;
    if ((context & 0xff) != me)
        smp_fail(WHY_CONTEXT);
    smp_gic_on();
    if (cycle == 0) {
        smp_storm(me);
    } else {
        alive[me] = cycle;
        smp_sev();
        /* IRQs masked from here to the check (smp_wfi_take): vCPU 0's one
         * SGI back may come at any point once ours is sent. */
        smp_irq_off();
        smp_send(0, (SMP_ROUNDS + cycle - 1) % 16);
        uint64_t start = smp_count(), limit = smp_freq() * SMP_TIMEOUT_S;
        while (recv[me][0] < SMP_ROUNDS + cycle) {
            if (smp_count() - start > limit) {
                smp_fail(WHY_TIMEOUT_RECV);
                break;
            }
            smp_wfi_take();
        }
    }
    smp_cpu_off();
}

static int32_t smp_aff(unsigned cpu)
{
    return (int32_t)smp_psci(SMP_AFFINITY_INFO, cpu, 0, 0);
}

static int32_t smp_on(unsigned cpu, uint32_t context)
{
    return (int32_t)smp_psci(SMP_CPU_ON, cpu, (uintptr_t)secondary_entry, context);
}

/* Wait with WFE until AFFINITY_INFO says OFF for vCPUs 1-3. */
static int smp_wait_all_off(void)
{
    uint64_t start = smp_count(), limit = smp_freq() * SMP_TIMEOUT_S;
    for (unsigned c = 1; c < SMP_NCPUS; c++)
        while (smp_aff(c) != SMP_AFF_OFF) {
            if (smp_count() - start > limit)
                return 0;
            smp_wfe();
        }
    return 1;
}

static const char *const smp_why_text[] = {
    "none", "context", "wrong SGI", "not an SGI", "bad source",
    "ack timeout", "receive timeout", "CPU_OFF returned",
};

static void smp_report_bad(void)
{
    if (!smp_bad)
        return;
    put_str("smp: secondary failures: ");
    put_str(smp_why < sizeof smp_why_text / sizeof smp_why_text[0] ? smp_why_text[smp_why]
                                                                     : "?");
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
    smp_irq_off();
    ok = 1;
    for (unsigned t = 0; t < SMP_NCPUS; t++)
        for (unsigned s = 0; s < SMP_NCPUS; s++)
            ok &= recv[t][s] == (s == t ? 0 : SMP_ROUNDS);
    put_str("smp: SGIs taken: ");
    put_hex(smp_total);
    put_str(", spurious IAR reads: ");
    put_hex(smp_spurious);
    put_str("\n");
    check("6 pairs, 500 SGIs each way (1000 a pair), none lost or doubled",
          ok && smp_total == SMP_NCPUS * (SMP_NCPUS - 1) * SMP_ROUNDS && !smp_bad);
    smp_report_bad();

    /* Phase 2. */
    int off_ok = 1, on_ok = 1, again_ok = 1, pending_ok = 1, alive_ok = 1, aff_on_ok = 1,
        back_ok = 1;
    smp_irq_on();
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
        smp_wr32(SMP_GICD + SMP_GICD_SGIR, (0xeu << 16) | ((SMP_ROUNDS + cycle - 1) % 16));
        back_ok &= smp_wait_all_off();
        for (unsigned c = 1; c < SMP_NCPUS; c++)
            back_ok &= recv[c][0] == SMP_ROUNDS + cycle;
        if (!(off_ok && on_ok && again_ok && pending_ok && alive_ok && aff_on_ok && back_ok))
            break;
    }
    smp_irq_off();
    check("CPU_OFF/CPU_ON cycles: AFFINITY_INFO OFF before CPU_ON", off_ok);
    check("CPU_OFF/CPU_ON cycles: CPU_ON succeeds", on_ok);
    check("CPU_OFF/CPU_ON cycles: a second CPU_ON answers ALREADY_ON or ON_PENDING", again_ok);
    check("CPU_OFF/CPU_ON cycles: AFFINITY_INFO ON or ON_PENDING after CPU_ON", pending_ok);
    check("CPU_OFF/CPU_ON cycles: each vCPU came up and sent its SGI", alive_ok);
    check("CPU_OFF/CPU_ON cycles: AFFINITY_INFO ON while it runs", aff_on_ok);
    check("CPU_OFF/CPU_ON cycles: one SGIR write to three vCPUs taken by each, then OFF",
          back_ok);
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
