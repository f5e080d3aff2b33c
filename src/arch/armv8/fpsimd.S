/*
 * fpsimd.S: save and restore a vCPU's FP/SIMD registers (V0-V31, FPSR,
 * FPCR) to / from struct armv8_fpsimd.
 *
 * Why in assembly: the hypervisor's C is built with -mgeneral-regs-only, so
 * the compiler never touches these registers (which is what lets vcpu.c
 * switch them lazily: they hold the last guest's values until another guest
 * needs them), and it could not name them either. The caller has cleared
 * CPTR_EL2.TFP, otherwise these instructions trap to EL2.
 */
    .arch   armv8-a+fp+simd
    .text

/* void armv8_fpsimd_save(struct armv8_fpsimd *fp) */
    .global armv8_fpsimd_save
armv8_fpsimd_save:
    stp     q0, q1, [x0, #0]
    stp     q2, q3, [x0, #32]
    stp     q4, q5, [x0, #64]
    stp     q6, q7, [x0, #96]
    stp     q8, q9, [x0, #128]
    stp     q10, q11, [x0, #160]
    stp     q12, q13, [x0, #192]
    stp     q14, q15, [x0, #224]
    stp     q16, q17, [x0, #256]
    stp     q18, q19, [x0, #288]
    stp     q20, q21, [x0, #320]
    stp     q22, q23, [x0, #352]
    stp     q24, q25, [x0, #384]
    stp     q26, q27, [x0, #416]
    stp     q28, q29, [x0, #448]
    stp     q30, q31, [x0, #480]
    mrs     x1, fpsr
    mrs     x2, fpcr
    add     x0, x0, #512            /* beyond stp's immediate range */
    stp     x1, x2, [x0]
    ret

/* void armv8_fpsimd_restore(const struct armv8_fpsimd *fp) */
    .global armv8_fpsimd_restore
armv8_fpsimd_restore:
    ldp     q0, q1, [x0, #0]
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    add     x0, x0, #512
    ldp     x1, x2, [x0]
    msr     fpsr, x1
    msr     fpcr, x2
    ret
