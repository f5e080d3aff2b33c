/*
 * Exit-path benchmark, AArch64 guest: how long each way out to armvisor and
 * back takes, as the guest sees it, in generic-timer ticks of the virtual
 * counter (CNTVCT_EL0) over BENCH_ITERS iterations, with the empty loop's
 * ticks subtracted. Under QEMU -icount shift=0 the counter advances with
 * executed instructions, so the numbers are deterministic instruction
 * counts of the whole round trip: the trapping instruction, the exception
 * to EL2, armvisor's decode and emulation, the world switch back, and the
 * loop's own setup instruction (one MOV for the calls).
 *
 * Built with the test guests' runtime (tests/system/guests/a64: start.S,
 * guest.c) and run by the bench-exits target (bench/exits/CMakeLists.txt).
 * A result that shows the path did not happen (wrong HVC answer, no abort
 * taken) is a FAIL, so a broken path is not reported as a fast one.
 */
#include "gic_bench.h"
#include "guest.h"
#include "report.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv8"
#endif

#define PL011_ILPR 0x20u        /* IrDA low-power divisor: a plain R/W register */
#define HOLE       0x20000000ul /* below RAM, no device: refused */
#define FR_TXFF    (1u << 5)

extern char bench_vectors[]; /* abort_vectors_a64.S */
extern volatile uint64_t bench_aborts;

typedef void (*loop_fn)(uint64_t n);

static inline uint64_t read_cntvct(void)
{
    uint64_t v;
    /* ISB: the read is not taken early, before the loop has finished
     * (Arm ARM D11.2.2). */
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static inline uint64_t read_cntfrq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

/* Run f untimed BENCH_WARMUP times, then timed BENCH_ITERS times. */
static uint64_t timed(loop_fn f)
{
    f(BENCH_WARMUP);
    uint64_t t0 = read_cntvct();
    f(BENCH_ITERS);
    return read_cntvct() - t0;
}

/* ---- The loops: n >= 1 iterations of <body>; subs; b.ne ---------------- */

static void loop_empty(uint64_t n)
{
    __asm__ volatile("1:\tsubs %0, %0, #1\n\tb.ne 1b" : "+r"(n) : : "cc");
}

static volatile uint64_t last_x0, last_val, last_val2;

/* SMCCC call per iteration: x0 = function ID, result in x0-x3. */
#define CALL_LOOP(insn, fn)                                                                        \
    do {                                                                                           \
        register uint64_t x0 __asm__("x0");                                                        \
        register uint64_t x1 __asm__("x1");                                                        \
        register uint64_t x2 __asm__("x2");                                                        \
        register uint64_t x3 __asm__("x3");                                                        \
        __asm__ volatile("1:\tmov x0, %[f]\n\t" insn " #0\n\tsubs %[n], %[n], #1\n\tb.ne 1b"       \
                         : [n] "+r"(n), "=&r"(x0), "=&r"(x1), "=&r"(x2), "=&r"(x3)                 \
                         : [f] "r"((uint64_t)(fn))                                                 \
                         : "cc", "memory");                                                        \
        last_x0 = x0;                                                                              \
        (void)x1;                                                                                  \
        (void)x2;                                                                                  \
        (void)x3;                                                                                  \
    } while (0)

static void loop_hvc_ping(uint64_t n)
{
    CALL_LOOP("hvc", AV_HVC_PING);
}

static void loop_smc_psci_version(uint64_t n)
{
    CALL_LOOP("smc", PSCI_VERSION);
}

/* LDR (immediate, unsigned offset): ESR_EL2.ISV = 1. */
static void loop_mmio_read(uint64_t n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[b], #0x18]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [b] "r"(PL011_BASE)
                     : "cc", "memory");
    last_val = v;
}

/* STR (immediate, unsigned offset) of 0 to ILPR: ISV = 1. */
static void loop_mmio_write(uint64_t n)
{
    __asm__ volatile("1:\tstr %w[z], [%[b], #0x20]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n)
                     : [b] "r"(PL011_BASE), [z] "r"(0u)
                     : "cc", "memory");
}

/* LDR (immediate, post-index) of FR with a 0 offset: one access, but a
 * writeback form, so ISV = 0 and armvisor fetches and decodes it. */
static void loop_mmio_read_isv0(uint64_t n)
{
    uint64_t p = PL011_BASE + PL011_FR;
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[p]], #0\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v), [p] "+r"(p)
                     :
                     : "cc", "memory");
    last_val = v;
}

/* LDP of IBRD/FBRD: a pair, ISV = 0, two device reads in one exit. */
static void loop_mmio_ldp_isv0(uint64_t n)
{
    uint32_t a, b;
    __asm__ volatile("1:\tldp %w[a], %w[b], [%[p]]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [a] "=&r"(a), [b] "=&r"(b)
                     : [p] "r"(PL011_BASE + PL011_IBRD)
                     : "cc", "memory");
    last_val = a;
    last_val2 = b;
}

