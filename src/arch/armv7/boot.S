/*
 * boot.S: the first instructions of the ARMv7 armvisor image.
 *
 * The image is a raw binary with a Linux zImage header, so that boot loaders
 * and QEMU's -kernel (which loads a non-ELF 32-bit image at RAM + 0x10000 and
 * starts it in Hyp mode when the CPU has the Virtualization Extensions) treat
 * it as a kernel: r0 = 0, r1 = machine type, r2 = physical address of the
 * DTB (Linux Documentation/arch/arm/booting.rst), MMU and D-cache off.
 *
 * What it does, in order, and why:
 *  1. Refuse any mode but Hyp: the whole VMM runs in Hyp mode (PL2); started
 *     in SVC it could not trap a guest. The refusal is printed on the QEMU
 *     virt PL011 (0x09000000) with position-independent code, because the DTB
 *     is not parsed yet and we may be running from anywhere; then (from SVC)
 *     a PSCI SYSTEM_OFF through HVC is attempted, else the CPU spins in WFI.
 *  2. Refuse to run from an address other than the link address (the image
 *     is not position independent).
 *  3. Mask exceptions, point HVBAR at our vectors (so a fault from here on is
 *     reported, not a silent hang), set SP_hyp, zero .bss.
 *  4. Call armv7_main(dtb, r0, r1) in C, which turns on the Hyp MMU.
 */
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"

#define UART_BASE   0x09000000 /* QEMU virt PL011, before the DTB is read */
#define UART_DR     0x00
#define UART_FR     0x18
#define UART_FR_TXFF (1 << 5)

    .syntax unified
    .arch_extension virt
    .arm

    .section .text.head, "ax"
    .global _start
_start:
    b       reset                   @ 0x00: zImage entry is the first word
    .org    0x24
    .word   0x016f2818              @ 0x24: zImage magic
    .word   _start                  @ 0x28: load/start address
    .word   __image_end             @ 0x2c: end of the image (incl. .bss)
    .word   0x04030201              @ 0x30: little-endian image

reset:
    mov     r4, r0                  @ keep the boot protocol registers
    mov     r5, r1
    mov     r6, r2

    mrs     r7, cpsr
    and     r7, r7, #CPSR_MODE_MASK
    cmp     r7, #CPSR_MODE_HYP
    bne     wrong_mode

    adr     r8, _start              @ where we run
    ldr     r9, =_start             @ where we are linked
    cmp     r8, r9
    bne     wrong_address

    cpsid   aif
    ldr     r0, =hyp_vectors
    mcr     p15, 4, r0, c12, c0, 0  @ HVBAR
    ldr     r0, =armv7_cpus         @ HTPIDR: CPU 0's record (index 0 in
    mcr     p15, 4, r0, c13, c0, 2  @ the zeroed .bss), for arch_cpu_id()
    isb
    ldr     sp, =(armv7_cpu_stacks + ARMV7_STACK_SIZE)

    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    mov     r0, r6                  @ armv7_main(dtb, r0, machine id)
    mov     r1, r4
    mov     r2, r5
    bl      armv7_main
    b       stop

/*
 * A secondary CPU, started by the boot CPU's PSCI CPU_ON (arch/boot/smp.c):
 * the firmware enters here in Hyp mode, MMU and caches off, r0 = the
 * context_id we passed, the CPU's index (Arm DEN0022D 6.4.3). HVBAR, its
 * record (HTPIDR) and its own stack, then C (smp.c), which turns the Hyp
 * MMU on with the boot CPU's tables. An index that is not ours parks it.
 */
    .global armv7_secondary_entry
armv7_secondary_entry:
    cpsid   aif
    cmp     r0, #ARMV7_CPUS
    bhs     stop
    ldr     r1, =hyp_vectors
    mcr     p15, 4, r1, c12, c0, 0  @ HVBAR
    ldr     r1, =armv7_cpus
    mov     r2, #CPU_SIZE
    mla     r1, r0, r2, r1
    mcr     p15, 4, r1, c13, c0, 2  @ HTPIDR
    isb
    ldr     r1, =armv7_cpu_stacks
    add     r2, r0, #1
    mov     r3, #ARMV7_STACK_SIZE
    mla     r1, r2, r3, r1
    mov     sp, r1
    bl      armv7_secondary_main
    b       stop

wrong_mode:
    adrl    r0, msg_mode
    bl      early_puts
    mov     r0, r7
    bl      early_puthex
    adrl    r0, msg_mode_end
    bl      early_puts
    /* Below Hyp, a hypervisor or the firmware may offer PSCI through HVC
     * (QEMU's virt board without virtualization does): ask for SYSTEM_OFF so
     * the machine stops instead of spinning. If HVC is not answered we take
     * an exception with no vectors installed, which also stops us. */
    cmp     r7, #CPSR_MODE_SVC
    bne     stop
    ldr     r0, =0x84000008         @ PSCI SYSTEM_OFF
    hvc     #0
    b       stop

wrong_address:
    adrl    r0, msg_addr
    bl      early_puts
    mov     r0, r8
    bl      early_puthex
    adrl    r0, msg_addr_end
    bl      early_puts

stop:
    wfi
    b       stop

/* early_puts(r0 = NUL-terminated string); clobbers r0-r3. */
early_puts:
    ldr     r1, =UART_BASE
1:  ldrb    r2, [r0], #1
    cmp     r2, #0
    bxeq    lr
2:  ldr     r3, [r1, #UART_FR]
    tst     r3, #UART_FR_TXFF
    bne     2b
    str     r2, [r1, #UART_DR]
    b       1b

/* early_puthex(r0 = value): "0x" and 8 hex digits; clobbers r0-r3, r12. */
early_puthex:
    ldr     r1, =UART_BASE
    mov     r12, #28
    mov     r2, #'0'
    str     r2, [r1, #UART_DR]
    mov     r2, #'x'
    str     r2, [r1, #UART_DR]
1:  lsr     r2, r0, r12
    and     r2, r2, #0xf
    cmp     r2, #10
    addlo   r2, r2, #'0'
    addhs   r2, r2, #('a' - 10)
2:  ldr     r3, [r1, #UART_FR]
    tst     r3, #UART_FR_TXFF
    bne     2b
    str     r2, [r1, #UART_DR]
    subs    r12, r12, #4
    bpl     1b
    bx      lr

msg_mode:
    .asciz  "armvisor: error: entered in CPU mode "
msg_mode_end:
    .asciz  ", not Hyp (0x1a): the hypervisor needs the Virtualization Extensions and Hyp entry (QEMU: -M virt,virtualization=on); halted\r\n"
msg_addr:
    .asciz  "armvisor: error: image runs at "
msg_addr_end:
    .asciz  ", not at its link address; halted\r\n"
    .balign 4
    .ltorg

    /* One Hyp stack per CPU, CPU 0's first. */
    .section .bss.stack, "aw", %nobits
    .balign 16
    .global armv7_cpu_stacks
armv7_cpu_stacks:
    .space  ARMV7_STACK_SIZE * ARMV7_CPUS
