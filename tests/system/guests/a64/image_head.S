/*
 * image_head.S: an arm64 Image header (Linux Documentation/arch/arm64/
 * booting.rst) in front of a test guest, so tools/loader recognises it as
 * a Linux kernel and packages it with the Linux arm64 boot protocol. Linked
 * first: the header is the first 64 bytes of the image (text_offset 0).
 * Built with -DRAW_IMAGE the magic is left out and the same bytes are a raw
 * image (or, linked as an ELF file, a bare-metal program).
 *
 * Two ways in: the first byte (code0 branches past the header) or
 * _entry_past_header, 64 bytes on (what --entry or an ELF's e_entry name).
 * Either keeps x1-x3 in boot_x123 and the offset it was entered at in
 * boot_entry_off (start.S keeps x0), so the guest can check the protocol's
 * registers and where it was entered, then joins start.S.
 */
    .section .text.start, "ax"
    .global _head
_head:
    b       2f                      /* code0: entered at the first byte */
    .long   0                       /* code1 */
    .quad   0                       /* text_offset */
    .quad   __stack_top - _head     /* image_size: text, data, bss, stack */
    .quad   0xa                     /* flags: little-endian, 4K pages, anywhere */
    .quad   0, 0, 0                 /* res2-res4 */
#ifdef RAW_IMAGE
    .long   0                       /* no magic: not an Image */
#else
    .ascii  "ARM\x64"               /* magic */
#endif
    .long   0                       /* res5: no PE header */
    .global _entry_past_header
_entry_past_header:
    mov     x10, #(_entry_past_header - _head)
    b       3f
2:  mov     x10, #0
3:  adrp    x9, boot_x123
    add     x9, x9, :lo12:boot_x123
    stp     x1, x2, [x9]
    stp     x3, x10, [x9, #16]
    b       _start

    .data
    .balign 8
    .global boot_x123, boot_entry_off
boot_x123:
    .quad   -1, -1, -1              /* not zero until entry stores them */
boot_entry_off:
    .quad   -1
