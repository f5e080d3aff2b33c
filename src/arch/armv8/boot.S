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

    /* Boot stack (grows down from its top; CPU 0's slot of
     * armv8_cpu_stacks); 16-byte aligned. TPIDR_EL2: CPU 0's record
     * (arch_cpu_id() reads it from the first C call on; zeroing .bss below
     * leaves its index 0). Only at EL2: at EL1 the MSR would UNDEF, and
     * armv8_main refuses that EL before taking any lock. */
    adrp    x1, armv8_cpu_stacks
    add     x1, x1, :lo12:armv8_cpu_stacks
    add     x1, x1, #ARMV8_STACK_SIZE
    mov     sp, x1
    cmp     x20, #2
    b.ne    1f
    adrp    x1, armv8_cpus
    add     x1, x1, :lo12:armv8_cpus
    msr     tpidr_el2, x1
1:

    /* Zero .bss. Both ends are 16-byte aligned by the linker script. */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
3:  cmp     x1, x2
    b.hs    4f
    stp     xzr, xzr, [x1], #16
    b       3b
4:
    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    mov     x29, xzr                /* end of the frame-pointer chain */
    mov     x30, xzr
    bl      armv8_main
    /* armv8_main does not return; if it did, stop here. */
5:  wfe
    b       5b

/*
 * A secondary CPU, started by the boot CPU's PSCI CPU_ON (arch/boot/smp.c):
 * the firmware enters here at EL2 with the MMU and caches off and x0 = the
 * context_id we passed, the CPU's index (Arm DEN0022D 6.4.3). Its record
 * (TPIDR_EL2) and its own stack slot, then C (smp.c), which turns the MMU
 * on with the boot CPU's tables. The index is ours, below ARMV8_CPUS; a
 * larger one parks the CPU rather than run on someone else's stack.
 */
    .global armv8_secondary_entry
armv8_secondary_entry:
    msr     daifset, #0xf
    cmp     x0, #ARMV8_CPUS
    b.hs    7f
    adrp    x1, armv8_cpus
    add     x1, x1, :lo12:armv8_cpus
    mov     x2, #CPU_SIZE
    madd    x1, x0, x2, x1
    msr     tpidr_el2, x1
    adrp    x1, armv8_cpu_stacks
    add     x1, x1, :lo12:armv8_cpu_stacks
    add     x2, x0, #1
    mov     x3, #ARMV8_STACK_SIZE
    madd    x1, x2, x3, x1
    mov     sp, x1
    mov     x29, xzr
    mov     x30, xzr
    bl      armv8_secondary_main
7:  wfe
    b       7b

    /* One stack per CPU, CPU 0's first (ARMV8_CPUS). */
    .section .bss.stack, "aw", %nobits
    .balign 16
    .global armv8_cpu_stacks
armv8_cpu_stacks:
    .space  ARMV8_STACK_SIZE * ARMV8_CPUS
