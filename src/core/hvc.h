/*
 * Calls a guest makes with HVC (and SMC, which we trap). SMC Calling
 * Convention (Arm DEN0028): function ID in x0/r0, arguments in x1-x3, results
 * in x0-x3. Unknown IDs return SMCCC_NOT_SUPPORTED (-1), never a fault.
 */
#ifndef CORE_HVC_H
#define CORE_HVC_H

#include "core/exit.h"
#include "core/vm.h"

#define SMCCC_NOT_SUPPORTED    (-1)
#define SMCCC_FAST_CALL        0x80000000u
#define SMCCC_64BIT            0x40000000u
#define SMCCC_OWNER_SHIFT      24
#define SMCCC_OWNER_MASK       0x3fu
#define SMCCC_OWNER_ARCH       0
#define SMCCC_OWNER_STD        4 /* standard secure services: PSCI */
#define SMCCC_OWNER_VENDOR_HYP 6 /* vendor-specific hypervisor calls: ours */

/* Arm architecture calls (owner 0, DEN0028 section 7). */
#define SMCCC_VERSION           0x80000000u
#define SMCCC_ARCH_FEATURES     0x80000001u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu
#define SMCCC_VERSION_1_1       0x10001
#define SMCCC_SUCCESS           0
#define SMCCC_NOT_REQUIRED      (-2)

/* Answer an Arm architecture call (owner 0): true when fid is one, with
 * *ret set. */
bool smccc_arch_call(uint32_t fid, uint64_t a1, int64_t *ret);

/* armvisor's own calls, for tests and simple guests (owner 6, fast, SMC32). */
#define AV_HVC_PING  0x86000000u /* x1 -> x0 = AV_HVC_MAGIC, x1 = ~x1 */
#define AV_HVC_PUTC  0x86000001u /* x1: byte to the hypervisor console */
#define AV_HVC_EXIT  0x86000002u /* x1: VM exit code; the VM stops */
#define AV_HVC_MAGIC 0x41564d31u /* "AVM1" */

/* Handle an HVC or SMC exit; returns what the run loop should do. */
enum run_result hvc_handle(struct vcpu *vcpu, const struct exit_info *info);

#endif
