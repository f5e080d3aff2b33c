/*
 * vectors.S: the EL2 exception vector table (VBAR_EL2), guest entry and the
 * guest exit path.
 *
 * What: armv8_guest_enter(struct armv8_gregs *g) saves the hypervisor's
 * callee-saved registers on the EL2 stack, loads the guest's X0-X30, PC
 * (ELR_EL2) and PSTATE (SPSR_EL2) from g and ERETs. When the guest takes an
 * exception to EL2 (the "lower EL" vectors, AArch64 or AArch32), the exit
 * path stores X0-X30, ELR_EL2 and SPSR_EL2 back into g, pops the saved
 * registers and returns from armv8_guest_enter with GUEST_EXIT_SYNC/IRQ/
 * FIQ/SERROR. Everything else (EL1 system registers, timer, FP) is switched
 * in C, in vcpu.c: only what C cannot touch without clobbering lives here.
 *
 * Why it works: the guest cannot change SP_EL2, so the exit path finds the
 * EL2 stack exactly as armv8_guest_enter left it, and TPIDR_EL2 (which no
 * lower EL can access) points at this physical CPU's struct armv8_cpu,
 * whose first word carries the pointer to g across the guest's run.
 *
 * An exception taken at EL2 itself (the "current EL" vectors) is a
 * hypervisor bug: armv8_el2_fault (trap.c) prints ESR/ELR/FAR and stops. It
 * runs on its own stack, so a stack overflow is reported rather than
 * looping, and it saves X0-X30 so the report can show them.
 */
#include "arch/armv8/armv8.h"

#define EL2_FAULT_FRAME 256 /* struct armv8_el2_frame: x0-x30 and kind */
#define EL2_FAULT_STACK 8192

/* One vector slot is 0x80 bytes (32 instructions). */
.macro el2_fault_slot kind
    .balign 0x80
    msr     tpidr_el2, x0           /* scratch: no guest is running; the
                                       report puts the CPU's record back */
    mov     x0, #\kind
    msr     sp_el0, x0              /* second scratch: EL2 never uses SP_EL0 */
    b       el2_fault_common
.endm

.macro guest_exit_slot kind
    .balign 0x80
    stp     x0, x1, [sp, #-16]!
    mov     x0, #\kind
    b       guest_exit
.endm

    .text
    .balign 0x800
    .global armv8_el2_vectors
armv8_el2_vectors:
    /* Current EL with SP_EL0: we never run on SP_EL0 at EL2. */
    el2_fault_slot 0
    el2_fault_slot 1
    el2_fault_slot 2
    el2_fault_slot 3
    /* Current EL with SP_EL2: a fault in the hypervisor. */
    el2_fault_slot 4
    el2_fault_slot 5
    el2_fault_slot 6
    el2_fault_slot 7
    /* Lower EL, AArch64: the guest exits. */
    guest_exit_slot GUEST_EXIT_SYNC
    guest_exit_slot GUEST_EXIT_IRQ
    guest_exit_slot GUEST_EXIT_FIQ
    guest_exit_slot GUEST_EXIT_SERROR
    /* Lower EL, AArch32: the same, the register file is shared. */
    guest_exit_slot GUEST_EXIT_SYNC
    guest_exit_slot GUEST_EXIT_IRQ
    guest_exit_slot GUEST_EXIT_FIQ
    guest_exit_slot GUEST_EXIT_SERROR
    .balign 0x80

/* int armv8_guest_enter(struct armv8_gregs *g) */
    .global armv8_guest_enter
armv8_guest_enter:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mrs     x1, tpidr_el2           /* this CPU's struct armv8_cpu */
    str     x0, [x1, #CPU_GUEST]

    ldp     x1, x2, [x0, #GREGS_PC]
    msr     elr_el2, x1
    msr     spsr_el2, x2

    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #GREGS_X30]
    ldp     x0, x1, [x0, #0]
    eret
    /* Nothing after ERET executes, not even speculatively. */
    dsb     nsh
    isb

/* Entered from a lower-EL slot with the guest's x0/x1 pushed and the exit
 * kind in x0. */
guest_exit:
    mrs     x1, tpidr_el2
    ldr     x1, [x1, #CPU_GUEST]
    stp     x2, x3, [x1, #16]
    stp     x4, x5, [x1, #32]
    stp     x6, x7, [x1, #48]
    stp     x8, x9, [x1, #64]
    stp     x10, x11, [x1, #80]
    stp     x12, x13, [x1, #96]
    stp     x14, x15, [x1, #112]
    stp     x16, x17, [x1, #128]
    stp     x18, x19, [x1, #144]
    stp     x20, x21, [x1, #160]
    stp     x22, x23, [x1, #176]
    stp     x24, x25, [x1, #192]
    stp     x26, x27, [x1, #208]
    stp     x28, x29, [x1, #224]
    str     x30, [x1, #GREGS_X30]
    ldp     x2, x3, [sp], #16       /* the guest's x0, x1 */
    stp     x2, x3, [x1, #0]
    mrs     x2, elr_el2
    mrs     x3, spsr_el2
    stp     x2, x3, [x1, #GREGS_PC]

    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret                             /* x0 = GUEST_EXIT_* */

el2_fault_common:
    adrp    x0, el2_fault_stack
    add     x0, x0, :lo12:el2_fault_stack
    add     x0, x0, #EL2_FAULT_STACK
    mov     sp, x0
    sub     sp, sp, #EL2_FAULT_FRAME
    stp     x1, x2, [sp, #8]
    stp     x3, x4, [sp, #24]
    stp     x5, x6, [sp, #40]
    stp     x7, x8, [sp, #56]
    stp     x9, x10, [sp, #72]
    stp     x11, x12, [sp, #88]
    stp     x13, x14, [sp, #104]
    stp     x15, x16, [sp, #120]
    stp     x17, x18, [sp, #136]
    stp     x19, x20, [sp, #152]
    stp     x21, x22, [sp, #168]
    stp     x23, x24, [sp, #184]
    stp     x25, x26, [sp, #200]
    stp     x27, x28, [sp, #216]
    stp     x29, x30, [sp, #232]
    mrs     x0, tpidr_el2
    str     x0, [sp, #0]
    mrs     x0, sp_el0
    str     x0, [sp, #248]
    mov     x0, sp
    bl      armv8_el2_fault
1:  wfe
    b       1b

    .section .bss.stack, "aw", %nobits
    .balign 16
el2_fault_stack:
    .space  EL2_FAULT_STACK
