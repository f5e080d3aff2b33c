/*
 * abort_vectors_a32.S: the exception vectors the A32 exit-path benchmark
 * installs in VBAR while it times refused accesses.
 *
 * Why not the test guests' own vectors (tests/system/guests/a32/start.S):
 * their data-abort handler calls C and prints a line per abort, which would
 * be most of what gets timed. This one is a guest OS's fast path for "skip
 * the faulting load": in Abort mode, LR_abt is the instruction + 8 (ARMv7-A
 * ARM B1.8.3, ARM state), so SUBS PC, LR, #4 resumes after it and restores
 * CPSR from SPSR_abt; it also counts the abort in bench_aborts. 8
 * instructions. Every other vector is unexpected: bench_bad_vector reports
 * it and stops the guest.
 */
    .syntax unified
    .arm
    .text
    .balign 32
    .global bench_vectors
bench_vectors:
    b       bench_bad               @ reset
    b       bench_bad               @ undefined
    b       bench_bad               @ SVC
    b       bench_bad               @ prefetch abort
    b       bench_dabt              @ data abort
    b       bench_bad               @ not used
    b       bench_bad               @ IRQ
    b       bench_bad               @ FIQ

bench_dabt:
    push    {r0, r1}
    ldr     r0, =bench_aborts
    ldr     r1, [r0]
    add     r1, r1, #1
    str     r1, [r0]
    pop     {r0, r1}
    subs    pc, lr, #4

bench_bad:
    bl      bench_bad_vector
1:  b       1b

    .ltorg

    .data
    .balign 4
    .global bench_aborts
bench_aborts:
    .word   0
