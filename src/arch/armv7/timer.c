/*
 * Counter and the guest's virtual timer of the ARMv7 port (Generic Timer:
 * ARMv7-A ARM chapter B8). CPU idle and the vGIC list registers are in the
 * shared host GICv2 driver (arch/gicv2/gicv2.c).
 */
#include "core/cntv_ctl.h"
#include "arch/armv7/context.h"
#include "arch/armv7/cp15.h"
#include "core/vm.h"

uint64_t arch_counter_read(void)
{
    isb(); /* CNTPCT reads may be speculated: order after earlier code */
    return cp_read64(CNTPCT);
}

uint64_t arch_counter_freq(void)
{
    return cp_read32(CNTFRQ);
}

/* Read on every exit that samples the timer: from the CPU while the vCPU's
 * state is live there (no full save for it), else from the saved copy. */
void arch_vtimer_read(struct vcpu *vcpu, struct vtimer_state *t)
{
    const struct armv7_cp15 *c = &vcpu->arch->cp15;
    t->live = armv7_ctx_live(vcpu->arch);
    t->ctl = t->live ? cp_read32(CNTV_CTL) : c->cntv_ctl;
    t->cval = t->live ? cp_read64(CNTV_CVAL) : c->cntv_cval;
    t->voff = c->cntvoff;
}

void arch_vtimer_write(struct vcpu *vcpu, const struct vtimer_state *t)
{
    armv7_ctx_fetch(vcpu->arch, true);
    struct armv7_cp15 *c = &vcpu->arch->cp15;
    c->cntv_ctl = t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    c->cntv_cval = t->cval;
    c->cntvoff = t->voff;
}
