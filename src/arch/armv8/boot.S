/*
 * boot.S: the first instructions of armvisor on ARMv8 (AArch64).
 *
 * What: the image starts with the 64-byte Linux arm64 Image header
 * (Documentation/arch/arm64/booting.rst), then the entry code: record the
 * exception level and the DTB pointer, set up the boot stack, clear .bss and
 * call armv8_main(dtb, current_el, load_offset) in C.
 *
 * Why the header: a boot loader (QEMU's -kernel included) treats an image
 * with the "ARM\x64" magic as a Linux Image: it loads it at a 2 MiB aligned
 * RAM base + text_offset and enters it at EL2 (when it has one) with x0 =
 * the physical address of the DTB, x1-x3 = 0, MMU and D-cache off. A plain
 * ELF would get no DTB. We link at RAM base + text_offset of QEMU virt and
 * pass the difference between where we run and where we are linked, so C
 * can refuse to go on (loudly) if a loader put us elsewhere.
 *
 * Why this part is in assembly: C needs a stack, and .bss must be zero
 * before C reads any static. Everything here is PC-relative (adr/adrp), so
 * it works at whatever address we were loaded, and touches no EL2 register:
 * a wrong-EL entry (EL1) must survive long enough to print why it stops.
 */
#include "arch/armv8/armv8.h"

    .section .text.head, "ax"
    .global _start
_start:
    /* code0/code1: branch over the header. */
    b       primary_entry
    .long   0
    .quad   ARMV8_TEXT_OFFSET       /* text_offset from a 2 MiB aligned base */
    .quad   __image_size            /* effective image size, .bss included */
    .quad   0x2                     /* flags: LE, 4 KiB pages, 2 MiB-aligned base */
    .quad   0                       /* res2 */
    .quad   0                       /* res3 */
    .quad   0                       /* res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 (PE header offset: none) */

    .text
primary_entry:
    msr     daifset, #0xf           /* no interrupt or SError until we ask */
    mov     x19, x0                 /* DTB physical address (boot protocol) */
    mrs     x20, CurrentEL
    lsr     x20, x20, #2
    and     x20, x20, #3

    /* Load offset: runtime address of _start minus its link address. */
    adr     x21, _start
    ldr     x1, =_start
    sub     x21, x21, x1

    /* Boot stack (grows down from its top); 16-byte aligned. */
    adrp    x1, armv8_boot_stack
    add     x1, x1, :lo12:armv8_boot_stack
    add     x1, x1, #ARMV8_STACK_SIZE
    mov     sp, x1

    /* Zero .bss. Both ends are 16-byte aligned by the linker script. */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x29, xzr                /* end of the frame-pointer chain */
    mov     x30, xzr
    bl      armv8_main
    /* armv8_main does not return; if it did, stop here. */
3:  wfe
    b       3b

    .section .bss.stack, "aw", %nobits
    .balign 16
    .global armv8_boot_stack
armv8_boot_stack:
    .space  ARMV8_STACK_SIZE