/* WFI traps (HCR_EL2.TWI); nothing can wake the vCPU, so armvisor
 * resumes it at once. */
static void loop_wfi(uint64_t n)
{
    __asm__ volatile("1:\twfi\n\tsubs %[n], %[n], #1\n\tb.ne 1b" : [n] "+r"(n) : : "cc", "memory");
}

/* A load from an IPA nothing backs: refused, a synchronous external abort
 * injected, bench_vectors' handler skips the load. */
static void loop_refused(uint64_t n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[h]]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [h] "r"(HOLE)
                     : "cc", "memory");
    (void)v;
}

/* LDR of GICD_IIDR: a distributor register armvisor answers (ISV = 1). */
static void loop_gicd_iidr(uint64_t n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[g], #8]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [g] "r"((uint64_t)BG_GICD)
                     : "cc", "memory");
    last_val = v;
}

/* The interrupt handler (start.S's IRQ vector): acknowledge, note, EOI;
 * both through the hardware's GICV, no exit. */
static volatile uint64_t irqs, irq_cnt;
static volatile uint32_t irq_last;

void guest_irq(void)
{
    uint32_t iar = bg_rd(BG_GICC + BG_GICC_IAR);
    if ((iar & 0x3ff) == BG_VTIMER_INTID) {
        irq_cnt = read_cntvct();
        __asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory"); /* source off */
    }
    irq_last = iar & 0x3ff;
    irqs++;
    if ((iar & 0x3ff) < 1020)
        bg_wr(BG_GICC + BG_GICC_EOIR, iar);
}

/* An SGI to itself through GICD_SGIR (an exit that makes it pending: the
 * flush puts it in a list register), taken at once on the way back in,
 * acknowledged and EOIed: what one virtual interrupt costs end to end. */
static void loop_sgi_self(uint64_t n)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (; n; n--)
        bg_wr(BG_GICD + BG_GICD_SGIR, BG_SGIR_SELF | BG_SGI);
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

/* The virtual timer armed BG_TIMER_AHEAD ticks ahead while the guest spins
 * with interrupts on: the ticks from its deadline to the handler's first
 * counter read, summed over BENCH_ITERS rounds. */
static uint64_t timer_latency(void)
{
    uint64_t sum = 0;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_ITERS; i++) {
        uint64_t before = irqs, cval = read_cntvct() + BG_TIMER_AHEAD;
        __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
                         : : "r"(cval), "r"(1ull) : "memory");
        while (irqs == before)
            ;
        if (i >= BENCH_WARMUP)
            sum += irq_cnt - cval;
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    return sum;
}

static uint64_t read_vbar(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, vbar_el1" : "=r"(v));
    return v;
}

static void write_vbar(uint64_t v)
{
    __asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(v) : "memory");
}

int main(void)
{
    const char *arch = BENCH_ARCH;
    uint64_t frq = read_cntfrq();
    bench_header(arch, frq);

    uint64_t base = timed(loop_empty);
    bench_line(arch, "baseline", base, 0, frq, "(empty loop: subs + b.ne; not subtracted)");

    bench_line(arch, "hvc-ping", timed(loop_hvc_ping), base, frq, 0);
    if (last_x0 != AV_HVC_MAGIC)
        check("bench hvc-ping answered AV_HVC_MAGIC", 0);

    bench_line(arch, "smc-psci-version", timed(loop_smc_psci_version), base, frq, 0);
    if (!(last_x0 >= 0x10000 && last_x0 < 0x20000))
        check("bench smc-psci-version answered PSCI 1.x", 0);

    bench_line(arch, "mmio-read-isv1", timed(loop_mmio_read), base, frq, 0);
    if (last_val & FR_TXFF)
        check("bench mmio-read-isv1 read FR with TXFF clear", 0);

    bench_line(arch, "mmio-write-isv1", timed(loop_mmio_write), base, frq, 0);

    bench_line(arch, "mmio-read-isv0-post-index", timed(loop_mmio_read_isv0), base, frq, 0);
    if (last_val & FR_TXFF)
        check("bench mmio-read-isv0-post-index read FR with TXFF clear", 0);

    /* Known divisors first, so the LDP's result shows it read both. */
    volatile uint32_t *uart = (volatile uint32_t *)PL011_BASE;
    uart[PL011_IBRD / 4] = 0x1b;
    uart[PL011_FBRD / 4] = 0x2a;
    bench_line(arch, "mmio-ldp-isv0", timed(loop_mmio_ldp_isv0), base, frq, 0);
    if (last_val != 0x1b || last_val2 != 0x2a)
        check("bench mmio-ldp-isv0 read IBRD and FBRD", 0);

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

    uint64_t vbar = read_vbar();
    write_vbar((uint64_t)bench_vectors);
    uint64_t t = timed(loop_refused);
    write_vbar(vbar);
    bench_line(arch, "refused-load", t, base, frq, 0);
    if (bench_aborts != BENCH_WARMUP + BENCH_ITERS)
        check("bench refused-load took one abort per load", 0);
    return 0;
}
