/*
 * image_head.S: an arm64 Image header (Linux Documentation/arch/arm64/
 * booting.rst) in front of a test guest, so tools/loader recognises it as
 * a Linux kernel and packages it with the Linux arm64 boot protocol. Linked
 * first: the header is the first 64 bytes at 0x40000000 (text_offset 0).
 * At entry it keeps x1-x3 in boot_x123 (start.S keeps x0) so the guest can
 * check the protocol's x1 = x2 = x3 = 0, then joins start.S.
 */
    .section .text.start, "ax"
_head:
    b       1f                      /* code0: past the header */
    .long   0                       /* code1 */
    .quad   0                       /* text_offset */
    .quad   __stack_top - _head     /* image_size: text, data, bss, stack */
    .quad   0xa                     /* flags: little-endian, 4K pages, anywhere */
    .quad   0, 0, 0                 /* res2-res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5: no PE header */
1:  adrp    x9, boot_x123
    add     x9, x9, :lo12:boot_x123
    stp     x1, x2, [x9]
    str     x3, [x9, #16]
    b       _start

    .data
    .balign 8
    .global boot_x123
boot_x123:
    .quad   -1, -1, -1              /* not zero until entry stores them */
