/*
 * dtb_entry.S: linked in front of start.S for the guest a VM package boots
 * with the Linux arm protocol (r0 = 0, r1 = ~0, r2 = DTB): keep r0-r2 in
 * boot_r012 for main(), then join start.S (which clobbers r0).
 */
    .syntax unified
    .arm
    .section .text.start, "ax"
    .global _dtb_entry
_dtb_entry:
    ldr     r3, =boot_r012
    stm     r3, {r0-r2}
    b       _start
    .ltorg

    .data
    .balign 4
    .global boot_r012
boot_r012:
    .word   0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a   /* overwritten at entry */
