/*
 * The CPU ID registers a guest reads (HCR_EL2.TID3 traps them): the host's
 * values, sanitised per VM to what armvisor virtualises, so a feature whose
 * state armvisor does not switch is never advertised. See idregs.c.
 *
 * The ID space: op0 3, op1 0, CRn 0, CRm 1..7, op2 0..7 (Arm ARM D19
 * "ID registers"; the AArch32 ID registers' AArch64 views are CRm 1..3,
 * which is also how the AArch32 MRC p15, 0, c0, c1..c3 forms are kept).
 */
#ifndef CORE_IDREGS_H
#define CORE_IDREGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/exit.h"

struct vm;
struct vcpu;

#define IDREGS_CRM_FIRST       1u
#define IDREGS_CRM_LAST        7u
#define IDREGS_COUNT           ((IDREGS_CRM_LAST - IDREGS_CRM_FIRST + 1) * 8)
#define IDREGS_INDEX(crm, op2) (((crm)-IDREGS_CRM_FIRST) * 8u + (op2))

/* The value a guest reads from ID register (crm, op2) when the host's is
 * host: the host's with the fields armvisor does not virtualise changed to
 * "not implemented"; 0 for an encoding armvisor does not know (the
 * architecture reserves the unallocated ones RAZ) and outside the space. */
uint64_t idregs_sanitise(unsigned crm, unsigned op2, uint64_t host);

/* idregs_sanitise for a VM that gets the ARCH_FEAT_* in feats
 * (vm_cpu_features): their fields are shown as the host has them. */
uint64_t idregs_sanitise_for(unsigned crm, unsigned op2, uint64_t host, unsigned feats);

/* True when (crm, op2) names an ID register armvisor reads from the host
 * (every other encoding of the space reads as zero). */
bool idregs_known(unsigned crm, unsigned op2);

/* Fill vm->idregs from the host (arch_id_reg_read) through
 * idregs_sanitise. vm_create calls it. */
void idregs_init(struct vm *vm);

/* Emulate a trapped read of the ID space from vm->idregs and step past it:
 * an A64 MRS, an AArch32 MRC p15, 0, c0, c1..c7 (CRm 4..7 read as zero:
 * reserved in AArch32) or VMRS of MVFR0..2. False (nothing done) for
 * anything else, writes included (the ID registers are read-only: the
 * caller refuses with an UNDEF). */
bool idregs_access(struct vcpu *vcpu, const struct exit_info *info);

#endif
