/*
 * Pointer authentication keys per vCPU on ARMv8 (pauth.c). With FEAT_PAuth
 * the guest runs with HCR_EL2.API and APK set: its PAC/AUT instructions and
 * its key registers go to the CPU untrapped, and the five 128-bit keys
 * (APIAKey, APIBKey, APDAKey, APDBKey, APGAKey; Arm ARM D8.8) are switched
 * with the EL1 registers, lazily (vcpu.c: only when another vCPU is loaded),
 * so one VM's signed pointers do not authenticate in another and no key
 * leaks. Without FEAT_PAuth nothing is switched and the API/APK bits stay
 * clear (RES0).
 */
#ifndef ARCH_ARMV8_PAUTH_H
#define ARCH_ARMV8_PAUTH_H

#include <stdbool.h>
#include <stdint.h>

/* Each key as its Lo and Hi halves (APxxKeyLo_EL1, APxxKeyHi_EL1). */
struct armv8_pauth_keys {
    uint64_t apia[2], apib[2], apda[2], apdb[2], apga[2];
};

/* This CPU has FEAT_PAuth (address or generic authentication, any
 * algorithm). */
bool armv8_pauth_present(void);
void armv8_pauth_save(struct armv8_pauth_keys *k);
void armv8_pauth_restore(const struct armv8_pauth_keys *k);

#endif
