/*
 * regs_asm.S: hvc_gpr_check for regs.c. Loads r1-r12 with patterns, makes
 * an AV_HVC_PING call (which returns values in r0-r1 only: r1 = ~r1), and
 * returns in r0 a mask of the registers r1-r12 that did not come back as
 * expected. In assembly because C cannot pin all of r2-r12 across a call.
 */
    .syntax unified
    .arm
    .arch_extension virt
    .text
    .global hvc_gpr_check
hvc_gpr_check:
    push    {r4-r11, lr}
    ldr     r0, =0x86000000         @ AV_HVC_PING
    ldr     r1, =0x11111111
    ldr     r2, =0x22222222
    ldr     r3, =0x33333333
    ldr     r4, =0x44444444
    ldr     r5, =0x55555555
    ldr     r6, =0x66666666
    ldr     r7, =0x77777777
    ldr     r8, =0x88888888
    ldr     r9, =0x99999999
    ldr     r10, =0xaaaaaaaa
    ldr     r11, =0xbbbbbbbb
    ldr     r12, =0xcccccccc
    hvc     #0
    mov     r0, #0
    ldr     lr, =0xeeeeeeee         @ ~0x11111111
    cmp     r1, lr
    orrne   r0, r0, #(1 << 1)
    .irp    n, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
    ldr     lr, =(0x11111111 * \n)
    cmp     r\n, lr
    orrne   r0, r0, #(1 << \n)
    .endr
    pop     {r4-r11, pc}
    .ltorg
