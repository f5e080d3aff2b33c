/*
 * sve.S: the SVE register file of a vCPU to and from memory (sve.c says
 * when), at the vector length EL2 has now (ZCR_EL2.LEN, which sve.c sets to
 * the VM's before either call): Z0-Z31 at buf, then P0-P15, then FFR.
 *
 * Why in assembly: the hypervisor's C is built with -mgeneral-regs-only and
 * without SVE, so the compiler never touches these registers (they keep the
 * last guest's values until another guest needs them) and could not name
 * them. The caller has cleared CPTR_EL2.TZ and TFP, otherwise these
 * instructions trap to EL2.
 */
    .arch   armv8.2-a+sve
    .text

/* unsigned armv8_sve_rdvl(void): bytes in one Z register at EL2 now. */
    .global armv8_sve_rdvl
armv8_sve_rdvl:
    rdvl    x0, #1
    ret

/* x1 = buf + 32 * VL: where P0 goes (ADDVL takes at most 31 at a time). */
.macro p_base
    addvl   x1, x0, #16
    addvl   x1, x1, #16
.endm

/* void armv8_sve_save_regs(void *buf) */
    .global armv8_sve_save_regs
armv8_sve_save_regs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str     z\n, [x0, #\n, mul vl]
    .endr
    p_base
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    str     p\n, [x1, #\n, mul vl]
    .endr
    rdffr   p0.b                    /* P0 is saved: use it to carry FFR */
    str     p0, [x1, #16, mul vl]
    ldr     p0, [x1, #0, mul vl]
    ret

/* void armv8_sve_restore_regs(const void *buf) */
    .global armv8_sve_restore_regs
armv8_sve_restore_regs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ldr     z\n, [x0, #\n, mul vl]
    .endr
    p_base
    ldr     p0, [x1, #16, mul vl]
    wrffr   p0.b
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    ldr     p\n, [x1, #\n, mul vl]
    .endr
    ret
