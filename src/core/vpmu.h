/*
 * The PMU every vCPU sees (vpmu.c): the host's Performance Monitors
 * Extension, trapped and emulated on the real counters, which count only
 * while the vCPU runs at EL1/EL0; its overflow interrupt is the vCPU's PPI
 * 23. A host with no PMU to give: a PMU with no counters whose registers
 * are read-as-zero / write-ignored.
 */
#ifndef CORE_VPMU_H
#define CORE_VPMU_H

#include <stdbool.h>

#include "core/exit.h"
#include "core/vm.h"

/* True when the trapped access s names a PMU register (A64 MRS/MSR, AArch32
 * MRC/MCR p15 or MRRC/MCRR p15 PMCCNTR). */
bool vpmu_is_pmu_reg(const struct exit_sysreg *s);

/* True when guests get the host's PMU (arch_pmu_counters() >= 0): only then
 * do the ID registers advertise one (core/idregs.c). */
bool vpmu_available(void);

/* Emulate a trapped PMU access and step past it. False (nothing done) when
 * s is not a PMU register, names a counter the guest does not have, is a
 * read of a write-only or a write of a read-only register, or is an
 * AArch32 form this cannot complete (Rt/Rt2 = 15): the caller refuses. */
bool vpmu_access(struct vcpu *vcpu, const struct exit_info *info);

/* Drive vcpu's virtual PPI 23 with its PMU's overflow level, and let the
 * host's PMU interrupt go (deactivate it) once that level is low. */
void vpmu_sync(struct vcpu *vcpu);

/* The host's PMU interrupt intid fired while vcpu's PMU state was in the
 * CPU (vcpu: the one that ran last; NULL: none): kept active while vcpu's
 * level is high, which vcpu's PPI 23 follows. */
void vpmu_host_irq(struct vcpu *vcpu, unsigned intid);

/* The guest DTB blob (size bytes) was copied to ipa in vm's RAM: without a
 * PMU to give, its /pmu node is overwritten there with FDT_NOP tokens, so
 * the guest finds no PMU. Nothing happens to a blob that is not a DTB or
 * has no /pmu. */
void vpmu_guest_dtb(struct vm *vm, const void *blob, uint64_t size, ipa_t ipa);

/* vcpu leaves the CPU (another vCPU is loaded, it is reset or powered
 * off): if it holds the host's PMU interrupt, deactivate it; its virtual
 * PPI 23 stays as its level says. */
void vpmu_release(struct vcpu *vcpu);

#endif
