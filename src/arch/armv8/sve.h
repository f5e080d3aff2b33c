/*
 * SVE state per vCPU on ARMv8 (sve.c, sve.S): Z0-Z31, P0-P15, FFR and
 * ZCR_EL1, switched lazily with FP/SIMD in vcpu.c. The V registers are the
 * low 128 bits of the Z registers (Arm ARM B1.2.2), so FP/SIMD and SVE have
 * one lazy owner: a vCPU's registers are kept in FP/SIMD form (struct
 * armv8_fpsimd) until it first uses SVE (a CPTR_EL2.TZ trap), and in SVE
 * form from then on, at its VM's vector length (ZCR_EL2.LEN, from
 * vm->cpu.sve_vl_max).
 */
#ifndef ARCH_ARMV8_SVE_H
#define ARCH_ARMV8_SVE_H

#include <stdbool.h>
#include <stdint.h>

struct armv8_fpsimd;

struct armv8_sve {
    uint8_t *buf;     /* Z0-31, P0-15, FFR at vl bytes per Z; NULL: no SVE */
    uint64_t zcr_el2; /* ZCR_EL2 while the vCPU runs: its VM's limit */
    unsigned vl;      /* bytes per Z register at that limit (RDVL) */
    bool active;      /* the registers are kept in SVE form (buf) */
    uint64_t zcr_el1; /* the guest's ZCR_EL1 */
};

/* This CPU has SVE (ID_AA64PFR0_EL1.SVE). */
bool armv8_sve_present(void);
/* The longest vector this CPU gives EL2 (and so any guest), in bytes; 0
 * without SVE. */
unsigned armv8_sve_max_vl(void);

/* Set s up for a vCPU in context slot `slot` whose VM allows vl_max bytes
 * (0: no SVE, s->buf stays NULL). The register buffer is the slot's, taken
 * from the page pool the first time and kept for the slot's next users.
 * -1 when the pool has no pages for it. */
int armv8_sve_init(struct armv8_sve *s, unsigned slot, unsigned vl_max);

/* Switch s to SVE form from the FP/SIMD registers saved in fp: Z = V with
 * the bits above 128 zero (what an FP/SIMD write leaves, B1.2.2), P and
 * FFR zero. */
void armv8_sve_from_fpsimd(struct armv8_sve *s, const struct armv8_fpsimd *fp);

/* Save / load the CPU's SVE registers and ZCR_EL1 (FPSR/FPCR are the
 * caller's, with the FP/SIMD ones). CPTR_EL2.TZ and TFP must be clear; both
 * set ZCR_EL2 to s's first. */
void armv8_sve_save(struct armv8_sve *s);
void armv8_sve_restore(const struct armv8_sve *s);

#endif
