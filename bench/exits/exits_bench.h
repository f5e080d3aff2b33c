/*
 * Exit-path benchmark, shared by the A64 and A32 bench guests (guest_a64.c,
 * guest_a32.c): how long each way out to armvisor and back takes, as the
 * guest sees it, in ticks of the virtual counter (cpu_vcount: CNTVCT) over
 * BENCH_ITERS iterations, with the empty loop's ticks subtracted. Under
 * QEMU -icount shift=0 the counter advances with executed instructions, so
 * the numbers are deterministic instruction counts of the whole round trip:
 * the trapping instruction, the exception to EL2 / Hyp mode, armvisor's
 * decode and emulation, the world switch back, and the loop's own setup
 * instruction (one MOV for the calls). A result that shows the path did
 * not happen (wrong answer, no abort taken) is a FAIL, so a broken path is
 * not reported as a fast one.
 *
 * Each guest includes its test guests' cpu_ops.h and guest.h, then this,
 * then defines the timed loops in its own instruction set (declared below:
 * n >= 1 iterations of <body>; subs; b.ne / bne), and:
 *   BENCH_LOOP_NOTE        how its empty loop is made, for the baseline line
 *   BENCH_PAIR             the name of its two-register ISV=0 load path
 *   read_vbar(), write_vbar(v)  its vector base (VBAR_EL1 / VBAR), unless
 *                          BENCH_NO_REFUSED says why the refused-access path
 *                          is left out
 * Everything here is the same C for both: the timing, the interrupt
 * handler, the vGIC paths (an SGI to itself, the timer latency) and main.
 * Counts and values are unsigned long, the register width, as each ISA's
 * loops have them.
 */
#ifndef BENCH_EXITS_EXITS_BENCH_H
#define BENCH_EXITS_EXITS_BENCH_H

#include <stdint.h>

#include "gic_bench.h"
#include "report.h"

#define PL011_ILPR 0x20u        /* IrDA low-power divisor: a plain R/W register */
#define HOLE       0x20000000ul /* below RAM, no device: refused */
#define FR_TXFF    (1u << 5)

extern char bench_vectors[]; /* abort_vectors_<isa>.S */
extern volatile unsigned long bench_aborts;

typedef void (*loop_fn)(unsigned long n);

/* The timed loops (each guest's own). */
static void loop_empty(unsigned long n);
static void loop_hvc_ping(unsigned long n);         /* AV_HVC_PING through HVC */
static void loop_smc_psci_version(unsigned long n); /* PSCI_VERSION through SMC */
static void loop_mmio_read(unsigned long n);        /* LDR of FR: ISV = 1 */
static void loop_mmio_write(unsigned long n);       /* STR of 0 to ILPR: ISV = 1 */
static void loop_mmio_read_isv0(unsigned long n);   /* post-indexed LDR of FR: ISV = 0 */
static void loop_mmio_pair_isv0(unsigned long n);   /* IBRD and FBRD in one load: ISV = 0 */
static void loop_wfi(unsigned long n);
static void loop_gicd_iidr(unsigned long n); /* GICD_IIDR, which armvisor answers */
#ifndef BENCH_NO_REFUSED
static void loop_refused(unsigned long n); /* a load from HOLE */
static unsigned long read_vbar(void);
static void write_vbar(unsigned long v);
#endif

/* What the loops leave: the call's x0 / r0, the loaded values. */
static volatile unsigned long last_ret, last_val, last_val2;

/* Run f untimed BENCH_WARMUP times, then timed BENCH_ITERS times. */
static uint64_t timed(loop_fn f)
{
    f(BENCH_WARMUP);
    uint64_t t0 = cpu_vcount();
    f(BENCH_ITERS);
    return cpu_vcount() - t0;
}

/* The interrupt handler (start.S's IRQ vector): acknowledge, note, EOI;
 * both through the hardware's GICV, no exit. */
static volatile unsigned long irqs;
static volatile uint32_t irq_last;
static volatile uint64_t irq_cnt;

void guest_irq(void)
{
    uint32_t iar = bg_rd(BG_GICC + BG_GICC_IAR);
    if ((iar & 0x3ff) == BG_VTIMER_INTID) {
        irq_cnt = cpu_vcount();
        cpu_vtimer_off(); /* the source off */
    }
    irq_last = iar & 0x3ff;
    irqs++;
    if ((iar & 0x3ff) < 1020)
        bg_wr(BG_GICC + BG_GICC_EOIR, iar);
}

