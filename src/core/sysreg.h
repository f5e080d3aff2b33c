/*
 * Trapped system-register / coprocessor accesses (EXIT_SYSREG). The ID
 * registers (HCR_EL2.TID3) read the VM's sanitised copy (idregs.c). The EL1
 * physical timer (CNTP_*) is emulated (ptimer.c). The PMU
 * registers are emulated on the host's PMU (vpmu.c; read-as-zero /
 * write-ignored on a host without one). Every other trapped access is refused with an UNDEF,
 * counted as REFUSE_SYSREG and logged with its encoding, so the register a
 * guest needs is named in the log.
 */
#ifndef CORE_SYSREG_H
#define CORE_SYSREG_H

#include "core/exit.h"
#include "core/vm.h"

enum run_result sysreg_handle(struct vcpu *vcpu, const struct exit_info *info);

#endif
