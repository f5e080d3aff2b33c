/*
 * Exit-path benchmark, AArch32 guest (ARM state): the timed loops in A32,
 * around the logic both bench guests share (exits_bench.h, which says what
 * is measured and how). Runs on armv7 (Hyp mode) and on armv8 as an
 * AArch32 EL1 guest. Built with the test guests' runtime
 * (tests/system/guests/a32: start.S, guest.c, cpu_ops.h) by
 * bench/exits/CMakeLists.txt. BENCH_NO_REFUSED leaves out the
 * refused-access path (see there).
 */
#include "cpu_ops.h"
#include "guest.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv7"
#endif
#define BENCH_LOOP_NOTE "(empty loop: subs + bne; not subtracted)"
#define BENCH_PAIR      "mmio-ldrd-isv0"

#include "exits_bench.h"

void bench_bad_vector(void);

/* ---- The loops: n >= 1 iterations of <body>; subs; bne ------------------ */

static void loop_empty(unsigned long n)
{
    __asm__ volatile("1:\tsubs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

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
        last_ret = r0;                                                                             \
        (void)r1;                                                                                  \
        (void)r2;                                                                                  \
        (void)r3;                                                                                  \
    } while (0)

static void loop_hvc_ping(unsigned long n)
{
    CALL_LOOP("virt", "hvc", AV_HVC_PING);
}

static void loop_smc_psci_version(unsigned long n)
{
    CALL_LOOP("sec", "smc", PSCI_VERSION);
}

/* LDR (immediate, offset): HSR.ISV = 1. */
static void loop_mmio_read(unsigned long n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[b], #0x18]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [b] "r"(PL011_BASE)
                     : "cc", "memory");
    last_val = v;
}

/* STR (immediate, offset) of 0 to ILPR: ISV = 1. */
static void loop_mmio_write(unsigned long n)
{
    __asm__ volatile("1:\tstr %[z], [%[b], #0x20]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n)
                     : [b] "r"(PL011_BASE), [z] "r"(0u)
                     : "cc", "memory");
}

/* LDR (immediate, post-indexed) of FR with a 0 offset: one access, but a
 * writeback form, so ISV = 0 and armvisor fetches and decodes it. */
static void loop_mmio_read_isv0(unsigned long n)
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
static void loop_mmio_pair_isv0(unsigned long n)
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
static void loop_wfi(unsigned long n)
{
    __asm__ volatile("1:\twfi\n\tsubs %[n], %[n], #1\n\tbne 1b" : [n] "+r"(n) : : "cc", "memory");
}

#ifndef BENCH_NO_REFUSED
/* A load from an IPA nothing backs: refused, a synchronous external abort
 * injected, bench_vectors' handler skips the load. */
static void loop_refused(unsigned long n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[h]]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [h] "r"(HOLE)
                     : "cc", "memory");
    (void)v;
}

static unsigned long read_vbar(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c12, c0, 0" : "=r"(v));
    return v;
}

static void write_vbar(unsigned long v)
{
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(v) : "memory");
}
#endif

/* LDR of GICD_IIDR: a distributor register armvisor answers (ISV = 1). */
static void loop_gicd_iidr(unsigned long n)
{
    uint32_t v;
    __asm__ volatile("1:\tldr %[v], [%[g], #8]\n\tsubs %[n], %[n], #1\n\tbne 1b"
                     : [n] "+r"(n), [v] "=&r"(v)
                     : [g] "r"(BG_GICD)
                     : "cc", "memory");
    last_val = v;
}

/* Any exception but the timed data aborts while bench_vectors is VBAR. */
void bench_bad_vector(void)
{
    check("bench: only data aborts while the refused-load loop runs", 0);
    guest_exit_ok();
}
