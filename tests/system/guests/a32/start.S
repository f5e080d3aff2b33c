/*
 * start.S: entry and exception vectors of the AArch32 test guests.
 *
 * armvisor starts a guest at IPA 0x40000000 in ARM state, SVC mode, with
 * interrupts masked and the MMU off (the state Linux's boot protocol asks
 * for). This sets up a stack for SVC, UND and ABT mode, points VBAR at the
 * vectors below, and calls main() (ARM or Thumb code: BL interworks). The
 * UND and ABT vectors call C handlers (guest_undef / guest_dabt /
 * guest_pabt) that print what the guest saw and return the address to
 * resume at, so a test goes on after an exception armvisor injected. The
 * IRQ vector calls guest_irq (guest.c's default reports an unexpected
 * vector; irq.c has its own).
 */
    .syntax unified
    .arm
    .section .text.start, "ax"
    .global _start
_start:
    ldr     r0, =vectors
    mcr     p15, 0, r0, c12, c0, 0  @ VBAR
    cps     #0x1b                   @ UND
    ldr     sp, =stack_und_top
    cps     #0x17                   @ ABT
    ldr     sp, =stack_abt_top
    cps     #0x12                   @ IRQ
    ldr     sp, =stack_irq_top
    cps     #0x13                   @ SVC
    ldr     sp, =stack_svc_top
    isb
    bl      main
    bl      guest_exit_ok
1:  b       1b

    .balign 32
    .global vectors                 @ secondary vCPUs install it too (smp.c)
vectors:
    b       bad_vector              @ reset
    b       undef_entry
    b       bad_vector              @ SVC
    b       pabt_entry
    b       dabt_entry
    b       bad_vector              @ not used
    b       irq_entry
    b       bad_vector              @ FIQ

/* UND: LR_und = the instruction + 4 (ARM) / + 2 (Thumb). */
undef_entry:
    push    {r0-r3, r12, lr}
    mrs     r0, spsr
    mov     r1, lr
    bl      guest_undef             @ returns where to resume
    str     r0, [sp, #20]
    pop     {r0-r3, r12, lr}
    movs    pc, lr

/* ABT (data): LR_abt = the instruction + 8. */
dabt_entry:
    push    {r0-r3, r12, lr}
    mrs     r0, spsr
    mov     r1, lr
    bl      guest_dabt
    str     r0, [sp, #20]
    pop     {r0-r3, r12, lr}
    movs    pc, lr

/* ABT (prefetch): LR_abt = the instruction + 4. */
pabt_entry:
    push    {r0-r3, r12, lr}
    mrs     r0, spsr
    mov     r1, lr
    bl      guest_pabt
    str     r0, [sp, #20]
    pop     {r0-r3, r12, lr}
    movs    pc, lr

/* IRQ: LR_irq = the next instruction + 4. */
irq_entry:
    push    {r0-r3, r12, lr}
    bl      guest_irq
    pop     {r0-r3, r12, lr}
    subs    pc, lr, #4

bad_vector:
    bl      guest_bad_vector
1:  b       1b

    .ltorg

    .bss
    .balign 8
    .space  8192
stack_svc_top:
    .space  2048
stack_und_top:
    .space  2048
stack_abt_top:
    .space  2048
stack_irq_top:
