/*
 * Exit-path benchmark, AArch32 guest (ARM state): how long each way out to
 * armvisor and back takes, as the guest sees it, in ticks of the virtual
 * counter (CNTVCT, MRRC p15 1 c14) over BENCH_ITERS iterations, with the
 * empty loop's ticks subtracted. Under QEMU -icount shift=0 the counter
 * advances with executed instructions, so the numbers are deterministic
 * instruction counts of the whole round trip: the trapping instruction,
 * the exception to Hyp mode / EL2, armvisor's decode and emulation, the
 * world switch back, and the loop's own setup instruction (one MOV for the
 * calls).
 *
 * Runs on armv7 (Hyp mode) and on armv8 as an AArch32 EL1 guest. Built
 * with the test guests' runtime (tests/system/guests/a32: start.S,
 * guest.c) by bench/exits/CMakeLists.txt. BENCH_NO_REFUSED leaves out the
 * refused-access path (see there). A result that shows the path did not
 * happen is a FAIL, so a broken path is not reported as a fast one.
 */
#include "guest.h"
#include "gic_bench.h"
#include "report.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv7"
#endif

#define PL011_ILPR 0x20u       /* IrDA low-power divisor: a plain R/W register */
#define HOLE       0x20000000u /* below RAM, no device: refused */
#define FR_TXFF    (1u << 5)

extern char bench_vectors[]; /* abort_vectors_a32.S */
extern volatile uint32_t bench_aborts;
void bench_bad_vector(void);

typedef void (*loop_fn)(uint32_t n);

static inline uint64_t read_cntvct(void)
{
    uint64_t v;
    /* ISB: the read is not taken early (ARMv7-A ARM B8.1.2). */
    __asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r"(v) : : "memory");
    return v;
}

static inline uint32_t read_cntfrq(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
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

/* ---- The loops: n >= 1 iterations of <body>; subs; bne ------------------ */

static void loop_empty(uint32_t n)
{
    __asm__ volatile("1:\tsubs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static volatile uint32_t last_r0, last_val, last_val2;

/* SMCCC call per iteration: r0 = function ID, result in r0-r3. */
#define CALL_LOOP(ext, insn, fn)                                                                   \
    do {                                                                                           \
        register uint32_t r0 __asm__("r0");                                                        \
        register uint32_t r1 __asm__("r1");                                                        \
        register uint32_t r2 __asm__("r2");                                                        \
        register uint32_t r3 __asm__("r3");                                                        \
        __asm__ volatile(".arch_extension " ext "\n"                                               \
                         "1:\tmov r0, %[f]\n\t" insn " #0\n\tsubs %[n], %[n], #1\n\tbne 1b"        \
                         : [n] "+r"(n), "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3)                 \
                         : [f] "r"((uint32_t)(fn))                                                 \
                         : "cc", "memory");                                                        \
        last_r0 = r0;                                                                              \
        (void)r1;                                                                                  \
        (void)r2;                                                                                  \
        (void)r3;                                                                                  \
    } while (0)

static void loop_hvc_ping(uint32_t n)
{
    CALL_LOOP("virt", "hvc", AV_HVC_PING);
}

static void loop_smc_psci_version(uint32_t n)
{
    CALL_LOOP("sec", "smc", PSCI_VERSION);
}

/* LDR (immediate, offset): HSR.ISV = 1. */
static void loop_mmio_read(uint32_t n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[b], #0x18]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [b] "r"(PL011_BASE)
                     : "cc", "memory");
    last_val = v;
}

/* STR (immediate, offset) of 0 to ILPR: ISV = 1. */
static void loop_mmio_write(uint32_t n)
{
    __asm__ volatile("1:\tstr %[z], [%[b], #0x20]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n)
                     : [b] "r"(PL011_BASE), [z] "r"(0u)
                     : "cc", "memory");
}

/* LDR (immediate, post-indexed) of FR with a 0 offset: one access, but a
 * writeback form, so ISV = 0 and armvisor fetches and decodes it. */
static void loop_mmio_read_isv0(uint32_t n)
{
    uint32_t p = PL011_BASE + PL011_FR;
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[p]], #0\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v), [p] "+r"(p)
                     :
                     : "cc", "memory");
    last_val = v;
}

/* LDRD of IBRD/FBRD: ISV = 0, two device reads in one exit. LDRD wants an
 * even/odd register pair: r4/r5. */
static void loop_mmio_ldrd_isv0(uint32_t n)
{
    register uint32_t a __asm__("r4");
    register uint32_t b __asm__("r5");
    __asm__ volatile("1:\tldrd %[a], %[b], [%[p]]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [a] "=&r"(a), [b] "=&r"(b)
                     : [p] "r"(PL011_BASE + PL011_IBRD)
                     : "cc", "memory");
    last_val = a;
    last_val2 = b;
}

/* WFI traps (HCR.TWI); nothing can wake the vCPU, so armvisor resumes it
 * at once. */
static void loop_wfi(uint32_t n)
{
    __asm__ volatile("1:\twfi\n\tsubs %[n], %[n], #1\n\tbne 1b" : [n] "+r"(n) : : "cc", "memory");
}

#ifndef BENCH_NO_REFUSED
/* A load from an IPA nothing backs: refused, a synchronous external abort
 * injected, bench_vectors' handler skips the load. */
static void loop_refused(uint32_t n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[h]]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [h] "r"(HOLE)
                     : "cc", "memory");
    (void)v;
}

