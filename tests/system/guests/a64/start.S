/*
 * start.S: entry and exception vectors of the AArch64 test guests.
 *
 * What: at 0x40000000 in EL1h with the MMU off (how armvisor starts a
 * vCPU), keep x0 (boot_x0), set the stack, clear .bss, install the vector
 * table in VBAR_EL1,
 * run main() and report through guest_exit_ok(). A synchronous exception
 * taken at EL1 (what armvisor injects: UNDEF, external data/prefetch
 * aborts) saves x0-x30, calls guest_sync(esr, elr, far) in C, which
 * returns the address to resume at, and ERETs there. Any other vector
 * stops the guest with a message.
 *
 * Why: the tests must see what the guest OS would see. Reading ESR_EL1,
 * ELR_EL1 and FAR_EL1 from a real vector proves armvisor's injection
 * follows the architecture (Arm ARM D1.10), and resuming proves the guest
 * keeps running after a refused access.
 */
    .section .text.start, "ax"
    .global _start
_start:
    mov     x19, x0                 /* boot argument: kept in boot_x0 */
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  ldr     x0, =boot_x0
    str     x19, [x0]
    ldr     x0, =guest_vectors
    msr     vbar_el1, x0
    isb
    bl      main
    bl      guest_exit_ok
3:  b       3b

/* Save x0-x30 and ELR/SPSR on the stack, call guest_sync, resume. */
sync_current:
    sub     sp, sp, #272
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x0, spsr_el1
    stp     x30, x0, [sp, #240]
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    mrs     x2, far_el1
    bl      guest_sync
    msr     elr_el1, x0
    ldp     x30, x0, [sp, #240]
    msr     spsr_el1, x0
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #272
    eret

/* IRQ: save the caller-saved registers and ELR/SPSR, call guest_irq() in
 * C (guest.c's default reports an unexpected vector), resume. */
irq_current:
    sub     sp, sp, #192
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x29, [sp, #144]
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x30, x0, [sp, #160]
    str     x1, [sp, #176]
    bl      guest_irq
    ldr     x1, [sp, #176]
    ldp     x30, x0, [sp, #160]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x29, [sp, #144]
    add     sp, sp, #192
    eret

.macro bad_slot n
    .balign 0x80
    mov     x0, #\n
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    b       guest_bad_vector
.endm

    .text
    .balign 0x800
    .global guest_vectors
guest_vectors:
    bad_slot 0          /* current EL, SP_EL0: we run on SP_EL1 */
    bad_slot 1
    bad_slot 2
    bad_slot 3
    .balign 0x80        /* current EL, SP_EL1, synchronous */
    b       sync_current
    .balign 0x80        /* current EL, SP_EL1, IRQ */
    b       irq_current
    bad_slot 6
    bad_slot 7
    bad_slot 8
    bad_slot 9
    bad_slot 10
    bad_slot 11
    bad_slot 12
    bad_slot 13
    bad_slot 14
    bad_slot 15
