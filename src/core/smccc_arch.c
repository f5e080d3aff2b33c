/*
 * The Arm architecture calls of SMCCC (Arm DEN0028, owner 0): what a guest
 * asks before trusting the calling convention, and the firmware mitigation
 * queries Linux makes at boot.
 *
 *  - SMCCC_VERSION: 1.1 (DEN0028 7.1), so SMCCC_ARCH_FEATURES may be used.
 *  - SMCCC_ARCH_FEATURES (7.2): SUCCESS for the two calls above; for the
 *    three ARCH_WORKAROUND calls NOT_REQUIRED (-2): the guest's CPUs need
 *    no firmware workaround from us, which is what KVM answers for CPUs
 *    that are not affected, and the guest then never makes the calls;
 *    NOT_SUPPORTED for anything else.
 */
#include "core/hvc.h"

bool smccc_arch_call(uint32_t fid, uint64_t a1, int64_t *ret)
{
    switch (fid) {
    case SMCCC_VERSION:
        *ret = SMCCC_VERSION_1_1;
        return true;
    case SMCCC_ARCH_FEATURES:
        switch ((uint32_t)a1) {
        case SMCCC_VERSION:
        case SMCCC_ARCH_FEATURES:
            *ret = SMCCC_SUCCESS;
            break;
        case SMCCC_ARCH_WORKAROUND_1:
        case SMCCC_ARCH_WORKAROUND_2:
        case SMCCC_ARCH_WORKAROUND_3:
            *ret = SMCCC_NOT_REQUIRED;
            break;
        default:
            *ret = SMCCC_NOT_SUPPORTED;
            break;
        }
        return true;
    }
    return false;
}
