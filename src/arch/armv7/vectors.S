/*
 * vectors.S: the Hyp vector table (HVBAR) and the guest entry/exit path.
 *
 * Hyp mode has one vector table (ARMv7-A ARM B1.8.1, "Hyp mode vector
 * table"): 0x04/0x08/0x0c/0x10 are Undefined/HVC/Prefetch Abort/Data Abort
 * taken *in* Hyp mode (a hypervisor bug: reported by armv7_hyp_fault, and the
 * CPU stops), 0x14 "Hyp Trap" is every synchronous exception routed from the
 * guest (HVC, trapped SMC/WFI/cp15, stage-2 aborts), 0x18/0x1c IRQ/FIQ routed
 * by HCR.IMO/FMO while the guest runs (the hypervisor itself runs with
 * interrupts masked).
 *
 * armv7_guest_enter(ctx) saves the hypervisor's callee-saved registers on
 * SP_hyp, records ctx in this CPU's record (HTPIDR points at it), loads the guest's banked registers with the
 * MSR (banked register) instructions (B9.3.10), ELR_hyp/SPSR_hyp, r0-r12
 * and ERETs. A trap lands in guest_exit, which stores r0-r12, SP/LR_usr,
 * the PC and CPSR back into ctx and returns from armv7_guest_enter with the
 * exit kind, as if it were an ordinary function call; the other modes'
 * banked registers stay in the CPU until armv7_save_banked (Hyp mode has
 * its own and never writes theirs), so an exit the core handles on the spot
 * neither saves nor reloads them (armv7_guest_resume). Hyp mode has no LR
 * of its own: LR in Hyp mode is LR_usr, so the guest's LR_usr is live there
 * and the hypervisor's LR lives on the stack across the guest run. SP_hyp is never touched by the
 * guest.
 */
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"

    .syntax unified
    .arch_extension virt
    .arm
    .text

    .balign 32
    .global hyp_vectors
hyp_vectors:
    b       hyp_bad_reset           @ 0x00: not used in Hyp mode
    b       hyp_bad_undef           @ 0x04: Undefined Instruction in Hyp
    b       hyp_bad_hvc             @ 0x08: HVC executed in Hyp
    b       hyp_bad_pabt            @ 0x0c: Prefetch Abort in Hyp
    b       hyp_bad_dabt            @ 0x10: Data Abort in Hyp
    b       guest_trap              @ 0x14: Hyp Trap from the guest
    b       guest_irq               @ 0x18: IRQ (HCR.IMO)
    b       guest_irq               @ 0x1c: FIQ (HCR.FMO)

/*
 * An exception in Hyp mode itself. The stack may be what broke, so switch to
 * a stack of its own; the faulting SP_hyp is parked in HTPIDR (in place of
 * the CPU's record pointer, which armv7_hyp_fault finds again by MPIDR).
 * One fault stack: the first CPU to fault reports and stops the machine;
 * one that faults meanwhile parks (fault.c).
 */
.macro hyp_fault_stub name, num
\name:
    mcr     p15, 4, sp, c13, c0, 2  @ HTPIDR = SP_hyp at the fault
    ldr     sp, =hyp_fault_stack_top
    push    {r0-r12, lr}
    mov     r0, #\num
    mov     r1, sp
    mrc     p15, 4, r2, c13, c0, 2
    bl      armv7_hyp_fault         @ does not return
1:  wfi
    b       1b
.endm

    hyp_fault_stub hyp_bad_reset, 0
    hyp_fault_stub hyp_bad_undef, 1
    hyp_fault_stub hyp_bad_hvc, 2
    hyp_fault_stub hyp_bad_pabt, 3
    hyp_fault_stub hyp_bad_dabt, 4

guest_trap:
    push    {r0, r1}
    mov     r1, #GUEST_EXIT_TRAP
    b       guest_exit
guest_irq:
    push    {r0, r1}
    mov     r1, #GUEST_EXIT_IRQ
