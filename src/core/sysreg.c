/* Trapped system-register accesses: the ID registers are answered from the
 * VM's sanitised copy (idregs.c), the EL1 physical timer's are emulated
 * (ptimer.c), the PMU registers are emulated on the host's PMU (vpmu.c; RAZ/WI
 * where the host has none to give), the AArch32 ACTLR and
 * DBGDIDR are RAZ/WI (a32_raz_wi); every other one is refused. */
#include "core/sysreg.h"

#include "core/idregs.h"
#include "core/ptimer.h"
#include "core/vpmu.h"
#include "lib/log.h"

/* AArch32 MRC/MCR p<coproc>, <op1>, r<rt>, c<crn>, c<crm>, <op2>? */
static bool a32_is(const struct exit_sysreg *s, unsigned coproc, unsigned op1, unsigned crn,
                   unsigned crm, unsigned op2)
{
    return s->aarch32 && !s->is64 && s->coproc == coproc && s->op1 == op1 && s->crn == crn &&
           s->crm == crm && s->op2 == op2 && s->rt != 15;
}

/* Two AArch32 registers a Linux kernel touches before it could survive an
 * UNDEF, answered instead of refused:
 *  - ACTLR (p15, 0, c1, c0, 1; trapped by HCR.TAC): the IMPLEMENTATION
 *    DEFINED controls of the physical CPU, which no guest may change.
 *    Linux's Cortex-A15/A7 setup (proc-v7.S) reads it and writes the SMP
 *    bit back: reads are zero, writes ignored (KVM ignores them too).
 *  - DBGDIDR (p14, 0, c0, c0, 0; trapped by HDCR.TDA): read as zero, its
 *    Version field 0 says "no debug architecture" (ARMv7-A ARM C11.11.15),
 *    so the guest uses no debug register (the others stay refused).
 *    Linux's hw_breakpoint init reads it in start_kernel. */
static bool a32_raz_wi(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    bool actlr = a32_is(s, 15, 0, 1, 0, 1);
    bool dbgdidr = a32_is(s, 14, 0, 0, 0, 0) && s->read;
    if (!actlr && !dbgdidr)
        return false;
    if (s->read)
        arch_vcpu_reg_write(vcpu, s->rt, 0);
    arch_vcpu_skip_insn(vcpu, info->il);
    return true;
}

enum run_result sysreg_handle(struct vcpu *vcpu, const struct exit_info *info)
{
    const struct exit_sysreg *s = &info->u.sysreg;
    if (idregs_access(vcpu, info) || ptimer_access(vcpu, info) || vpmu_access(vcpu, info) ||
        a32_raz_wi(vcpu, info))
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
