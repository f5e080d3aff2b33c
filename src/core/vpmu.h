/*
 * The PMU every VM sees: a Performance Monitors Extension with no event
 * counters (PMCR.N = 0) whose registers are read-as-zero / write-ignored.
 * See vpmu.c for why.
 */
#ifndef CORE_VPMU_H
#define CORE_VPMU_H

#include <stdbool.h>

#include "core/exit.h"
#include "core/vm.h"

/* True when the trapped access s names a PMU register (A64 MRS/MSR, AArch32
 * MRC/MCR p15 or MRRC/MCRR p15 PMCCNTR). */
bool vpmu_is_pmu_reg(const struct exit_sysreg *s);

/* Emulate a trapped PMU access as RAZ/WI and step past it. False (nothing
 * done) when s is not a PMU register, or is an AArch32 form this cannot
 * complete (Rt/Rt2 = 15: APSR_nzcv or UNPREDICTABLE); the caller refuses. */
bool vpmu_access(struct vcpu *vcpu, const struct exit_info *info);

#endif
