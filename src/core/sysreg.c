/* Trapped system-register accesses: the PMU registers are answered RAZ/WI
 * (a PMU with no counters, see vpmu.c); every other one is refused. */
#include "core/sysreg.h"

#include "core/vpmu.h"
#include "lib/log.h"

enum run_result sysreg_handle(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    if (vpmu_access(vcpu, info))
        return RUN_CONTINUE;
    /* Name the register in the A64 (op0, op1, CRn, CRm, op2) or AArch32
     * (coproc, opc1, CRn, CRm, opc2) form before the generic refusal line;
     * the refusal count doubles as this log's rate limit. */
    if (vcpu->stats.refused[REFUSE_SYSREG] < 16) {
        const char *name = vcpu->vm && vcpu->vm->name ? vcpu->vm->name : "?";
        if (s->aarch32)
            log_warn("vm %s: vcpu %u: %s p%u, %u, r%u, c%u, c%u, %u (rt %u) not emulated\n", name,
                     vcpu->id, s->is64 ? (s->read ? "MRRC" : "MCRR") : (s->read ? "MRC" : "MCR"),
                     s->coproc, s->op1, s->rt, s->crn, s->crm, s->op2, s->rt);
        else
            log_warn("vm %s: vcpu %u: %s S%u_%u_C%u_C%u_%u (x%u) not emulated\n", name, vcpu->id,
                     s->read ? "MRS" : "MSR", s->op0, s->op1, s->crn, s->crm, s->op2, s->rt);
    }
    vcpu_refuse(vcpu, REFUSE_SYSREG, info);
    return RUN_CONTINUE;
}
