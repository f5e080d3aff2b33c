/*
 * image_head.S: a zImage header (the layout of Linux's
 * arch/arm/boot/compressed/head.S) in front of a test guest, so armvisor
 * recognises the bare image as an AArch32 kernel and runs it
 * (core/guest_image.c) instead of refusing an unknown initrd. Linked
 * first: eight no-ops, a branch to start.S at 0x20, the magic at 0x24,
 * the image's start and end addresses at 0x28/0x2c (end - start is the
 * file's size: .text through .data), and the endianness word at 0x30.
 * The no-ops leave r0-r2 as armvisor set them.
 */
    .syntax unified
    .arm
    .section .text.start, "ax"
_head:
    .rept 8
    mov     r0, r0
    .endr
    b       _start
    .word   0x016f2818              @ zImage magic
    .word   0                       @ start
    .word   __image_end - _head     @ end
    .word   0x04030201              @ little-endian
