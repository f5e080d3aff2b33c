/*
 * The little runtime of the AArch32 test guests: console output through the
 * PL011 armvisor emulates at 0x09000000 (plain word stores: the ISV=1 MMIO
 * path), SMCCC calls through HVC/SMC, and the exits.
 */
#ifndef GUEST_A32_GUEST_H
#define GUEST_A32_GUEST_H

#include <stdint.h>

#include "../guest_common.h"

struct smccc_res {
    uint32_t r0, r1, r2, r3;
};

void put_hex64(uint64_t v); /* "0x" and 16 digits */

/* SMC Calling Convention call with function fn and argument a1. */
struct smccc_res hvc_call(uint32_t fn, uint32_t a1);
struct smccc_res smc_call(uint32_t fn, uint32_t a1);

/* Exception hooks (start.S): return the address to resume at. The default
 * ones print and stop the guest; a test may record what it expects. */
extern volatile int pabt_return_to_caller;
extern volatile uint32_t last_dfsr, last_dfar, last_ifsr, last_ifar, undef_count, dabt_count;
/* Set by a guest that provokes thousands of exceptions (hostile.c): the
 * handlers count UNDEFs and data aborts without printing each.
 * dabt_not_ext counts data aborts that are not synchronous external aborts
 * (what armvisor injects): those came from the guest's own CPU. */
extern volatile uint32_t sync_quiet, dabt_not_ext;

#endif
