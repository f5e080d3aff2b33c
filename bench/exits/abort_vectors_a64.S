/*
 * abort_vectors_a64.S: the exception vectors the A64 exit-path benchmark
 * installs in VBAR_EL1 while it times refused accesses.
 *
 * Why not the test guests' own vectors (tests/system/guests/a64/start.S):
 * their handler saves all registers and prints a line per abort, which
 * would be most of what gets timed. This one is what a guest OS's fast path
 * for "skip the faulting load" would be: the data abort armvisor injected
 * (ESR_EL1.EC 0x25, Arm ARM D13.2.36) steps ELR_EL1 past the instruction
 * (A64: 4 bytes), counts it in bench_aborts, and ERETs; 14 instructions.
 * Anything else goes on to the same slot of guest_vectors, which reports
 * it and stops the guest.
 */
#define EC_DABT_CUR 0x25
#define ESR_EC_SHIFT 26

    .text
    .balign 0x800
    .global bench_vectors
bench_vectors:
    .irp n, 0, 1, 2, 3
    .balign 0x80
    b       guest_vectors + \n * 0x80
    .endr
    .balign 0x80                    /* current EL, SP_EL1, synchronous */
    stp     x0, x1, [sp, #-16]!
    mrs     x0, esr_el1
    lsr     x1, x0, #ESR_EC_SHIFT
    cmp     x1, #EC_DABT_CUR
    b.ne    1f
    mrs     x0, elr_el1
    add     x0, x0, #4
    msr     elr_el1, x0
    adr     x0, bench_aborts
    ldr     x1, [x0]
    add     x1, x1, #1
    str     x1, [x0]
    ldp     x0, x1, [sp], #16
    eret
1:  ldp     x0, x1, [sp], #16
    b       guest_vectors + 4 * 0x80
    .irp n, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 0x80
    b       guest_vectors + \n * 0x80
    .endr

    .data
    .balign 8
    .global bench_aborts
bench_aborts:
    .quad   0
