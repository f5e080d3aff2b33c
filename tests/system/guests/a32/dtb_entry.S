/*
 * dtb_entry.S: linked in front of start.S for the guest a VM package boots
 * (Linux arm protocol: r0 = 0, r1 = ~0, r2 = DTB; raw: all zero). Two ways
 * in: the first byte, or _entry_past_head 16 bytes on (what --entry or an
 * ELF's e_entry name). Either keeps r0-r2 and the offset it was entered at
 * in boot_r012 for main(), then joins start.S (which clobbers r0).
 */
    .syntax unified
    .arm
    .section .text.start, "ax"
    .global _dtb_entry, _entry_past_head
_dtb_entry:
    mov     r4, #0
    b       1f
    .balign 16
_entry_past_head:
    mov     r4, #(_entry_past_head - _dtb_entry)
1:  ldr     r3, =boot_r012
    stm     r3, {r0-r2, r4}
    b       _start
    .ltorg

    .data
    .balign 4
    .global boot_r012
boot_r012:
    .word   0x5a5a5a5a, 0x5a5a5a5a, 0x5a5a5a5a   /* overwritten at entry */
    .word   0x5a5a5a5a                           /* entry offset */
