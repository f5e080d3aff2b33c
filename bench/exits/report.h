/*
 * Reporting for the exit-path benchmark guests (guest_a64.c, guest_a32.c):
 * turns counter ticks measured in the guest into the printed line.
 *
 * Under QEMU's -icount shift=0 the virtual clock advances 2^0 = 1 ns per
 * executed instruction (every instruction the vCPU retires, at EL1 and at
 * EL2 alike), and the generic timer counts at CNTFRQ from that clock, so
 * one tick is 1e9 / CNTFRQ instructions (16 at QEMU 7.2's 62.5 MHz).
 */
#ifndef BENCH_EXITS_REPORT_H
#define BENCH_EXITS_REPORT_H

#include <stdint.h>

/* Iterations per timed loop, and untimed ones before it (they also get
 * past the hypervisor's logged-once / first-16-refusals console output). */
#ifndef BENCH_ITERS
#define BENCH_ITERS 1000u /* scripts/profile-exits builds with fewer */
#endif
#define BENCH_WARMUP 32u

/* "bench <arch>: CNTFRQ <hz> Hz, ..." header line. */
void bench_header(const char *arch, uint64_t cntfrq);

/* One line: "bench <arch> <path>: <t.ttt> ticks/iter (~<n> instructions)",
 * with base (the empty loop's ticks for as many iterations) subtracted
 * unless base is 0. ticks and base are totals over BENCH_ITERS. */
void bench_line(const char *arch, const char *path, uint64_t ticks, uint64_t base, uint64_t cntfrq,
                const char *note);

/* "bench <arch> <path>: skipped (<why>)". */
void bench_skip(const char *arch, const char *path, const char *why);

#endif