/* An SGI to itself through GICD_SGIR (an exit that makes it pending: the
 * flush puts it in a list register), taken at once on the way back in,
 * acknowledged and EOIed: what one virtual interrupt costs end to end. */
static void loop_sgi_self(unsigned long n)
{
    cpu_irq_on();
    for (; n; n--)
        bg_wr(BG_GICD + BG_GICD_SGIR, BG_SGIR_SELF | BG_SGI);
    cpu_irq_off();
}

/* The virtual timer armed BG_TIMER_AHEAD ticks ahead while the guest spins
 * with interrupts on: the ticks from its deadline to the handler's first
 * counter read, summed over BENCH_ITERS rounds. */
static uint64_t timer_latency(void)
{
    uint64_t sum = 0;
    cpu_irq_on();
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_ITERS; i++) {
        unsigned long before = irqs;
        uint64_t cval = cpu_vcount() + BG_TIMER_AHEAD;
        cpu_vtimer_arm_at(cval);
        while (irqs == before)
            ;
        if (i >= BENCH_WARMUP)
            sum += irq_cnt - cval;
    }
    cpu_irq_off();
    return sum;
}

int main(void)
{
    const char *arch = BENCH_ARCH;
    unsigned long frq = (unsigned long)cpu_freq();
    bench_header(arch, frq);

    uint64_t base = timed(loop_empty);
    bench_line(arch, "baseline", base, 0, frq, BENCH_LOOP_NOTE);

    bench_line(arch, "hvc-ping", timed(loop_hvc_ping), base, frq, 0);
    if (last_ret != AV_HVC_MAGIC)
        check("bench hvc-ping answered AV_HVC_MAGIC", 0);

    bench_line(arch, "smc-psci-version", timed(loop_smc_psci_version), base, frq, 0);
    if (!(last_ret >= 0x10000 && last_ret < 0x20000))
        check("bench smc-psci-version answered PSCI 1.x", 0);

    bench_line(arch, "mmio-read-isv1", timed(loop_mmio_read), base, frq, 0);
    if (last_val & FR_TXFF)
        check("bench mmio-read-isv1 read FR with TXFF clear", 0);

    bench_line(arch, "mmio-write-isv1", timed(loop_mmio_write), base, frq, 0);

    bench_line(arch, "mmio-read-isv0-post-index", timed(loop_mmio_read_isv0), base, frq, 0);
    if (last_val & FR_TXFF)
        check("bench mmio-read-isv0-post-index read FR with TXFF clear", 0);

    /* Known divisors first, so the pair's result shows it read both. */
    volatile uint32_t *uart = (volatile uint32_t *)PL011_BASE;
    uart[PL011_IBRD / 4] = 0x1b;
    uart[PL011_FBRD / 4] = 0x2a;
    bench_line(arch, BENCH_PAIR, timed(loop_mmio_pair_isv0), base, frq, 0);
    if (last_val != 0x1b || last_val2 != 0x2a)
        check("bench " BENCH_PAIR " read IBRD and FBRD", 0);

    bench_line(arch, "wfi", timed(loop_wfi), base, frq, 0);

    bench_line(arch, "gicd-iidr-read", timed(loop_gicd_iidr), base, frq, 0);
    if (last_val != BG_IIDR_VALUE)
        check("bench gicd-iidr-read read armvisor's GICD_IIDR", 0);

    bg_gic_on();
    irqs = 0;
    bench_line(arch, "sgi-self-ack-eoi", timed(loop_sgi_self), base, frq, 0);
    if (irqs != BENCH_WARMUP + BENCH_ITERS || irq_last != BG_SGI)
        check("bench sgi-self-ack-eoi took one SGI per write", 0);

    irqs = 0;
    bench_line(arch, "timer-latency", timer_latency(), 0, frq,
               "(virtual timer deadline to the guest's handler)");
    if (irqs != BENCH_WARMUP + BENCH_ITERS)
        check("bench timer-latency took one timer interrupt per round", 0);

#ifdef BENCH_NO_REFUSED
    bench_skip(arch, "refused-load", BENCH_NO_REFUSED);
#else
    unsigned long vbar = read_vbar();
    write_vbar((unsigned long)bench_vectors);
    uint64_t t = timed(loop_refused);
    write_vbar(vbar);
    bench_line(arch, "refused-load", t, base, frq, 0);
    if (bench_aborts != BENCH_WARMUP + BENCH_ITERS)
        check("bench refused-load took one abort per load", 0);
#endif
    return 0;
}

#endif
