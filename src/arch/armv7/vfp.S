/*
 * vfp.S: save and restore a guest's VFP/NEON state (d0-d31, FPSCR, FPEXC).
 *
 * Why in assembly: the hypervisor is built soft-float and never uses the
 * FP registers, so they hold the guest's values the whole time it runs; the
 * switch is eager (every exit/entry), simple and correct for any number of
 * vCPUs. Hyp mode may touch the registers when HCPTR does not trap cp10/11
 * and FPEXC.EN is set (ARMv7-A ARM B1.14.1); CPACR does not apply to Hyp.
 * The guest's own FPEXC (EN clear while it has VFP off) is kept and put back
 * last. Cortex-A15 has 32 D registers (VFPv4-D32 + NEON).
 */
#include "arch/armv7/cp15.h"

    .syntax unified
    .arm
    .fpu    neon-vfpv4
    .text

/* void armv7_vfp_save(struct armv7_vfp *vfp): d[32], fpscr, fpexc */
    .global armv7_vfp_save
armv7_vfp_save:
    vmrs    r2, fpexc
    orr     r1, r2, #FPEXC_EN
    vmsr    fpexc, r1
    isb
    vstmia  r0!, {d0-d15}
    vstmia  r0!, {d16-d31}
    vmrs    r1, fpscr
    stm     r0, {r1, r2}
    vmsr    fpexc, r2
    bx      lr

/* void armv7_vfp_restore(const struct armv7_vfp *vfp) */
    .global armv7_vfp_restore
armv7_vfp_restore:
    vmrs    r1, fpexc
    orr     r1, r1, #FPEXC_EN
    vmsr    fpexc, r1
    isb
    vldmia  r0!, {d0-d15}
    vldmia  r0!, {d16-d31}
    ldm     r0, {r1, r2}
    vmsr    fpscr, r1
    vmsr    fpexc, r2
    isb
    bx      lr