static uint32_t read_vbar(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c12, c0, 0" : "=r"(v));
    return v;
}

static void write_vbar(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(v) : "memory");
}
#endif

/* LDR of GICD_IIDR: a distributor register armvisor answers (ISV = 1). */
static void loop_gicd_iidr(uint32_t n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[g], #8]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [g] "r"(BG_GICD)
                     : "cc", "memory");
    last_val = v;
}

/* The interrupt handler (start.S's IRQ vector): acknowledge, note, EOI;
 * both through the hardware's GICV, no exit. */
static volatile uint32_t irqs, irq_last;
static volatile uint64_t irq_cnt;

void guest_irq(void)
{
    uint32_t iar = bg_rd(BG_GICC + BG_GICC_IAR);
    if ((iar & 0x3ff) == BG_VTIMER_INTID) {
        irq_cnt = read_cntvct();
        /* CNTV_CTL = 0: the source off (B4.1.29). */
        __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" : : "r"(0u) : "memory");
    }
    irq_last = iar & 0x3ff;
    irqs++;
    if ((iar & 0x3ff) < 1020)
        bg_wr(BG_GICC + BG_GICC_EOIR, iar);
}

/* An SGI to itself through GICD_SGIR (an exit that makes it pending),
 * taken on the way back in, acknowledged and EOIed. */
static void loop_sgi_self(uint32_t n)
{
    __asm__ volatile("cpsie i" ::: "memory");
    for (; n; n--)
        bg_wr(BG_GICD + BG_GICD_SGIR, BG_SGIR_SELF | BG_SGI);
    __asm__ volatile("cpsid i" ::: "memory");
}

/* The virtual timer armed BG_TIMER_AHEAD ticks ahead while the guest spins
 * with interrupts on: ticks from its deadline to the handler, summed over
 * BENCH_ITERS rounds. */
static uint64_t timer_latency(void)
{
    uint64_t sum = 0;
    __asm__ volatile("cpsie i" ::: "memory");
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_ITERS; i++) {
        uint32_t before = irqs;
        uint64_t cval = read_cntvct() + BG_TIMER_AHEAD;
        /* CNTV_CVAL (MCRR p15, 3, c14; B4.1.30), then CNTV_CTL.ENABLE. */
        __asm__ volatile("mcrr p15, 3, %Q0, %R0, c14\n\tmcr p15, 0, %1, c14, c3, 1\n\tisb"
                         : : "r"(cval), "r"(1u) : "memory");
        while (irqs == before)
            ;
        if (i >= BENCH_WARMUP)
            sum += irq_cnt - cval;
    }
    __asm__ volatile("cpsid i" ::: "memory");
    return sum;
}

/* Any exception but the timed data aborts while bench_vectors is VBAR. */
void bench_bad_vector(void)
{
    check("bench: only data aborts while the refused-load loop runs", 0);
    guest_exit_ok();
}

int main(void)
{
    const char *arch = BENCH_ARCH;
    uint32_t frq = read_cntfrq();
    bench_header(arch, frq);

    uint64_t base = timed(loop_empty);
    bench_line(arch, "baseline", base, 0, frq, "(empty loop: subs + bne; not subtracted)");

    bench_line(arch, "hvc-ping", timed(loop_hvc_ping), base, frq, 0);
    if (last_r0 != AV_HVC_MAGIC)
        check("bench hvc-ping answered AV_HVC_MAGIC", 0);

    bench_line(arch, "smc-psci-version", timed(loop_smc_psci_version), base, frq, 0);
    if (!(last_r0 >= 0x10000 && last_r0 < 0x20000))
        check("bench smc-psci-version answered PSCI 1.x", 0);

    bench_line(arch, "mmio-read-isv1", timed(loop_mmio_read), base, frq, 0);
    if (last_val & FR_TXFF)
        check("bench mmio-read-isv1 read FR with TXFF clear", 0);

    bench_line(arch, "mmio-write-isv1", timed(loop_mmio_write), base, frq, 0);

    bench_line(arch, "mmio-read-isv0-post-index", timed(loop_mmio_read_isv0), base, frq, 0);
    if (last_val & FR_TXFF)
        check("bench mmio-read-isv0-post-index read FR with TXFF clear", 0);

    /* Known divisors first, so the LDRD's result shows it read both. */
    volatile uint32_t *uart = (volatile uint32_t *)PL011_BASE;
    uart[PL011_IBRD / 4] = 0x1b;
    uart[PL011_FBRD / 4] = 0x2a;
    bench_line(arch, "mmio-ldrd-isv0", timed(loop_mmio_ldrd_isv0), base, frq, 0);
    if (last_val != 0x1b || last_val2 != 0x2a)
        check("bench mmio-ldrd-isv0 read IBRD and FBRD", 0);

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
    uint32_t vbar = read_vbar();
    write_vbar((uint32_t)bench_vectors);
    uint64_t t = timed(loop_refused);
    write_vbar(vbar);
    bench_line(arch, "refused-load", t, base, frq, 0);
    if (bench_aborts != BENCH_WARMUP + BENCH_ITERS)
        check("bench refused-load took one abort per load", 0);
#endif
    return 0;
}
