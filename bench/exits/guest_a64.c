/*
 * Exit-path benchmark, AArch64 guest: the timed loops in A64, around the
 * logic both bench guests share (exits_bench.h, which says what is
 * measured and how). Built with the test guests' runtime
 * (tests/system/guests/a64: start.S, guest.c, cpu_ops.h) and run by the
 * bench-exits target (bench/exits/CMakeLists.txt).
 */
#include "cpu_ops.h"
#include "guest.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv8"
#endif
#define BENCH_LOOP_NOTE "(empty loop: subs + b.ne; not subtracted)"
#define BENCH_PAIR      "mmio-ldp-isv0"

#include "exits_bench.h"

/* ---- The loops: n >= 1 iterations of <body>; subs; b.ne ---------------- */

static void loop_empty(unsigned long n)
{
    __asm__ volatile("1:\tsubs %0, %0, #1\n\tb.ne 1b" : "+r"(n) : : "cc");
}

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
        last_ret = x0;                                                                             \
        (void)x1;                                                                                  \
        (void)x2;                                                                                  \
        (void)x3;                                                                                  \
    } while (0)

static void loop_hvc_ping(unsigned long n)
{
    CALL_LOOP("hvc", AV_HVC_PING);
}

static void loop_smc_psci_version(unsigned long n)
{
    CALL_LOOP("smc", PSCI_VERSION);
}

/* LDR (immediate, unsigned offset): ESR_EL2.ISV = 1. */
static void loop_mmio_read(unsigned long n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[b], #0x18]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [b] "r"(PL011_BASE)
                     : "cc", "memory");
    last_val = v;
}

/* STR (immediate, unsigned offset) of 0 to ILPR: ISV = 1. */
static void loop_mmio_write(unsigned long n)
{
    __asm__ volatile("1:\tstr %w[z], [%[b], #0x20]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n)
                     : [b] "r"(PL011_BASE), [z] "r"(0u)
                     : "cc", "memory");
}

/* LDR (immediate, post-index) of FR with a 0 offset: one access, but a
 * writeback form, so ISV = 0 and armvisor fetches and decodes it. */
static void loop_mmio_read_isv0(unsigned long n)
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
static void loop_mmio_pair_isv0(unsigned long n)
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
static void loop_wfi(unsigned long n)
{
    __asm__ volatile("1:\twfi\n\tsubs %[n], %[n], #1\n\tb.ne 1b" : [n] "+r"(n) : : "cc", "memory");
}

/* A load from an IPA nothing backs: refused, a synchronous external abort
 * injected, bench_vectors' handler skips the load. */
static void loop_refused(unsigned long n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[h]]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [h] "r"(HOLE)
                     : "cc", "memory");
    (void)v;
}

/* LDR of GICD_IIDR: a distributor register armvisor answers (ISV = 1). */
static void loop_gicd_iidr(unsigned long n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %w[v], [%[g], #8]\n\tsubs %[n], %[n], #1\n\tb.ne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [g] "r"((uint64_t)BG_GICD)
                     : "cc", "memory");
    last_val = v;
}

static unsigned long read_vbar(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, vbar_el1" : "=r"(v));
    return v;
}

static void write_vbar(unsigned long v)
{
    __asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(v) : "memory");
}
