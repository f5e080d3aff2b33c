/*
 * PSCI, the Power State Coordination Interface (Arm DEN0022), as the VMM
 * offers it to guests over SMCCC: version 1.1, for VMs of 1-8 vCPUs.
 */
#ifndef CORE_PSCI_H
#define CORE_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vm.h"

/* Function IDs (DEN0022D chapter 5); the SMC64 forms add SMCCC_64BIT. */
#define PSCI_0_2_FN(n)         (0x84000000u + (n))
#define PSCI_0_2_FN64(n)       (0xc4000000u + (n))
#define PSCI_VERSION           PSCI_0_2_FN(0)
#define PSCI_CPU_SUSPEND       PSCI_0_2_FN(1)
#define PSCI_CPU_OFF           PSCI_0_2_FN(2)
#define PSCI_CPU_ON            PSCI_0_2_FN(3)
#define PSCI_AFFINITY_INFO     PSCI_0_2_FN(4)
#define PSCI_MIGRATE_INFO_TYPE PSCI_0_2_FN(6)
#define PSCI_SYSTEM_OFF        PSCI_0_2_FN(8)
#define PSCI_SYSTEM_RESET      PSCI_0_2_FN(9)
#define PSCI_FEATURES          PSCI_0_2_FN(10)
#define PSCI_CPU_SUSPEND64     PSCI_0_2_FN64(1)
#define PSCI_CPU_ON64          PSCI_0_2_FN64(3)
#define PSCI_AFFINITY_INFO64   PSCI_0_2_FN64(4)
#define PSCI_SYSTEM_RESET2     PSCI_0_2_FN(0x12)
#define PSCI_SYSTEM_RESET2_64  PSCI_0_2_FN64(0x12)

/* Return codes (DEN0022D 5.2.2). */
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)
#define PSCI_INTERNAL_FAILURE   (-6)
#define PSCI_INVALID_ADDRESS    (-9)

#define PSCI_VERSION_1_1 0x10001u

/* MIGRATE_INFO_TYPE: no Trusted OS that needs migrating. */
#define PSCI_TOS_NOT_PRESENT_MP 2

/* AFFINITY_INFO results. */
#define PSCI_AFF_ON         0
#define PSCI_AFF_OFF        1
#define PSCI_AFF_ON_PENDING 2

/* CPU_SUSPEND power_state, original format (DEN0022D 5.4.2.1): StateType. */
#define PSCI_POWER_STATE_POWERDOWN (1u << 16)

/* VM exit code after SYSTEM_RESET: the VM stops and, when vm_launch built
 * it (vm->can_reset), starts again from its image; otherwise it stays
 * stopped and the caller can tell a reset from a power-off (0). */
#define PSCI_EXIT_RESET 0x52 /* 'R' */

/* Stop every vCPU of vm and mark it state (VM_OFF or VM_CRASHED) with exit
 * code code: what SYSTEM_OFF, SYSTEM_RESET and AV_HVC_EXIT come down to. */
void vm_stop(struct vm *vm, enum vm_state state, int code);

/* True when fid is a PSCI function (owner: standard secure services). */
bool psci_is_call(uint32_t fid);

/* Handle PSCI call fid with arguments a1..a3. Sets *ret (x0) and returns
 * what the run loop should do (RUN_STOP for SYSTEM_OFF/RESET). */
enum run_result psci_call(struct vcpu *vcpu, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
                          int64_t *ret);

#endif