guest_exit:
    mrc     p15, 4, r0, c13, c0, 2  @ HTPIDR: this CPU's struct armv7_cpu
    ldr     r0, [r0, #CPU_GUEST]    @ the running vCPU's context
    add     r0, r0, #(CTX_R0 + 8)
    stm     r0, {r2-r12}            @ guest r2-r12
    sub     r0, r0, #(CTX_R0 + 8)
    mov     r12, r1                 @ exit kind
    pop     {r1, r2}                @ guest r0, r1
    stm     r0, {r1, r2}
    str     lr, [r0, #CTX_LR_USR]
    mrs     r1, SP_usr
    str     r1, [r0, #CTX_SP_USR]
    mrs     r1, ELR_hyp
    str     r1, [r0, #CTX_PC]
    mrs     r1, spsr                @ SPSR_hyp
    str     r1, [r0, #CTX_CPSR]

    mov     r0, r12
    pop     {r4-r12, lr}            @ the hypervisor's registers, from guest_enter
    bx      lr

/* void armv7_save_banked(struct armv7_gprs *ctx): the guest's banked
 * registers (SVC, ABT, UND, IRQ, FIQ), still in the CPU after its exit
 * (Hyp mode never writes them), into ctx: arch_vcpu_run calls it before
 * anything reads them there or another guest runs. */
    .global armv7_save_banked
armv7_save_banked:
    push    {r4-r9}
    mrs     r1, SP_svc
    mrs     r2, LR_svc
    mrs     r3, SPSR_svc
    add     r4, r0, #CTX_SVC
    stm     r4, {r1-r3}
    mrs     r1, SP_abt
    mrs     r2, LR_abt
    mrs     r3, SPSR_abt
    add     r4, r0, #CTX_ABT
    stm     r4, {r1-r3}
    mrs     r1, SP_und
    mrs     r2, LR_und
    mrs     r3, SPSR_und
    add     r4, r0, #CTX_UND
    stm     r4, {r1-r3}
    mrs     r1, SP_irq
    mrs     r2, LR_irq
    mrs     r3, SPSR_irq
    add     r4, r0, #CTX_IRQ
    stm     r4, {r1-r3}
    mrs     r1, r8_fiq
    mrs     r2, r9_fiq
    mrs     r3, r10_fiq
    mrs     r4, r11_fiq
    mrs     r5, r12_fiq
    mrs     r6, SP_fiq
    mrs     r7, LR_fiq
    mrs     r8, SPSR_fiq
    add     r9, r0, #CTX_FIQ
    stm     r9, {r1-r8}
    pop     {r4-r9}
    bx      lr

/* int armv7_guest_resume(struct armv7_gprs *ctx): armv7_guest_enter for the
 * vCPU that just exited on this CPU, when nothing changed its banked
 * registers since: they are still the guest's in the CPU (Hyp mode has
 * banked registers of its own and never writes the other modes'), so only
 * what the exit path may have changed is loaded. */
    .global armv7_guest_resume
armv7_guest_resume:
    push    {r4-r12, lr}
    mrc     p15, 4, r1, c13, c0, 2  @ HTPIDR: this CPU's struct armv7_cpu
    str     r0, [r1, #CPU_GUEST]    @ ctx, for guest_exit
    b       guest_enter_common

/* int armv7_guest_enter(struct armv7_gprs *ctx) */
    .global armv7_guest_enter
armv7_guest_enter:
    push    {r4-r12, lr}
    mrc     p15, 4, r1, c13, c0, 2  @ HTPIDR: this CPU's struct armv7_cpu
    str     r0, [r1, #CPU_GUEST]    @ ctx, for guest_exit

    add     r1, r0, #CTX_SVC
    ldm     r1, {r2-r4}
    msr     SP_svc, r2
    msr     LR_svc, r3
    msr     SPSR_svc, r4
    add     r1, r0, #CTX_ABT
    ldm     r1, {r2-r4}
    msr     SP_abt, r2
    msr     LR_abt, r3
    msr     SPSR_abt, r4
    add     r1, r0, #CTX_UND
    ldm     r1, {r2-r4}
    msr     SP_und, r2
    msr     LR_und, r3
    msr     SPSR_und, r4
    add     r1, r0, #CTX_IRQ
    ldm     r1, {r2-r4}
    msr     SP_irq, r2
    msr     LR_irq, r3
    msr     SPSR_irq, r4
    add     r1, r0, #CTX_FIQ
    ldm     r1, {r2-r9}
    msr     r8_fiq, r2
    msr     r9_fiq, r3
    msr     r10_fiq, r4
    msr     r11_fiq, r5
    msr     r12_fiq, r6
    msr     SP_fiq, r7
    msr     LR_fiq, r8
    msr     SPSR_fiq, r9

guest_enter_common:
    ldr     r1, [r0, #CTX_SP_USR]
    msr     SP_usr, r1
    ldr     r1, [r0, #CTX_PC]
    msr     ELR_hyp, r1
    ldr     r1, [r0, #CTX_CPSR]
    msr     spsr_cxsf, r1           @ SPSR_hyp: the mode ERET returns to
    ldr     lr, [r0, #CTX_LR_USR]   @ LR in Hyp mode is LR_usr
    ldm     r0, {r0-r12}
    eret

    .balign 4
    .ltorg

    .section .bss.stack, "aw", %nobits
    .balign 16
hyp_fault_stack:
    .space  2048
hyp_fault_stack_top:
